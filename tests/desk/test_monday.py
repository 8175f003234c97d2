"""Issue 12, at the desk: the check is never lost, each problem is said once, the counter's
ticket follows a walk-in, the decision is in reach, each role sees only what it may do, and
codes, phones, photos, Form 02 and the timeline print one way."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from sqlalchemy import select

from tests.desk.conftest import COPY, MONDAY, SINGLE, check_all, load
from tests.html import check_page
from tthc.extensions import db
from tthc.models import AccessLog, Dossier, Ticket, Upload
from tthc.timeutil import TZ

BIRTH = "dang-ky-khai-sinh"


def paper_keys(app, dossier_id: int) -> list[str]:
    from tthc.desk import services

    with app.app_context():
        dossier = db.session.get(Dossier, dossier_id)
        return [p.key for p in services.desk_report(dossier).completeness.papers]


def ticked(keys, verdict: str = "original", **overrides) -> dict[str, str]:
    """The check's form as the page posts it, with a verdict on every paper."""
    return {"_form": "kiem-tra", **{f"kt-{k}": overrides.get(k, verdict) for k in keys}}


def section(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin:html.index(end, begin)]


# --- 1. the paper check is never lost ---------------------------------------------------------


def test_receiving_straight_after_ticking_saves_the_verdicts_and_receives(app, reception,
                                                                          dossier):
    dossier_id = dossier()
    keys = paper_keys(app, dossier_id)
    # «Tiếp nhận hồ sơ» pressed before (or without) «Lưu kết quả kiểm tra»: the button submits
    # the check's form, so the ticks go with it.
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", ticked(keys))
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    stored = load(app, dossier_id)
    assert stored.status == 2
    assert {k: v["verdict"] for k, v in stored.paper_checks.items()} == \
        {k: "original" for k in keys}


def test_a_refused_reception_keeps_every_tick(app, reception, dossier):
    dossier_id = dossier()
    keys = paper_keys(app, dossier_id)
    data = ticked(keys, **{keys[-1]: "missing"})
    data[f"ghi-chu-{keys[-1]}"] = "Chưa mang bản sao"
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", data)
    assert response.status_code == 409
    stored = load(app, dossier_id)
    assert stored.status == 1
    assert stored.paper_checks[keys[0]]["verdict"] == "original"
    assert stored.paper_checks[keys[-1]]["note"] == "Chưa mang bản sao"
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert re.search(rf'name="kt-{keys[0]}" value="original" checked', page)
    assert 'value="Chưa mang bản sao"' in page


@pytest.mark.parametrize("action", ["tu-choi", "rut"])
def test_refusing_or_a_withdrawal_at_the_check_keeps_the_ticks(app, reception, dossier, action):
    dossier_id = dossier()
    keys = paper_keys(app, dossier_id)
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    # Without JavaScript the buttons submit the check's form (form="check-form"), ticks and all.
    path = f"/can-bo/ho-so/{dossier_id}/{action}"
    assert re.search(rf'form="check-form" formaction="{path}"', page)
    data = ticked(keys, **{keys[-1]: "invalid"})
    if action == "tu-choi":
        assert 'name="ly_do" rows="3" form="check-form"' in page
        data["ly_do"] = "Giấy tờ không đúng với yêu cầu của thủ tục này."
    response = reception.post(path, data)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    stored = load(app, dossier_id)
    assert stored.status == (3 if action == "tu-choi" else 7)
    assert stored.paper_checks[keys[-1]]["verdict"] == "invalid"
    assert stored.paper_checks[keys[0]]["verdict"] == "original"


def test_asking_for_a_supplement_with_the_check_saves_it_first(app, reception, dossier):
    dossier_id = dossier()
    keys = paper_keys(app, dossier_id)
    data = {**ticked(keys, **{keys[-1]: "invalid"}), f"ghi-chu-{keys[-1]}": "thiếu trang 2",
            "tiep": "bo-sung"}
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to", data)
    assert response.status_code == 303
    assert response.location.endswith(f"/can-bo/ho-so/{dossier_id}/bo-sung")
    form_02 = reception.get(response.location).get_data(as_text=True)
    assert "thiếu trang 2" in form_02


