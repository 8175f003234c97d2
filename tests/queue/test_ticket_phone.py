"""A kiosk ticket can carry a phone for the "3 numbers away" message: an optional field on
the ticket's page, with the citizen's consent per channel, kept for the day, shown back
masked; the "near turn" hook tells it; withdrawing forgets it at once."""

from __future__ import annotations

from sqlalchemy import select

from tests.desk.conftest import dossier  # noqa: F401  (fixture)
from tests.notify.conftest import configure, http_gateway, outbox  # noqa: F401  (fixture)
from tthc.extensions import db
from tthc.models import Staff
from tthc.models.contacts import TicketContact
from tthc.notify import sender
from tthc.queue import services as queue


def _issue(app, demo, dossier_id=None):
    with app.app_context():
        t = queue.issue_ticket(demo["office"], demo["groups"][0], source="kiosk",
                               dossier_id=dossier_id)
        return t.id, t.token


def _call(app, demo):
    with app.app_context():
        return queue.call_next(db.session.get(Staff, demo["staff"]["tiepnhan"]),
                               [demo["groups"][0]])


def _contacts(app):
    with app.app_context():
        rows = list(db.session.scalars(select(TicketContact)))
        db.session.expunge_all()
        return rows


def _sms(app, demo, url="https://sms.example.vn/send"):
    configure(app, demo["office"], "sms", url=url, token="t")


def test_no_gateway_no_field(app, demo, client):
    _, token = _issue(app, demo)
    html = client.get(f"/so/{token}").get_data(as_text=True)
    assert 'name="so_dien_thoai"' not in html and "Nhắn tin khi sắp đến lượt" not in html


def test_a_phone_given_with_consent_is_kept_and_shown_masked(app, demo, client):
    _sms(app, demo)
    ticket_id, token = _issue(app, demo)
    page = client.get(f"/so/{token}?kiosk=1")
    html = page.get_data(as_text=True)
    assert 'name="so_dien_thoai"' in html
    assert '<input type="checkbox" id="tb_sms" name="tb_sms" value="1" aria-describedby' in html
    assert "csrf_token" not in html  # the ticket's page stays public
    assert 'content="120; url=/lay-so"' in html  # time to type at the kiosk
    etag = page.headers["ETag"]
    response = client.post(f"/so/{token}/nhan-tin?kiosk=1",
                           data={"so_dien_thoai": "0987 654 321", "tb_sms": "1",
                                 "tb_shown": "sms"})
    assert response.status_code == 303
    assert response.location.endswith(f"/so/{token}?kiosk=1#nhan-tin")
    [row] = _contacts(app)
    assert (row.ticket_id, row.phone, row.channels) == (ticket_id, "0987654321", "sms")
    again = client.get(f"/so/{token}?kiosk=1", headers={"If-None-Match": etag})
    assert again.status_code == 200  # the page changed: never a stale 304
    html = again.get_data(as_text=True)
    assert "0987 ••• •21" in html and "0987654321" not in html and "654 321" not in html
    assert 'name="thoi"' in html and 'name="so_dien_thoai"' not in html


def test_without_the_consent_box_nothing_is_kept_and_nothing_lost(app, demo, client):
    _sms(app, demo)
    _, token = _issue(app, demo)
    refused = client.post(f"/so/{token}/nhan-tin",
                          data={"so_dien_thoai": "0987654321", "tb_shown": "sms"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert "Đánh dấu đồng ý nhận tin" in html and 'href="#tb_sms"' in html
    assert 'value="0987654321"' in html
    bad = client.post(f"/so/{token}/nhan-tin",
                      data={"so_dien_thoai": "0123", "tb_sms": "1", "tb_shown": "sms"})
    assert bad.status_code == 422 and 'href="#so_dien_thoai"' in bad.get_data(as_text=True)
    # A box the office does not offer is not consent to anything.
    zalo = client.post(f"/so/{token}/nhan-tin",
                       data={"so_dien_thoai": "0987654321", "tb_zalo": "1",
                             "tb_shown": "zalo"})
    assert zalo.status_code == 422
    assert _contacts(app) == []


def test_told_when_three_are_ahead_then_withdrawn(app, demo, client, http_gateway):
    _sms(app, demo, url=http_gateway.url)
    for _ in range(4):
        _issue(app, demo)
    ticket_id, token = _issue(app, demo)  # 4 ahead
    client.post(f"/so/{token}/nhan-tin",
                data={"so_dien_thoai": "0987654321", "tb_sms": "1", "tb_shown": "sms"})
    _call(app, demo)  # 3 ahead
    [row] = outbox(app)
    assert (row.ticket_id, row.dossier_id, row.event, row.channel, row.recipient) == (
        ticket_id, None, "near_turn", "sms", "0987654321")
    with app.app_context():
        assert sender.run_once().counts == {"sent": 1}
    assert http_gateway.requests[0]["json"]["to"] == "0987654321"
    # Withdrawn: the phone is gone at once, and a row not yet sent is not sent.
    ticket2, token2 = _issue(app, demo)
    client.post(f"/so/{token2}/nhan-tin",
                data={"so_dien_thoai": "0911222333", "tb_sms": "1", "tb_shown": "sms"})
    for _ in range(2):
        _call(app, demo)
    assert [r.ticket_id for r in outbox(app)][-1] == ticket2
    assert client.post(f"/so/{token2}/nhan-tin", data={"thoi": "1"}).status_code == 303
    assert [c.ticket_id for c in _contacts(app)] == [ticket_id]
    with app.app_context():
        assert sender.run_once().counts == {"skipped": 1}
    assert outbox(app)[-1].reason == "consent_withdrawn"


def test_not_offered_once_called_nor_for_a_dossiers_ticket(app, demo, client, dossier):
    _sms(app, demo)
    _, token = _issue(app, demo)
    _call(app, demo)
    assert 'name="so_dien_thoai"' not in client.get(f"/so/{token}").get_data(as_text=True)
    late = client.post(f"/so/{token}/nhan-tin",
                       data={"so_dien_thoai": "0987654321", "tb_sms": "1", "tb_shown": "sms"})
    assert late.status_code == 409 and "không còn chờ gọi" in late.get_data(as_text=True)
    _, with_dossier = _issue(app, demo, dossier(state="new"))
    html = client.get(f"/so/{with_dossier}").get_data(as_text=True)
    assert 'name="so_dien_thoai"' not in html  # told on the dossier's own consent
    assert _contacts(app) == []
    assert client.post("/so/" + "x" * 40 + "/nhan-tin", data={"thoi": "1"}).status_code == 404


def test_without_javascript_the_page_waits_for_typing_and_never_reloads_over_an_error(
        app, demo, client):
    _sms(app, demo)
    _, token = _issue(app, demo)
    html = client.get(f"/so/{token}").get_data(as_text=True)
    # 60 s (not 15) while the field waits, back to the ticket's own page (never the POST's).
    assert f'<meta http-equiv="refresh" content="60; url=/so/{token}">' in html
    refused = client.post(f"/so/{token}/nhan-tin",
                          data={"so_dien_thoai": "0987654321", "tb_shown": "sms"})
    assert refused.status_code == 422
    assert 'http-equiv="refresh"' not in refused.get_data(as_text=True)
    client.post(f"/so/{token}/nhan-tin",
                data={"so_dien_thoai": "0987654321", "tb_sms": "1", "tb_shown": "sms"})
    html = client.get(f"/so/{token}").get_data(as_text=True)
    assert f'<meta http-equiv="refresh" content="15; url=/so/{token}">' in html
