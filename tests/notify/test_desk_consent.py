"""The desk records a walk-in citizen's consent to be told (SMS, Zalo, email, with the phone
or email they give), as the pre-filed citizen's is recorded; the citizen stops it at the
desk or, without a link, on /thoi-nhan-tin with the code and the phone or email."""

from __future__ import annotations

from sqlalchemy import select

from tests.auth import factories
from tests.desk.conftest import Officer
from tests.notify.conftest import configure, outbox
from tthc.extensions import db
from tthc.models import AccessLog, Dossier, Staff
from tthc.models.notify import NotifyConsent


def _consents(app, dossier_id):
    with app.app_context():
        rows = list(db.session.scalars(select(NotifyConsent).filter_by(dossier_id=dossier_id)
                                       .order_by(NotifyConsent.id)))
        db.session.expunge_all()
        return rows


def _log(app, dossier_id):
    with app.app_context():
        return [(r.action, r.detail) for r in db.session.scalars(
            select(AccessLog).filter_by(dossier_id=dossier_id).order_by(AccessLog.id))]


def _setup(app, office_id):
    configure(app, office_id, "sms", url="https://sms.example.vn/send", token="t")
    configure(app, office_id, "email", host="smtp.example.vn", port=587,
              sender="motcua@example.vn")


def _page(dossier_id):
    return f"/can-bo/ho-so/{dossier_id}/thong-bao"


def test_the_dossier_page_links_to_it_and_it_offers_the_office_channels_unticked(
        app, reception, dossier, demo_office_id):
    _setup(app, demo_office_id)
    dossier_id = dossier(state="new")
    html = reception.get(f"/can-bo/ho-so/{dossier_id}").get_data(as_text=True)
    assert f'href="{_page(dossier_id)}"' in html
    page = reception.get(_page(dossier_id))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<input type="checkbox" id="tb_sms" name="tb_sms" value="1">' in html
    assert '<input type="checkbox" id="tb_email" name="tb_email" value="1">' in html
    assert 'name="tb_zalo"' not in html and 'name="tb_shown" value="sms,email"' in html
    assert 'value="0912345678"' in html  # the answers' phone, to confirm with the citizen
    assert "/thoi-nhan-tin" in html  # how the citizen stops it later
    assert ("view", "đồng ý nhận thông báo") in _log(app, dossier_id)


def test_recorded_at_the_desk_then_told_on_the_next_event(app, demo, reception, dossier,
                                                          demo_office_id):
    _setup(app, demo_office_id)
    dossier_id = dossier(state="checked")
    response = reception.post(_page(dossier_id), {
        "tb_shown": "sms,email", "tb_sms": "1", "tb_email": "1",
        "so_dien_thoai": "0987 654 321", "email": "Hoa@Example.VN"})
    assert response.status_code == 303 and response.location.endswith(_page(dossier_id))
    rows = _consents(app, dossier_id)
    assert [(r.channel, r.address, r.source, r.withdrawn_at) for r in rows] == [
        ("sms", "0987654321", "desk", None), ("email", "Hoa@example.vn", "desk", None)]
    assert ("update", "đồng ý nhận thông báo: thêm sms, email") in _log(app, dossier_id)
    with app.app_context():  # the answers, the official record, are untouched
        assert db.session.get(Dossier, dossier_id).answers["applicant_phone"] != "0987654321"
    html = reception.get(_page(dossier_id)).get_data(as_text=True)
    assert "Đã lưu lựa chọn nhận thông báo của người dân." in html
    assert 'id="tb_sms" name="tb_sms" value="1" checked' in html
    assert "0987654321" not in html.split("<form")[0]  # the record above the form is masked
    from tthc.desk import services

    with app.app_context():
        services.reception.receive(dossier_id, db.session.get(Staff, demo["staff"]["tiepnhan"]))
    told = {(m.event, m.channel, m.recipient) for m in outbox(app, dossier_id=dossier_id)}
    assert told == {("received", "sms", "0987654321"), ("received", "email", "Hoa@example.vn")}