def test_each_tick_is_saved_and_the_decision_follows(app, reception, dossier, htmx_headers):
    dossier_id = dossier()
    keys = paper_keys(app, dossier_id)
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    panel = re.search(r'<div id="quyet-dinh"[^>]*>', page)[0]
    assert f'data-hx-post="/can-bo/ho-so/{dossier_id}/giay-to"' in panel
    assert "change from:closest form" in panel
    # one tick at a time, as htmx posts the form on each change
    first = reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to",
                           {"_form": "kiem-tra", f"kt-{keys[0]}": "original"},
                           headers=htmx_headers)
    assert first.status_code == 200
    assert load(app, dossier_id).paper_checks[keys[0]]["verdict"] == "original"
    assert "Còn 1 vấn đề" in first.get_data(as_text=True)
    second = reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to", ticked(keys),
                            headers=htmx_headers)
    fragment = second.get_data(as_text=True)
    check_page(fragment, full_page=False)
    assert "Hồ sơ đủ điều kiện tiếp nhận" in fragment
    # the decision bar's verdict is replaced too
    bar = re.search(r'<p class="desk-summary-verdict" id="tom-tat-ket-luan"[^>]*>(.*?)</p>',
                    fragment, re.S)
    assert bar and 'data-hx-swap-oob="true"' in bar[0] and "Đủ điều kiện tiếp nhận" in bar[1]


def test_saving_the_same_check_again_writes_and_logs_nothing(app, reception, dossier,
                                                            htmx_headers):
    dossier_id = dossier()
    keys = paper_keys(app, dossier_id)
    for _ in range(3):  # the same form posted on every pause in typing
        reception.post(f"/can-bo/ho-so/{dossier_id}/giay-to", ticked(keys),
                       headers=htmx_headers)
    with app.app_context():
        rows = db.session.scalars(select(AccessLog.detail).filter_by(
            dossier_id=dossier_id, action="update")).all()
    assert rows == ["kiểm tra giấy tờ"]


def test_the_decision_buttons_submit_the_check(app, reception, dossier):
    dossier_id = dossier()
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    receive = re.search(r'<button[^>]*>Tiếp nhận hồ sơ</button>', page)[0]
    assert 'form="check-form"' in receive
    assert f'formaction="/can-bo/ho-so/{dossier_id}/tiep-nhan"' in receive
    assert '<form id="check-form"' in page


# --- 2. one invalid paper, one line -----------------------------------------------------------


def test_an_invalid_paper_is_reported_once(app, reception, dossier):
    dossier_id = dossier()
    keys = paper_keys(app, dossier_id)
    check_all(reception, app, dossier_id, **{keys[-1]: "invalid"})
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    panel = section(page, '<div id="quyet-dinh"', "</div>")
    assert len(re.findall(r"hông hợp lệ", panel)) == 1, panel
    assert "Còn 1 vấn đề" in panel
    refused = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert "(1 mục)" in refused.get_data(as_text=True)


# --- 3. the counter's ticket follows a walk-in ------------------------------------------------


def test_a_walk_in_started_while_serving_a_ticket_is_tied_to_it(app, reception, demo):
    from tthc.models import Staff
    from tthc.queue import services as queue

    with app.app_context():
        queue.issue_ticket(demo["office"], demo["groups"][0])
        queue.call_next(db.session.get(Staff, demo["staff"]["tiepnhan"]))
    response = reception.post("/can-bo/tiep-nhan/moi", {"thu_tuc": COPY, "kenh": "1"})
    dossier_id = int(response.location.split("/")[-1].split("#")[0])
    with app.app_context():
        assert db.session.scalar(select(Ticket.dossier_id)) == dossier_id
    home = reception.get("/can-bo/tiep-nhan").get_data(as_text=True)
    assert f'href="/can-bo/ho-so/{dossier_id}">Mở hồ sơ của số này' in home


# --- 4. outside working hours and on days off ------------------------------------------------


def _day_off_after(day):
    from tthc.desk.services import calendar

    day += dt.timedelta(days=1)
    while calendar().is_working_day(day):
        day += dt.timedelta(days=1)
    return day


