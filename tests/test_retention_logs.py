"""Retention of what the app records about people (tthc/retention.py, `flask retention run`):
notifications sent or given up lose their recipient and text, withdrawn consents their
address, and the access log's lines go after their period, in batches, on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from tests.intake.conftest import Citizen
from tthc import retention
from tthc.cli import retention_run
from tthc.extensions import db
from tthc.models import AccessLog
from tthc.models.dossier import utcnow
from tthc.models.notify import NotifyConsent, NotifyMessage
from tthc.notify import services as notify_services

NOW = utcnow()
DAY = dt.timedelta(days=1)
PHONE = "0912345678"


def run(app, **kwargs) -> retention.Counts:
    with app.test_request_context():
        return retention.run(**kwargs)


def message(office_id: int, status: str, created: dt.datetime, *, sent=None, claimed=None,
            recipient: str = PHONE) -> NotifyMessage:
    return NotifyMessage(office_id=office_id, event="received", channel="sms",
                         recipient=recipient, status=status, attempts=1,
                         body=f"Hồ sơ đã tiếp nhận, gửi {recipient}" if recipient else "",
                         last_error="gateway said no" if status == "failed" else "",
                         created_at=created, next_attempt_at=created, sent_at=sent,
                         claimed_at=claimed)


@pytest.fixture
def messages(app, demo):
    """Rows by name: four past the 180 days (three to blank, one blank already), three not."""
    days = app.config["TTHC_NOTIFY_RETENTION_DAYS"]
    old, young = NOW - (days + 1) * DAY, NOW - (days - 1) * DAY
    office = demo["office"]
    rows = {
        "sent_old": message(office, "sent", old, sent=old + dt.timedelta(minutes=1)),
        "failed_old": message(office, "failed", old, claimed=old + dt.timedelta(hours=1)),
        "skipped_old": message(office, "skipped", old, claimed=old),
        "blank_already": message(office, "sent", old, sent=old, recipient=""),
        # Written long ago, but sent (or given up) within the period: kept whole.
        "sent_late": message(office, "sent", old, sent=young),
        "failed_late": message(office, "failed", old, claimed=young),
        # Still to be sent: never touched, however old.
        "pending_old": message(office, "pending", old),
    }
    with app.app_context():
        db.session.add_all(rows.values())
        db.session.commit()
        return {name: row.id for name, row in rows.items()}


def stored(app, model, ident):
    with app.app_context():
        row = db.session.get(model, ident)
        db.session.expunge(row)
        return row


def test_messages_sent_or_given_up_long_ago_lose_recipient_and_text(app, messages,
                                                                   monkeypatch):
    monkeypatch.setattr(retention, "BATCH", 2)  # three rows to blank: more than one batch
    assert run(app, dry_run=True).messages_blanked == 3
    assert stored(app, NotifyMessage, messages["sent_old"]).recipient == PHONE  # dry run
    assert run(app).messages_blanked == 3
    for name in ("sent_old", "failed_old", "skipped_old"):
        row = stored(app, NotifyMessage, messages[name])
        assert (row.recipient, row.body, row.last_error) == ("", "", ""), name
        # What a complaint or a report needs stays: what was told, how, when, the outcome.
        assert row.event == "received" and row.channel == "sms" and row.status in (
            "sent", "failed", "skipped") and row.created_at is not None
    assert stored(app, NotifyMessage, messages["sent_old"]).sent_at is not None
    for name in ("sent_late", "failed_late", "pending_old"):
        row = stored(app, NotifyMessage, messages[name])
        assert row.recipient == PHONE and PHONE in row.body, name
    assert stored(app, NotifyMessage, messages["failed_late"]).last_error == "gateway said no"
    assert run(app).messages_blanked == 0  # nothing left to do


def test_the_message_period_is_configurable(app, messages):
    app.config["TTHC_NOTIFY_RETENTION_DAYS"] = 10_000
    assert run(app).messages_blanked == 0
    assert stored(app, NotifyMessage, messages["sent_old"]).recipient == PHONE


def test_a_blanked_message_is_not_sent_again(app, messages, demo):
    run(app)
    with app.test_request_context():
        notify_services.retry(demo["office"], messages["failed_old"])
        notify_services.retry(demo["office"], messages["failed_late"])
    assert stored(app, NotifyMessage, messages["failed_old"]).status == "failed"
    assert stored(app, NotifyMessage, messages["failed_late"]).status == "pending"


def test_consents_withdrawn_long_ago_lose_their_address(app):
    citizen = Citizen(app, app.test_client())
    dossier_id = citizen.dossier(citizen.start()).id
    days = app.config["TTHC_NOTIFY_RETENTION_DAYS"]
    old, young = NOW - (days + 1) * DAY, NOW - (days - 1) * DAY
    rows = {
        "withdrawn_old": NotifyConsent(dossier_id=dossier_id, channel="sms", address=PHONE,
                                       given_at=old - DAY, withdrawn_at=old),
        "withdrawn_young": NotifyConsent(dossier_id=dossier_id, channel="zalo", address=PHONE,
                                         given_at=old, withdrawn_at=young),
        "active_old": NotifyConsent(dossier_id=dossier_id, channel="email",
                                    address="hoa@example.vn", given_at=old),
    }
    with app.app_context():
        db.session.add_all(rows.values())
        db.session.commit()
        ids = {name: row.id for name, row in rows.items()}
    assert run(app, dry_run=True).consent_addresses_blanked == 1
    assert stored(app, NotifyConsent, ids["withdrawn_old"]).address == PHONE
    assert run(app).consent_addresses_blanked == 1
    gone = stored(app, NotifyConsent, ids["withdrawn_old"])
    assert gone.address == "" and gone.given_at and gone.withdrawn_at and gone.channel == "sms"
    assert stored(app, NotifyConsent, ids["withdrawn_young"]).address == PHONE
    assert stored(app, NotifyConsent, ids["active_old"]).address == "hoa@example.vn"


# --- the access log ----------------------------------------------------------------------------


def log_lines(app, demo, ages_in_days: list[float]) -> list[int]:
    """Access-log lines written in this order, each *age* days ago; their ids."""
    with app.app_context():
        staff_id = demo["staff"]["tiepnhan"]
        lines = [AccessLog(staff_id=staff_id, office_id=demo["office"], action="view",
                           at=NOW - age * DAY) for age in ages_in_days]
        db.session.add_all(lines)
        db.session.commit()
        return [line.id for line in lines]


def remaining(app, ids: list[int]) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(select(AccessLog.id).where(AccessLog.id.in_(ids))
                                       .order_by(AccessLog.id)))


def test_access_log_lines_past_the_period_go_in_batches(app, demo, monkeypatch):
    monkeypatch.setattr(retention, "LOG_BATCH", 3)  # seven old lines: three batches
    days = app.config["TTHC_ACCESS_LOG_RETENTION_DAYS"]
    assert days >= 5 * 365
    ids = log_lines(app, demo, [days + 400] * 4 + [days + 1] * 3 + [days - 1, 10, 0])
    old, young = ids[:7], ids[7:]
    dry = run(app, dry_run=True)
    assert dry.access_log_lines == 7 and remaining(app, ids) == ids
    counts = run(app)
    assert counts.access_log_lines == 7
    assert remaining(app, ids) == young and remaining(app, old) == []
    assert run(app).access_log_lines == 0


def test_the_access_log_period_is_configurable(app, demo):
    app.config["TTHC_ACCESS_LOG_RETENTION_DAYS"] = 30
    ids = log_lines(app, demo, [31, 29])
    assert run(app).access_log_lines == 1
    assert remaining(app, ids) == ids[1:]


def test_the_walk_stops_at_the_first_younger_line(app, demo, monkeypatch):
    """Lines are walked in the order they were written, and the walk ends with the batch
    that holds a younger line: an old line written well after younger ones (a server's
    clock behind) waits for a later run; the cost stays what is deleted."""
    monkeypatch.setattr(retention, "LOG_BATCH", 2)
    days = app.config["TTHC_ACCESS_LOG_RETENTION_DAYS"]
    ids = log_lines(app, demo, [days + 2, days + 2, days - 1, days - 1, days + 1])
    assert run(app).access_log_lines == 2  # the second batch holds no old line: stop
    assert remaining(app, ids) == ids[2:]


def test_the_command_records_the_access_log_deletion(app, demo, monkeypatch):
    monkeypatch.setattr(retention, "LOG_BATCH", 2)
    days = app.config["TTHC_ACCESS_LOG_RETENTION_DAYS"]
    ids = log_lines(app, demo, [days + 5] * 5 + [1])
    runner = app.test_cli_runner()
    dry = runner.invoke(retention_run, ["--dry-run"], catch_exceptions=False)
    assert dry.exit_code == 0 and "access log: would delete 5 line(s) written before" in dry.output
    assert remaining(app, ids) == ids
    done = runner.invoke(retention_run, [], catch_exceptions=False)
    assert done.exit_code == 0
    (line,) = [x for x in done.output.splitlines() if x.startswith("access log:")]
    before = (utcnow() - days * DAY).strftime("%Y-%m-%d")
    assert line.startswith(f"access log: deleted 5 line(s) written before {before}"), line
    assert "access log lines: 5" in done.output
    assert remaining(app, ids) == ids[5:]
    with app.app_context():
        assert db.session.scalar(select(func.count(AccessLog.id))
                                 .where(AccessLog.id.in_(ids))) == 1


def test_a_busy_database_stops_the_command_with_a_clear_line(app, monkeypatch):
    from tthc.transactions import Busy

    def busy(**_kwargs):
        raise Busy("database is locked")

    monkeypatch.setattr(retention, "run", busy)
    result = app.test_cli_runner().invoke(retention_run, [])
    assert result.exit_code == 1
    assert "the database stayed busy" in result.output and "Traceback" not in result.output


def test_the_admin_page_offers_no_resend_of_a_blanked_message(app, messages, demo):
    from tests.auth import factories

    run(app)
    admin = app.test_client()
    factories.login(admin, demo["staff"]["quantri"])
    page = admin.get("/can-bo/thong-bao")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f"/can-bo/thong-bao/tin/{messages['failed_late']}/gui-lai" in html
    assert f"/can-bo/thong-bao/tin/{messages['failed_old']}/gui-lai" not in html
    assert f"/can-bo/thong-bao/tin/{messages['skipped_old']}/gui-lai" not in html
    assert "•••••••678" in html  # the kept row's recipient, masked
