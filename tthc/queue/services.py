"""Queue services: issue tickets, call next atomically, the counter actions, the live views.

For other blueprints (the intake engineer's "Lấy số" on a pre-filed dossier)::

    from tthc.queue.services import group_for_field, issue_ticket
    group = group_for_field(office.id, procedure_field)      # e.g. "ho-tich" → group B
    ticket = issue_ticket(office, group, source="phone", dossier_id=dossier.id)
    return redirect(url_for("queue.ticket", token=ticket.token), 303)

``issue_ticket`` works in the request's session and commits it (pass ``commit=False`` to
commit yourself, soon: the office's ticket counter row stays locked until then).

Concurrency. Every change of a ticket happens in a short transaction that also bumps the
office's queue revision (a Counter row, ``queue``/today), which is the ETag of the board and
part of the ticket page's. Calling next must never hand one ticket to two officers:

* "Call next" is one ``UPDATE … WHERE id = COALESCE((head of tier 1), (head of tier 2))
  AND status = 'waiting' RETURNING …`` (``_take_next``).
* SQLite: the staff actions run on their own connection with ``BEGIN IMMEDIATE``, which
  takes the database's write lock before reading the queue, so the read-then-update of
  "call next" is serialised with every other writer (``locked()``); queue writers of one
  database file queue up on a lock file first, so that a waiting one wakes at once
  instead of polling SQLite's lock.
* PostgreSQL: each tier's head is ``SELECT … ORDER BY … LIMIT 1 FOR UPDATE SKIP LOCKED``:
  two officers pressing together lock two different rows; neither waits for the other's
  ticket. The UPDATE's ``status = 'waiting'`` checks it again.

Counters (ticket numbers per office, day and group; the queue revision) are one row each,
created with ``INSERT … ON CONFLICT DO NOTHING`` and incremented with ``UPDATE … RETURNING``:
the row lock makes concurrent increments return distinct values on both databases.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError

from ..domain import queue as rules
from ..domain.codes import new_token, ticket_label
from ..extensions import db
from ..models import Counter, Office, ServiceGroup, Setting, Ticket
from ..models.dossier import utcnow
from ..prepared import Prepared
from ..timeutil import today

try:
    import fcntl
except ImportError:  # not POSIX: SQLite's own busy wait only
    fcntl = None  # type: ignore[assignment]

T = Ticket.__table__.c
POLICY_KEY = "queue.call_order"
REVISION = "queue"  # Counter name of the office's queue revision (one row per day)


class QueueBusy(RuntimeError):
    """The database stayed locked by other writers; the officer can simply press again."""


class NotFound(LookupError):
    """No such ticket in this office (or group)."""


# --------------------------------------------------------------------------- transactions

@contextmanager
def locked(attempts: int = 3) -> Iterator[Connection]:
    """A short write transaction, serialised with other queue writers.

    SQLite: on the request's own connection, BEGIN IMMEDIATE takes the write lock first
    (retried when busy; pysqlite already waits its busy timeout each time). pysqlite opens
    a transaction by itself only before a write when none is open, so reads earlier in the
    request (the officer) left none; if the request did write, that is committed first,
    since a write of its own would hold the very lock this waits for. PostgreSQL: its own
    connection, READ COMMITTED; the caller locks rows. Nothing may use the session inside.
    """
    engine = db.engine
    if engine.dialect.name != "sqlite":
        _release_session()
        with engine.begin() as conn:
            yield conn
        _expire_tickets()
        return
    conn = db.session.connection()
    if conn.connection.dbapi_connection.in_transaction:
        _release_session()
        conn = db.session.connection()
    with _queue_file_lock(engine.url.database):
        # After our BEGIN IMMEDIATE pysqlite sends the statements as they are, and our
        # COMMIT ends the transaction (the session's own commit or rollback is then a no-op).
        # No isolation-level switch: switching back costs a PRAGMA on every call.
        for attempt in range(attempts):
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
                break
            except OperationalError as error:
                if "locked" not in str(error) or attempt == attempts - 1:
                    raise QueueBusy(str(error)) from error
                time.sleep(0.05 * (attempt + 1))
        try:
            yield conn
        except BaseException:
            conn.exec_driver_sql("ROLLBACK")
            raise
        conn.exec_driver_sql("COMMIT")
    _expire_tickets()


_lock_files = threading.local()


@contextmanager
def _queue_file_lock(database: str | None) -> Iterator[None]:
    """Queue writers of one SQLite file take turns on a lock file first (POSIX flock).

    SQLite makes a writer that finds the database locked sleep and poll (1, 2, 5 ms…); with
    a whole hall pressing "Gọi tiếp" that idles the server between short transactions. A
    writer waiting on flock is woken the moment the previous one finishes. Correctness
    does not depend on it: BEGIN IMMEDIATE still serialises every writer, this lock only
    orders the queue's own. Each thread has its own descriptor (flock locks belong to an
    open file, so threads of one process exclude each other too).
    """
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    path = database + ".queue-lock"
    files = getattr(_lock_files, "files", None)
    if files is None:
        files = _lock_files.files = {}
    handle = files.get(path)
    if handle is None:
        if len(files) >= 4:  # another database since (tests): do not hoard descriptors
            for stale in files.values():
                stale.close()
            files.clear()
        try:
            handle = files[path] = open(path, "a+b")
        except OSError:  # a read-only folder: SQLite's own lock still serialises
            yield
            return
    fcntl.flock(handle, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)


def _release_session() -> None:
    """Commit the request's session, keeping its objects loaded (the officer, the groups).

    Only tickets change under locked(); expiring everything would reload each object. On
    PostgreSQL the commit also gives the session's connection back to the pool: a thread
    must never hold one connection while it waits for another (20 threads on a pool of 15
    would deadlock).
    """
    session = db.session()
    keep, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = keep


def _expire_tickets() -> None:
    """Tickets in the session were changed by locked()'s own connection: read them afresh."""
    session = db.session()
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Ticket):
            session.expire(obj)


