"""March 2026 at the demo office, counted by hand (see each line), shared by the report tests.

Three working days each (xac-nhan-tinh-trang-hon-nhan) unless said otherwise. Measured at
the end of March (the reports' clock is 15/04/2026):

=====  ===================================================  =========  ==========
 name   what happened                                         766        resolved
=====  ===================================================  =========  ==========
 A     Mon 02/03 walk-in, due Thu 05/03, ready Wed 04/03      early      yes
 B     Mon 02/03 pre-filed, due 05/03, ready Thu 05/03 16:00  on time    yes
 C     Tue 03/03 assisted, due Fri 06/03, ready Mon 09/03     late       yes
 D     Wed 04/03 post, due Mon 09/03, still in progress       late       no (open)
 E     Tue 31/03 walk-in, due Fri 03/04, received             open       no
 F     Mon 09/03, two supplement requests, ready Tue 10/03    late       yes
 G     Thu 12/03, asked 12/03, back Mon 16/03 (2 working      late       yes
       days), ready Fri 20/03: due 17/03 + 2 = Thu 19/03
       (a calendar subtraction would call it early)
 H     Thu 05/03, withdrawn                                   —          —
 I     Thu 05/03, stopped Fri 06/03, due 10/03               early      stopped
 K     Fri 27/02, due Wed 04/03, ready Mon 02/03             early      yes
 L     Fri 20/02, ready 25/02 (before March)                 —          —
 J     another office, 02/03, ready 03/03                    —          —
=====  ===================================================  =========  ==========

So early 3, on time 1, late 4, open 1; on time 50 %; resolved 6, stopped 1. Received in
March: 9 (walk-in A E F G H I = 6, pre-filed B, assisted C, post D). First time right: 7
of 9 (F and G were asked to supplement). Ratings: A 2, B 1, C 0, one visit 2; feedback on C
and D: complained on 2 dossiers; 766 satisfaction = 100 − 4/8 − 2/8 = 25 %.
"""

from __future__ import annotations

from sqlalchemy import select

from tthc.extensions import db
from tthc.models import Staff

from .conftest import SAME_DAY, THREE_DAYS, dossier, feedback, rating, ticket, vn

RISKY_LABEL = '=HYPERLINK("http://example.invalid","bấm")'
PAPER = "Bản chính Giấy khai sinh"


def build_march(office_id: int, other_office_id: int) -> dict[str, int]:
    """Write the scene; returns the dossiers' ids by name."""
    ids = {}
    ids["A"] = dossier(office_id, received=vn(2026, 3, 2, 9), status=10, channel=1,
                       due_at=vn(2026, 3, 5, 17), resolved_at=vn(2026, 3, 4, 10),
                       returned_at=vn(2026, 3, 5, 9), uploads=1).id
    ids["B"] = dossier(office_id, received=vn(2026, 3, 2, 10), status=9, channel=2,
                       due_at=vn(2026, 3, 5, 17), resolved_at=vn(2026, 3, 5, 16),
                       uploads=2).id
    ids["C"] = dossier(office_id, received=vn(2026, 3, 3, 9), status=9, channel=2,
                       assisted=True, due_at=vn(2026, 3, 6, 17),
                       resolved_at=vn(2026, 3, 9, 10)).id
    ids["D"] = dossier(office_id, received=vn(2026, 3, 4, 9), status=4, channel=3,
                       due_at=vn(2026, 3, 9, 17)).id
    ids["E"] = dossier(office_id, received=vn(2026, 3, 31, 9), status=2, channel=1,
                       due_at=vn(2026, 4, 3, 17)).id
    ids["F"] = dossier(office_id, received=vn(2026, 3, 9, 9), status=9, channel=1,
                       due_at=vn(2026, 3, 12, 17), resolved_at=vn(2026, 3, 10, 10),
                       supplement_count=2,
                       supplement_items=[{"target": "paper:ks", "label": PAPER, "reason": ""},
                                         {"target": "field:x", "label": RISKY_LABEL,
                                          "reason": ""}],
                       events=[("request_supplement", vn(2026, 3, 9, 10), 2, 5),
                               ("receive", vn(2026, 3, 9, 11), 5, 2),
                               ("request_supplement", vn(2026, 3, 9, 14), 2, 5),
                               ("receive", vn(2026, 3, 9, 15), 5, 2)]).id
    ids["G"] = dossier(office_id, received=vn(2026, 3, 12, 9), status=9, channel=1,
                       due_at=vn(2026, 3, 19, 17), resolved_at=vn(2026, 3, 20, 10),
                       supplement_count=1,
                       supplement_items=[{"target": "paper:ks", "label": PAPER, "reason": ""}],
                       events=[("receive", vn(2026, 3, 12, 9), 1, 2),
                               ("request_supplement", vn(2026, 3, 12, 14), 2, 5),
                               ("receive", vn(2026, 3, 16, 10), 5, 2),
                               ("resolve", vn(2026, 3, 20, 10), 2, 9)]).id
    ids["H"] = dossier(office_id, received=vn(2026, 3, 5, 9), status=7, channel=1,
                       due_at=vn(2026, 3, 10, 17)).id
    ids["I"] = dossier(office_id, received=vn(2026, 3, 5, 9), status=8, channel=1,
                       due_at=vn(2026, 3, 10, 17),
                       events=[("stop", vn(2026, 3, 6, 10), 4, 8)]).id
    ids["K"] = dossier(office_id, received=vn(2026, 2, 27, 9), status=9, channel=1,
                       due_at=vn(2026, 3, 4, 17), resolved_at=vn(2026, 3, 2, 10)).id
    ids["L"] = dossier(office_id, received=vn(2026, 2, 20, 9), status=9, channel=1,
                       due_at=vn(2026, 2, 25, 17), resolved_at=vn(2026, 2, 25, 10)).id
    ids["J"] = dossier(other_office_id, received=vn(2026, 3, 2, 9), status=9, channel=1,
                       due_at=vn(2026, 3, 5, 17), resolved_at=vn(2026, 3, 3, 10)).id
    return ids


