"""«Sửa» or «Rút» on the citizen's phone and «Tiếp nhận» at the desk, fired together 100 times
(issue 13): afterwards every dossier is either received (its code, its due date, one receive
event, no longer editable) or reopened / withdrawn (no code, no reception), never both; the
loser of each race gets a 409 with the page as it now is.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.concurrency.conftest import Browser, at_once, history, reception_officer, sent_dossier
from tthc.domain.status import Status

ROUNDS = 100


def _race(app, path: str):
    """ROUNDS dossiers, each sent, then the citizen's *path* and the desk's reception at once:
    [(dossier id, citizen's response, desk's response)]."""
    staff = reception_officer(app)
    citizen, desk = Browser(app), Browser(app, staff)
    rounds = []
    for _ in range(ROUNDS):
        dossier_id, token = sent_dossier(app, staff)
        mine, theirs = at_once(
            lambda: citizen.post(f"/ho-so/{token}{path}", {"status": str(int(Status.NEW))}),
            lambda: desk.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {"trang_thai": "1"}))
        rounds.append((dossier_id, mine, theirs))
    return rounds


def _check(app, rounds, action: str, undone: Status) -> Counter:
    outcomes: Counter = Counter()
    for dossier_id, mine, theirs in rounds:
        dossier, actions = history(app, dossier_id)
        codes = sorted((mine.status_code, theirs.status_code))
        assert codes == [303, 409], (dossier_id, codes)  # one winner, one clear refusal
        if Status(dossier.status) == Status.RECEIVED:
            outcomes["received"] += 1
            assert theirs.status_code == 303 and mine.status_code == 409
            assert dossier.code and dossier.due_at is not None and dossier.received_at
            assert actions.count("receive") == 1 and action not in actions, actions
            page = mine.get_data(as_text=True)  # the citizen's page as it now is
            assert "Được tiếp nhận" in page and 'action="/ho-so/' not in page.split(
                "Thay đổi hồ sơ")[-1]
        else:
            outcomes[action] += 1
            assert Status(dossier.status) == undone, Status(dossier.status)
            assert mine.status_code == 303 and theirs.status_code == 409
            assert dossier.code is None and dossier.received_at is None \
                and dossier.due_at is None, "an official code on a dossier never received"
            assert "receive" not in actions and actions[-1] == action, actions
    print(f"{action} vs receive: {dict(outcomes)}")  # which side won how often (-s shows it)
    return outcomes


def test_reopen_against_reception(any_app):
    _check(any_app, _race(any_app, "/sua"), "reopen", Status.DRAFT)


def test_withdraw_against_reception(any_app):
    _check(any_app, _race(any_app, "/rut"), "withdraw", Status.WITHDRAWN)


def test_a_click_on_a_page_the_desk_has_overtaken_changes_nothing(app):
    """The page showed «Đã nộp» (1); the desk asked for a supplement meanwhile (5): «Rút» is
    still allowed from 5, but it is not what the citizen saw, so nothing changes (409)."""
    from tthc.desk import services
    from tthc.extensions import db
    from tthc.models import Staff

    staff = reception_officer(app)
    dossier_id, token = sent_dossier(app, staff)
    citizen = Browser(app)
    assert 'name="status" value="1"' in citizen.client.get(f"/ho-so/{token}").get_data(
        as_text=True)
    with app.app_context():
        officer = db.session.get(Staff, staff)
        services.reception.request_supplement(dossier_id, officer, [
            services.reception.PostedItem("", "", "Bản sao giấy khai sinh có chứng thực.")], "")
    response = citizen.post(f"/ho-so/{token}/rut", {"status": "1"})
    assert response.status_code == 409
    assert "Hồ sơ vừa thay đổi trạng thái" in response.get_data(as_text=True)
    dossier, actions = history(app, dossier_id)
    assert dossier.status == int(Status.SUPPLEMENT) and "withdraw" not in actions
    # a page without the status it showed is refused too; with the status now shown it works
    assert citizen.post(f"/ho-so/{token}/rut").status_code == 409
    assert citizen.post(f"/ho-so/{token}/rut", {"status": "5"}).status_code == 303
    assert history(app, dossier_id)[0].status == int(Status.WITHDRAWN)


def test_a_save_on_its_way_when_the_desk_receives_writes_nothing(any_app):
    """The citizen's autosave read the dossier while it waited for a supplement (editable);
    the desk received it before the save was written: the save changes nothing (409 to the
    page), the desk has what it received."""
    from sqlalchemy.orm import Session

    from tthc.extensions import db
    from tthc.intake import services as intake
    from tthc.models import Dossier

    staff = reception_officer(any_app)
    dossier_id, token = sent_dossier(any_app, staff)
    with any_app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        dossier.status = int(Status.SUPPLEMENT)  # the desk asked for it (the table's way is
        db.session.commit()                      # tested in tests/desk)
        before = dict(dossier.answers)
    with any_app.test_request_context():
        db.session().expire_on_commit = False  # as on the citizen's pages
        seen = intake.find_by_token(token)
        assert intake.editable(seen)
        with Session(db.engine) as desk:  # the desk, on its own connection, receives
            desk.get(Dossier, dossier_id).status = int(Status.RECEIVED)
            desk.commit()
        edit = intake.Edit({**before, "applicant_address": "Số 1 phố Mới"}, (), None, None)
        with pytest.raises(intake.NotEditable):
            intake.check(seen, edit)
    dossier, _ = history(any_app, dossier_id)
    assert dossier.answers == before and dossier.status == int(Status.RECEIVED)


def test_the_desk_does_not_receive_a_dossier_sent_again_since_its_page_was_opened(app):
    """Status alone cannot tell (1 → 0 → 1): the desk's page carries when the dossier it
    shows was sent, and «Tiếp nhận» refuses one reopened, changed and sent again since."""
    import re

    staff = reception_officer(app)
    dossier_id, token = sent_dossier(app, staff)
    desk, citizen = Browser(app, staff), Browser(app)
    page = f"/can-bo/ho-so/{dossier_id}"
    shown = re.search(r'name="gui_luc" value="([^"]+)"', desk.client.get(page).get_data(
        as_text=True))[1]
    assert citizen.post(f"/ho-so/{token}/sua", {"status": "1"}).status_code == 303
    assert citizen.post(f"/ho-so/{token}/nop").status_code == 303
    response = desk.post(page + "/tiep-nhan", {"gui_luc": shown, "trang_thai": "1"})
    assert response.status_code == 409
    assert "gửi lại hồ sơ sau khi trang này được mở" in response.get_data(as_text=True)
    assert history(app, dossier_id)[0].status == int(Status.NEW)
    again = re.search(r'name="gui_luc" value="([^"]+)"', desk.client.get(page).get_data(
        as_text=True))[1]
    assert again != shown
    assert desk.post(page + "/tiep-nhan", {"gui_luc": again, "trang_thai": "1"}).status_code \
        == 303
    assert history(app, dossier_id)[0].status == int(Status.RECEIVED)
