"""Each event the citizen is told of writes its outbox rows in the same transaction as the
change: one row per channel agreed to, none without consent, none when the change rolls
back."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from tests.desk.conftest import SINGLE, load
from tests.notify.conftest import agree, outbox
from tthc.desk.services import local
from tthc.extensions import db
from tthc.models import Dossier, DossierEvent, Staff
from tthc.models.notify import NotifyMessage


def _staff(app, demo, name="tiepnhan") -> Staff:
    return db.session.get(Staff, demo["staff"][name])


def test_reception_writes_one_row_per_channel_agreed_to(app, demo, dossier):
    dossier_id = dossier(state="checked")
    agree(app, dossier_id, "sms", "email")
    assert outbox(app) == []
    with app.app_context():
        from tthc.desk import services

        services.reception.receive(dossier_id, _staff(app, demo))
        event_id = db.session.scalar(select(DossierEvent.id).filter_by(
            dossier_id=dossier_id, action="receive"))
    rows = outbox(app)
    assert sorted((r.channel, r.event) for r in rows) == [("email", "received"),
                                                           ("sms", "received")]
    assert {r.dossier_event_id for r in rows} == {event_id}
    assert {r.recipient for r in rows} == {"0912345678", "hoa@example.vn"}
    assert all(r.status == "pending" and r.attempts == 0 for r in rows)


def test_no_consent_no_row(app, demo, dossier):
    dossier_id = dossier(state="checked")
    with app.app_context():
        from tthc.desk import services

        services.reception.receive(dossier_id, _staff(app, demo))
    assert outbox(app) == []


def test_a_withdrawn_consent_writes_nothing(app, demo, dossier):
    dossier_id = dossier(state="checked")
    agree(app, dossier_id, "sms", "zalo")
    with app.app_context():
        from tthc.notify import consent

        consent.apply(db.session, db.session.get(Dossier, dossier_id), ["sms", "zalo"],
                      {"zalo"}, "status")
        db.session.commit()
        from tthc.desk import services

        services.reception.receive(dossier_id, _staff(app, demo))
    assert [r.channel for r in outbox(app)] == ["zalo"]


def test_a_rolled_back_change_writes_no_row(app, demo, dossier):
    dossier_id = dossier(state="checked")
    agree(app, dossier_id, "sms")
    with app.app_context():
        from tthc.intake import services as intake

        dossier_ = db.session.get(Dossier, dossier_id)
        intake.change_status(dossier_, "receive", "staff", staff=_staff(app, demo))
        db.session.flush()  # the hook has run: the row exists inside the transaction
        assert db.session.scalar(select(NotifyMessage.id)) is not None
        db.session.rollback()
    assert outbox(app) == []
    assert load(app, dossier_id).status == 1


def test_every_event_of_a_dossiers_life(app, demo, dossier, clock):
    """Received, supplement, received again, a new date, resolved, returned: one row each."""
    from tests.desk.test_matrix import working_day_from

    dossier_id = dossier(SINGLE, state="checked")
    agree(app, dossier_id, "sms")
    with app.app_context():
        from tthc.desk import services
        from tthc.desk.services.reception import PostedItem

        staff = _staff(app, demo)
        services.reception.receive(dossier_id, staff)
        services.reception.request_supplement(
            dossier_id, staff, [PostedItem("applicant_address", "Nơi cư trú",
                                           "Ghi rõ số nhà.")], "Thiếu số nhà")
    assert [r.event for r in outbox(app)] == ["received", "supplement"]
    with app.app_context():
        from tthc.desk import services
        from tthc.intake import services as intake

        dossier_ = db.session.get(Dossier, dossier_id)
        intake.submit(dossier_)  # the citizen sends the supplement: not an event to tell
        dossier_ = db.session.get(Dossier, dossier_id)
        keys = [p.key for p in services.desk_report(dossier_).completeness.papers]
        from tthc.domain import reception

        services.reception.save_checks(dossier_, {k: reception.PaperCheck("original")
                                                  for k in keys}, _staff(app, demo))
        services.reception.receive(dossier_id, _staff(app, demo))
        services.processing.hand_over(dossier_id, _staff(app, demo),
                                      _staff(app, demo, "chuyenmon"))
        due = local(db.session.get(Dossier, dossier_id).due_at)
    clock(due - dt.timedelta(days=2))
    with app.app_context():
        from tthc.desk import services
        from tthc.timeutil import TZ

        new_day = working_day_from(due.date() + dt.timedelta(days=3))
        services.processing.reschedule(
            dossier_id, _staff(app, demo), dt.datetime.combine(new_day, dt.time(17), tzinfo=TZ),
            "Chờ xác minh", ["sms"])
        services.processing.resolve(dossier_id, _staff(app, demo))
        services.returns.return_result(dossier_id, _staff(app, demo), channel="desk",
                                       receiver="Nguyễn Thị Hoà")
    assert [r.event for r in outbox(app)] == ["received", "supplement", "received",
                                              "rescheduled", "resolved", "returned"]


@pytest.mark.parametrize("action", ["reject", "withdraw"])
def test_other_changes_are_not_told(app, demo, dossier, action):
    dossier_id = dossier(state="checked")
    agree(app, dossier_id, "sms")
    with app.app_context():
        from tthc.desk import services

        if action == "reject":
            services.reception.refuse(dossier_id, _staff(app, demo), "Không thuộc thẩm quyền")
        else:
            services.reception.withdraw(dossier_id, _staff(app, demo))
    assert outbox(app) == []
