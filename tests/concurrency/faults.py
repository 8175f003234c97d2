"""SIGKILL in the middle of the work: a harness shared by tests/concurrency/test_sigkill.py and
scripts/sigkill-faults.py.

gunicorn serves the app (2 sync workers, a loopback port) on a migrated, seeded database;
threads act as citizens (start a draft, save it again and again, send it), desk officers
(receive what was sent), a kiosk (take numbers) and counters (call the next number), over
real HTTP. Every few seconds a worker or the master is killed with SIGKILL and gunicorn is
started again. Each client writes down what it sent and which answers it got; ``check``
then reads the database and lists every broken promise:

- no dossier half-written: status, code, dates and history agree (a received dossier has
  its code, its one receive event, its due date; one not received has no code);
- no draft lost what the citizen last saw saved, and holds nothing never sent;
- no acknowledged submission, ticket or call lost; no ticket called for two counters.
"""

from __future__ import annotations

import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests
from sqlalchemy import select

ROOT = Path(__file__).resolve().parents[2]
COPY = "chung-thuc-ban-sao"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
KEY = re.compile(r'name="lan" value="([^"]+)"')
PASSWORD = "an-honest-pass-42"  # tests.auth.factories.PASSWORD: the extra counters' accounts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn in its own session (process group), started again after each kill."""

    def __init__(self, database_url: str, instance: Path, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.log = open(log, "ab")
        self.env = {
            **os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "faults",
            "TTHC_INSTANCE_PATH": str(instance), "PYTHONPATH": str(ROOT),
            "TTHC_QUEUE_OPENING_HOURS": "0", "TTHC_TICKETS_PER_PHONE_PER_DAY": "0",
            "TTHC_TICKET_RATE_LIMIT": "100000 per minute",
            "TTHC_DRAFT_RATE_LIMIT": "100000 per minute",
            "TTHC_LOGIN_RATE_LIMIT": "100000 per minute", "TTHC_PLAIN_HTTP": "1",
            "TTHC_DEMO": "1",  # the seed's demo accounts are in the database
        }
        self.groups: list[int] = []  # process group ids started, all killed at the end
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.process = subprocess.Popen(
            [str(gunicorn), "-w", "2", "-k", "sync", "--reuse-port", "--timeout", "20",
             "-b", f"127.0.0.1:{self.port}", "wsgi:app"],
            cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True)
        self.groups.append(self.process.pid)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(self.base + "/tra-cuu", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.log.flush()
        tail = self.log_path.read_text(errors="replace")[-2000:]
        raise RuntimeError(f"gunicorn did not answer within 30 s:\n{tail}")

    def workers(self) -> list[int]:
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def kill(self, what: str) -> str:
        """SIGKILL one worker, or the master (then start again); what was killed."""
        if what == "worker" and (workers := self.workers()):
            os.kill(random.choice(workers), signal.SIGKILL)  # the master forks another
            return "worker"
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait()
        # Its orphaned workers stop by themselves when they see their parent gone; the
        # new master shares the port (SO_REUSEPORT) meanwhile.
        self.start()
        return "master"

    def stop(self) -> None:
        for group in self.groups:
            try:
                os.killpg(group, signal.SIGKILL)
            except ProcessLookupError:
                pass
        if self.process is not None:
            self.process.wait()
        self.log.close()


class Client:
    """A browser: cookies, the CSRF token of its session, no redirects followed."""

    def __init__(self, base: str):
        self.base, self.http, self._csrf = base, requests.Session(), None

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, timeout=10, allow_redirects=False)

    def post(self, path: str, data=None, **kwargs) -> requests.Response:
        if self._csrf is None:
            self._csrf = CSRF.search(self.get("/tra-cuu").text)[1]
        return self.http.post(self.base + path, data={"csrf_token": self._csrf, **(data or {})},
                              timeout=10, allow_redirects=False, **kwargs)

    def sign_in(self, username: str, password: str) -> None:
        page = self.get("/can-bo/dang-nhap").text
        response = self.http.post(self.base + "/can-bo/dang-nhap", timeout=10,
                                  allow_redirects=False,
                                  data={"csrf_token": CSRF.search(page)[1],
                                        "username": username, "password": password})
        assert response.status_code == 303, response.status_code
        self._csrf = None  # a new session after sign-in


@dataclass
class Journal:
    """What the clients sent and what they were told, for the final check."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    sent: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    saved: dict[str, str] = field(default_factory=dict)  # token → last value acknowledged
    saved_at: dict[str, int] = field(default_factory=dict)  # … its index in sent[token]
    submitted: set[str] = field(default_factory=set)  # tokens whose send was acknowledged
    received: set[int] = field(default_factory=set)  # dossier ids acknowledged received
    tickets: set[str] = field(default_factory=set)  # ticket tokens acknowledged given
    calls: list[tuple[int, str]] = field(default_factory=list)  # (counter, label) shown
    failures: Counter = field(default_factory=Counter)  # refused or cut off, by kind
    kills: Counter = field(default_factory=Counter)


class Scenario:
    """The clients, the killer, and the final check, on one served database."""

    def __init__(self, app, server: Server):
        from tests.intake.conftest import complete_answers, papers_to_bring
        from tthc.catalogue import services as catalogue

        self.app, self.server, self.journal = app, server, Journal()
        self.stop = threading.Event()
        with app.app_context():
            spec = catalogue.spec_of(catalogue.get_in_force(COPY))
            self.answers = complete_answers(spec)
            self.papers = papers_to_bring(spec, self.answers)
            self.paper_keys = [p.key for p in spec.papers]
        self.counters = self._counters(app)

    @staticmethod
    def _counters(app) -> list[tuple[int, str]]:
        """Three reception accounts at counters 11–13 (the demo's own sit at 1)."""
        from tests.auth import factories
        from tthc.extensions import db
        from tthc.models import Staff

        with app.app_context():
            office = factories.demo_office()
            made = []
            for n in (11, 12, 13):
                username = f"faults-{n}"
                if db.session.scalar(select(Staff.id).filter_by(username=username)) is None:
                    factories.make_staff(office, username, counter=n)
                made.append((n, username))
            return made

    # --- the clients ---------------------------------------------------------------------

    def _guard(self, kind: str, work) -> None:
        while not self.stop.is_set():
            try:
                work()
            except (requests.RequestException, TypeError, AssertionError):
                # cut off by a kill (or a page without its token while restarting)
                with self.journal.lock:
                    self.journal.failures[kind] += 1
                time.sleep(0.05)

    def citizen(self) -> None:
        browser = Client(self.server.base)
        journal = self.journal

        def one_dossier():
            response = browser.post("/nop-truoc", {"thu_tuc": COPY})
            if response.status_code != 303:
                journal.failures["start"] += 1
                return
            token = response.headers["Location"].split("/")[2]
            for n in range(random.randint(2, 5)):
                value = f"Số {random.randint(1, 10**6)} phố Thụy Khuê, Hà Nội"
                with journal.lock:
                    journal.sent[token].append(value)
                    index = len(journal.sent[token]) - 1
                data = {**self.answers, "applicant_address": value, "_form": "dossier",
                        "papers_confirmed": self.papers}
                try:
                    saved = browser.post(f"/ho-so/{token}/luu", data)
                except requests.RequestException:
                    journal.failures["save"] += 1
                    continue
                if saved.status_code == 303:
                    with journal.lock:
                        journal.saved[token], journal.saved_at[token] = value, index
                else:
                    journal.failures[f"save {saved.status_code}"] += 1
            if token in journal.saved and random.random() < 0.8:
                sent = browser.post(f"/ho-so/{token}/nop")
                if sent.status_code == 303 and sent.headers["Location"].endswith("/da-nop"):
                    with journal.lock:
                        journal.submitted.add(token)

        self._guard("citizen", one_dossier)

    def desk(self, username: str, password: str = PASSWORD) -> None:
        from tthc.domain.status import Status
        from tthc.extensions import db
        from tthc.models import Dossier

        officer = Client(self.server.base)
        journal = self.journal
        checks = {"_form": "kiem-tra", "trang_thai": "1",  # the page showed it sent
                  **{f"kt-{key}": "original" for key in self.paper_keys}}

        def receive_one():
            if "session" not in officer.http.cookies:
                officer.sign_in(username, password)
            with self.app.app_context():
                waiting = list(db.session.scalars(select(Dossier.id).filter_by(
                    status=int(Status.NEW)).order_by(Dossier.id).limit(5)))
            if not waiting:
                time.sleep(0.1)
                return
            dossier_id = random.choice(waiting)
            response = officer.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", checks)
            if response.status_code == 303:
                with journal.lock:
                    journal.received.add(dossier_id)
            else:
                journal.failures[f"receive {response.status_code}"] += 1

        self._guard("desk", receive_one)

    def kiosk(self) -> None:
        journal = self.journal
        group = self._group_id()

        def take():
            phone = Client(self.server.base)
            key = KEY.search(phone.get("/lay-so").text)[1]
            response = phone.post("/lay-so", {"nhom": str(group), "lan": key})
            if response.status_code == 303:
                with journal.lock:
                    journal.tickets.add(response.headers["Location"].split("/")[2]
                                        .split("?")[0])
            time.sleep(0.05)

        self._guard("kiosk", take)

    def counter(self, number: int, username: str) -> None:
        officer = Client(self.server.base)
        journal = self.journal

        def call():
            if "session" not in officer.http.cookies:
                officer.sign_in(username, PASSWORD)
            response = officer.post("/can-bo/quay/goi-tiep")
            if label := response.headers.get("X-Queue-Called"):
                with journal.lock:
                    journal.calls.append((number, label))
            time.sleep(0.1)

        self._guard("counter", call)

    def _group_id(self) -> int:
        from tests.auth import factories

        with self.app.app_context():
            return factories.groups(factories.demo_office().id)[0].id

    # --- the run -----------------------------------------------------------------------

    def run(self, seconds: float, kill_every: float = 3.0) -> Journal:
        threads = [threading.Thread(target=self.citizen) for _ in range(3)]
        threads += [threading.Thread(target=self.desk, args=(self.counters[2][1],)),
                    threading.Thread(target=self.kiosk)]
        threads += [threading.Thread(target=self.counter, args=c) for c in self.counters[:2]]
        for t in threads:
            t.start()
        end, n = time.monotonic() + seconds, 0
        try:
            while time.monotonic() < end:
                time.sleep(kill_every * random.uniform(0.6, 1.4))
                n += 1
                self.journal.kills[self.server.kill("master" if n % 3 == 0 else "worker")] += 1
        finally:
            self.stop.set()
            for t in threads:
                t.join(timeout=30)
        return self.journal

    def check(self) -> list[str]:
        """Every broken promise found in the database, as sentences (empty: none)."""
        from tthc.domain.status import Status
        from tthc.extensions import db
        from tthc.intake.services import hash_secret
        from tthc.models import Dossier, DossierEvent, Ticket

        journal, problems = self.journal, []
        with self.app.app_context():
            events = defaultdict(list)
            for event in db.session.scalars(select(DossierEvent).order_by(DossierEvent.id)):
                events[event.dossier_id].append(event)
            by_hash = {}
            for dossier in db.session.scalars(select(Dossier)):
                by_hash[dossier.token_hash] = dossier
                history = events[dossier.id]
                status = Status(dossier.status)
                if history and history[-1].target != int(status):
                    problems.append(f"dossier {dossier.id}: status {status} but its last "
                                    f"event says {history[-1].target}")
                receptions = [e for e in history if e.action == "receive"]
                if status == Status.RECEIVED:
                    if not (dossier.code and dossier.due_at and dossier.received_at) \
                            or len(receptions) != 1:
                        problems.append(f"dossier {dossier.id}: received half-written "
                                        f"(code {dossier.code!r}, due {dossier.due_at}, "
                                        f"{len(receptions)} receive events)")
                elif dossier.code or receptions:
                    problems.append(f"dossier {dossier.id}: {status} with an official code "
                                    "or a receive event")
                if status == Status.NEW and dossier.submitted_at is None:
                    problems.append(f"dossier {dossier.id}: sent without its time")
            for token, values in journal.sent.items():
                dossier = by_hash.get(hash_secret(token))
                if dossier is None:
                    problems.append("a draft the citizen saw started is gone")
                    continue
                stored = (dossier.answers or {}).get("applicant_address")
                start = journal.saved_at.get(token)
                allowed = set(values[start:]) if start is not None else set(values) | {None}
                if stored not in allowed:
                    problems.append(f"dossier {dossier.id}: stored {stored!r}, not what was "
                                    f"last saved ({journal.saved.get(token)!r}) nor sent after")
            for token in journal.submitted:
                dossier = by_hash[hash_secret(token)]
                if dossier.status == int(Status.DRAFT):
                    problems.append(f"dossier {dossier.id}: its send was acknowledged, it is "
                                    "a draft again")
            for dossier_id in journal.received:
                if db.session.get(Dossier, dossier_id).status != int(Status.RECEIVED):
                    problems.append(f"dossier {dossier_id}: reception acknowledged, not stored")
            tickets = {t.token: t for t in db.session.scalars(select(Ticket))}
            lost = journal.tickets - tickets.keys()
            if lost:
                problems.append(f"{len(lost)} tickets given (303) are not stored")
            called = Counter(label for _, label in journal.calls)
            twice = [label for label, n in called.items() if n > 1]
            if twice:
                problems.append(f"tickets called for two counters or twice: {twice}")
            by_label = {t.label: t for t in tickets.values()}
            for counter, label in journal.calls:
                ticket = by_label.get(label)
                if ticket is None or ticket.status == "waiting" or ticket.counter != counter:
                    problems.append(f"ticket {label}: called at counter {counter}, stored "
                                    f"{getattr(ticket, 'status', None)} at "
                                    f"{getattr(ticket, 'counter', None)}")
            at_counter = Counter(t.counter for t in tickets.values() if t.status == "called")
            problems += [f"counter {c}: {n} tickets called at once"
                         for c, n in at_counter.items() if n > 1]
        return problems

    def summary(self) -> str:
        j = self.journal
        return (f"kills {dict(j.kills)}; drafts {len(j.sent)}, saves acknowledged "
                f"{len(j.saved)}, sent {len(j.submitted)}, received {len(j.received)}, "
                f"tickets {len(j.tickets)}, calls {len(j.calls)}; cut off or refused "
                f"{dict(j.failures)}")