def rate_march(office_id: int, ids: dict[str, int], group_id: int) -> None:
    rating(office_id, 2, vn(2026, 3, 5, 10), dossier_id=ids["A"], time_score=2,
           attitude_score=2)
    rating(office_id, 1, vn(2026, 3, 6, 10), dossier_id=ids["B"], time_score=1)
    rating(office_id, 0, vn(2026, 3, 10, 10), dossier_id=ids["C"])
    visit = ticket(office_id, group_id, created=vn(2026, 3, 2, 7, 45), called=vn(2026, 3, 2, 8),
                   done=vn(2026, 3, 2, 8, 5))
    rating(office_id, 2, vn(2026, 3, 2, 9), ticket_id=visit.id)
    rating(office_id, 0, vn(2026, 4, 2, 9), dossier_id=ids["E"])  # April: not counted
    feedback(office_id, ids["C"], vn(2026, 3, 11, 9))
    feedback(office_id, ids["D"], vn(2026, 3, 10, 9))


def staff_id(username: str) -> int:
    return db.session.scalar(select(Staff.id).filter_by(username=username))


def queue_march(office_id: int, group_id: int, other: tuple[int, int]) -> None:
    """Waits 10, 20, 30, 30 min; services 9, 10, 15 min (and one of 280 min, left out).

    Hour 08: t1 (wait 10, service 9), t2 (20, 10: no "start", from the call). Hour 09: t3
    (30, 15), t4 missed after two no-shows, t5 (30, 280 → left out).
    """
    reception, specialist = staff_id("tiepnhan"), staff_id("chuyenmon")
    ticket(office_id, group_id, created=vn(2026, 3, 2, 8), called=vn(2026, 3, 2, 8, 10),
           served=vn(2026, 3, 2, 8, 11), done=vn(2026, 3, 2, 8, 20), staff_id=reception)
    ticket(office_id, group_id, created=vn(2026, 3, 2, 8, 5), called=vn(2026, 3, 2, 8, 25),
           done=vn(2026, 3, 2, 8, 35), staff_id=reception)
    ticket(office_id, group_id, created=vn(2026, 3, 2, 9), called=vn(2026, 3, 2, 9, 30),
           served=vn(2026, 3, 2, 9, 31), done=vn(2026, 3, 2, 9, 46), staff_id=specialist)
    ticket(office_id, group_id, created=vn(2026, 3, 2, 9, 10), status="missed", no_shows=2,
           done=vn(2026, 3, 2, 9, 40))
    ticket(office_id, group_id, created=vn(2026, 3, 2, 9, 20), called=vn(2026, 3, 2, 9, 50),
           served=vn(2026, 3, 2, 9, 50), done=vn(2026, 3, 2, 14, 30), staff_id=specialist)
    # Elsewhere and another month: not counted.
    ticket(other[0], other[1], created=vn(2026, 3, 2, 8), called=vn(2026, 3, 2, 10),
           done=vn(2026, 3, 2, 10, 5))
    ticket(office_id, group_id, created=vn(2026, 4, 1, 8), called=vn(2026, 4, 1, 10),
           done=vn(2026, 4, 1, 10, 5))


def same_day_march(office_id: int) -> None:
    """Mondays 2 (1 same day), other days 2 (1), after 15:00 1 (left out)."""
    dossier(office_id, SAME_DAY, received=vn(2026, 3, 2, 9), status=9,
            resolved_at=vn(2026, 3, 2, 11), due_at=vn(2026, 3, 2, 17))
    dossier(office_id, SAME_DAY, received=vn(2026, 3, 2, 10), status=9,
            resolved_at=vn(2026, 3, 3, 9), due_at=vn(2026, 3, 2, 17))
    dossier(office_id, SAME_DAY, received=vn(2026, 3, 2, 15, 30), status=9,
            resolved_at=vn(2026, 3, 3, 9), due_at=vn(2026, 3, 3, 17))
    dossier(office_id, SAME_DAY, received=vn(2026, 3, 3, 9), status=9,
            resolved_at=vn(2026, 3, 3, 10), due_at=vn(2026, 3, 3, 17))
    dossier(office_id, SAME_DAY, received=vn(2026, 3, 4, 9), status=2,
            due_at=vn(2026, 3, 4, 17))
    dossier(office_id, THREE_DAYS, received=vn(2026, 3, 2, 9), status=9,
            resolved_at=vn(2026, 3, 2, 10), due_at=vn(2026, 3, 5, 17))  # not a same-day one
    dossier(office_id, SAME_DAY, received=vn(2026, 3, 9, 9), status=7)  # withdrawn


__all__ = ["build_march", "PAPER", "RISKY_LABEL", "queue_march", "rate_march", "same_day_march"]