def _is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


_COUNTER = Counter.__table__
_COUNTER_NEXT = {
    dialect: Prepared(insert(_COUNTER).values(office_id=bindparam("p_office_id"), name=bindparam("p_name"),
                                     day=bindparam("p_day"), value=1)
    .on_conflict_do_update(index_elements=["office_id", "name", "day"],
                           set_={"value": _COUNTER.c.value + 1})
    .returning(_COUNTER.c.value))
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))
}


def next_value(conn: Connection, office_id: int, name: str, day: dt.date) -> int:
    """Increment the office's counter *name* for *day* and return the new value (1, 2, …).

    One atomic statement on SQLite (3.35+) and PostgreSQL: ``INSERT … VALUES (…, 1)
    ON CONFLICT (office_id, name, day) DO UPDATE SET value = value + 1 RETURNING value``.
    The row's write lock (PostgreSQL) or the database's (SQLite) makes concurrent callers
    get distinct values; the first of the day creates the row. Works on a Connection or a
    Session (both have ``execute``).
    """
    dialect = conn.get_bind().dialect.name if hasattr(conn, "get_bind") else conn.dialect.name
    statement = _COUNTER_NEXT["postgresql" if dialect == "postgresql" else "sqlite"]
    return statement.rows(conn, {"p_office_id": office_id, "p_name": name, "p_day": day})[0][0]


def queue_revision(office_id: int, day: dt.date | None = None) -> int:
    """The office's queue revision today: changes whenever any ticket changes."""
    table = Counter.__table__
    value = db.session.execute(
        select(table.c.value).where(table.c.office_id == office_id, table.c.name == REVISION,
                                    table.c.day == (day or today()))).scalar()
    return value or 0


# --------------------------------------------------------------------------- configuration

def groups_of(office_id: int) -> list[ServiceGroup]:
    """The office's service groups in their order (A, B, C…)."""
    return list(db.session.scalars(
        select(ServiceGroup).filter_by(office_id=office_id)
        .order_by(ServiceGroup.position, ServiceGroup.prefix)))


@dataclass(frozen=True)
class GroupInfo:
    id: int
    prefix: str
    name_vi: str
    name_en: str