@pytest.mark.parametrize("when", ["evening", "day off"])
def test_outside_working_hours_the_desk_says_so(app, reception, dossier, clock, when):
    app.config["TTHC_QUEUE_OPENING_HOURS"] = True  # the test app turns the hours off
    at = MONDAY.replace(hour=19) if when == "evening" else \
        dt.datetime.combine(_day_off_after(MONDAY.date()), dt.time(10), tzinfo=TZ)
    clock(at)
    dossier_id = dossier(state="checked")
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert "Đã quá 15:00" not in page and "ngay hôm nay nếu kịp" not in page
    assert 'name="giu_hen"' not in page  # no "still today" promise at night
    said = "Hôm nay là ngày nghỉ" if when == "day off" else "đang ngoài giờ làm việc"
    assert said in page and "Mở cửa lại lúc 07:30 " in page
    assert "Hồ sơ tiếp nhận lúc này được chuyển xử lý vào ngày làm việc tiếp theo" in page
    home = reception.get("/can-bo/tiep-nhan").get_data(as_text=True)
    assert said in home
    # still received if the officer does, counted from the next working day
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    assert response.location.endswith("/phieu/01")
    assert not load(app, dossier_id).same_day


def test_during_opening_hours_nothing_is_said(app, reception, dossier):
    page = reception.get(f"/can-bo/ho-so/{dossier(state='checked')}").get_data(as_text=True)
    assert "ngoài giờ làm việc" not in page and "ngày nghỉ" not in page


# --- 5. the decision in reach -----------------------------------------------------------------


def test_the_decision_comes_before_the_long_parts_and_complete_answers_fold(app, reception,
                                                                             dossier):
    dossier_id = dossier(BIRTH)
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    bar = page.index('class="desk-summary"')
    assert bar < page.index('id="check-form"') and bar < page.index('id="applicant_full_name"')
    assert bar < page.index(">Tiếp nhận hồ sơ</button>") < page.index('id="thong-tin"')
    answers = re.search(r'<details class="desk-fold" id="thong-tin"[^>]*>', page)[0]
    assert " open" not in answers  # complete: folded, one click away
    walk_in = reception.post("/can-bo/tiep-nhan/moi", {"thu_tuc": COPY, "kenh": "1"})
    empty = reception.get(walk_in.location).get_data(as_text=True)
    assert re.search(r'<details class="desk-fold" id="thong-tin" open>', empty)


# --- 6. only what the role may do -------------------------------------------------------------

ACTION = re.compile(r'\b(?:action|formaction|data-hx-post)="(/can-bo/[^"]+)"')
LINK = re.compile(r'<a\b[^>]*\bhref="(/can-bo/[^"#]+)')


@pytest.mark.parametrize("role", ["reception", "specialist", "leader"])
def test_no_page_offers_an_action_the_role_may_not_take(app, request, dossier, role):
    officer = request.getfixturevalue(role)
    states = [dossier(state=s) for s in ("draft", "new", "received", "progress", "resolved")]
    states.append(dossier(SINGLE, state="progress"))
    adapter = app.url_map.bind("localhost")
    offered = []
    for path in ["/can-bo/tiep-nhan"] + [f"/can-bo/ho-so/{i}" for i in states]:
        page = officer.get(path).get_data(as_text=True)
        assert "<html" in page
        found = [("POST", u) for u in ACTION.findall(page)] + \
            [("GET", u) for u in LINK.findall(page)]
        for method, url in found:
            url = htmllib.unescape(url).split("?")[0]
            endpoint, _ = adapter.match(url, method=method)
            roles = getattr(app.view_functions[endpoint], "staff_roles", ())
            offered.append(endpoint)
            assert not roles or role in roles, (path, method, url, role)
    assert "desk.show" in offered  # the scan read something


def test_a_leader_reads_the_check_and_is_offered_no_reception_button(app, leader, dossier):
    dossier_id = dossier(state="checked")
    page = leader.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    assert "Tiếp nhận hồ sơ</button>" not in page and "Lưu kết quả kiểm tra" not in page
    assert "Đã xem bản chính" in page  # the verdicts, read only
    assert "Hồ sơ đủ điều kiện tiếp nhận" in page


