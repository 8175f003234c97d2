"""`flask notify run`: rendered messages to a local HTTP gateway and a local SMTP server,
retries with backoff, one claim per row with two senders, nothing sent without a gateway."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, update

from tests.notify.conftest import agree, configure, outbox
from tthc.extensions import db
from tthc.models import Dossier, Staff
from tthc.models.notify import NotifyMessage
from tthc.notify import sender


def _received(app, demo, dossier, *channels) -> int:
    dossier_id = dossier(state="checked")
    agree(app, dossier_id, *channels)
    with app.app_context():
        from tthc.desk import services

        services.reception.receive(dossier_id, db.session.get(Staff, demo["staff"]["tiepnhan"]))
    return dossier_id


def _run(app, **kwargs):
    with app.app_context():
        return sender.run_once(**kwargs)


def _code(app, dossier_id) -> str:
    with app.app_context():
        return db.session.get(Dossier, dossier_id).code


def test_sms_is_posted_as_json_with_the_token_and_no_secret_link(app, demo, dossier,
                                                                 http_gateway,
                                                                 demo_office_id):
    configure(app, demo_office_id, "sms", url=http_gateway.url + "/sms", token="tok-123456789",
              sender="UBND", ascii=False)
    with app.app_context():
        from tthc.notify import services

        services.save_public_url(demo_office_id, "https://motcua.example.vn")
    dossier_id = _received(app, demo, dossier, "sms")
    report = _run(app)
    assert report.counts == {"sent": 1}
    [request] = http_gateway.requests
    assert request["path"] == "/sms"
    assert request["headers"]["authorization"] == "Bearer tok-123456789"
    body = request["json"]
    code = _code(app, dossier_id)
    assert body["to"] == "0912345678" and body["sender"] == "UBND"
    assert code in body["text"] and f"https://motcua.example.vn/tra-cuu?ma={code}" in body["text"]
    assert "/ho-so/" not in body["text"]  # never the dossier's secret link
    assert "Nguyễn" not in body["text"] and "001190012345" not in body["text"]
    [row] = outbox(app)
    assert row.status == "sent" and row.attempts == 1 and row.body == body["text"]
    assert _run(app).counts == {}  # sent once only


def test_zalo_sends_the_zns_template_with_its_params(app, demo, dossier, http_gateway,
                                                     demo_office_id):
    configure(app, demo_office_id, "zalo", url=http_gateway.url + "/zns", token="zalo-token")
    with app.app_context():
        from tthc.notify import messages, services

        services.save_wording(demo_office_id, "received", "zalo",
                              messages.Wording(zns_template_id="231456"))
    dossier_id = _received(app, demo, dossier, "zalo")
    assert _run(app).counts == {"sent": 1}
    [request] = http_gateway.requests
    assert request["headers"]["access_token"] == "zalo-token"
    body = request["json"]
    assert body["phone"] == "84912345678" and body["template_id"] == "231456"
    assert body["template_data"]["ma_ho_so"] == _code(app, dossier_id)
    assert set(body["template_data"]) == {"co_quan", "ma_ho_so", "thu_tuc", "ngay_hen",
                                          "tra_cuu"}


def test_a_zns_error_is_retried(app, demo, dossier, http_gateway, demo_office_id):
    configure(app, demo_office_id, "zalo", url=http_gateway.url, token="t")
    with app.app_context():
        from tthc.notify import messages, services

        services.save_wording(demo_office_id, "received", "zalo",
                              messages.Wording(zns_template_id="1"))
    _received(app, demo, dossier, "zalo")
    http_gateway.script = [(200, {"error": -124, "message": "Access token invalid"})]
    assert _run(app).counts == {"pending": 1}
    [row] = outbox(app)
    assert "-124" in row.last_error and row.attempts == 1


def test_zalo_without_a_template_id_is_skipped_and_says_why(app, demo, dossier, http_gateway,
                                                            demo_office_id):
    configure(app, demo_office_id, "zalo", url=http_gateway.url, token="t")
    _received(app, demo, dossier, "zalo")
    assert _run(app).counts == {"skipped": 1}
    assert http_gateway.requests == []
    assert outbox(app)[0].reason == "no_zns_template"


def test_email_through_a_local_smtp_server(app, demo, dossier, smtp_server, demo_office_id):
    host, port, mailbox = smtp_server
    configure(app, demo_office_id, "email", host=host, port=port, user="", password="",
              sender="motcua@phuong.example.vn", starttls=False)
    dossier_id = _received(app, demo, dossier, "email")
    assert _run(app).counts == {"sent": 1}
    [(recipients, message)] = mailbox.messages
    assert recipients == ["hoa@example.vn"]
    code = _code(app, dossier_id)
    assert message["Subject"] == f"Hồ sơ {code} đã được tiếp nhận"
    assert message["From"] == "motcua@phuong.example.vn"
    text = message.get_content()
    assert "Chứng thực bản sao từ bản chính" in text and "Ngày hẹn trả kết quả" in text


def test_the_offices_own_wording_is_used_and_folded_when_asked(app, demo, dossier,
                                                               http_gateway, demo_office_id):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="", ascii=True)
    with app.app_context():
        from tthc.notify import messages, services

        services.save_wording(demo_office_id, "received", "sms", messages.Wording(
            body="Đã tiếp nhận hồ sơ {ma_ho_so}, hẹn {ngay_hen}."))
    dossier_id = _received(app, demo, dossier, "sms")
    _run(app)
    text = http_gateway.requests[0]["json"]["text"]
    assert text.startswith(f"Da tiep nhan ho so {_code(app, dossier_id)}, hen ")
    assert text.isascii() and "{" not in text
    assert "authorization" not in http_gateway.requests[0]["headers"]


def test_a_temporary_failure_is_retried_with_backoff_then_sent(app, demo, dossier,
                                                               http_gateway, demo_office_id):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    _received(app, demo, dossier, "sms")
    http_gateway.script = [(503, {"error": "busy"}), (503, {"error": "busy"})]
    start = dt.datetime.now(dt.timezone.utc)
    assert _run(app, now=start).counts == {"pending": 1}
    [row] = outbox(app)
    assert row.attempts == 1 and "HTTP 503" in row.last_error
    assert row.next_attempt_at == start + dt.timedelta(minutes=1)
    assert _run(app, now=start + dt.timedelta(seconds=30)).counts == {}  # not due yet
    second = start + dt.timedelta(minutes=1)
    assert _run(app, now=second).counts == {"pending": 1}
    assert outbox(app)[0].next_attempt_at == second + dt.timedelta(minutes=2)  # doubled
    assert _run(app, now=second + dt.timedelta(minutes=2)).counts == {"sent": 1}
    [row] = outbox(app)
    assert row.status == "sent" and row.attempts == 3 and row.last_error == ""
    assert len(http_gateway.requests) == 3


def test_a_permanent_failure_stops_at_once_and_the_admin_page_shows_it(
        app, demo, dossier, http_gateway, demo_office_id, admin):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    _received(app, demo, dossier, "sms")
    http_gateway.script = [(401, {"error": "bad token"})]
    assert _run(app).counts == {"failed": 1}
    [row] = outbox(app)
    assert row.status == "failed" and row.attempts == 1
    page = admin.get("/can-bo/thong-bao").get_data(as_text=True)
    assert "Gửi không được" in page and "HTTP 401" in page
    assert "0912345678" not in page and "•••••••678" in page  # masked


def test_it_gives_up_after_the_last_attempt(app, demo, dossier, http_gateway, demo_office_id):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    _received(app, demo, dossier, "sms")
    http_gateway.default = (500, {"error": "down"})
    at = dt.datetime.now(dt.timezone.utc)
    for _ in range(sender.MAX_ATTEMPTS):
        _run(app, now=at)
        at += sender.BACKOFF_MAX
    [row] = outbox(app)
    assert row.status == "failed" and row.attempts == sender.MAX_ATTEMPTS
    assert len(http_gateway.requests) == sender.MAX_ATTEMPTS
    assert _run(app, now=at + dt.timedelta(days=1)).counts == {}


def test_backoff_doubles_up_to_six_hours():
    assert [sender.backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert sender.backoff(20) == dt.timedelta(hours=6)


def test_no_gateway_nothing_is_sent_and_the_row_and_the_page_say_so(app, demo, dossier,
                                                                    http_gateway, admin,
                                                                    demo_office_id):
    _received(app, demo, dossier, "email")  # consent given, but no gateway configured
    assert _run(app).counts == {"skipped": 1}
    [row] = outbox(app)
    assert row.status == "skipped" and row.reason == "no_gateway" and row.sent_at is None
    page = admin.get("/can-bo/thong-bao").get_data(as_text=True)
    assert "Chưa có cổng gửi nào hoạt động: không tin nào được gửi." in page
    assert "Cơ quan chưa cấu hình hoặc đã tắt cổng gửi của kênh này." in page


def test_consent_withdrawn_after_the_event_is_respected(app, demo, dossier, http_gateway,
                                                       demo_office_id):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    dossier_id = _received(app, demo, dossier, "sms")
    with app.app_context():
        from tthc.notify import consent

        consent.apply(db.session, db.session.get(Dossier, dossier_id), ["sms"], set(), "status")
        db.session.commit()
    assert _run(app).counts == {"skipped": 1}
    assert http_gateway.requests == [] and outbox(app)[0].reason == "consent_withdrawn"


def _senders_race(app, gateway, senders: int, rows: int) -> None:
    from tests.auth import factories
    from tests.desk.conftest import make_dossier

    with app.app_context():
        office_id = factories.demo_office().id
        staff_id = db.session.scalar(select(Staff.id).filter_by(username="tiepnhan"))
    configure(app, office_id, "sms", url=gateway.url, token="t")
    for _ in range(rows):
        dossier_id = make_dossier(app, state="checked")
        agree(app, dossier_id, "sms")
        with app.app_context():
            from tthc.desk import services

            services.reception.receive(dossier_id, db.session.get(Staff, staff_id))
    gateway.delay = 0.1  # every sender reads the rows before any has finished
    results = []
    barrier = threading.Barrier(senders)

    def run():
        with app.app_context():
            barrier.wait()
            results.append(sender.run_once())
            db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(senders)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    sent = [r["json"]["id"] for r in gateway.requests]
    assert sorted(sent) == sorted(str(r.id) for r in outbox(app))  # each exactly once
    assert sum(r.counts.get("sent", 0) for r in results) == rows
    assert all(r.status == "sent" and r.attempts == 1 for r in outbox(app))


def test_two_senders_claim_each_row_once(app, http_gateway):
    _senders_race(app, http_gateway, senders=2, rows=3)


@pytest.mark.postgres
def test_postgres_four_senders_claim_each_row_once(pg_app, http_gateway):
    _senders_race(pg_app, http_gateway, senders=4, rows=6)


def test_a_row_left_sending_by_a_dead_sender_is_taken_again_after_the_lease(
        app, demo, dossier, http_gateway, demo_office_id):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    _received(app, demo, dossier, "sms")
    at = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        db.session.execute(update(NotifyMessage).values(status="sending", attempts=1,
                                                        claimed_at=at))
        db.session.commit()
    assert _run(app, now=at + dt.timedelta(minutes=1)).counts == {}
    assert _run(app, now=at + sender.LEASE + dt.timedelta(seconds=1)).counts == {"sent": 1}
    assert outbox(app)[0].attempts == 2


def test_the_cli_once(app, demo, dossier, http_gateway, demo_office_id):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    _received(app, demo, dossier, "sms")
    result = app.test_cli_runner().invoke(args=["notify", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "sent: 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(NotifyMessage.status)) == "sent"


def test_a_gateway_echoing_the_number_does_not_put_it_on_the_row(app, demo, dossier,
                                                                 http_gateway, demo_office_id):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    _received(app, demo, dossier, "sms")
    http_gateway.script = [(400, {"error": "invalid number 0912345678 / 84912345678"})]
    assert _run(app).counts == {"failed": 1}
    [row] = outbox(app)
    assert "HTTP 400" in row.last_error and "invalid number" in row.last_error
    assert "912345678" not in row.last_error


def test_the_admin_sends_a_failed_message_again(app, demo, dossier, http_gateway,
                                                demo_office_id, admin, other_office):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    dossier_id = _received(app, demo, dossier, "sms")
    http_gateway.script = [(401, {"error": "bad token"})]
    assert _run(app).counts == {"failed": 1}
    [row] = outbox(app)
    page = admin.get("/can-bo/thong-bao").get_data(as_text=True)
    assert f"/can-bo/thong-bao/tin/{row.id}/gui-lai" in page
    from tests.desk.conftest import Officer

    theirs = Officer(app, other_office["staff"]["admin"])
    assert theirs.post(f"/can-bo/thong-bao/tin/{row.id}/gui-lai").status_code == 404
    assert outbox(app)[0].status == "failed"
    assert admin.post(f"/can-bo/thong-bao/tin/{row.id}/gui-lai").status_code == 303
    assert outbox(app)[0].status == "pending"
    assert _run(app).counts == {"sent": 1}
    with app.app_context():
        from tthc.models import AccessLog

        log = db.session.scalar(select(AccessLog).filter_by(action="notify_retry"))
        assert (log.dossier_id, log.detail) == (dossier_id, f"message {row.id}")