GROUPS_TTL = 30.0  # seconds: groups are office configuration and change rarely


def group_infos(office_id: int) -> list[GroupInfo]:
    """groups_of as plain values, kept per process for GROUPS_TTL seconds.

    The counter screen's hot path (every "Gọi tiếp") needs the groups' ids and names; a
    change of configuration shows within half a minute.
    """
    from flask import current_app

    cache = current_app.extensions.setdefault("tthc_queue_groups", {})
    hit = cache.get(office_id)
    now = time.monotonic()
    if hit is None or hit[0] < now:
        rows = db.session.execute(
            select(ServiceGroup.id, ServiceGroup.prefix, ServiceGroup.name_vi,
                   ServiceGroup.name_en).where(ServiceGroup.office_id == office_id)
            .order_by(ServiceGroup.position, ServiceGroup.prefix)).all()
        hit = cache[office_id] = (now + GROUPS_TTL, [GroupInfo(*r) for r in rows])
    return hit[1]


def group_for_field(office_id: int, field: str | None) -> ServiceGroup | None:
    """The group that serves catalogue *field* (e.g. "ho-tich"), else the office's first."""
    groups = groups_of(office_id)
    for group in groups:
        if field and field in (group.fields or []):
            return group
    return groups[0] if groups else None


_POLICY = select(Setting.__table__.c.value).where(
    Setting.__table__.c.office_id == bindparam("p_office_id"),
    Setting.__table__.c.key == POLICY_KEY)


def call_policy(office_id: int, conn: Any = None) -> str:
    """The office's call order (Setting ``queue.call_order``): "priority" or "arrival".

    Kept per process for GROUPS_TTL seconds, like the groups (set_call_policy clears it).
    """
    from flask import current_app

    cache = current_app.extensions.setdefault("tthc_queue_policy", {})
    hit = cache.get(office_id)
    now = time.monotonic()
    if hit is None or hit[0] < now:
        policy = rules.parse_policy((conn or db.session).execute(
            _POLICY, {"p_office_id": office_id}).scalar())
        hit = cache[office_id] = (now + GROUPS_TTL, policy)
    return hit[1]


def set_call_policy(office_id: int, policy: str) -> None:
    if policy not in rules.POLICIES:
        raise ValueError(policy)
    setting = db.session.scalar(select(Setting).filter_by(office_id=office_id, key=POLICY_KEY))
    if setting is None:
        db.session.add(Setting(office_id=office_id, key=POLICY_KEY, value=policy))
    else:
        setting.value = policy
    db.session.commit()
    from flask import current_app

    current_app.extensions.get("tthc_queue_policy", {}).pop(office_id, None)


# --------------------------------------------------------------------------- issuing

def issue_ticket(office: Office | int, group: ServiceGroup | int, *, source: str = "phone",
                 dossier_id: int | None = None, priority_reason: str = "",
                 commit: bool = True) -> Ticket:
    """Give a new queue number in *group* today: A-001, A-002… per office, day and group.

    *source* is "kiosk", "phone" or "staff"; *priority_reason* one of
    ``tthc.domain.queue.PRIORITY_REASONS`` or "" (ValueError otherwise, or when the group
    is not the office's). Runs in the request's session and commits it unless commit=False.
    """
    office_id = office if isinstance(office, int) else office.id
    group_obj = db.session.get(ServiceGroup, group) if isinstance(group, int) else group
    if group_obj is None or group_obj.office_id != office_id:
        raise ValueError("this service group is not the office's")
    if source not in ("kiosk", "phone", "staff"):
        raise ValueError(f"unknown ticket source {source!r}")
    reason = rules.parse_priority_reason(priority_reason)
    day, now = today(), utcnow()
    number = next_value(db.session, office_id, f"ticket:{group_obj.id}", day)
    ticket = Ticket(office_id=office_id, group_id=group_obj.id, queue_group_id=group_obj.id,
                    day=day, number=number, label=ticket_label(group_obj.prefix, number),
                    token=new_token(), priority=bool(reason), priority_reason=reason,
                    source=source, status=rules.WAITING, dossier_id=dossier_id,
                    created_at=now, queued_at=now)
    db.session.add(ticket)
    next_value(db.session, office_id, REVISION, day)
    if commit:
        db.session.commit()
    else:
        db.session.flush()
    return ticket


