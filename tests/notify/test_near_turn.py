"""A waiting citizen with a ticket for a pre-filed dossier is told, once, when at most 3
tickets are ahead; the row is written by "Gọi tiếp" in its own transaction."""

from __future__ import annotations

from tests.notify.conftest import agree, configure, outbox
from tthc.extensions import db
from tthc.models import Staff, Ticket
from tthc.notify import sender
from tthc.queue import services as queue


def _issue(app, office_id, group_id, dossier_id=None):
    with app.app_context():
        return queue.issue_ticket(office_id, group_id, source="phone", dossier_id=dossier_id).id


def _call(app, demo, group_id):
    with app.app_context():
        return queue.call_next(db.session.get(Staff, demo["staff"]["tiepnhan"]), [group_id])


def test_told_once_when_three_are_ahead(app, demo, dossier, demo_office_id, http_gateway):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    group = demo["groups"][0]
    dossier_id = dossier(state="new")
    agree(app, dossier_id, "sms")
    for _ in range(5):
        _issue(app, demo_office_id, group)  # kiosk-like tickets: nobody to tell
    mine = _issue(app, demo_office_id, group, dossier_id)  # 5 ahead
    _call(app, demo, group)  # 4 ahead: not yet
    assert outbox(app) == []
    _call(app, demo, group)  # 3 ahead
    [row] = outbox(app)
    assert (row.ticket_id, row.event, row.channel, row.params) == (mine, "near_turn", "sms",
                                                                   {"ahead": 3})
    _call(app, demo, group)  # 2 ahead: already told
    assert len(outbox(app)) == 1
    with app.app_context():
        assert sender.run_once().counts == {"sent": 1}
        label = db.session.get(Ticket, mine).label
    text = http_gateway.requests[0]["json"]["text"]
    assert f"so {label} (con 3 so)" in text


def test_a_ticket_called_before_the_message_goes_is_not_told(app, demo, dossier,
                                                             demo_office_id, http_gateway):
    configure(app, demo_office_id, "sms", url=http_gateway.url, token="t")
    group = demo["groups"][0]
    dossier_id = dossier(state="new")
    agree(app, dossier_id, "sms")
    _issue(app, demo_office_id, group)
    _issue(app, demo_office_id, group, dossier_id)
    _call(app, demo, group)  # 0 ahead: told
    _call(app, demo, group)  # …and called before the sender ran
    with app.app_context():
        assert sender.run_once().counts == {"skipped": 1}
    assert http_gateway.requests == [] and outbox(app)[0].reason == "stale"


def test_no_consent_no_row(app, demo, dossier, demo_office_id):
    group = demo["groups"][0]
    _issue(app, demo_office_id, group)
    _issue(app, demo_office_id, group, dossier(state="new"))
    _call(app, demo, group)
    assert outbox(app) == []
