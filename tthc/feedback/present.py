"""What the rating and feedback parts of other pages show: read only, no writes."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from flask_login import current_user

from ..domain import ratings as rules
from ..domain.numbers import mask_phone
from ..models import Dossier, Feedback, Rating, Ticket
from . import services
from .forms import FeedbackForm

State = rules.RatingState


def masked_contact(contact: str) -> str:
    """A feedback's contact as lists show it: +84 *** *** 678, or h•••@example.vn."""
    if not contact:
        return ""
    if "@" in contact:
        name, _, domain = contact.partition("@")
        return name[:1] + "•••@" + domain
    return mask_phone(contact)


def staff_signed_in() -> bool:
    """A staff session: ratings are the citizens' own, never given on an officer's screen."""
    return bool(current_user and current_user.is_authenticated)


@dataclass(frozen=True)
class Panel:
    subject: services.Subject
    rating: Rating | None
    state: rules.RatingState
    feedback: list[Feedback]
    may_write: bool
    staff: bool
    form: FeedbackForm | None = None

    @property
    def offered(self) -> bool:
        """The three buttons are shown (never to staff)."""
        return self.state is State.OPEN and not self.staff

    @property
    def changeable(self) -> bool:
        return self.state is State.CHANGEABLE and not self.staff

    @property
    def rated(self) -> bool:
        return self.rating is not None

    @property
    def deadline(self):
        if self.rating is None:
            return None
        return rules.change_deadline(self.rating.created_at, services.change_days())

    @property
    def choices(self) -> list[tuple[int, str]]:
        """The overall answers, best first: (score, msgid)."""
        return list(rules.OVERALL.items())

    @property
    def overall(self) -> str:
        """The overall answer given (a msgid), or ""."""
        return rules.OVERALL[self.rating.overall] if self.rating is not None else ""

    def answer(self, indicator: rules.Indicator) -> str:
        """The answer given to *indicator* (a msgid), or "" when not answered."""
        score = getattr(self.rating, indicator.name, None) if self.rating else None
        return dict(indicator.answers).get(score, "") if score is not None else ""


def panel(subject: services.Subject, feedback: list[Feedback] | None = None,
          may_write: bool = False) -> Panel:
    rating = services.rating_of(subject)
    return Panel(subject, rating, services.state_of(subject, rating), feedback or [],
                 may_write, staff_signed_in())


def feedback_panel(dossier: Dossier) -> Panel:
    """The citizen's status page: the rating offer (after the result) and the feedback."""
    found = panel(services.of_dossier(dossier), services.feedback_of(dossier.id),
                  services.may_write_feedback(dossier))
    return dataclasses.replace(found, form=FeedbackForm(formdata=None))


def ticket_rating(ticket: Ticket) -> Panel:
    """The ticket's page, once the visit is over: the rating offer."""
    return panel(services.of_ticket(ticket))