# --------------------------------------------------------------------------- counter actions

# The statements of "call next", built once: it is the hot path of a busy Monday.
_FINISH_MINE = Prepared(
    update(Ticket.__table__)
    .where(T.office_id == bindparam("p_office_id"), T.day == bindparam("p_day"),
           T.staff_id == bindparam("p_staff_id"),
           # IN with a tuple of bind parameters: a list of values would be an expanding
           # parameter, rendered again on every execution.
           T.status.in_([bindparam(f"p_at_counter_{i}", status)
                         for i, status in enumerate(sorted(rules.AT_COUNTER))]))
    .values(status=rules.DONE, done_at=bindparam("p_now"), revision=T.revision + 1))


@dataclass(frozen=True)
class Called:
    """The ticket "Gọi tiếp" just called: what the counter screen shows of it."""

    id: int
    label: str
    status: str
    counter: int | None
    recalls: int
    no_shows: int
    priority: bool
    priority_reason: str
    queue_group_id: int


_TAKE_NEXT: dict[tuple[str, int, bool], Any] = {}


def _take_next(policy: str, groups: int, postgres: bool):
    """One UPDATE … RETURNING that calls the head of the queue (see CALL_TIERS).

    The head of each tier is a subquery in order of place, the first non-empty tier wins
    (COALESCE), and the UPDATE checks again that the ticket still waits. One statement, so
    the write lock is held for as short a time as the database allows. *groups*: how many
    queues it is limited to (parameters p_group_0…), 0 for all; one statement per count
    rather than an expanding IN, which SQLAlchemy would render again on every call.
    """
    key = (policy, groups, postgres)
    if key not in _TAKE_NEXT:
        heads = []
        for tier in rules.CALL_TIERS[policy]:
            head = select(T.id).where(T.office_id == bindparam("p_office_id"),
                                      T.day == bindparam("p_day"), T.status == rules.WAITING)
            if groups:
                head = head.where(T.queue_group_id.in_(
                    [bindparam(f"p_group_{i}") for i in range(groups)]))
            if tier is not None:
                head = head.where(T.priority == tier)
            head = head.order_by(T.queued_at, T.id).limit(1)
            if postgres:
                # Two officers pressing together lock two different rows; neither waits.
                head = head.with_for_update(skip_locked=True)
            heads.append(head.scalar_subquery())
        target = heads[0] if len(heads) == 1 else func.coalesce(*heads)
        _TAKE_NEXT[key] = Prepared(
            update(Ticket.__table__)
            .where(T.id == target, T.status == rules.WAITING)
            .values(status=rules.CALLED, counter=bindparam("p_counter"),
                    staff_id=bindparam("p_staff_id"), called_at=bindparam("p_now"),
                    served_at=None, revision=T.revision + 1)
            .returning(T.id, T.label, T.status, T.counter, T.recalls, T.no_shows, T.priority,
                       T.priority_reason, T.queue_group_id))
    return _TAKE_NEXT[key]


def call_next(staff: Any, groups: Sequence[int] | None = None,
              counter: int | None = None) -> int | None:
    """Call the next waiting ticket to this officer's counter; its id, or None if none wait.

    See call_next_ticket, which returns the called ticket itself.
    """
    called = call_next_ticket(staff, groups, counter)
    return called.id if called is not None else None


