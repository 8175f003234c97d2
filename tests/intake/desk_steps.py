"""What the desk does to a citizen's dossier, as the citizen's pages then see it.

The desk's own tests drive its pages; here the same changes are made through the one
transition table (``services.change_status``), with the fields the desk sets beside them.
"""

from __future__ import annotations

import datetime as dt

from tthc.domain.status import STAFF
from tthc.extensions import db
from tthc.intake import services
from tthc.models import Dossier

OFFICIAL_CODE = "000.00.21.H26-261207-0007"
# 14/12/2026 17:00 in Hanoi, 10:00 UTC
DUE = dt.datetime(2026, 12, 14, 10, 0, tzinfo=dt.timezone.utc)
BAD_PAPER = {"target": "paper:giay_chung_sinh", "label": "Giấy chứng sinh",
             "reason": "«Giấy chứng sinh» không hợp lệ: ảnh mờ, chụp lại rõ nét."}
MISSING_FIELD = {"target": "child_full_name", "label": "Họ, chữ đệm và tên của trẻ",
                 "reason": "«Họ, chữ đệm và tên của trẻ»: ghi đúng như giấy chứng sinh."}


def receive(app, dossier_id: int, *, same_day: bool = False, due: dt.datetime = DUE) -> None:
    """The desk receives the dossier: status 2, its official code and due date."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        services.change_status(dossier, "receive", STAFF, note="same_day" if same_day else "slip")
        dossier.code = OFFICIAL_CODE
        dossier.received_at = due - dt.timedelta(days=3)
        dossier.due_at = due
        dossier.same_day = same_day
        db.session.commit()


def ask_supplement(app, dossier_id: int, items=(BAD_PAPER, MISSING_FIELD)) -> None:
    """The desk asks for a supplement (Form 02, status 5) with these items."""
    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        services.change_status(dossier, "request_supplement", STAFF)
        dossier.supplement_items = [dict(item) for item in items]
        db.session.commit()
