"""The live check: one POST saves the draft and answers with the panel (htmx) or the page."""

import gzip
import re
import unicodedata

import pytest

from tests.html import check_page

from .conftest import APPLICANT, BIRTH, complete_answers, papers_to_bring, procedure


@pytest.fixture
def draft(citizen):
    return citizen.start()  # a birth registration: a long form, one section a page


def step_state(citizen, draft, number=1):
    """What a step of the long form posts with every live check: its state and its number."""
    return {**citizen.page_state(f"{draft}/phan/{number}"), "_part": str(number)}


def test_the_fragment_saves_and_answers_200_without_a_layout(citizen, draft):
    response = citizen.post(draft + "/kiem-tra", {"applicant_full_name": "Nguyễn Thị Hoà",
                                                  "applicant_id_number": "12345"}, htmx=True)
    assert response.status_code == 200
    assert "HX-Request" in response.headers.get("Vary", "")
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    assert "<html" not in text and "<main" not in text
    check_page(text, full_page=False)
    assert "Còn thiếu" in text
    # the wrong ID number's message goes beside its field, out of band
    box = re.search(r'<p class="field-msg" id="applicant_id_number-error" '
                    r'data-hx-swap-oob="true">.*?</p>', text)[0]
    assert "12 chữ số" in box
    # autosave: what was typed is stored, even the wrong number
    answers = citizen.dossier(draft).answers
    assert answers["applicant_full_name"] == "Nguyễn Thị Hoà"
    assert answers["applicant_id_number"] == "12345"


