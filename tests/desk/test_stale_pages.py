"""A decision posted from a page that another officer (or the citizen) has overtaken: every
decision's form carries the status its page showed (``trang_thai``); a dossier changed since
gets 409 with the dossier page as it now is, and nothing is written (issue 13).

Each case below is chosen so that, where the transition table allows it, the decision would
still be allowed from the new status (a supplement slip on a dossier just received, a
reception of a dossier waiting for a supplement…): only the status shown refuses it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tests.desk.conftest import COPY, MONDAY, SINGLE, Officer, load, make_dossier
from tests.html import check_page
from tthc.domain.status import Status
from tthc.extensions import db
from tthc.models import AccessLog, Dossier, Staff

SHOWN = re.compile(r'name="trang_thai" value="([^"]*)"')
STALE = "Hồ sơ đã thay đổi (do cán bộ khác hoặc công dân) sau khi trang này được mở"
REASON = "Bản chính đề nghị chứng thực đã bị tẩy xóa, sửa chữa nội dung."


def staff(username: str) -> Staff:
    return db.session.scalar(select(Staff).filter_by(username=username))


# --- what another officer (or the citizen) does meanwhile, through the services -------------


def sent_by_citizen(dossier_id):
    from tthc.intake import services as intake

    intake.submit(db.session.get(Dossier, dossier_id))


def supplement(dossier_id):
    from tthc.desk import services

    services.reception.request_supplement(dossier_id, staff("tiepnhan"), [
        services.reception.PostedItem("", "", "Nộp bản sao giấy khai sinh có chứng thực.")], "")


def receive(dossier_id):
    from tthc.desk import services

    services.reception.receive(dossier_id, staff("tiepnhan"))


def hand_over(dossier_id):
    from tthc.desk import services

    services.processing.hand_over(dossier_id, staff("tiepnhan"), staff("chuyenmon"))


def receive_and_hand_over(dossier_id):
    receive(dossier_id)
    hand_over(dossier_id)


def return_result(dossier_id):
    from tthc.desk import services

    services.returns.return_result(dossier_id, staff("tiepnhan"), channel="desk",
                                   receiver="Trần Văn Bình")


def request_fee(dossier_id):
    from tthc.desk import services

    services.processing.request_fee(dossier_id, staff("chuyenmon"))


def resolve(dossier_id):
    from tthc.desk import services

    services.processing.resolve(dossier_id, staff("chuyenmon"))


def stop(dossier_id):
    from tthc.desk import services

    services.processing.stop(dossier_id, staff("chuyenmon"),
                             "Công dân có văn bản đề nghị dừng giải quyết.")


def withdraw(dossier_id):
    from tthc.desk import services

    services.reception.withdraw(dossier_id, staff("tiepnhan"))


def awaiting_signature(dossier_id):
    from tthc.desk import services

    services.signoff.submit(dossier_id, staff("chuyenmon"), staff("lanhdao"))


# --- the decisions ------------------------------------------------------------------------------


def paper_verdicts(app, dossier_id, _clock=None) -> dict:
    from tthc.desk import services

    with app.app_context():
        keys = [p.key for p in services.desk_report(
            db.session.get(Dossier, dossier_id)).completeness.papers]
    return {"_form": "kiem-tra", **{f"kt-{key}": "copy" for key in keys}}


def new_date(app, dossier_id, clock) -> dict:
    from tests.desk.test_matrix import working_day_from

    due = load(app, dossier_id).due_at.astimezone(MONDAY.tzinfo)
    clock(due - dt.timedelta(days=2))
    day = working_day_from(due.date() + dt.timedelta(days=3))
    return {"ngay": day.strftime("%d/%m/%Y"), "ly_do_tre": "Chờ kết quả xác minh nơi cư trú.",
            "bao_tin": "phone"}


# (id, who, procedure, state, set-up after the state, the page, the path, meanwhile, data)
CASES = [
    ("accept_draft", "tiepnhan", COPY, "draft", None, "", "nhan-ho-so", sent_by_citizen, {}),
    ("papers", "tiepnhan", COPY, "new", None, "", "giay-to", supplement, paper_verdicts),
    ("receive", "tiepnhan", COPY, "checked", None, "", "tiep-nhan", supplement, {}),
    ("supplement", "tiepnhan", SINGLE, "checked", None, "/bo-sung", "bo-sung", receive,
     {"so_muc": "1", "muc-0": "", "ly-do-0": "Nộp bản sao giấy xác nhận nơi cư trú."}),
    ("refuse", "tiepnhan", SINGLE, "checked", None, "", "tu-choi", receive_and_hand_over,
     {"ly_do": REASON}),
    ("withdraw", "tiepnhan", COPY, "checked", None, "", "rut", receive, {}),
    ("handover", "tiepnhan", SINGLE, "received", None, "", "chuyen", hand_over,
     lambda app, _id, _clock: {"can_bo": str(_staff_id("chuyenmon", app))}),
    ("resolve", "chuyenmon", SINGLE, "received", None, "", "xu-ly-xong", hand_over, {}),
    ("return_result", "tiepnhan", COPY, "resolved", None, "", "tra-ket-qua", return_result,
     {"kenh_tra": "desk", "nguoi_nhan": "Nguyễn Thị Hoà"}),
    ("reschedule", "lanhdao", SINGLE, "progress", None, "", "hen-lai", request_fee, new_date),
    ("request_fee", "chuyenmon", SINGLE, "progress", None, "", "yeu-cau-nop-phi", resolve, {}),
    ("fee_paid", "chuyenmon", SINGLE, "progress", request_fee, "", "da-nop-phi", stop, {}),
    ("stop", "chuyenmon", SINGLE, "progress", None, "", "dung", request_fee,
     {"ly_do_dung": "Công dân có văn bản đề nghị dừng giải quyết."}),
    ("submit", "chuyenmon", SINGLE, "received", None, "", "trinh-ky", hand_over,
     lambda app, _id, _clock: {"lanh_dao": str(_staff_id("lanhdao", app))}),
    ("approve", "lanhdao", SINGLE, "progress", awaiting_signature, "", "ky-duyet", withdraw,
     {"lan": "1", "so_ky_hieu": "125/QĐ-UBND", "ngay_ky": MONDAY.strftime("%d/%m/%Y")}),
    ("send_back", "lanhdao", SINGLE, "progress", awaiting_signature, "", "tra-lai", withdraw,
     {"lan": "1", "ly_do_tra_lai": "Dự thảo ghi sai năm sinh của người yêu cầu."}),
]


def _staff_id(username: str, app) -> int:
    with app.app_context():
        return staff(username).id


def stored(app, dossier_id: int) -> dict:
    """Everything a decision writes on the dossier, and its history."""
    dossier = load(app, dossier_id)
    columns = ("status", "code", "received_at", "due_at", "handler_id", "paper_checks",
               "supplement_items", "refusal_reason", "result_number", "returned_at",
               "returned_to", "signoff_by_id", "signoff_round", "rescheduled", "submitted_at")
    return {**{c: getattr(dossier, c) for c in columns},
            "events": [(e.action, e.source, e.target) for e in dossier.events]}


def the_page(app, officer: Officer, dossier_id: int, page: str, path: str) -> int:
    """The officer opens the page with the decision's form: the status it carries."""
    html = officer.get(f"/can-bo/ho-so/{dossier_id}{page}").get_data(as_text=True)
    assert f'/can-bo/ho-so/{dossier_id}/{path}"' in html, "the decision is not on the page"
    shown = set(SHOWN.findall(html))
    assert shown == {str(load(app, dossier_id).status)}, shown  # every form: the status shown
    return int(shown.pop())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a_decision_on_a_page_overtaken_meanwhile_is_refused_and_writes_nothing(app, clock,
                                                                                case):
    _, who, code, state, prepare, page, path, meanwhile, data = case
    dossier_id = make_dossier(app, code, state=state)
    if prepare is not None:
        with app.app_context():
            prepare(dossier_id)
    officer = Officer(app, _staff_id(who, app))
    shown = the_page(app, officer, dossier_id, page, path)
    form = data(app, dossier_id, clock) if callable(data) else dict(data)
    with app.app_context():
        meanwhile(dossier_id)
    before = stored(app, dossier_id)
    assert before["status"] != shown
    response = officer.post(f"/can-bo/ho-so/{dossier_id}/{path}",
                            {**form, "trang_thai": str(shown)})
    html = response.get_data(as_text=True)
    assert response.status_code == 409, html[:3000]
    check_page(html)
    assert STALE in html
    assert f'<strong id="trang-thai">{Status(before["status"]).label}</strong>' in html
    assert set(SHOWN.findall(html)) <= {str(before["status"])}  # its forms: the new status
    assert stored(app, dossier_id) == before  # nothing written
    with app.app_context():
        last = db.session.scalars(select(AccessLog).filter_by(dossier_id=dossier_id)
                                  .order_by(AccessLog.id.desc())).first()
        assert (last.action, last.detail) == ("refused", f"{path} (409)")  # a read, logged


