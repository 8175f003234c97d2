"""Citizens' ratings and feedback: who may rate what, and when a rating can still change.

A rating belongs to one dossier whose result was returned, or to one visit with only a
queue ticket (a ticket served to the end and never linked to a dossier: a ticket that
brought a dossier is rated through that dossier, so that one visit is not counted twice).
The overall answer is the national portal's three levels; the indicators are those of
Circular 01/2018 Art 13 that Art 14(3)(a) collects from citizens (1, 3, 4 and 7), each
scored 2/1/0 (domain.md §11.2). The wording of each answer of indicators 3, 4 and 7 is
ours [U]: the 2/1/0 split is the Circular's, its thresholds are to be checked against the
text (docs/feedback.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from tthc.domain.i18n import N_
from tthc.domain.queue import DONE
from tthc.domain.status import Status

#: A rating can be changed for this many days after it was first given, then it is final.
CHANGE_DAYS = 7
#: Longest comment or feedback text kept (characters).
MAX_TEXT = 2000
#: Feedback of one dossier still waiting for an answer: more must wait for an answer.
MAX_OPEN_FEEDBACK = 3

DOSSIER = "dossier"
TICKET = "ticket"

OVERALL = {2: N_("Rất hài lòng"), 1: N_("Hài lòng"), 0: N_("Không hài lòng")}


@dataclass(frozen=True)
class Indicator:
    name: str  # the Rating column
    article: int  # its number in Circular 01/2018 Art 13
    question: str  # msgid
    answers: tuple[tuple[int, str], ...]  # (score, msgid), best first
    for_tickets: bool  # asked after a visit with only a ticket too


INDICATORS = (
    Indicator("time_score", 1, N_("Thời gian giải quyết so với thời hạn quy định"),
              ((2, N_("Sớm hơn thời hạn")), (1, N_("Đúng thời hạn")),
               (0, N_("Muộn hơn thời hạn"))), False),
    Indicator("contacts_score", 3,
              N_("Số lần phải đến hoặc liên hệ Bộ phận Một cửa để hoàn thiện hồ sơ"),
              ((2, N_("Một lần")), (1, N_("Hai lần")), (0, N_("Từ ba lần trở lên"))), False),
    Indicator("agencies_score", 4, N_("Số cơ quan, đơn vị phải liên hệ"),
              ((2, N_("Chỉ Bộ phận Một cửa")), (1, N_("Hai cơ quan, đơn vị")),
               (0, N_("Từ ba cơ quan, đơn vị trở lên"))), False),
    Indicator("attitude_score", 7, N_("Thái độ của cán bộ, công chức"),
              ((2, N_("Lịch sự, tận tình")), (1, N_("Bình thường")),
               (0, N_("Chưa đúng mực"))), True),
)


def indicators_for(kind: str) -> tuple[Indicator, ...]:
    """The indicators asked for a dossier (all four) or a ticket-only visit (attitude)."""
    return tuple(i for i in INDICATORS if kind == DOSSIER or i.for_tickets)


def parse_score(raw: object) -> int | None:
    """A posted score: 2, 1 or 0; None when not answered.

    :raise ValueError: anything else
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip()
    if text not in ("0", "1", "2"):
        raise ValueError(f"not a score: {text!r}")
    return int(text)


class RatingState(Enum):
    NOT_YET = "not_yet"  # the result is not returned / the visit is not over
    LINKED = "linked"  # a ticket that brought a dossier: rate the dossier
    OPEN = "open"  # may be rated
    CHANGEABLE = "changeable"  # rated, may still change
    FINAL = "final"  # rated, the change window has closed


def dossier_ready(status: int) -> bool:
    """A dossier is rated once its result is returned (status 10), never before."""
    return status == Status.RETURNED


def ticket_ready(status: str) -> bool:
    """A ticket is rated once the visit is over: served to the end (not a no-show)."""
    return status == DONE


def change_deadline(rated_at: datetime, days: int = CHANGE_DAYS) -> datetime:
    """The last moment a rating given at *rated_at* can still be changed."""
    return rated_at + timedelta(days=days)


def rating_state(*, ready: bool, rated_at: datetime | None, now: datetime,
                 linked: bool = False, days: int = CHANGE_DAYS) -> RatingState:
    """Where a dossier's or ticket's rating stands at *now* (aware datetimes)."""
    if rated_at is not None:
        return RatingState.CHANGEABLE if now <= change_deadline(rated_at, days) \
            else RatingState.FINAL
    if linked:
        return RatingState.LINKED
    return RatingState.OPEN if ready else RatingState.NOT_YET


# A ticket's number as a citizen types it at the exit: "A-012", "a12", "B 7". At most three
# letters and four digits, so it is never taken for a pre-filing code (eight characters).
_TICKET = re.compile(r"([A-Za-z]{1,3})\s*[-.\u2010-\u2015]?\s*0*([0-9]{1,4})")


def parse_ticket_number(raw: str | None) -> tuple[str, int] | None:
    """(group prefix, number) of a typed ticket number, or None when it is not one."""
    found = _TICKET.fullmatch((raw or "").strip())
    if found is None or int(found[2]) < 1:
        return None
    return found[1].upper(), int(found[2])