def test_without_htmx_a_wrong_answer_gets_the_page_with_an_error_summary(citizen, draft):
    response = citizen.post(draft + "/kiem-tra", {"applicant_full_name": "Nguyễn Thị Hoà",
                                                  "applicant_id_number": "12345"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    check_page(page)
    assert "<title>Lỗi: " in page
    summary = re.search(r'<div class="error-summary".*?</div>\s*</div>', page, re.S)[0]
    assert "Có lỗi cần sửa" in summary and "autofocus" in summary
    assert 'href="#applicant_id_number"' in summary
    # the error sits beside the field too, and nothing typed is lost
    assert re.search(r'id="applicant_id_number-error"><span class="field-error">', page)
    assert 'aria-invalid="true"' in page
    assert 'value="12345"' in page and 'value="Nguyễn Thị Hoà"' in page
    # empty required fields are not errors while drafting: they are gaps in the panel
    assert 'href="#applicant_birth_date"' not in summary


def test_without_htmx_a_good_check_redirects_to_the_panel(citizen, draft):
    response = citizen.post(draft + "/kiem-tra", {"applicant_full_name": "Nguyễn Thị Hoà"})
    assert response.status_code == 303
    assert response.headers["Location"] == draft + "#completeness"
    assert citizen.dossier(draft).answers["applicant_full_name"] == "Nguyễn Thị Hoà"


@pytest.mark.parametrize("htmx", [False, True])
def test_the_check_needs_the_csrf_token(citizen, draft, htmx):
    response = citizen.post(draft + "/kiem-tra", {"applicant_full_name": "Người Lạ"},
                            htmx=htmx, csrf=False)
    assert response.status_code == 400
    assert "Người Lạ" not in response.get_data(as_text=True)
    assert citizen.dossier(draft).answers.get("applicant_full_name", "") == ""
    assert "bản nháp đã được lưu tự động" in response.get_data(as_text=True)
    if htmx:  # htmx shows the message in the page's message area
        assert response.headers["HX-Retarget"] == "#flash"


def test_fixed_messages_are_cleared_only_when_the_page_shows_them(citizen, draft):
    good = {"applicant_id_number": "001190012345"}
    shown = citizen.post(draft + "/kiem-tra", {**good, "_msgs": "applicant_id_number"}, htmx=True)
    text = shown.get_data(as_text=True)
    assert ('<p class="field-msg" id="applicant_id_number-error" data-hx-swap-oob="true"></p>'
            in text)
    assert '<input type="hidden" id="ui-msgs" name="_msgs" value="" data-hx-swap-oob="true">' in text
    quiet = citizen.post(draft + "/kiem-tra", good, htmx=True).get_data(as_text=True)
    assert "applicant_id_number-error" not in quiet  # nothing to change on the page


def test_a_field_appears_when_its_condition_starts_to_hold(app, citizen, draft):
    page = citizen.client.get(draft + "/phan/5").get_data(as_text=True)
    hidden_state = re.search(r'id="ui-hidden" name="_hidden" value="([^"]*)"', page)[1]
    assert hidden_state.split(",") == ["copies"]  # only what this step shows
    assert re.search(r'<div class="field" id="copies-field" hidden>', page)
    text = citizen.post(draft + "/kiem-tra", {"want_copies": "1", "_hidden": hidden_state,
                                              "_part": "5"},
                        htmx=True).get_data(as_text=True)
    assert re.search(r'<div class="field" id="copies-field" data-hx-swap-oob="true">', text)
    assert "copies" not in re.search(r'id="ui-hidden" name="_hidden" value="([^"]*)"', text)[1]
    # and goes away again
    text = citizen.post(draft + "/kiem-tra", {"want_copies": "", "_hidden": "", "_part": "5"},
                        htmx=True).get_data(as_text=True)
    assert re.search(r'<div class="field" id="copies-field" hidden data-hx-swap-oob="true">', text)


def test_an_unticked_box_is_saved_as_no(citizen, draft):
    citizen.post(draft + "/kiem-tra", {"want_copies": "1"}, htmx=True)
    assert citizen.dossier(draft).answers["want_copies"] == "1"
    citizen.post(draft + "/kiem-tra", {}, htmx=True)  # a browser sends nothing for it
    assert citizen.dossier(draft).answers["want_copies"] == ""


def test_an_id_number_that_disagrees_with_the_birth_date_warns_without_blocking(citizen, draft):
    data = {**APPLICANT, "applicant_birth_date": "15/03/1991"}
    text = citizen.post(draft + "/kiem-tra", data, htmx=True).get_data(as_text=True)
    box = re.search(r'id="applicant_id_number-error" data-hx-swap-oob="true">(.*?)</p>', text)[1]
    assert "field-warning" in box and "1990" in box and "field-error" not in box
    assert 'href="#applicant_id_number"' not in text  # not a gap


def test_text_is_stored_in_nfc(citizen, draft):
    nfd = unicodedata.normalize("NFD", "Nguyễn Thị Hoà")
    citizen.post(draft + "/kiem-tra", {"applicant_full_name": nfd}, htmx=True)
    stored = citizen.dossier(draft).answers["applicant_full_name"]
    assert stored == unicodedata.normalize("NFC", nfd) != nfd


def test_a_complete_dossier_says_so_and_lists_the_originals(app, citizen, draft):
    spec = procedure(app, BIRTH)
    answers = complete_answers(spec)
    data = {**answers, "papers_confirmed": papers_to_bring(spec, answers)}
    text = citizen.post(draft + "/kiem-tra", data, htmx=True).get_data(as_text=True)
    assert "Hồ sơ đã đủ" in text and "Còn thiếu" not in text
    assert "Giấy chứng sinh" in text  # an original to bring
    assert "8.000\xa0₫" in text  # registered within 60 days: free, but one copy costs 8.000


def test_the_panel_links_each_gap_to_its_field(citizen, draft):
    text = citizen.post(draft + "/kiem-tra", {}, htmx=True).get_data(as_text=True)
    count = int(re.search(r"Còn thiếu (\d+) mục", text)[1])
    listed = re.search(r'<ul class="gaps">(.*?)</ul>', text, re.S)[1]
    links = re.findall(r'<a href="#([\w-]+)">', listed)
    # the first is also "the next thing to do", in view above the list
    assert re.search(r'Tiếp theo: <a href="#applicant_full_name">', text)
    assert len(links) == count and "applicant_full_name" in links
    assert "giay-to-giay_to_tuy_than" in links  # a paper links to its block


def test_the_fragment_is_small(citizen, draft):
    """Budget: a completeness fragment ≤ 3 KB on the wire, even for an empty draft."""
    state = step_state(citizen, draft)  # as the page posts it
    response = citizen.post(draft + "/kiem-tra", {"applicant_id_number": "12", **state},
                            htmx=True, headers={"Accept-Encoding": "gzip"})
    body = response.get_data()
    assert response.headers.get("Content-Encoding") == "gzip"
    assert len(body) <= 3000, len(body)
    # uncompressed, the longest panel (a new draft: 20 gaps) stays under 4 KB
    assert len(gzip.decompress(body)) < 4000, len(gzip.decompress(body))


def test_a_nearly_complete_drafts_fragment_is_under_3_kb_even_uncompressed(app, citizen, draft):
    answers = complete_answers(procedure(app, BIRTH))
    answers.pop("mother_full_name")
    citizen.post(draft + "/luu", answers)
    state = step_state(citizen, draft)
    text = citizen.post(draft + "/kiem-tra", {**answers, "applicant_id_number": "12", **state},
                        htmx=True).get_data()
    assert len(text) <= 3000, len(text)


def test_a_sent_dossier_is_not_changed_by_a_late_check(app, citizen, draft):
    citizen.fill_complete(draft)
    assert citizen.action(draft + "/nop").status_code == 303
    late = citizen.post(draft + "/kiem-tra", {"applicant_full_name": "Muộn"}, htmx=True)
    assert late.status_code == 409
    assert late.headers["HX-Retarget"] == "#flash"
    plain = citizen.post(draft + "/kiem-tra", {"applicant_full_name": "Muộn"})
    assert plain.status_code == 303
    assert citizen.dossier(draft).answers["applicant_full_name"] == APPLICANT["applicant_full_name"]


def _state_in(text: str, part: str = "1") -> dict[str, str]:
    """The state a live check's answer gives the page (of the long form's step *part*)."""
    state = {name: re.search(rf'name="{name}" value="([^"]*)" data-hx-swap-oob', text)[1]
             for name in ("_msgs", "_hidden", "_panel")}
    return {**state, "_part": part}


def test_typing_on_in_a_field_that_is_fine_sends_nothing_but_saves(citizen, draft):
    state = step_state(citizen, draft)
    first = citizen.post(draft + "/kiem-tra", {**APPLICANT, **state}, htmx=True)
    assert first.status_code == 200  # the panel changed: six fewer gaps
    state = _state_in(first.get_data(as_text=True))
    more = {**APPLICANT, "applicant_address": APPLICANT["applicant_address"] + " (nhà 2)"}
    again = citizen.post(draft + "/kiem-tra", {**more, **state}, htmx=True)
    assert again.status_code == 204 and again.get_data() == b""  # htmx swaps nothing
    assert citizen.dossier(draft).answers["applicant_address"] == more["applicant_address"]
    # a change the page must show is sent, with the new state
    wrong = citizen.post(draft + "/kiem-tra", {**more, **state, "applicant_id_number": "12"},
                         htmx=True)
    assert wrong.status_code == 200
    assert _state_in(wrong.get_data(as_text=True))["_panel"] != state["_panel"]
    # and an old page (another state) always gets the panel
    stale = citizen.post(draft + "/kiem-tra", {**more, **state, "_panel": "0"}, htmx=True)
    assert stale.status_code == 200 and "Còn thiếu" in stale.get_data(as_text=True)


def _redraw(citizen, draft, answers, lang=""):
    """A check whose page shows the state of these answers but not their panel (_panel
    missing), as after a lost answer: the panel is sent, with no out-of-band parts."""
    state = _state_in(citizen.post(draft + "/kiem-tra" + lang,
                                   {**answers, **step_state(citizen, draft)},
                                   htmx=True).get_data(as_text=True))
    state.pop("_panel")
    text = citizen.post(draft + "/kiem-tra" + lang, {**answers, **state},
                        htmx=True).get_data(as_text=True)
    # a gap on another step links to that step's page, under the draft's own link
    token = draft.split("/")[2]
    assert f"/ho-so/{token}/phan/2#child_full_name" in text
    return text.replace(token, "<token>")


def test_a_panel_is_the_same_for_two_drafts_that_show_the_same_and_names_only_its_own(
        app, citizen):
    first, second = citizen.start(), citizen.start()
    one = _redraw(citizen, first, APPLICANT)
    assert "Còn thiếu" in one and "swap-oob" in one
    # rendered afresh, character for character (but each draft's own link)
    assert _redraw(citizen, second, APPLICANT) == one
    # A draft whose answers differ never gets a panel that speaks of another's.
    other = {**APPLICANT, "applicant_full_name": "Lê Văn Khác", "applicant_id_number": "12"}
    theirs = citizen.post(second + "/kiem-tra", other, htmx=True).get_data(as_text=True)
    mine = citizen.post(first + "/kiem-tra", APPLICANT, htmx=True).get_data(as_text=True)
    assert "applicant_id_number-error" in theirs and "applicant_id_number-error" not in mine
    assert "Lê Văn Khác" not in mine
    for dossier in (citizen.dossier(first), citizen.dossier(second)):
        assert dossier.prefiling_code not in one and dossier.prefiling_code[:4] not in mine


def test_the_panel_follows_the_language_of_the_page(citizen):
    draft = citizen.start()
    vi = _redraw(citizen, draft, APPLICANT)
    en = _redraw(citizen, draft, APPLICANT, "?lang=en")
    assert "Còn thiếu" in vi and "missing" in en
    less = _redraw(citizen, draft, {**APPLICANT, "applicant_address": ""}, "?lang=vi")
    assert less != vi and "#applicant_address" in less


def _commits(app):
    """Count the commits of the app's database from now on (SQLAlchemy's commit event)."""
    from sqlalchemy import event

    from tthc.extensions import db

    seen = []
    with app.app_context():
        engine = db.engine
    listener = lambda conn: seen.append(1)  # noqa: E731
    event.listen(engine, "commit", listener)
    return seen, lambda: event.remove(engine, "commit", listener)


def test_one_live_check_is_one_commit(app, citizen, draft):
    state = step_state(citizen, draft)
    seen, stop = _commits(app)
    try:
        # Typing the applicant's details with "remember me" ticked: the answers, the phone's
        # profile and the link between them are one transaction.
        answered = citizen.post(draft + "/kiem-tra", {**APPLICANT, **state, "_remember_shown": "1",
                                                      "remember": "1"}, htmx=True)
        assert answered.status_code == 200 and len(seen) == 1
        seen.clear()
        again = citizen.post(draft + "/kiem-tra",
                             {**APPLICANT, "applicant_address": "Số 2", "_remember_shown": "1",
                              "remember": "1"}, htmx=True)
        assert again.status_code == 200 and len(seen) == 1
    finally:
        stop()
    dossier = citizen.dossier(draft)
    assert dossier.answers["applicant_address"] == "Số 2" and dossier.profile_id is not None
    assert any(c.startswith("tthc_thiet_bi=") for c in answered.headers.getlist("Set-Cookie"))


def test_the_panel_digest_covers_why_a_fee_is_not_known(app):
    import dataclasses

    from tthc.domain.completeness import assess
    from tthc.domain.i18n import msg
    from tthc.intake.services import panel_state

    with app.test_request_context("/"):
        report = assess(procedure(app, "chung-thuc-ban-sao"), {}, set(),
                        today=__import__("datetime").date(2026, 11, 30))
        line = report.fee.lines[0]
        other = dataclasses.replace(report, fee=dataclasses.replace(
            report.fee, lines=(dataclasses.replace(line, note=msg("Một lý do khác")),
                               *report.fee.lines[1:])))
        assert panel_state(report) != panel_state(other)
        assert panel_state(report) == panel_state(dataclasses.replace(report))
