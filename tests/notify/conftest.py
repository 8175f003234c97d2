"""Fixtures for notifications: a local HTTP gateway (SMS, Zalo) and a local SMTP server,
both started by the tests on 127.0.0.1 and a free port, and helpers to set an office up."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from tests.auth import factories
from tests.desk.conftest import (COPY, MONDAY, Officer, clock, dossier,  # noqa: F401
                                 leader, make_dossier, reception, specialist)
from tthc.extensions import db
from tthc.models import Dossier
from tthc.models.notify import NotifyMessage
from tthc.notify import consent as consent_module
from tthc.notify import services as notify_services


class Gateway:
    """A local HTTP gateway: records each POST; answers from a script of (status, body)."""

    def __init__(self):
        self.requests: list[dict] = []
        self.script: list[tuple[int, dict]] = []
        self.default: tuple[int, dict] = (200, {"error": 0, "message": "Success"})
        self.delay = 0.0
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with gateway.lock:
                    gateway.requests.append({"path": self.path,
                                             "headers": {k.lower(): v
                                                         for k, v in self.headers.items()},
                                             "json": body})
                    status, answer = gateway.script.pop(0) if gateway.script \
                        else gateway.default
                if gateway.delay:
                    time.sleep(gateway.delay)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def http_gateway():
    gateway = Gateway()
    yield gateway
    gateway.close()


class Mailbox:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        from email import message_from_bytes
        from email.policy import default

        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                    policy=default)))
        return "250 OK"


@pytest.fixture
def smtp_server():
    """A local SMTP server (aiosmtpd) on a free port: (host, port, mailbox)."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield "127.0.0.1", port, mailbox
    controller.stop()


def configure(app, office_id: int, channel: str, **config) -> None:
    """Turn a gateway on for the office with these settings."""
    with app.app_context():
        notify_services.save_gateway(office_id, channel, True, config)


def agree(app, dossier_id: int, *channels: str, email: str = "hoa@example.vn") -> None:
    """The citizen agrees to *channels* for a dossier (its phone and this email)."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        if email:
            dossier.answers = {**dossier.answers, "applicant_email": email}
        consent_module.apply(db.session, dossier, list(channels), set(channels), "draft")
        db.session.commit()


def outbox(app, **filters) -> list[NotifyMessage]:
    """The outbox rows (detached), in order."""
    with app.app_context():
        rows = list(db.session.scalars(select(NotifyMessage).filter_by(**filters)
                                       .order_by(NotifyMessage.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.fixture
def demo_office_id(app):
    with app.app_context():
        return factories.demo_office().id


@pytest.fixture
def admin(app, demo):
    return Officer(app, demo["staff"]["quantri"])