def call_next_ticket(staff: Any, groups: Sequence[int] | None = None,
                     counter: int | None = None) -> Called | None:
    """Call the next waiting ticket to this officer's counter, or None if nobody waits.

    The officer's ticket still at the counter is finished first ("Gọi tiếp" means "done
    with this one"; a no-show is marked with "Vắng mặt" before). *groups* limits the call to
    these queues (default: all of the office's).
    """
    # Read the officer before locking: locked() commits (expires) the session, and nothing
    # may touch the session while the write lock is held.
    staff_id, office_id, day, now = staff.id, staff.office_id, today(), utcnow()
    counter = counter if counter is not None else staff.counter
    params = {"p_office_id": office_id, "p_day": day, "p_staff_id": staff_id, "p_now": now}
    groups = sorted(set(groups or ()))
    params.update((f"p_group_{i}", group) for i, group in enumerate(groups))
    with locked() as conn:
        _FINISH_MINE.rows(conn, params)
        take = _take_next(call_policy(office_id, conn), len(groups), _is_postgres(conn))
        row = take.first(conn, {**params, "p_counter": counter})
        called = Called(*row) if row is not None else None
        next_value(conn, office_id, REVISION, day)
    return called


def act(staff: Any, ticket_id: int, action: str, *, group_id: int | None = None,
        counter: int | None = None) -> None:
    """Recall, start, finish, no-show or transfer a ticket of the officer's office.

    :raise NotFound: no such ticket in the office (or no such group for a transfer)
    :raise tthc.domain.queue.QueueError: the ticket's state does not allow the action
    """
    now, staff_id, office_id = utcnow(), staff.id, staff.office_id
    counter = counter if counter is not None else staff.counter
    with locked() as conn:
        stmt = select(T.status, T.label, T.no_shows, T.queue_group_id, T.created_at, T.day) \
            .where(T.id == ticket_id, T.office_id == office_id)
        if _is_postgres(conn):
            stmt = stmt.with_for_update()
        row = conn.execute(stmt).one_or_none()
        if row is None:
            raise NotFound(ticket_id)
        rules.check(action, row.status, row.label)
        values: dict[str, Any]
        if action == "recall":
            values = {"recalls": T.recalls + 1, "counter": counter, "staff_id": staff_id}
        elif action == "start":
            values = {"status": rules.SERVING, "served_at": now}
        elif action == "finish":
            values = {"status": rules.DONE, "done_at": now}
        elif action == "no_show":
            status = rules.after_no_show(row.no_shows)
            values = {"status": status, "no_shows": T.no_shows + 1}
            if status == rules.WAITING:  # back at the end of the whole queue, once
                values.update(queued_at=now, priority=False, counter=None, staff_id=None,
                              called_at=None)
            else:
                values.update(done_at=now)
        elif action == "transfer":
            target = conn.execute(select(ServiceGroup.__table__.c.id).where(
                ServiceGroup.__table__.c.id == group_id,
                ServiceGroup.__table__.c.office_id == office_id)).scalar()
            if target is None or target == row.queue_group_id:
                raise NotFound(group_id)
            # It keeps its arrival rank in the new queue: the citizen has already waited once.
            values = {"status": rules.WAITING, "queue_group_id": target,
                      "queued_at": row.created_at, "counter": None, "staff_id": None,
                      "called_at": None, "served_at": None}
        else:
            raise ValueError(action)
        conn.execute(update(Ticket.__table__).where(T.id == ticket_id)
                     .values(**values, revision=T.revision + 1))
        next_value(conn, office_id, REVISION, row.day)


# --------------------------------------------------------------------------- reading

def _waiting(office_id: int, day: dt.date, group_id: int | None = None) -> list[rules.Waiting]:
    stmt = select(T.id, T.queue_group_id, T.priority, T.queued_at).where(
        T.office_id == office_id, T.day == day, T.status == rules.WAITING)
    if group_id is not None:
        stmt = stmt.where(T.queue_group_id == group_id)
    return [rules.Waiting(r.id, r.queue_group_id, r.priority, r.queued_at)
            for r in db.session.execute(stmt)]


def _minutes(a: dt.datetime, b: dt.datetime) -> float:
    return (b - a).total_seconds() / 60


