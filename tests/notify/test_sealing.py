"""Gateway secrets at rest: sealed with Fernet in the database, opened to send through the
local HTTP gateway and SMTP server, a clear message when the key changed, legacy values in
clear read then sealed, ``flask notify rekey``, and a bad key refused at start."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from tests.conftest import make_app
from tests.notify.conftest import Mailbox, configure, outbox
from tests.notify.test_sender import _received, _run
from tthc.config import ConfigurationError
from tthc.extensions import db
from tthc.models import AccessLog
from tthc.models.notify import NotifyGateway
from tthc.notify import gateways, sealing

TOKEN = "sms-token-7f3a9c2e51"
PASSWORD = "smtp-pass-Qw8#rT5z"
UNREADABLE = "Không giải mã được"


def _raw_config(app, office_id: int, channel: str) -> dict:
    """The row's settings as the database holds them (no decoding by the app)."""
    with app.app_context():
        return db.session.scalar(select(NotifyGateway.config).filter_by(
            office_id=office_id, channel=channel))


def _opened(app, office_id: int, channel: str) -> gateways.Gateway:
    with app.app_context():
        return gateways.gateway(db.session, office_id, channel)


def _save_sms(admin, url: str, token: str = TOKEN, on: bool = True):
    return admin.post("/can-bo/thong-bao/cong-gui/sms",
                      {"bat": "1" if on else "", "url": url, "token": token, "sender": "UBND"})


def test_the_database_never_holds_a_secret_in_clear(app, admin, demo_office_id):
    assert _save_sms(admin, "https://sms.example.vn/send").status_code == 303
    assert admin.post("/can-bo/thong-bao/cong-gui/email", {
        "bat": "1", "host": "smtp.example.vn", "port": "587", "user": "motcua",
        "password": PASSWORD, "sender": "motcua@phuong.example.vn"}).status_code == 303
    with app.app_context():
        rows = db.session.execute(text("SELECT config FROM notify_gateway")).scalars().all()
        db.session.remove()
        db.engine.dispose()  # everything on disk: the file is read next
    dump = " ".join(str(r) for r in rows)
    assert len(rows) == 2 and dump.count("fernet:") == 2
    assert TOKEN not in dump and PASSWORD not in dump
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///"):  # on SQLite the whole file is at hand: read it too
        with open(uri.removeprefix("sqlite:///"), "rb") as f:
            content = f.read()
        assert b"fernet:" in content
        assert TOKEN.encode() not in content and PASSWORD.encode() not in content
    # …and the pages never show them back, not even in part.
    for path in ("/can-bo/thong-bao", "/can-bo/thong-bao/cong-gui/sms",
                 "/can-bo/thong-bao/cong-gui/email"):
        page = admin.get(path).get_data(as_text=True)
        assert TOKEN[-4:] not in page and PASSWORD[-4:] not in page and "fernet:" not in page
    assert "Đã lưu (không hiển thị lại)" in admin.get(
        "/can-bo/thong-bao/cong-gui/email").get_data(as_text=True)
    assert _opened(app, demo_office_id, "email").config["password"] == PASSWORD


def test_the_sealed_token_is_sent_to_the_http_gateway(app, admin, demo, dossier, http_gateway,
                                                      demo_office_id):
    assert _save_sms(admin, http_gateway.url + "/sms").status_code == 303
    assert _raw_config(app, demo_office_id, "sms")["token"].startswith("fernet:")
    _received(app, demo, dossier, "sms")
    assert _run(app).counts == {"sent": 1}
    assert http_gateway.requests[0]["headers"]["authorization"] == f"Bearer {TOKEN}"


@pytest.fixture
def smtp_login_server():
    """A local SMTP server that takes AUTH LOGIN/PLAIN without TLS and records the logins."""
    import socket

    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logins: list[tuple[str, str]] = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password.decode() == PASSWORD)

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port,
                            authenticator=authenticator, auth_require_tls=False,
                            auth_required=False)
    controller.start()
    yield port, mailbox, logins
    controller.stop()


def test_the_sealed_password_logs_in_to_the_smtp_server(app, demo, dossier, smtp_login_server,
                                                        demo_office_id):
    port, mailbox, logins = smtp_login_server
    configure(app, demo_office_id, "email", host="127.0.0.1", port=port, user="motcua",
              password=PASSWORD, sender="motcua@phuong.example.vn", starttls=False)
    assert PASSWORD not in str(_raw_config(app, demo_office_id, "email"))
    _received(app, demo, dossier, "email")
    assert _run(app).counts == {"sent": 1}
    assert logins == [("motcua", PASSWORD)]
    assert [recipients for recipients, _ in mailbox.messages] == [["hoa@example.vn"]]


