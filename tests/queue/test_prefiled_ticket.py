"""The pre-filed dossier's QR doubles as its ticket: scanned or typed at the kiosk, or the
«Lấy số» button of the confirmation page; one number per dossier and day, in the group of
the procedure, tied to the dossier so the officer who calls it opens it with no typing."""

from __future__ import annotations

import re

import pytest

from tests.auth import factories
from tests.html import check_page
from tests.queue.helpers import COPY, SINGLE, next_working_monday, post, prefile, set_clock
from tthc.domain.codes import format_prefiling_code
from tthc.extensions import db
from tthc.models import Dossier, Ticket


@pytest.fixture
def monday(app, monkeypatch):
    """Opening hours on, the clock on a working Monday morning (the dossiers are pre-filed
    first, on the real clock: their answers are checked against today)."""
    app.config["TTHC_QUEUE_OPENING_HOURS"] = True
    return lambda: set_clock(monkeypatch, next_working_monday(9))


def _tickets(app) -> list[Ticket]:
    with app.app_context():
        found = list(db.session.query(Ticket).order_by(Ticket.id))
        for t in found:
            db.session.expunge(t)
        return found


def _label_on(client, location: str) -> str:
    return re.search(r'class="ticket-label">([A-Z]-\d+)<', client.get(location)
                     .get_data(as_text=True))[1]


def test_typing_the_code_at_the_kiosk_gives_a_number_tied_to_the_dossier(app, client, demo,
                                                                           monday):
    dossier_id, _, _, code = prefile(app, COPY)
    monday()
    page = client.get("/lay-so").get_data(as_text=True)
    assert 'action="/ma-nop-truoc"' in page and "YPD9-N7J6" in page
    typed = f" {code[:4].lower()} {code[4:].lower()} "  # as a citizen types it
    response = post(client, "/ma-nop-truoc", {"ma": typed})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    [ticket] = _tickets(app)
    assert (ticket.dossier_id, ticket.label, ticket.source) == (dossier_id, "A-001", "phone")
    assert _label_on(client, response.location) == "A-001"
    # A second scan (here: the same code written another way) shows the same number.
    again = post(client, "/ma-nop-truoc", {"ma": format_prefiling_code(code)})
    assert again.location == response.location
    assert len(_tickets(app)) == 1


def test_scanning_the_qr_types_the_dossiers_link(app, client, demo, monday):
    dossier_id, path, _, _ = prefile(app, SINGLE)  # civil status: group B
    monday()
    response = post(client, "/ma-nop-truoc", {"ma": f"http://localhost{path}"})
    assert response.status_code == 303
    [ticket] = _tickets(app)
    assert (ticket.dossier_id, ticket.label) == (dossier_id, "B-001")


@pytest.mark.parametrize("typed, status, message", [
    ("", 422, "Vui lòng quét mã QR hoặc nhập mã nộp trước, ví dụ YPD9-N7J6."),
    ("ZZZZ-ZZZZ", 404, "Không tìm thấy hồ sơ có mã này."),
    ("http://localhost/ho-so/" + "x" * 40, 404, "Không tìm thấy hồ sơ có mã này."),
])
def test_a_wrong_code_is_said_beside_the_field_and_kept(app, client, demo, monday, typed,
                                                        status, message):
    monday()
    response = post(client, "/ma-nop-truoc", {"ma": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == status
    check_page(html)
    assert f'<p class="field-msg" id="ma-error">{message}' in html
    assert f'value="{typed}"' in html  # nothing typed is lost
    assert 'aria-invalid="true"' in html
    assert _tickets(app) == []


def test_a_draft_not_yet_sent_gets_no_number_but_the_reason(app, client, demo, monday):
    _, _, _, code = prefile(app, COPY, submit=False)
    monday()
    response = post(client, "/ma-nop-truoc", {"ma": code})
    assert response.status_code == 409
    assert "chưa được nộp trước" in response.get_data(as_text=True)
    assert _tickets(app) == []


def test_another_offices_dossier_is_not_found_here(app, client, demo, other_office, monday):
    dossier_id, _, _, code = prefile(app, COPY)
    with app.app_context():
        db.session.get(Dossier, dossier_id).office_id = other_office["id"]
        db.session.commit()
    monday()
    assert post(client, "/ma-nop-truoc", {"ma": code}).status_code == 404


def test_the_confirmation_page_offers_lay_so_during_opening_hours(app, demo, monkeypatch):
    app.config["TTHC_QUEUE_OPENING_HOURS"] = True
    dossier_id, path, phone, _ = prefile(app, COPY)
    set_clock(monkeypatch, next_working_monday(12))  # lunch break: no button, the time
    page = phone.client.get(path + "/da-nop").get_data(as_text=True)
    assert f'action="{path}/lay-so"' not in page
    assert "Mở cửa lại lúc 13:30 hôm nay" in page
    refused = phone.action(path + "/lay-so")  # pressed from a page loaded earlier
    assert refused.status_code == 409 and "Mở cửa lại lúc 13:30" in refused.get_data(
        as_text=True)
    check_page(refused.get_data(as_text=True))

    set_clock(monkeypatch, next_working_monday(14))
    page = phone.client.get(path + "/da-nop").get_data(as_text=True)
    check_page(page)
    assert f'action="{path}/lay-so"' in page and ">Lấy số</button>" in page
    response = phone.action(path + "/lay-so")
    assert response.status_code == 303 and "kiosk" not in response.location
    [ticket] = _tickets(app)
    assert (ticket.dossier_id, ticket.label, ticket.source) == (dossier_id, "A-001", "phone")
    # The page now shows the number instead of the button; pressing again gives the same.
    page = phone.client.get(path + "/da-nop").get_data(as_text=True)
    assert "Số thứ tự của hồ sơ hôm nay" in page and "A-001" in page
    assert f'action="{path}/lay-so"' not in page
    assert phone.action(path + "/lay-so").location == response.location
    assert len(_tickets(app)) == 1


def test_unknown_link_for_lay_so_is_404(app, client, demo):
    assert post(client, "/ho-so/" + "y" * 40 + "/lay-so").status_code == 404


def test_the_officer_who_calls_it_sees_the_code_and_opens_the_dossier(app, client, demo,
                                                                      monday):
    dossier_id, _, _, code = prefile(app, COPY)
    monday()
    post(client, "/ma-nop-truoc", {"ma": code})
    officer = app.test_client()
    factories.login(officer, demo["staff"]["tiepnhan"])
    response = post(officer, "/can-bo/quay/goi-tiep")
    assert response.status_code == 303
    html = officer.get("/can-bo/quay").get_data(as_text=True)
    check_page(html)
    block = html[html.index('class="desk-ticket'):]
    assert "A-001" in block
    assert f"Hồ sơ nộp trước <strong class=\"code\">{format_prefiling_code(code)}</strong>" \
        in block
    assert f'href="/can-bo/ho-so/{dossier_id}">Mở hồ sơ của số này</a>' in block
    opened = officer.get(f"/can-bo/ho-so/{dossier_id}")
    assert opened.status_code == 200


def test_two_scans_at_once_give_one_number(app, demo, monday):
    """The dossier's number of today is looked up and given inside one serialised block."""
    from tthc.queue import services

    dossier_id, _, _, _ = prefile(app, COPY)
    monday()
    with app.app_context():
        office = factories.demo_office()
        group = services.group_for_field(office.id, "chung-thuc")
        first, new = services.ticket_for_dossier(office, group, dossier_id)
        second, again = services.ticket_for_dossier(office, group, dossier_id, source="phone")
        assert (new, again) == (True, False) and first.id == second.id
