"""Ratings and feedback: finding what is rated, saving a rating, feedback and its answer.

What may be rated and when is decided in ``tthc.domain.ratings``; this module loads and
saves. A dossier is reached through intake's services (its link token, its code), a
ticket through the queue's; every write runs in ``tthc.transactions.serialised()``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from flask import current_app
from flask_babel import gettext
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..domain import ratings as rules
from ..domain.codes import format_prefiling_code, ticket_label
from ..domain.status import Status
from ..domain.text import clean
from ..extensions import db
from ..intake import services as intake
from ..models import Dossier, Feedback, Rating, Ticket
from ..queue import services as queue
from ..timeutil import today
from ..transactions import serialised


def now() -> dt.datetime:
    """The time of a rating or an answer (UTC); tests move it."""
    return dt.datetime.now(dt.timezone.utc)


@dataclass(frozen=True)
class Subject:
    """What is rated: a dossier or a ticket-only visit, with what the pages may show of it."""

    kind: str  # rules.DOSSIER or rules.TICKET
    id: int
    office_id: int
    label: str  # the dossier's code or the ticket's number: nothing personal
    ready: bool
    linked: bool = False  # a ticket that brought a dossier

    @property
    def indicators(self) -> tuple[rules.Indicator, ...]:
        return rules.indicators_for(self.kind)


def dossier_label(dossier: Dossier) -> str:
    return dossier.code or format_prefiling_code(dossier.prefiling_code)


def of_dossier(dossier: Dossier) -> Subject:
    return Subject(rules.DOSSIER, dossier.id, dossier.office_id, dossier_label(dossier),
                   rules.dossier_ready(dossier.status))


def of_ticket(ticket: Ticket) -> Subject:
    return Subject(rules.TICKET, ticket.id, ticket.office_id, ticket.label,
                   rules.ticket_ready(ticket.status), linked=ticket.dossier_id is not None)


def by_token(kind: str, token: str) -> Subject | None:
    """The dossier or ticket of a secret link, or None for any other token."""
    if kind == rules.DOSSIER:
        dossier = intake.find_by_token(token)
        return of_dossier(dossier) if dossier is not None else None
    ticket = queue.ticket_by_token(token)
    return of_ticket(ticket) if ticket is not None else None


def _column(kind: str):
    return Rating.dossier_id if kind == rules.DOSSIER else Rating.ticket_id


def rating_of(subject: Subject) -> Rating | None:
    return db.session.scalar(select(Rating).where(_column(subject.kind) == subject.id))


def state_of(subject: Subject, rating: Rating | None, at: dt.datetime | None = None
             ) -> rules.RatingState:
    return rules.rating_state(ready=subject.ready, linked=subject.linked,
                              rated_at=rating.created_at if rating else None,
                              now=at or now(), days=change_days())


def change_days() -> int:
    return int(current_app.config.get("TTHC_RATING_CHANGE_DAYS", rules.CHANGE_DAYS))


class Refused(Exception):
    """The rating cannot be given or changed now; ``state`` says why."""

    def __init__(self, state: rules.RatingState):
        super().__init__(state.value)
        self.state = state


def rate(subject: Subject, overall: int, scores: Mapping[str, int | None] | None = None,
         comment: str | None = None) -> Rating:
    """Give or change the rating of *subject*: the overall answer, and with *scores* the
    indicators asked of this kind of subject (others stay NULL), with *comment* its text.

    :raise Refused: not rated yet before the result, a linked ticket, or the window closed
    """
    if overall not in rules.OVERALL:
        raise ValueError(f"not an overall answer: {overall!r}")
    asked = {i.name for i in subject.indicators}
    for attempt in (1, 2):
        at = now()
        try:
            with serialised() as session:
                rating = session.scalar(select(Rating).where(
                    _column(subject.kind) == subject.id).with_for_update())
                state = state_of(subject, rating, at)
                if state not in (rules.RatingState.OPEN, rules.RatingState.CHANGEABLE):
                    raise Refused(state)
                if rating is None:
                    rating = Rating(office_id=subject.office_id, created_at=at, overall=overall)
                    setattr(rating, _column(subject.kind).key, subject.id)
                    session.add(rating)
                rating.overall = overall
                rating.updated_at = at
                if scores is not None:
                    for name in asked:
                        setattr(rating, name, scores.get(name))
                if comment is not None:
                    rating.comment = clean(comment)[:rules.MAX_TEXT]
            return rating
        except IntegrityError:
            # Two first ratings of one subject at once (PostgreSQL): the other one won the
            # unique key; this one becomes a change of it.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


# --- the kiosk at the exit ------------------------------------------------------------------


class NotFound(Exception):
    """Nothing to rate for what was typed at the kiosk; ``field`` and ``message`` say why."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def kiosk_find(office_id: int, code: str, last4: str | None) -> Subject:
    """A dossier of this office by its code and the phone's last 4 digits, or a ticket
    taken today at this office by its number.

    :raise NotFound: with the field to blame; every failure to find a dossier (no such
        code, wrong digits, a dossier of another office, one guessed too often lately:
        ``intake.lookup``) answers alike
    """
    parsed = rules.parse_ticket_number(code)
    if parsed is not None:
        label = ticket_label(*parsed)
        ticket = db.session.scalar(select(Ticket).where(
            Ticket.office_id == office_id, Ticket.day == today(), Ticket.label == label))
        if ticket is None:
            raise NotFound("ma", gettext(
                "Không có số %(label)s trong hôm nay tại đây. Kiểm tra lại số trên phiếu.",
                label=label))
        return of_ticket(ticket)
    if last4 is None:
        raise NotFound("so_cuoi", gettext(
            "Nhập 4 chữ số cuối của số điện thoại đã khai trong hồ sơ, ví dụ: 5678."))
    # The public look-up's one check: its limit per dossier, in the database, counts the
    # wrong digits typed here and there alike.
    dossier = intake.lookup(code, last4, office_id=office_id)
    if dossier is None:
        raise NotFound("ma", gettext(
            "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại này. Kiểm tra lại mã ghi "
            "trên giấy tiếp nhận và số điện thoại đã khai."))
    return of_dossier(dossier)


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="tthc.feedback.kiosk")


