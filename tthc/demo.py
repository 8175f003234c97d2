"""Demonstration data for `flask demo …`: a busy Monday in the demo office. Not a service:
nothing in the app calls it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from .auth.passwords import DEMO_PASSWORD, hash_password
from .domain import queue as rules
from .domain.codes import new_token, ticket_label
from .extensions import db
from .models import Counter, Office, Staff, Ticket
from .models.dossier import utcnow
from .queue.services import groups_of, next_value
from .queue.services.counters import REVISION
from .timeutil import today


def rush(office_code: str, officers: int, tickets: int) -> tuple[int, int]:
    """Reception accounts demo-quay-NN at counters 1…N (password tthc-demo: a production
    start refuses it) and *tickets* waiting tickets, inserted in bulk with their numbers taken
    from the office's counters. Idempotent for the accounts; returns (accounts, tickets) added.
    """
    office = db.session.scalar(select(Office).filter_by(code=office_code))
    groups = groups_of(office.id)
    password_hash = hash_password(DEMO_PASSWORD) if officers else ""
    made = 0
    for n in range(1, officers + 1):
        username = f"demo-quay-{n:02d}"
        if db.session.scalar(select(Staff.id).filter_by(username=username)) is None:
            db.session.add(Staff(office_id=office.id, username=username,
                                 full_name=f"Cán bộ quầy {n} (minh họa)",
                                 password_hash=password_hash, roles=["reception"], counter=n))
            made += 1
    day, now = today(), utcnow()
    per_group = {g.id: 0 for g in groups}
    for i in range(tickets if groups else 0):
        per_group[groups[i % len(groups)].id] += 1
    rows = []
    for group in groups:
        count = per_group[group.id]
        if not count:
            continue
        name = f"ticket:{group.id}"
        last = next_value(db.session, office.id, name, day)
        db.session.execute(update(Counter).where(
            Counter.office_id == office.id, Counter.name == name, Counter.day == day
        ).values(value=last + count - 1))
        for number in range(last, last + count):
            at = now + dt.timedelta(microseconds=len(rows))
            rows.append({"office_id": office.id, "group_id": group.id,
                         "queue_group_id": group.id, "day": day, "number": number,
                         "label": ticket_label(group.prefix, number), "token": new_token(),
                         "priority": number % 10 == 0,
                         "priority_reason": "elderly" if number % 10 == 0 else "",
                         "source": "kiosk", "status": rules.WAITING, "created_at": at,
                         "queued_at": at, "recalls": 0, "no_shows": 0, "revision": 0})
    if rows:
        db.session.execute(Ticket.__table__.insert(), rows)
        next_value(db.session, office.id, REVISION, day)
    db.session.commit()
    return made, len(rows)
