"""The kiosk (/danh-gia) guards a dossier's last 4 digits as the public look-up does, through
the same check (tthc.intake.lookups.lookup): wrong digits count per dossier in the database,
whatever the address and at either page; past the limit even the right digits are refused
until the window passes; and every failure gets one answer (issue 13)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tests.feedback.conftest import LAST4
from tthc.extensions import db
from tthc.intake import lookups
from tthc.models import Dossier, LookupFailure

from .test_kiosk import PASS

NOT_FOUND = "Không tìm thấy hồ sơ với mã và 4 số cuối điện thoại này."
# The CSRF token (in the form and in the body's htmx headers) is signed with the time.
CSRF_VALUE = re.compile(rb'(name="csrf_token" value="|"X-CSRFToken": ")[^"]+"')


def _code(app, dossier_id: int) -> str:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).code


def _failures(app, dossier_id: int) -> int:
    with app.app_context():
        return db.session.query(LookupFailure).filter_by(dossier_id=dossier_id).count()


def _find(kiosk, code: str, last4: str, address: str):
    return kiosk.post("/danh-gia", {"ma": code, "so_cuoi": last4}, csrf=True,
                      environ_base={"REMOTE_ADDR": address})


def _answer(response, *typed: str) -> bytes:
    """The page without what was typed and without its CSRF tokens."""
    body = CSRF_VALUE.sub(b"", response.get_data())
    for value in typed:
        body = body.replace(value.encode(), b"")
    return body


@pytest.fixture
def limits(app):
    """Three wrong last-4 per dossier within 60 minutes; no per-address limit in the way."""
    app.config.update(TTHC_LOOKUP_DOSSIER_FAILURES=3, TTHC_LOOKUP_DOSSIER_WINDOW_MINUTES=60,
                      TTHC_RATING_LOOKUP_RATE_LIMIT="1000 per minute",
                      TTHC_LOOKUP_RATE_LIMIT="1000 per minute")


def test_wrong_digits_from_many_addresses_lock_the_dossier_until_the_window_passes(
        app, kiosk, dossier, limits, monkeypatch):
    dossier_id, _ = dossier("returned")
    code = _code(app, dossier_id)
    unknown = _find(kiosk, "000.00.00.X99-260101-0001", "1111", "10.0.0.9")
    assert unknown.status_code == 422 and NOT_FOUND in unknown.get_data(as_text=True)
    # three wrong guesses, each from another address: the address limit never sees them
    for n, (last4, address) in enumerate((("1111", "10.0.0.1"), ("2222", "10.0.0.2"),
                                          ("3333", "10.0.0.3")), start=1):
        wrong = _find(kiosk, code, last4, address)
        assert wrong.status_code == 422 and PASS.search(wrong.get_data(as_text=True)) is None
        assert _failures(app, dossier_id) == n
        # wrong digits answer exactly like an unknown code
        assert _answer(wrong, code, last4) == _answer(unknown, "000.00.00.X99-260101-0001",
                                                      "1111")
    # the right digits now, from a fourth address: refused, with the very same answer
    blocked = _find(kiosk, code, LAST4, "10.0.0.4")
    assert blocked.status_code == 422
    assert PASS.search(blocked.get_data(as_text=True)) is None
    assert 'name="muc"' not in blocked.get_data(as_text=True)
    assert _answer(blocked, code, LAST4) == _answer(unknown, "000.00.00.X99-260101-0001",
                                                    "1111")
    assert _failures(app, dossier_id) == 3  # not checked, not counted while locked
    # the public look-up shares the count: locked there too
    public = kiosk.post("/tra-cuu", {"code": code, "last4": LAST4}, csrf=True,
                        environ_base={"REMOTE_ADDR": "10.0.0.5"})
    assert public.status_code == 422 and NOT_FOUND in public.get_data(as_text=True)
    # an hour later the failures have aged out: the right digits find the dossier again
    later = lookups.utcnow() + dt.timedelta(minutes=61)
    monkeypatch.setattr(lookups, "utcnow", lambda: later)
    found = _find(kiosk, code, LAST4, "10.0.0.4")
    assert found.status_code == 200 and PASS.search(found.get_data(as_text=True))


def test_wrong_digits_at_the_public_look_up_count_at_the_kiosk(app, kiosk, dossier, limits):
    dossier_id, _ = dossier("returned")
    code = _code(app, dossier_id)
    for n, last4 in enumerate(("1111", "2222", "3333"), start=1):
        response = kiosk.post("/tra-cuu", {"code": code, "last4": last4}, csrf=True,
                              environ_base={"REMOTE_ADDR": f"10.0.1.{n}"})
        assert response.status_code == 422
    assert _failures(app, dossier_id) == 3
    refused = _find(kiosk, code, LAST4, "10.0.1.9")
    assert refused.status_code == 422 and NOT_FOUND in refused.get_data(as_text=True)
    assert PASS.search(refused.get_data(as_text=True)) is None


def test_another_office_and_a_draft_answer_like_an_unknown_code(
        app, kiosk, dossier, other_office, limits):
    unknown = _find(kiosk, "000.00.00.X99-260101-0001", LAST4, "10.0.2.1")
    elsewhere_id, _ = dossier("returned", office_id=other_office["id"])
    elsewhere = _code(app, elsewhere_id)
    with app.app_context():
        draft_code = db.session.get(Dossier, dossier("draft")[0]).prefiling_code
    for code in (elsewhere, draft_code):
        response = _find(kiosk, code, LAST4, "10.0.2.2")  # the right digits
        assert response.status_code == 422
        assert _answer(response, code) == _answer(unknown, "000.00.00.X99-260101-0001")
    # a kiosk of one office counts nothing against another office's dossier
    _find(kiosk, elsewhere, "1111", "10.0.2.3")
    assert _failures(app, elsewhere_id) == 0