def kiosk_pass(subject: Subject) -> str:
    """A signed, short-lived pass that lets the kiosk's next form rate this subject only."""
    return _serializer().dumps([subject.kind, subject.id])


def from_kiosk_pass(value: str | None, office_id: int) -> Subject | None:
    """The subject of a kiosk pass still valid and of this office, else None."""
    max_age = int(current_app.config.get("TTHC_RATING_KIOSK_SECONDS", 600))
    try:
        kind, ident = _serializer().loads((value or "")[:200], max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    model = Dossier if kind == rules.DOSSIER else Ticket
    found = db.session.get(model, ident) if isinstance(ident, int) else None
    if found is None or found.office_id != office_id:
        return None
    return of_dossier(found) if kind == rules.DOSSIER else of_ticket(found)


# --- feedback (phản ánh, kiến nghị) ---------------------------------------------------------


class TooMany(Exception):
    """The dossier already has as many unanswered feedback texts as one may have."""


def feedback_of(dossier_id: int) -> list[Feedback]:
    return list(db.session.scalars(select(Feedback).where(Feedback.dossier_id == dossier_id)
                                   .order_by(Feedback.created_at, Feedback.id)))


def may_write_feedback(dossier: Dossier) -> bool:
    """Feedback is about a dossier the office has: anything sent, never a draft."""
    return dossier.status != Status.DRAFT


def add_feedback(dossier: Dossier, text: str, contact: str = "") -> Feedback:
    """Record the citizen's feedback on *dossier* for a leader of its office to answer,
    with the phone or email the citizen consented to our keeping for the answer (if any).

    :raise TooMany: rules.MAX_OPEN_FEEDBACK texts are still waiting for an answer
    """
    with serialised() as session:
        waiting = session.scalar(select(func.count()).select_from(Feedback).where(
            Feedback.dossier_id == dossier.id, Feedback.answered_at.is_(None)))
        if waiting >= rules.MAX_OPEN_FEEDBACK:
            raise TooMany()
        at = now()
        item = Feedback(office_id=dossier.office_id, dossier_id=dossier.id, created_at=at,
                        text=clean_text(text), contact=contact,
                        contact_consent_at=at if contact else None)
        session.add(item)
    return item


def clean_text(text: str) -> str:
    """What is kept of a typed text: NFC, no invisible characters, lines kept, bounded."""
    lines = [clean(line) for line in (text or "").replace("\r\n", "\n").split("\n")]
    kept = "\n".join(lines).strip()
    while "\n\n\n" in kept:
        kept = kept.replace("\n\n\n", "\n\n")
    return kept[:rules.MAX_TEXT]


@dataclass(frozen=True)
class Inbox:
    waiting: list[tuple[Feedback, Dossier]]  # oldest first
    answered: list[tuple[Feedback, Dossier]]  # the latest answers, newest first


def inbox(office_id: int, limit: int = 100) -> Inbox:
    """The office's feedback waiting for an answer, and the latest answered."""
    base = (select(Feedback, Dossier).join(Dossier, Dossier.id == Feedback.dossier_id)
            .where(Feedback.office_id == office_id)
            .options(selectinload(Dossier.procedure_version)))  # its name, one query
    waiting = db.session.execute(base.where(Feedback.answered_at.is_(None))
                                 .order_by(Feedback.created_at, Feedback.id).limit(limit)).all()
    answered = db.session.execute(base.where(Feedback.answered_at.is_not(None))
                                  .order_by(Feedback.answered_at.desc()).limit(20)).all()
    return Inbox([tuple(r) for r in waiting], [tuple(r) for r in answered])


def answer(feedback: Feedback, staff_id: int, text: str) -> bool:
    """Record a leader's answer, once: False when it had been answered meanwhile."""
    with serialised() as session:
        done = session.execute(
            update(Feedback).where(Feedback.id == feedback.id, Feedback.answered_at.is_(None))
            .values(answer=clean_text(text), answered_at=now(), answered_by_id=staff_id)
        ).rowcount
    db.session.refresh(feedback)
    return done == 1
