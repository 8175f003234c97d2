"""Scale: a year of a large city, then one office's monthly report and the public board timed.

Run from the repository root (it writes a throwaway database; nothing else is touched):

    .venv/bin/python bench/scale.py                       # 1,000,000 dossiers on SQLite
    .venv/bin/python bench/scale.py --dossiers 100000     # a smaller run
    DATABASE_URL=postgresql+psycopg://…/db .venv/bin/python bench/scale.py   # PostgreSQL
    .venv/bin/python bench/scale.py --reuse /tmp/tthc-scale.sqlite           # time again

It migrates an empty database, loads the seed catalogue and the demo office, adds offices up
to 126 (Hà Nội's commune and ward service points) with three officers each, and fills the
365 days before today: dossiers spread over the offices (Mondays busier, hours 07:30–16:45),
about three history rows per dossier, queue tickets for half the walk-ins, ratings for a
sixth of the returned results and a little feedback. Rows go in through the driver in bulk
(SQLite: executemany in one transaction with the journal off; PostgreSQL: COPY), with ids
assigned here so that history rows can point at their dossier without a round trip.

Then, for one office, it times (median and worst of --repeat runs after one warm-up, each a
full request through the Flask test client, queries and rendering included): the leader's
report for last month (/can-bo/bao-cao?thang=…) and the public board (/cong-khai and its
JSON). Budgets (issue 10): ≤ 2 s on SQLite, ≤ 1 s on PostgreSQL. A benchmark, not a test:
nothing is asserted; the numbers are printed and go into bench/README.md by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tthc import create_app  # noqa: E402
from tthc.domain.workdays import CountingRule, due_at, load_calendar_file  # noqa: E402
from tthc.timeutil import TZ  # noqa: E402

OFFICES = 126
EVENT_TABLE, DOSSIER_TABLE = "dossier_event", "dossier"
PAPERS = ("Bản chính Giấy khai sinh", "Bản sao Căn cước", "Tờ khai có chữ ký",
          "Giấy tờ chứng minh nơi cư trú", "Bản chính giấy tờ cần chứng thực")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--offices", type=int, default=OFFICES)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--db", default="", help="SQLite file to create (default: a temp file)")
    parser.add_argument("--reuse", default="", help="time an existing SQLite file, no filling")
    return parser.parse_args()


def make_app(uri: str):
    os.environ.setdefault("TTHC_INSTANCE_PATH", tempfile.mkdtemp(prefix="tthc-scale-"))
    return create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": uri,
                       "WTF_CSRF_ENABLED": False})


# --- writing rows in bulk ---------------------------------------------------------------------


class Sink:
    """Rows into tables through the driver: executemany (SQLite) or COPY (PostgreSQL)."""

    def __init__(self, engine):
        self.raw = engine.raw_connection()
        self.postgres = engine.dialect.name == "postgresql"
        if not self.postgres:
            cur = self.raw.cursor()
            cur.execute("PRAGMA journal_mode=OFF")
            cur.execute("PRAGMA synchronous=OFF")
            cur.execute("PRAGMA cache_size=-200000")
            cur.close()

    def value(self, v):
        if isinstance(v, dt.datetime):
            v = v.astimezone(dt.timezone.utc)
            return v if self.postgres else v.replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        if isinstance(v, dt.date) and not self.postgres:
            return v.isoformat()
        if isinstance(v, (dict, list)):
            return json.dumps(v)
        if isinstance(v, bool) and not self.postgres:
            return int(v)
        return v

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        cur = self.raw.cursor()
        if self.postgres:
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([self.value(v) for v in row])
        else:
            marks = ", ".join("?" * len(columns))
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                            [[self.value(v) for v in row] for row in rows])
        cur.close()

    def commit(self) -> None:
        self.raw.commit()


# --- the city ---------------------------------------------------------------------------------


def offices_and_staff(app, count: int) -> list[dict]:
    """The demo office and new ones up to *count*, each with groups A/B and three officers."""
    from sqlalchemy import select

    from tthc.auth.passwords import hash_password
    from tthc.extensions import db
    from tthc.models import Office, ServiceGroup, Staff

    password = hash_password("bench-only-not-a-password")
    with app.app_context():
        have = db.session.scalar(select(db.func.count(Office.id)))
        for n in range(have, count):
            office = Office(code=f"p{n:03d}", unit_code=f"000.00.{n:02d}.H26",
                            name=f"UBND phường số {n}", province="Hà Nội")
            db.session.add(office)
            db.session.flush()
            for pos, (prefix, name) in enumerate((("A", "Chứng thực"), ("B", "Hộ tịch")), 1):
                db.session.add(ServiceGroup(office_id=office.id, prefix=prefix, name_vi=name,
                                            name_en=name, fields=[], position=pos))
        db.session.commit()
        result = []
        for office in db.session.scalars(select(Office).order_by(Office.id)):
            staff = {}
            for role in ("reception", "specialist", "leader"):
                found = db.session.scalar(select(Staff).where(
                    Staff.office_id == office.id, Staff.username == f"{office.code}-{role}"))
                if found is None:
                    found = Staff(office_id=office.id, username=f"{office.code}-{role}",
                                  full_name=f"Cán bộ {role} {office.code}",
                                  password_hash=password, roles=[role], counter=1)
                    db.session.add(found)
                    db.session.flush()
                staff[role] = found.id
            groups = [g.id for g in db.session.scalars(
                select(ServiceGroup).where(ServiceGroup.office_id == office.id)
                .order_by(ServiceGroup.position))]
            result.append({"id": office.id, "code": office.code, "unit": office.unit_code or
                           "000.00.00.H26", "staff": staff, "groups": groups})
        db.session.commit()
        return result


def versions(app) -> list[tuple[int, int, bool]]:
    from sqlalchemy import select

    from tthc.extensions import db
    from tthc.models import ProcedureVersion as V

    with app.app_context():
        return list(db.session.execute(select(V.id, V.statutory_days, V.monday_same_day)))


def max_ids(app) -> dict[str, int]:
    from sqlalchemy import text

    from tthc.extensions import db

    with app.app_context():
        return {t: db.session.execute(text(f"SELECT COALESCE(MAX(id), 0) FROM {t}")).scalar()
                for t in ("dossier", "dossier_event", "ticket", "rating", "feedback")}


DOSSIER_COLUMNS = [
    "id", "office_id", "procedure_version_id", "status", "channel", "prefiling_code",
    "token_hash", "code", "answers", "papers_confirmed", "applicant_name", "applicant_search",
    "phone_last4", "assisted", "portal_code", "received_by_id", "handler_id", "paper_checks",
    "same_day", "slip_requested", "supplement_items", "supplement_count",
    "supplement_wait_seconds", "refusal_reason", "return_channel", "return_address",
    "returned_to", "rescheduled", "created_at", "updated_at", "submitted_at", "received_at",
    "due_at", "resolved_at", "returned_at"]
EVENT_COLUMNS = ["id", "dossier_id", "at", "actor", "staff_id", "action", "source", "target",
                 "note"]
TICKET_COLUMNS = ["id", "office_id", "group_id", "queue_group_id", "day", "number", "label",
                  "token", "priority", "priority_reason", "source", "status", "counter",
                  "staff_id", "dossier_id", "recalls", "no_shows", "created_at", "queued_at",
                  "called_at", "served_at", "done_at", "revision"]
RATING_COLUMNS = ["id", "office_id", "dossier_id", "ticket_id", "created_at", "updated_at",
                  "overall", "time_score", "contacts_score", "agencies_score",
                  "attitude_score", "comment"]
FEEDBACK_COLUMNS = ["id", "office_id", "dossier_id", "created_at", "text"]


class City:
    """Draws one year of dossiers and writes them in chunks."""

    def __init__(self, args, offices, versions_, sink: Sink, start_ids: dict[str, int]):
        self.rng = random.Random(args.seed)
        self.offices, self.sink = offices, sink
        self.cal = load_calendar_file()
        self.now = dt.datetime.now(TZ)
        first = self.now.date() - dt.timedelta(days=365)
        days = [first + dt.timedelta(days=i) for i in range(365)]
        self.days = [d for d in days if self.cal.is_working_day(d)]
        self.day_weights = list(itertools.accumulate(
            1.8 if d.weekday() == 0 else 1.0 for d in self.days))
        self.versions = versions_
        self.version_weights = list(itertools.accumulate(
            3.0 if (days == 0 or monday) else 1.0 for _, days, monday in versions_))
        self.ids = dict(start_ids)
        self.seq: dict[tuple, int] = {}
        self.counts = dict.fromkeys(("dossier", "event", "ticket", "rating", "feedback"), 0)

    def next_id(self, table: str) -> int:
        self.ids[table] += 1
        return self.ids[table]

    def _seq(self, key: tuple) -> int:
        self.seq[key] = self.seq.get(key, 0) + 1
        return self.seq[key]

    def fill(self, total: int, chunk: int = 20_000) -> None:
        done = 0
        while done < total:
            n = min(chunk, total - done)
            rows = {"dossier": [], "event": [], "ticket": [], "rating": [], "feedback": []}
            for _ in range(n):
                self.one(rows)
            self.sink.write(DOSSIER_TABLE, DOSSIER_COLUMNS, rows["dossier"])
            self.sink.write(EVENT_TABLE, EVENT_COLUMNS, rows["event"])
            self.sink.write("ticket", TICKET_COLUMNS, rows["ticket"])
            self.sink.write("rating", RATING_COLUMNS, rows["rating"])
            self.sink.write("feedback", FEEDBACK_COLUMNS, rows["feedback"])
            for key, value in rows.items():
                self.counts[key] += len(value)
            done += n
            print(f"  {done:>9,} dossiers, {self.counts['event']:>9,} history rows", flush=True)
        self.sink.commit()

    def one(self, rows: dict[str, list]) -> None:
        rng = self.rng
        office = self.offices[rng.randrange(len(self.offices))]
        version_id, days, monday_same_day = rng.choices(
            self.versions, cum_weights=self.version_weights)[0]
        day = rng.choices(self.days, cum_weights=self.day_weights)[0]
        minute = rng.randrange(7 * 60 + 30, 16 * 60 + 45)
        received = dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=TZ)
        if received > self.now:
            received = self.now - dt.timedelta(hours=1)
        same_day = days == 0 or (monday_same_day and day.weekday() == 0)
        due = due_at(received, 0 if same_day else days, self.cal, rule=CountingRule.DAYS)
        dossier_id = self.next_id("dossier")
        staff = office["staff"]
        events: list[tuple] = []

        def event(at, action, source, target):
            events.append((self.next_id("dossier_event"), dossier_id, at, "staff",
                           staff["reception"], action, source, target, ""))

        r = rng.random()
        channel = 1 if r < 0.55 else (2 if r < 0.9 else 3)
        assisted = channel == 2 and rng.random() < 0.3
        if channel == 2:
            event(received - dt.timedelta(hours=rng.randrange(1, 48)), "submit", 0, 1)
        event(received, "receive", 1, 2)
        supplements = 0
        wait = dt.timedelta(0)
        roll = rng.random()
        if roll < 0.08:
            supplements = 2 if roll < 0.01 else 1
            for _ in range(supplements):
                asked = received + dt.timedelta(hours=2)
                back = asked + dt.timedelta(days=rng.randrange(1, 6))
                event(asked, "request_supplement", 2, 5)
                if back < self.now:
                    event(back, "receive", 5, 2)
                wait += back - asked
        status, resolved, returned = 2, None, None
        outcome = rng.random()
        if outcome < 0.02:
            status = 7
            event(received + dt.timedelta(hours=3), "withdraw", 2, 7)
        elif outcome < 0.04:
            status = 3
            event(received + dt.timedelta(days=1), "reject", 4, 3)
        elif outcome < 0.05:
            status = 8
            event(received + dt.timedelta(days=1), "stop", 4, 8)
        else:
            if same_day and rng.random() < 0.85:
                resolved = received + dt.timedelta(minutes=rng.randrange(10, 180))
            else:
                used = rng.randrange(0, days + 2) if days else rng.randrange(1, 3)
                resolved = dt.datetime.combine(self.cal.add_working_days(day, used),
                                               dt.time(rng.randrange(8, 17)), tzinfo=TZ)
            resolved += wait
            if resolved > self.now:
                status, resolved = 4, None
            else:
                status = 9
                event(resolved, "resolve", 4, 9)
                returned = resolved + dt.timedelta(hours=rng.randrange(0, 72))
                if returned <= self.now:
                    status = 10
                    event(returned, "return_result", 9, 10)
                else:
                    returned = None
        code = f"{office['unit']}-{received:%y%m%d}-{self._seq((office['id'], day)):04d}"
        items = [{"target": "paper:x", "label": rng.choice(PAPERS), "reason": ""}] \
            if supplements else []
        rows["dossier"].append((
            dossier_id, office["id"], version_id, status, channel, f"S{dossier_id:015d}",
            f"{dossier_id:064x}", code,
            {"applicant_full_name": "Nguyễn Văn Mẫu", "applicant_phone": "0912345678"}, [],
            "Nguyễn Văn Mẫu", "nguyen van mau", "5678", assisted, "", staff["reception"],
            staff["specialist"], {}, same_day, not same_day, items, supplements,
            int(wait.total_seconds()), "", "desk" if returned else "", "", "", False,
            received - dt.timedelta(minutes=5), resolved or returned or received, received,
            received, due, resolved, returned))
        rows["event"].extend(events)
        if channel == 1 and rng.random() < 0.5:
            self.ticket(rows, office, received, dossier_id)
        if returned is not None and rng.random() < 0.16:
            overall = rng.choices((2, 1, 0), (60, 32, 8))[0]
            scores = [rng.choice((2, 1, 0, None)) for _ in range(4)]
            rows["rating"].append((self.next_id("rating"), office["id"], dossier_id, None,
                                   returned, returned, overall, *scores, ""))
        if rng.random() < 0.003:
            rows["feedback"].append((self.next_id("feedback"), office["id"], dossier_id,
                                     received + dt.timedelta(days=2), "Góp ý (mẫu)"))

    def ticket(self, rows, office, received, dossier_id) -> None:
        rng = self.rng
        group = office["groups"][rng.randrange(len(office["groups"]))]
        day = received.date()
        number = self._seq((office["id"], day, group))
        waited = dt.timedelta(minutes=rng.randrange(2, 60 if day.weekday() == 0 else 25))
        created = received - waited
        missed = rng.random() < 0.03
        ticket_id = self.next_id("ticket")
        rows["ticket"].append((
            ticket_id, office["id"], group, group, day, number, f"A-{number:03d}",
            f"{ticket_id:064x}", False, "", "kiosk", "missed" if missed else "done",
            None if missed else 1, None if missed else office["staff"]["reception"],
            None if missed else dossier_id, 0, 2 if missed else 0, created, created,
            None if missed else received, None if missed else received,
            received + dt.timedelta(minutes=rng.randrange(3, 20)), 0))


# --- timing -----------------------------------------------------------------------------------


def timed(client, url: str, repeat: int) -> tuple[float, float, int]:
    client.get(url)  # warm-up: caches of the database and of the templates
    times = []
    status = 0
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        status = response.status_code
    return statistics.median(times), max(times), status


def measure(app, office: dict, repeat: int) -> list[tuple[str, float, float, int]]:
    from sqlalchemy import text

    from tthc.extensions import db

    with app.app_context():
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    from tthc.auth import sessions
    from tthc.models import Staff

    client = app.test_client()
    with app.app_context():
        user_id = db.session.get(Staff, office["staff"]["leader"]).get_id()
    with client.session_transaction() as session:
        # What a sign-in stores (tthc.auth.sessions): the account's id and epoch, the stamps.
        session["_user_id"] = user_id
        session["_fresh"] = True
        session.permanent = True
        session[sessions.SINCE] = session[sessions.SEEN] = sessions.stamp()
    today = dt.datetime.now(TZ).date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%m/%Y")
    urls = [
        ("Monthly report, one office", f"/can-bo/bao-cao?thang={last_month}"),
        ("Public board (HTML)", f"/cong-khai?co-quan={office['code']}"),
        ("Public board (JSON)", f"/cong-khai.json?co-quan={office['code']}"),
        ("Public board per procedure", f"/cong-khai?co-quan={office['code']}&theo=thu-tuc"),
    ]
    return [(name, *timed(client, url, repeat)) for name, url in urls]


def main() -> None:
    args = parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if args.reuse:
        uri = f"sqlite:///{args.reuse}"
    elif url:
        uri = url
    else:
        path = args.db or os.path.join(tempfile.mkdtemp(prefix="tthc-scale-"), "scale.sqlite")
        uri = f"sqlite:///{path}"
    app = make_app(uri)
    engine_name = "PostgreSQL" if uri.startswith("postgresql") else "SQLite"
    if not args.reuse:
        from flask_migrate import upgrade

        from tthc.cli import demo_load

        started = time.perf_counter()
        with app.app_context():
            upgrade(revision="heads")
            app.test_cli_runner().invoke(demo_load, catch_exceptions=False)
        offices = offices_and_staff(app, args.offices)
        with app.app_context():
            from tthc.extensions import db

            sink = Sink(db.engine)
            city = City(args, offices, versions(app), sink, max_ids(app))
            print(f"Filling {uri} with {args.dossiers:,} dossiers over {len(offices)} offices…")
            city.fill(args.dossiers)
            if sink.postgres:
                cur = sink.raw.cursor()
                for table in ("dossier", "dossier_event", "ticket", "rating", "feedback"):
                    cur.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))")
                sink.commit()
            sink.raw.close()
        print(f"Filled in {time.perf_counter() - started:.0f} s: "
              + ", ".join(f"{v:,} {k}" for k, v in city.counts.items()))
    offices = offices_and_staff(app, 0) if args.reuse else offices
    office = offices[1] if len(offices) > 1 else offices[0]
    print(f"\n{engine_name}, office {office['code']}, median and worst of {args.repeat}:")
    for name, median, worst, status in measure(app, office, args.repeat):
        print(f"  {name:<30} {median * 1000:>8.0f} ms  (worst {worst * 1000:.0f} ms, "
              f"HTTP {status})")
    if not uri.startswith("postgresql") and not args.reuse:
        print(f"\nDatabase kept for --reuse: {uri.removeprefix('sqlite:///')}")


if __name__ == "__main__":
    main()
