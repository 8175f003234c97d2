"""Two officers decide on the same dossier at once, each from a page that showed it as it
was (issue 13): one wins, the other gets 409 and the page as it now is. Without the
compare-and-set on the status shown, both could win: the table allows a reception after a
supplement request (5 → 2) and a supplement request after a reception (2 → 5).
"""

from __future__ import annotations

from collections import Counter

from tests.auth import factories
from tests.concurrency.conftest import Browser, at_once, history, sent_dossier
from tests.desk.conftest import make_dossier
from tthc.domain.status import Status
from tthc.extensions import db

ROUNDS = 30
SUPPLEMENT = {"so_muc": "1", "muc-0": "", "ly-do-0": "Nộp bản sao giấy khai sinh có chứng thực."}


def _two_officers(app) -> tuple[int, int]:
    with app.app_context():
        office = factories.demo_office()
        first = factories.make_staff(office, "tn-a", counter=1).id
        second = factories.make_staff(office, "tn-b", counter=2).id
        db.session.commit()
        return first, second


def test_a_reception_and_a_supplement_request_at_once_make_one_decision(any_app):
    first, second = _two_officers(any_app)
    receiving, asking = Browser(any_app, first), Browser(any_app, second)
    outcomes: Counter = Counter()
    for _ in range(ROUNDS):
        dossier_id, _ = sent_dossier(any_app, first)
        base = f"/can-bo/ho-so/{dossier_id}"
        received, asked = at_once(
            lambda: receiving.post(base + "/tiep-nhan", {"trang_thai": "1"}),
            lambda: asking.post(base + "/bo-sung", {**SUPPLEMENT, "trang_thai": "1"}))
        codes = sorted((received.status_code, asked.status_code))
        assert codes == [303, 409], codes  # one winner, one clear refusal
        dossier, actions = history(any_app, dossier_id)
        loser = asked if received.status_code == 303 else received
        assert "Hồ sơ đã thay đổi" in loser.get_data(as_text=True)
        if received.status_code == 303:
            outcomes["received"] += 1
            assert dossier.status == int(Status.RECEIVED) and dossier.code
            assert "request_supplement" not in actions and actions.count("receive") == 1
        else:
            outcomes["supplement"] += 1
            assert dossier.status == int(Status.SUPPLEMENT) and dossier.code is None
            assert "receive" not in actions and actions.count("request_supplement") == 1
    print(f"receive vs supplement: {dict(outcomes)}")


def test_a_result_returned_at_two_counters_at_once_is_recorded_once(any_app):
    first, second = _two_officers(any_app)
    counters = Browser(any_app, first), Browser(any_app, second)
    for n in range(ROUNDS // 3):
        dossier_id = make_dossier(any_app, state="resolved", staff_id=first)
        path = f"/can-bo/ho-so/{dossier_id}/tra-ket-qua"
        forms = [{"kenh_tra": "desk", "nguoi_nhan": name, "trang_thai": str(int(Status.RESOLVED))}
                 for name in ("Nguyễn Thị Hoà", "Trần Văn Bình")]
        responses = at_once(lambda: counters[0].post(path, forms[0]),
                            lambda: counters[1].post(path, forms[1]))
        assert sorted(r.status_code for r in responses) == [303, 409]
        dossier, actions = history(any_app, dossier_id)
        winner = forms[[r.status_code for r in responses].index(303)]["nguoi_nhan"]
        assert dossier.status == int(Status.RETURNED) and actions.count("return_result") == 1
        assert dossier.returned_to == winner  # the loser wrote nothing over it
