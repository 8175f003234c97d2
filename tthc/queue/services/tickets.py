"""Tickets: issuing, and what the citizen's live ticket page shows."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ...domain import queue as rules
from ...domain.codes import new_token, ticket_label
from ...extensions import db
from ...models import Dossier, Office, ServiceGroup, Ticket
from ...models.dossier import utcnow
from ...timeutil import today
from ...transactions import serialised
from .counters import REVISION, next_value
from .settings import call_policy

T = Ticket.__table__.c


#: Seconds during which a take-a-number form's request key makes a repeated post (a double
#: tap, a retry on a flaky network) the same ticket; a page older than this gives a new one,
#: so that the kiosk's page left open, or found again with «Back», serves the next person.
REQUEST_WINDOW = 120


def new_request_key() -> str:
    """A fresh key for one rendering of the take-a-number form (its hidden field)."""
    return f"{int(time.time())}.{secrets.token_urlsafe(16)}"


def request_token(key: str, office_id: int, group_id: int, reason: str) -> str | None:
    """The ticket token a request key stands for (None: no key, malformed, or too old).

    An HMAC of the key and the choice under the app's secret, shaped as ``new_token``: the
    ticket table's unique token then makes a second post of the same form the same ticket,
    on every worker and server, with nothing kept in memory.
    """
    stamp, _, nonce = (key or "").partition(".")
    if not stamp.isdigit() or not 16 <= len(nonce) <= 40:
        return None
    if not 0 <= time.time() - int(stamp) <= REQUEST_WINDOW:
        return None
    secret = current_app.secret_key
    secret = secret.encode() if isinstance(secret, str) else secret
    message = f"ticket|{key}|{office_id}|{group_id}|{reason}".encode()
    digest = hmac.new(secret, message, hashlib.sha256).digest()[:24]
    return base64.urlsafe_b64encode(digest).decode()


def issue_ticket(office: Office | int, group: ServiceGroup | int, *, source: str = "phone",
                 dossier_id: int | None = None, priority_reason: str = "",
                 request_key: str = "") -> Ticket:
    """Give a new queue number in *group* today: A-001, A-002… per office, day and group.

    *source* is "kiosk", "phone" or "staff"; *priority_reason* one of
    ``tthc.domain.queue.PRIORITY_REASONS`` or "". Commits the request's session. The kiosk
    and phones check the opening hours first (``opening``); this function gives the number.
    *request_key* (the form's, see ``new_request_key``): the same key and choice again gives
    the ticket already given, not a second one.

    :raise ValueError: an unknown source or reason, or a group that is not the office's
    :raise tthc.transactions.Busy: SQLite stayed locked by other writers
    """
    office_id, group_obj, reason = _checked(office, group, source, priority_reason)
    token = request_token(request_key, office_id, group_obj[0], reason) if request_key \
        else None
    try:
        with serialised() as session:
            if token and (given := session.scalar(select(Ticket).filter_by(token=token))):
                return given
            return _insert(session, office_id, group_obj, source, reason, dossier_id, token)
    except IntegrityError:
        # PostgreSQL: the same form posted twice at once, both inserted, the unique token
        # refused the second (READ COMMITTED saw nothing before): the first one's ticket.
        given = db.session.scalar(select(Ticket).filter_by(token=token)) if token else None
        if given is None:
            raise
        return given


def ticket_for_dossier(office: Office | int, group: ServiceGroup | int, dossier_id: int, *,
                       source: str = "kiosk") -> tuple[Ticket, bool]:
    """The dossier's ticket of today, given now if it has none: (ticket, given now).

    One number per dossier and day: a second scan of the pre-filing QR shows the same
    ticket. The dossier's row is locked first (``FOR UPDATE`` on PostgreSQL; SQLite's
    ``BEGIN IMMEDIATE``), so two scans at once still give one number.

    :raise ValueError: as issue_ticket
    :raise tthc.transactions.Busy: SQLite stayed locked by other writers
    """
    office_id, group_obj, reason = _checked(office, group, source, "")
    with serialised() as session:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(select(Dossier.id).where(Dossier.id == dossier_id).with_for_update())
        found = dossier_ticket_today(dossier_id)
        if found is not None:
            return found, False
        return _insert(session, office_id, group_obj, source, reason, dossier_id), True


def dossier_ticket_today(dossier_id: int) -> Ticket | None:
    """The number given today for this dossier, if any."""
    return db.session.scalar(select(Ticket).where(
        Ticket.dossier_id == dossier_id, Ticket.day == today()).order_by(Ticket.id).limit(1))


def tickets_today(tokens: list[str]) -> list[Ticket]:
    """Today's tickets among *tokens* (what one phone took), in the order taken."""
    tokens = [token for token in tokens[:50] if "\x00" not in token]
    if not tokens:
        return []
    return list(db.session.scalars(select(Ticket).where(
        Ticket.token.in_(tokens), Ticket.day == today()).order_by(Ticket.id)))