def test_a_secret_sealed_under_another_key_says_so_and_is_typed_again(
        app, admin, demo, dossier, http_gateway, demo_office_id):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["TTHC_SECRETS_KEY"] = first
    assert _save_sms(admin, http_gateway.url).status_code == 303
    sealed_first = _raw_config(app, demo_office_id, "sms")["token"]
    app.config["TTHC_SECRETS_KEY"] = second  # another server's key, or a key changed

    assert not _opened(app, demo_office_id, "sms").ready
    index = admin.get("/can-bo/thong-bao")
    assert index.status_code == 200
    assert "Không giải mã được mã truy cập hoặc mật khẩu đã lưu: nhập lại" in index.get_data(as_text=True)
    page = admin.get("/can-bo/thong-bao/cong-gui/sms")
    assert page.status_code == 200 and UNREADABLE in page.get_data(as_text=True)

    _received(app, demo, dossier, "sms")
    assert _run(app).counts == {"skipped": 1}
    assert http_gateway.requests == [] and outbox(app)[0].reason == "secret_unreadable"

    # Switching on again without typing it: refused beside the field, nothing changed.
    refused = _save_sms(admin, http_gateway.url, token="")
    text_ = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Không giải mã được mã truy cập đã lưu" in text_ and "nhập lại mã truy cập" in text_
    assert _raw_config(app, demo_office_id, "sms")["token"] == sealed_first
    # Switched off, it is kept sealed as it was (the right key may come back).
    assert _save_sms(admin, http_gateway.url, token="", on=False).status_code == 303
    assert _raw_config(app, demo_office_id, "sms")["token"] == sealed_first
    # Typed again: sealed under the current key, and sent.
    assert _save_sms(admin, http_gateway.url, token="new-token-123").status_code == 303
    assert _opened(app, demo_office_id, "sms").config["token"] == "new-token-123"
    assert admin.post(f"/can-bo/thong-bao/tin/{outbox(app)[0].id}/gui-lai").status_code == 303
    assert _run(app).counts == {"sent": 1}
    assert http_gateway.requests[0]["headers"]["authorization"] == "Bearer new-token-123"


def test_a_legacy_value_in_clear_is_read_then_sealed_at_the_next_save(
        app, admin, demo, dossier, http_gateway, demo_office_id):
    with app.app_context():  # as stored before secrets were sealed
        db.session.add(NotifyGateway(office_id=demo_office_id, channel="sms", enabled=True,
                                     config={"url": http_gateway.url, "token": "legacy-tok",
                                             "sender": "UBND", "ascii": True}))
        db.session.commit()
    _received(app, demo, dossier, "sms")
    assert _run(app).counts == {"sent": 1}
    assert http_gateway.requests[0]["headers"]["authorization"] == "Bearer legacy-tok"
    page = admin.get("/can-bo/thong-bao/cong-gui/sms").get_data(as_text=True)
    assert "legacy-tok" not in page and "Đã lưu (không hiển thị lại)" in page

    assert admin.post("/can-bo/thong-bao/cong-gui/sms", {
        "bat": "1", "url": http_gateway.url, "token": "", "sender": "UBND",
        "ascii": "1"}).status_code == 303
    stored = _raw_config(app, demo_office_id, "sms")
    assert stored["token"].startswith("fernet:") and "legacy-tok" not in str(stored)
    assert _opened(app, demo_office_id, "sms").config["token"] == "legacy-tok"
    with app.app_context():  # sealing is not a change of the setting
        assert db.session.scalar(select(AccessLog).filter_by(action="notify_gateway")) is None


def test_rekey_seals_every_secret_with_the_new_key(app, admin, demo_office_id, other_office):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["TTHC_SECRETS_KEY"] = old
    assert _save_sms(admin, "https://sms.example.vn").status_code == 303
    configure(app, other_office["id"], "email", host="smtp.example.vn", port=587,
              user="u", password=PASSWORD, sender="a@example.vn")
    with app.app_context():  # and one row still in clear
        db.session.add(NotifyGateway(office_id=other_office["id"], channel="sms", enabled=True,
                                     config={"url": "https://sms.example.vn", "token": "clear"}))
        db.session.commit()
    app.config["TTHC_SECRETS_KEY"] = new
    assert _opened(app, demo_office_id, "sms").unreadable == {"token"}

    result = app.test_cli_runner().invoke(args=["notify", "rekey", "--old-key", old])
    assert result.exit_code == 0, result.output
    assert "3 gateway(s)" in result.output
    assert _opened(app, demo_office_id, "sms").config["token"] == TOKEN
    assert _opened(app, other_office["id"], "email").config["password"] == PASSWORD
    assert _opened(app, other_office["id"], "sms").config["token"] == "clear"
    sealed = _raw_config(app, demo_office_id, "sms")["token"]
    with pytest.raises(sealing.Unreadable):  # the old key no longer opens it
        sealing.unseal(sealed, [Fernet(old)])
    assert "clear" not in str(_raw_config(app, other_office["id"], "sms"))


