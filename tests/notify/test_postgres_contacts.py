"""On PostgreSQL: a phone given twice at once on a ticket's page is one row; the desk's
consent and the "near turn" hook work there; `flask retention run` purges the day's phones."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, update

from tests.auth import factories
from tests.desk.conftest import Officer, make_dossier
from tests.notify.conftest import configure, outbox
from tthc.extensions import db
from tthc.models import Staff, Ticket
from tthc.models.contacts import TicketContact
from tthc.models.notify import NotifyConsent
from tthc.queue import services as queue
from tthc.timeutil import today

pytestmark = pytest.mark.postgres


def test_contacts_and_retention_on_postgres(pg_app):
    app = pg_app
    with app.app_context():
        office = factories.demo_office()
        office_id, group = office.id, factories.groups(office.id)[0].id
        staff_id = db.session.scalar(select(Staff.id).filter_by(username="tiepnhan"))
    configure(app, office_id, "sms", url="https://sms.example.vn/send", token="t")

    # The desk records a walk-in's consent (serialised, the dossier's row locked).
    dossier_id = make_dossier(app, state="new")
    reception = Officer(app, staff_id)
    assert reception.post(f"/can-bo/ho-so/{dossier_id}/thong-bao", {
        "tb_shown": "sms", "tb_sms": "1", "so_dien_thoai": "0987654321"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(select(NotifyConsent.address).filter_by(
            dossier_id=dossier_id, source="desk")) == "0987654321"

    with app.app_context():
        first = queue.issue_ticket(office_id, group, source="kiosk")
        mine = queue.issue_ticket(office_id, group, source="kiosk")
        first_id, mine_id, token = first.id, mine.id, mine.token
    barrier = threading.Barrier(2)
    codes = []

    def give(phone):
        client = app.test_client()
        barrier.wait()
        codes.append(client.post(f"/so/{token}/nhan-tin", data={
            "so_dien_thoai": phone, "tb_sms": "1", "tb_shown": "sms"}).status_code)

    threads = [threading.Thread(target=give, args=(p,)) for p in ("0911111111", "0922222222")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert codes == [303, 303]
    with app.app_context():
        [phone] = db.session.scalars(select(TicketContact.phone).filter_by(ticket_id=mine_id))
        assert phone in ("0911111111", "0922222222")
        queue.call_next(db.session.get(Staff, staff_id), [group])  # 0 ahead of mine now
    [row] = outbox(app, ticket_id=mine_id)
    assert (row.event, row.recipient) == ("near_turn", phone)

    with app.app_context():  # the day is over for that ticket
        yesterday = today() - dt.timedelta(days=1)
        db.session.execute(update(Ticket).where(Ticket.id.in_([first_id, mine_id]))
                           .values(day=yesterday))
        db.session.execute(update(TicketContact).values(day=yesterday))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["retention", "run"], catch_exceptions=False)
    assert "ticket phones deleted: 1, outbox recipients blanked: 1" in result.output
    with app.app_context():
        assert db.session.scalar(select(TicketContact.id)) is None
    assert outbox(app, ticket_id=mine_id)[0].recipient == ""