def test_a_stale_check_sent_by_htmx_gets_the_page_as_it_now_is_in_place_of_the_old(app,
                                                                                   dossier):
    dossier_id = dossier(state="new")
    reception = Officer(app, _staff_id("tiepnhan", app))
    shown = the_page(app, reception, dossier_id, "", "giay-to")
    with app.app_context():
        supplement(dossier_id)
    before = stored(app, dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to",
                              {**paper_verdicts(app, dossier_id), "trang_thai": str(shown)},
                              headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "body"
    assert response.headers["HX-Reswap"] == "innerHTML"
    check_page(html)  # the whole page, htmx keeps its body
    assert STALE in html and "Yêu cầu bổ sung giấy tờ" in html
    assert stored(app, dossier_id) == before


@pytest.mark.parametrize("posted", [None, "", "1a", "²", "99"])
def test_a_decision_without_the_status_shown_counts_as_changed(app, dossier, posted):
    dossier_id = dossier(state="checked")
    reception = Officer(app, _staff_id("tiepnhan", app))
    before = stored(app, dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/rut", {"trang_thai": posted})
    assert response.status_code == 409
    assert STALE in response.get_data(as_text=True)
    assert stored(app, dossier_id) == before


def test_the_page_as_it_now_is_carries_the_new_status_and_the_decision_goes_through(app,
                                                                                  dossier):
    """Refused once, the officer reads the dossier again and decides on what it is now."""
    dossier_id = dossier(state="checked")
    reception = Officer(app, _staff_id("tiepnhan", app))
    with app.app_context():
        receive(dossier_id)
    refused = reception.post(f"/can-bo/ho-so/{dossier_id}/rut", {"trang_thai": "1"})
    assert refused.status_code == 409
    now = SHOWN.findall(refused.get_data(as_text=True))
    assert now and set(now) == {str(int(Status.RECEIVED))}
    done = reception.post(f"/can-bo/ho-so/{dossier_id}/rut", {"trang_thai": now[0]})
    assert done.status_code == 303
    assert load(app, dossier_id).status == int(Status.WITHDRAWN)


def test_corrections_are_not_decisions_and_need_no_status(app, dossier):
    """Correcting the answers, the procedure or the channel is not judged on the status
    shown: another officer's reception meanwhile does not lose what was typed."""
    dossier_id = dossier(state="checked")
    reception = Officer(app, _staff_id("tiepnhan", app))
    with app.app_context():
        receive(dossier_id)
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/kenh",
                              {"kenh": "3", "trang_thai": None})
    assert response.status_code == 303
    assert load(app, dossier_id).channel == 3