def wait_estimate(group: ServiceGroup, ahead: int, day: dt.date) -> int:
    """Minutes before a ticket with *ahead* people before it is called (0 when next)."""
    rows = db.session.execute(
        select(T.called_at, T.done_at).where(
            T.office_id == group.office_id, T.day == day, T.queue_group_id == group.id,
            T.status == rules.DONE, T.called_at.is_not(None), T.done_at.is_not(None))
        .order_by(T.done_at)).all()
    minutes = rules.service_minutes([_minutes(r.called_at, r.done_at) for r in rows],
                                    group.minutes_per_ticket)
    since = utcnow() - dt.timedelta(hours=1)
    counters = db.session.execute(
        select(func.count(func.distinct(T.counter))).where(
            T.office_id == group.office_id, T.day == day, T.queue_group_id == group.id,
            T.counter.is_not(None), T.called_at >= since)).scalar() or 1
    return rules.estimate_wait(ahead, minutes, counters)


@dataclass(frozen=True)
class TicketState:
    ticket: Ticket
    group: ServiceGroup  # the queue it waits in now
    expired: bool  # a ticket of another day that never finished
    ahead: int = 0
    wait_minutes: int = 0
    transferred: bool = False

    @property
    def final(self) -> bool:
        return self.expired or self.ticket.status in rules.FINAL


def ticket_by_token(token: str) -> Ticket | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(Ticket).filter_by(token=token))


def ticket_state(ticket: Ticket) -> TicketState:
    """What the live ticket page shows: place in the queue and the wait, or the call."""
    group = db.session.get(ServiceGroup, ticket.queue_group_id)
    day = today()
    transferred = ticket.queue_group_id != ticket.group_id
    if ticket.day != day and ticket.status not in rules.FINAL:
        return TicketState(ticket, group, expired=True, transferred=transferred)
    if ticket.status != rules.WAITING:
        return TicketState(ticket, group, expired=False, transferred=transferred)
    mine = rules.Waiting(ticket.id, ticket.queue_group_id, ticket.priority, ticket.queued_at)
    ahead = rules.people_ahead(mine, _waiting(ticket.office_id, day, ticket.queue_group_id),
                               call_policy(ticket.office_id))
    return TicketState(ticket, group, expired=False, ahead=ahead,
                       wait_minutes=wait_estimate(group, ahead, day), transferred=transferred)


@dataclass(frozen=True)
class GroupQueue:
    group: ServiceGroup
    waiting: int
    first: list[Ticket]  # the next few, in call order


def queues(office_id: int, limit: int = 8) -> list[GroupQueue]:
    """Each group's waiting count and its next *limit* tickets in call order.

    Read tier by tier in the order of ``ix_ticket_next``, like call_next: a long queue costs
    a count and a few short index reads, never the whole list.
    """
    day = today()
    tiers = rules.CALL_TIERS[call_policy(office_id)]
    counts = dict(db.session.execute(
        select(T.queue_group_id, func.count()).where(
            T.office_id == office_id, T.day == day, T.status == rules.WAITING)
        .group_by(T.queue_group_id)).all())
    result = []
    for group in groups_of(office_id):
        first: list[Ticket] = []
        for tier in tiers if counts.get(group.id) else ():
            stmt = select(Ticket).where(Ticket.office_id == office_id, Ticket.day == day,
                                        Ticket.status == rules.WAITING,
                                        Ticket.queue_group_id == group.id)
            if tier is not None:
                stmt = stmt.where(Ticket.priority == tier)
            first += db.session.scalars(
                stmt.order_by(Ticket.queued_at, Ticket.id).limit(limit - len(first)))
            if len(first) >= limit:
                break
        result.append(GroupQueue(group, counts.get(group.id, 0), first))
    return result


def label_of(ticket_id: int) -> str:
    """A ticket's label (from the session's identity map when it is loaded already)."""
    return db.session.get(Ticket, ticket_id).label


def at_counter(staff: Any) -> list[Ticket]:
    """The tickets this officer has called and not finished today (normally one)."""
    return list(db.session.scalars(
        select(Ticket).where(Ticket.office_id == staff.office_id, Ticket.day == today(),
                             Ticket.staff_id == staff.id,
                             Ticket.status.in_(rules.AT_COUNTER))
        .order_by(Ticket.called_at.desc())))


def served_today(staff: Any) -> int:
    return db.session.execute(
        select(func.count()).select_from(Ticket.__table__).where(
            T.office_id == staff.office_id, T.day == today(), T.staff_id == staff.id,
            T.status == rules.DONE)).scalar() or 0