def _checked(office, group, source: str, priority_reason: str):
    office_id = office if isinstance(office, int) else office.id
    group_obj = db.session.get(ServiceGroup, group) if isinstance(group, int) else group
    if group_obj is None or group_obj.office_id != office_id:
        raise ValueError("this service group is not the office's")
    if source not in ("kiosk", "phone", "staff"):
        raise ValueError(f"unknown ticket source {source!r}")
    # Read before the transaction: serialised() commits first, which expires the objects.
    return office_id, (group_obj.id, group_obj.prefix), rules.parse_priority_reason(priority_reason)


def _insert(session, office_id: int, group: tuple[int, str], source: str, reason: str,
            dossier_id: int | None, token: str | None = None) -> Ticket:
    group_id, prefix = group
    day, now = today(), utcnow()
    number = next_value(session, office_id, f"ticket:{group_id}", day)
    ticket = Ticket(office_id=office_id, group_id=group_id, queue_group_id=group_id,
                    day=day, number=number, label=ticket_label(prefix, number),
                    token=token or new_token(), priority=bool(reason), priority_reason=reason,
                    source=source, status=rules.WAITING, dossier_id=dossier_id,
                    created_at=now, queued_at=now)
    session.add(ticket)
    next_value(session, office_id, REVISION, day)
    return ticket


def ticket_by_token(token: str) -> Ticket | None:
    """The ticket of a live page's link, or None (an unknown or absurd token)."""
    # NUL: PostgreSQL refuses it in a text comparison (DataError); no token holds one.
    if not token or len(token) > 64 or "\x00" in token:
        return None
    return db.session.scalar(select(Ticket).filter_by(token=token))


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


def _waiting(office_id: int, day: dt.date, group_id: int) -> list[rules.Waiting]:
    stmt = select(T.id, T.queue_group_id, T.priority, T.queued_at).where(
        T.office_id == office_id, T.day == day, T.status == rules.WAITING,
        T.queue_group_id == group_id)
    return [rules.Waiting(r.id, r.queue_group_id, r.priority, r.queued_at)
            for r in db.session.execute(stmt)]


def wait_estimate(group: ServiceGroup, ahead: int, day: dt.date) -> int:
    """Minutes before a ticket with *ahead* people before it is called (0 when next)."""
    rows = db.session.execute(
        select(T.called_at, T.done_at).where(
            T.office_id == group.office_id, T.day == day, T.queue_group_id == group.id,
            T.status == rules.DONE, T.called_at.is_not(None), T.done_at.is_not(None))
        .order_by(T.done_at)).all()
    minutes = rules.service_minutes(
        [(r.done_at - r.called_at).total_seconds() / 60 for r in rows], group.minutes_per_ticket)
    since = utcnow() - dt.timedelta(hours=1)
    counters = db.session.scalar(
        select(func.count(func.distinct(T.counter))).where(
            T.office_id == group.office_id, T.day == day, T.queue_group_id == group.id,
            T.counter.is_not(None), T.called_at >= since)) or 1
    return rules.estimate_wait(ahead, minutes, counters)