def test_a_wrong_phone_comes_back_beside_its_field_nothing_lost(app, reception, dossier,
                                                                demo_office_id):
    _setup(app, demo_office_id)
    dossier_id = dossier(state="new")
    response = reception.post(_page(dossier_id), {
        "tb_shown": "sms,email", "tb_sms": "1", "so_dien_thoai": "024 3825 1234",
        "email": "hoa@example.vn"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Tin nhắn chỉ gửi được đến số di động" in html and 'href="#so_dien_thoai"' in html
    assert 'value="024 3825 1234"' in html and 'id="tb_sms" name="tb_sms" value="1" checked' in html
    assert _consents(app, dossier_id) == []


def test_withdrawn_at_the_desk_keeps_the_record(app, reception, dossier, demo_office_id):
    _setup(app, demo_office_id)
    dossier_id = dossier(state="new")
    reception.post(_page(dossier_id), {"tb_shown": "sms,email", "tb_sms": "1",
                                       "so_dien_thoai": "0987654321"})
    reception.post(_page(dossier_id), {"tb_shown": "sms,email", "so_dien_thoai": "0987654321"})
    [row] = _consents(app, dossier_id)
    assert row.withdrawn_at is not None
    assert ("update", "đồng ý nhận thông báo: thôi sms") in _log(app, dossier_id)


def test_only_reception_of_the_dossiers_office(app, demo, dossier, demo_office_id):
    _setup(app, demo_office_id)
    dossier_id = dossier(state="new")
    leader = Officer(app, demo["staff"]["lanhdao"])
    assert leader.get(_page(dossier_id)).status_code == 403
    with app.app_context():
        other = factories.make_staff(factories.make_office("khac"), "tiepnhan-khac").id
    stranger = Officer(app, other)
    assert stranger.get(_page(dossier_id)).status_code == 404
    assert stranger.post(_page(dossier_id), {"tb_shown": "sms", "tb_sms": "1",
                                             "so_dien_thoai": "0987654321"}).status_code == 404
    assert _consents(app, dossier_id) == []
    assert app.test_client().get(_page(dossier_id)).status_code == 303  # to sign in


def _stop(client, code, address, csrf=True):
    data = {"ma": code, "nhan_tin": address}
    if csrf:
        data["csrf_token"] = factories.csrf(client)
    return client.post("/thoi-nhan-tin", data=data)


def test_the_citizen_stops_it_with_the_code_and_the_phone(app, demo, reception, dossier,
                                                          demo_office_id):
    _setup(app, demo_office_id)
    dossier_id = dossier(state="received")
    reception.post(_page(dossier_id), {"tb_shown": "sms,email", "tb_sms": "1", "tb_email": "1",
                                       "so_dien_thoai": "0987654321",
                                       "email": "hoa@example.vn"})
    with app.app_context():
        code = db.session.get(Dossier, dossier_id).code
    citizen = app.test_client()
    page = citizen.get("/thoi-nhan-tin")
    assert page.status_code == 200
    for wrong in ((code, "0912000000"), ("KHONG-CO-MA", "0987654321")):
        refused = _stop(citizen, *wrong)
        assert refused.status_code == 422
        assert "Không có hồ sơ mang mã này đang gửi thông báo" in refused.get_data(as_text=True)
    assert all(r.withdrawn_at is None for r in _consents(app, dossier_id))
    assert _stop(citizen, code, "0987654321", csrf=False).status_code == 400
    done = _stop(citizen, code.lower(), "+84 987 654 321")
    assert done.status_code == 303
    assert "Đã thôi gửi thông báo" in citizen.get(done.location).get_data(as_text=True)
    rows = {r.channel: r.withdrawn_at for r in _consents(app, dossier_id)}
    assert rows["sms"] is not None and rows["email"] is None  # only what goes to that phone


def test_emails_carry_the_stop_address(app, demo, dossier, smtp_server, demo_office_id):
    from tthc.desk import services
    from tthc.notify import sender
    from tthc.notify import services as notify_services

    host, port, mailbox = smtp_server
    configure(app, demo_office_id, "email", host=host, port=port, sender="motcua@example.vn")
    dossier_id = dossier(state="checked")
    officer = Officer(app, demo["staff"]["tiepnhan"])
    officer.post(_page(dossier_id), {"tb_shown": "email", "tb_email": "1",
                                     "email": "hoa@example.vn"})
    with app.app_context():
        notify_services.save_public_url(demo_office_id, "https://motcua.example.vn")
        services.reception.receive(dossier_id, db.session.get(Staff, demo["staff"]["tiepnhan"]))
        assert sender.run_once().counts == {"sent": 1}
    [(_, message)] = mailbox.messages
    assert "Thôi nhận thư về hồ sơ này: https://motcua.example.vn/thoi-nhan-tin" in \
        message.get_content()