@dataclass(frozen=True)
class Board:
    counters: list[tuple[int, Ticket | None]]  # (counter number, ticket there or None)
    recent: list[Ticket]  # the last 5 called, newest first
    waiting: list[tuple[ServiceGroup, int]]
    total_waiting: int


def board(office: Office) -> Board:
    """The hall's display: each counter's ticket, the last 5 called, how many wait."""
    day = today()
    present = list(db.session.scalars(
        select(Ticket).where(Ticket.office_id == office.id, Ticket.day == day,
                             Ticket.status.in_(rules.AT_COUNTER), Ticket.counter.is_not(None))
        .order_by(Ticket.called_at)))
    by_counter: dict[int, Ticket] = {}
    for ticket in present:  # the latest call at a counter wins
        by_counter[ticket.counter] = ticket  # type: ignore[index]
    numbers = sorted(set(range(1, (office.counters or 0) + 1)) | set(by_counter))
    recent = list(db.session.scalars(
        select(Ticket).where(Ticket.office_id == office.id, Ticket.day == day,
                             Ticket.status != rules.WAITING, Ticket.called_at.is_not(None))
        .order_by(Ticket.called_at.desc(), Ticket.id.desc()).limit(5)))
    counts = dict(db.session.execute(
        select(T.queue_group_id, func.count()).where(
            T.office_id == office.id, T.day == day, T.status == rules.WAITING)
        .group_by(T.queue_group_id)).all())
    waiting = [(g, counts.get(g.id, 0)) for g in groups_of(office.id)]
    return Board([(n, by_counter.get(n)) for n in numbers], recent, waiting,
                 sum(n for _, n in waiting))


# --------------------------------------------------------------------------- demo

def rush(office_code: str, officers: int, tickets: int) -> tuple[int, int]:
    """Demo data for a busy day: reception accounts demo-quay-NN at counters 1…N (password
    tthc-demo: a production start refuses it) and *tickets* waiting tickets, inserted in
    bulk with their numbers taken from the office's counters. Idempotent for the accounts.
    """
    from ..auth.passwords import DEMO_PASSWORD, hash_password
    from ..models import Staff

    office = db.session.scalar(select(Office).filter_by(code=office_code))
    groups = groups_of(office.id)
    password_hash = hash_password(DEMO_PASSWORD) if officers else ""
    made = 0
    for n in range(1, officers + 1):
        username = f"demo-quay-{n:02d}"
        if db.session.scalar(select(Staff.id).filter_by(username=username)) is None:
            db.session.add(Staff(office_id=office.id, username=username,
                                 full_name=f"Cán bộ quầy {n} (minh họa)",
                                 password_hash=password_hash, roles=["reception"], counter=n))
            made += 1
    day, now = today(), utcnow()
    rows = []
    per_group = {g.id: 0 for g in groups}
    for i in range(tickets if groups else 0):
        per_group[groups[i % len(groups)].id] += 1
    for group in groups:
        count = per_group[group.id]
        if not count:
            continue
        last = next_value(db.session, office.id, f"ticket:{group.id}", day)
        db.session.execute(update(Counter.__table__).where(
            Counter.__table__.c.office_id == office.id,
            Counter.__table__.c.name == f"ticket:{group.id}", Counter.__table__.c.day == day
        ).values(value=last + count - 1))
        for number in range(last, last + count):
            at = now + dt.timedelta(microseconds=len(rows))
            rows.append({"office_id": office.id, "group_id": group.id,
                         "queue_group_id": group.id, "day": day, "number": number,
                         "label": ticket_label(group.prefix, number), "token": new_token(),
                         "priority": number % 10 == 0,
                         "priority_reason": "elderly" if number % 10 == 0 else "",
                         "source": "kiosk", "status": rules.WAITING, "created_at": at,
                         "queued_at": at, "recalls": 0, "no_shows": 0, "revision": 0})
    if rows:
        db.session.execute(Ticket.__table__.insert(), rows)
        next_value(db.session, office.id, REVISION, day)
    db.session.commit()
    return made, len(rows)
