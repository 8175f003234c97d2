"""Consent on the citizen's side: offered only for channels the office sends on, never
ticked by default, recorded per channel with its time, withdrawable from the status page."""

from __future__ import annotations

from sqlalchemy import select

from tests.intake.conftest import Citizen
from tests.notify.conftest import configure
from tthc.extensions import db
from tthc.models.notify import NotifyConsent

COPY = "chung-thuc-ban-sao"


def _consents(app, dossier_id):
    with app.app_context():
        rows = list(db.session.scalars(select(NotifyConsent).filter_by(dossier_id=dossier_id)
                                       .order_by(NotifyConsent.id)))
        for row in rows:
            db.session.expunge(row)
        return rows


def test_without_a_gateway_nothing_is_promised(app):
    citizen = Citizen(app, app.test_client())
    path = citizen.start(COPY)
    page = citizen.client.get(path).get_data(as_text=True)
    assert "Cơ quan chưa gửi thông báo qua tin nhắn, Zalo hay thư điện tử." in page
    assert 'name="tb_sms"' not in page and 'name="tb_email"' not in page
    assert "Để nhận thông báo về hồ sơ" not in page  # the phone's hint promises nothing


def test_only_configured_channels_are_offered_unticked(app, demo_office_id):
    configure(app, demo_office_id, "sms", url="https://sms.example.vn/send", token="t")
    configure(app, demo_office_id, "zalo", url="https://zns.example.vn", token="")  # incomplete
    citizen = Citizen(app, app.test_client())
    path = citizen.start(COPY)
    page = citizen.client.get(path).get_data(as_text=True)
    assert '<input type="checkbox" id="tb_sms" name="tb_sms" value="1" aria-describedby' in page
    assert 'name="tb_zalo"' not in page and 'name="tb_email"' not in page
    assert 'name="tb_shown" value="sms"' in page


def test_ticking_records_consent_with_time_and_unticking_withdraws_it(app, demo_office_id):
    configure(app, demo_office_id, "sms", url="https://sms.example.vn/send", token="t")
    configure(app, demo_office_id, "email", host="smtp.example.vn", port=587,
              sender="motcua@example.vn")
    citizen = Citizen(app, app.test_client())
    path = citizen.start(COPY)
    answers = citizen.fill_complete(path, COPY, tb_shown="sms,email", tb_sms="1",
                                    tb_email="1", applicant_email="hoa@example.vn")
    dossier_id = citizen.dossier(path).id
    rows = _consents(app, dossier_id)
    assert [(r.channel, r.address, r.withdrawn_at) for r in rows] == [
        ("sms", "0912345678", None), ("email", "hoa@example.vn", None)]
    assert all(r.given_at is not None and r.source == "draft" for r in rows)
    page = citizen.client.get(path).get_data(as_text=True)
    assert 'id="tb_sms" name="tb_sms" value="1" checked' in page
    # The live check posts the whole form too: unticking SMS withdraws it there and then.
    citizen.post(path + "/kiem-tra", {**answers, "applicant_email": "hoa@example.vn",
                                      "tb_shown": "sms,email", "tb_email": "1"}, htmx=True)
    rows = _consents(app, dossier_id)
    assert [(r.channel, r.withdrawn_at is not None) for r in rows] == [("sms", True),
                                                                       ("email", False)]


def test_a_box_without_an_address_records_nothing(app, demo_office_id):
    configure(app, demo_office_id, "email", host="smtp.example.vn", port=587,
              sender="motcua@example.vn")
    citizen = Citizen(app, app.test_client())
    path = citizen.start(COPY)
    citizen.fill_complete(path, COPY, tb_shown="email", tb_email="1", applicant_email="")
    assert _consents(app, citizen.dossier(path).id) == []


def test_withdrawn_from_the_status_page(app, demo_office_id):
    configure(app, demo_office_id, "sms", url="https://sms.example.vn/send", token="t")
    citizen = Citizen(app, app.test_client())
    path = citizen.start(COPY)
    citizen.fill_complete(path, COPY, tb_shown="sms", tb_sms="1")
    assert citizen.action(path + "/nop").status_code == 303
    page = citizen.client.get(path).get_data(as_text=True)
    assert "Lưu lựa chọn" in page and 'id="tb_sms" name="tb_sms" value="1" checked' in page
    response = citizen.post(path + "/thong-bao", {"tb_shown": "sms"}, whole_form=False)
    assert response.status_code == 303 and response.location.endswith(path + "#thong-bao")
    [row] = _consents(app, citizen.dossier(path).id)
    assert row.withdrawn_at is not None
    page = citizen.client.get(path).get_data(as_text=True)
    assert "Đã lưu lựa chọn nhận thông báo." in page
    assert 'id="tb_sms" name="tb_sms" value="1">' in page  # unticked now
    # …and given again: a new row, the old one kept as the record.
    citizen.post(path + "/thong-bao", {"tb_shown": "sms", "tb_sms": "1"}, whole_form=False)
    rows = _consents(app, citizen.dossier(path).id)
    assert [(r.withdrawn_at is None, r.source) for r in rows] == [(False, "draft"),
                                                                  (True, "status")]


def test_the_status_form_needs_the_link_and_csrf(app):
    citizen = Citizen(app, app.test_client())
    assert citizen.post("/ho-so/" + "x" * 32 + "/thong-bao", {"tb_shown": "sms"},
                        whole_form=False).status_code == 404
    path = citizen.start(COPY)
    assert citizen.post(path + "/thong-bao", {"tb_shown": "sms"}, csrf=False,
                        whole_form=False).status_code == 400