# --- 7. one way to write codes and phones; photos, Form 02's number, the timeline -------------


def test_the_pre_filing_code_is_written_one_way(app, reception, dossier):
    dossier_id = dossier()
    raw = load(app, dossier_id).prefiling_code
    shown = f"{raw[:4]}-{raw[4:]}"
    home = reception.get("/can-bo/tiep-nhan").get_data(as_text=True)
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    for html in (home, page):
        assert shown in html and raw not in html


def test_slips_print_phones_in_one_format(app, reception, dossier):
    dossier_id = dossier(SINGLE, state="checked")
    with app.app_context():
        stored = db.session.get(Dossier, dossier_id)
        stored.answers = {**stored.answers, "applicant_phone": "+84912345678"}
        db.session.commit()
    response = reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    slip = reception.get(response.location).get_data(as_text=True)
    assert "0912 345 678" in slip and "+84912345678" not in slip


def test_photos_show_as_thumbnails_and_pdfs_as_links(app, reception, dossier):
    from tthc.intake import uploads

    dossier_id = dossier()
    key = paper_keys(app, dossier_id)[0]
    with app.app_context():
        for content_type in (uploads.JPEG, uploads.PDF):
            name = uploads.store(b"%PDF-1.4 or a photo", content_type)
            db.session.add(Upload(dossier_id=dossier_id, paper_key=key, stored_name=name,
                                  content_type=content_type, size=20))
        db.session.commit()
        photo, pdf = db.session.scalars(select(Upload.id).filter_by(dossier_id=dossier_id)
                                        .order_by(Upload.id)).all()
    page = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    check_page(page)
    img = re.search(rf'<img src="/can-bo/ho-so/{dossier_id}/tep/{photo}"[^>]*>', page)
    assert img, "the photo is not shown as a thumbnail"
    assert 'loading="lazy"' in img[0] and 'width="96"' in img[0] and 'height="128"' in img[0]
    assert f'<img src="/can-bo/ho-so/{dossier_id}/tep/{pdf}"' not in page
    assert re.search(rf'<a href="/can-bo/ho-so/{dossier_id}/tep/{pdf}"[^>]*>[^<]*PDF', page)


def test_form_02_has_its_number(app, reception, dossier):
    numbers = []
    for _ in range(2):
        dossier_id = dossier(SINGLE)
        response = reception.post(f"/can-bo/ho-so/{dossier_id}/bo-sung", {
            "so_muc": "1", "muc-0": "", "ly-do-0": "Mang bản chính giấy khai sinh."})
        slip = reception.get(response.location).get_data(as_text=True)
        numbers.append(re.search(r"Số: (\S+)/HDHS", slip)[1])
        again = reception.get(response.location).get_data(as_text=True)
        assert re.search(r"Số: (\S+)/HDHS", again)[1] == numbers[-1]  # a reprint: the same
    assert int(numbers[1]) == int(numbers[0]) + 1  # the office's requests, in order


def test_the_timelines_do_not_repeat_their_labels(app, reception, prefiled):
    dossier_id, citizen, path = prefiled()
    check_all(reception, app, dossier_id)
    reception.post(f"/can-bo/ho-so/{dossier_id}/tiep-nhan", {})
    reception.post(f"/can-bo/ho-so/{dossier_id}/xu-ly-xong", {})
    desk = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    history = section(desk, 'id="lich-su"', "</table>")
    assert history.count("Đã xử lý xong") == 1 and "(Tiếp nhận)" not in history
    phone = citizen.client.get(path).get_data(as_text=True)
    timeline = section(phone, '<ol class="timeline">', "</ol>")
    assert timeline.count("Đã xử lý xong") == 1, timeline
    assert "(Tiếp nhận)" not in timeline and "(Gửi hồ sơ)" not in timeline


@pytest.mark.parametrize("raw, printed", [
    ("+84912345678", "0912 345 678"), ("0912.345.678", "0912 345 678"),
    ("(024) 3825 0000", "024 3825 0000"), ("12345", "12345"), (None, "")])
def test_one_printed_format_for_phones(raw, printed):
    from tthc.domain.numbers import format_phone

    assert format_phone(raw) == printed