def test_rekey_names_what_no_key_opens_and_leaves_it(app, admin, demo_office_id):
    app.config["TTHC_SECRETS_KEY"] = Fernet.generate_key().decode()
    assert _save_sms(admin, "https://sms.example.vn").status_code == 303
    before = _raw_config(app, demo_office_id, "sms")
    app.config["TTHC_SECRETS_KEY"] = Fernet.generate_key().decode()
    wrong = Fernet.generate_key().decode()
    result = app.test_cli_runner().invoke(args=["notify", "rekey", "--old-key", wrong])
    assert result.exit_code == 1
    assert f"{demo_office_id}/sms: token" in result.output
    assert _raw_config(app, demo_office_id, "sms") == before
    bad = app.test_cli_runner().invoke(args=["notify", "rekey", "--old-key", "not-a-key"])
    assert bad.exit_code == 2 and "not a Fernet key" in bad.output


def test_the_key_derived_from_secret_key_its_fallbacks_and_a_move_to_an_explicit_key(
        app, demo_office_id):
    configure(app, demo_office_id, "sms", url="https://sms.example.vn", token=TOKEN)
    assert app.config.get("TTHC_SECRETS_KEY") is None  # derived from SECRET_KEY "test"
    app.config["SECRET_KEY"] = "rotated"
    assert _opened(app, demo_office_id, "sms").unreadable == {"token"}
    app.config["SECRET_KEY_FALLBACKS"] = ["test"]  # the old key still opens while rotating
    assert _opened(app, demo_office_id, "sms").config["token"] == TOKEN

    app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"] = "test", []
    app.config["TTHC_SECRETS_KEY"] = Fernet.generate_key().decode()
    assert _opened(app, demo_office_id, "sms").unreadable == {"token"}
    result = app.test_cli_runner().invoke(args=["notify", "rekey"],
                                          env={"TTHC_OLD_SECRET_KEY": "test"})
    assert result.exit_code == 0, result.output
    assert _opened(app, demo_office_id, "sms").config["token"] == TOKEN


def test_a_secrets_key_that_is_not_a_fernet_key_stops_the_start(tmp_path):
    with pytest.raises(ConfigurationError, match="TTHC_SECRETS_KEY"):
        make_app(f"sqlite:///{tmp_path / 'x.sqlite'}", tmp_path, TTHC_SECRETS_KEY="secret")
    app = make_app(f"sqlite:///{tmp_path / 'y.sqlite'}", tmp_path,
                   TTHC_SECRETS_KEY=Fernet.generate_key().decode())
    assert app.config["TTHC_SECRETS_KEY"]


def _rekey_while_an_admin_saves(app, monkeypatch) -> None:
    """Rekey reads the rows; an admin saves a new token before rekey writes that row: the
    admin's save wins (compare-and-set on the row's last save), the other row is rekeyed."""
    from tests.auth import factories
    from tthc.notify import services

    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    app.config["TTHC_SECRETS_KEY"] = old
    with app.app_context():
        office_id = factories.demo_office().id
    configure(app, office_id, "sms", url="https://sms.example.vn", token=TOKEN)
    configure(app, office_id, "email", host="smtp.example.vn", port=587, user="u",
              password=PASSWORD, sender="a@example.vn")
    app.config["TTHC_SECRETS_KEY"] = new
    resealed = sealing.resealed

    def admin_saves_first(value, keys):
        if not calls:
            services.save_gateway(office_id, "email", True, {
                "host": "smtp.example.vn", "port": 587, "user": "u", "password": "typed-now",
                "sender": "a@example.vn", "starttls": False})
        calls.append(value)
        return resealed(value, keys)

    calls: list[str] = []
    monkeypatch.setattr(sealing, "resealed", admin_saves_first)
    with app.app_context():
        rewritten, unreadable = services.rekey([Fernet(old)])
    assert len(calls) == 2 and (rewritten, unreadable) == (1, [])
    assert _opened(app, office_id, "email").config["password"] == "typed-now"
    assert _opened(app, office_id, "sms").config["token"] == TOKEN


def test_rekey_leaves_a_row_an_admin_saved_meanwhile(app, monkeypatch):
    _rekey_while_an_admin_saves(app, monkeypatch)


@pytest.mark.postgres
def test_postgres_rekey_leaves_a_row_an_admin_saved_meanwhile(pg_app, monkeypatch):
    _rekey_while_an_admin_saves(pg_app, monkeypatch)
