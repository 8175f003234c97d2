"""`flask retention run`: ratings, feedback and ticket phones are deleted or anonymised once
their configured period is over, and not a day before; running it again changes nothing."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from tests.feedback.conftest import feedback_rows, ratings
from tthc.extensions import db
from tthc.models import Feedback, Rating, Ticket
from tthc.models.contacts import TicketContact
from tthc.models.notify import NotifyMessage
from tthc.timeutil import today

DAY = dt.timedelta(days=1)


def _run(app) -> str:
    result = app.test_cli_runner().invoke(args=["retention", "run"], catch_exceptions=False)
    assert result.exit_code == 0
    return result.output


def _age(app, model, row_id, **moved):
    """Move a row's times into the past: created_at=days ago, answered_at=days ago."""
    now = dt.datetime.now(dt.timezone.utc)
    with app.app_context():
        db.session.execute(update(model).where(model.id == row_id).values(
            **{k: now - v * DAY for k, v in moved.items()}))
        db.session.commit()


def _rate(phone, token, comment):
    assert phone.post(f"/danh-gia/so/{token}", {"muc": "2"}).status_code == 303
    phone.post(f"/danh-gia/so/{token}/chi-tiet", {"muc": "2", "y_kien": comment})


def test_ratings_lose_their_comment_then_go(app, phone, finished_ticket):
    tokens = [finished_ticket()[2] for _ in range(3)]
    for token in tokens:
        _rate(phone, token, "Cán bộ Hoà rất nhiệt tình, số tôi 0912345678")
    young, middle, old = (r.id for r in ratings(app))
    _age(app, Rating, young, created_at=364)
    _age(app, Rating, middle, created_at=366)
    _age(app, Rating, old, created_at=732)
    assert "ratings deleted: 1, comments blanked: 1" in _run(app)
    kept = {r.id: r for r in ratings(app)}
    assert set(kept) == {young, middle}
    assert kept[young].comment.startswith("Cán bộ Hoà") and kept[middle].comment == ""
    assert kept[middle].overall == 2  # the score stays for the reports
    assert "ratings deleted: 0, comments blanked: 0" in _run(app)  # nothing more to do


def test_feedback_loses_its_contact_after_the_answer_then_its_words(app, phone, leader,
                                                                     dossier):
    _, token = dossier("received")
    for text in ("Phản ánh một", "Phản ánh hai", "Phản ánh ba"):
        phone.post(f"/phan-anh/ho-so/{token}",
                   {"noi_dung": text, "lien_he": "0987654321", "dong_y": "1"})
    first, second, third = (f.id for f in feedback_rows(app))
    for item in (first, second):
        leader.post(f"/can-bo/phan-anh/{item}/tra-loi", {"tra_loi": "Đã kiểm tra, xin trả lời."})
    _age(app, Feedback, first, answered_at=29)
    _age(app, Feedback, second, answered_at=31)
    _age(app, Feedback, third, created_at=800)  # never answered, past the whole period
    assert "feedback contacts blanked: 1, feedback texts blanked: 1" in _run(app)
    rows = {f.id: f for f in feedback_rows(app)}
    assert rows[first].contact == "0987654321" and rows[first].text == "Phản ánh một"
    assert rows[second].contact == "" and rows[second].text == "Phản ánh hai"
    assert rows[second].answer == "Đã kiểm tra, xin trả lời."
    assert (rows[third].text, rows[third].contact, rows[third].answer) == ("", "", None)
    assert rows[third].created_at is not None  # still counted by the reports
    assert "feedback contacts blanked: 0, feedback texts blanked: 0" in _run(app)


def test_the_periods_are_settings(app, phone, finished_ticket):
    _rate(phone, finished_ticket()[2], "Tốt")
    [rating] = ratings(app)
    _age(app, Rating, rating.id, created_at=20)
    app.config["TTHC_RATING_KEEP_DAYS"] = 10
    assert "ratings deleted: 1" in _run(app)
    assert ratings(app) == []


def test_ticket_phones_last_the_day(app, demo, client):
    from tests.notify.conftest import configure

    configure(app, demo["office"], "sms", url="https://sms.example.vn/send", token="t")
    from tthc.queue import services as queue

    with app.app_context():
        old, new = (queue.issue_ticket(demo["office"], demo["groups"][0], source="kiosk")
                    for _ in range(2))
        old_id, new_id, old_token, new_token = old.id, new.id, old.token, new.token
    for token in (old_token, new_token):
        client.post(f"/so/{token}/nhan-tin",
                    data={"so_dien_thoai": "0987654321", "tb_sms": "1", "tb_shown": "sms"})
    with app.app_context():
        for ticket_id in (old_id, new_id):
            db.session.add(NotifyMessage(office_id=demo["office"], ticket_id=ticket_id,
                                         event="near_turn", channel="sms",
                                         recipient="0987654321", status="sent"))
        yesterday = today() - DAY
        db.session.execute(update(Ticket).where(Ticket.id == old_id).values(day=yesterday))
        db.session.execute(update(TicketContact).where(TicketContact.ticket_id == old_id)
                           .values(day=yesterday))
        db.session.commit()
    assert "ticket phones deleted: 1, outbox recipients blanked: 1" in _run(app)
    with app.app_context():
        assert list(db.session.scalars(select(TicketContact.ticket_id))) == [new_id]
        recipients = dict(db.session.execute(select(NotifyMessage.ticket_id,
                                                    NotifyMessage.recipient)).all())
    assert recipients == {old_id: "", new_id: "0987654321"}
