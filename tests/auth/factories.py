"""Plain factory functions for staff, offices and queue groups (tests of auth and queue)."""

from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from tthc.extensions import db
from tthc.models import Office, ServiceGroup, Staff

PASSWORD = "an-honest-pass-42"
# A cheap hash for test accounts (the real default, scrypt, costs ~0.2 s per check).
FAST_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
ROLES = ("reception", "specialist", "leader", "admin")


def demo_office() -> Office:
    return db.session.scalar(select(Office).filter_by(code="demo"))


def make_office(code: str = "khac", counters: int = 2) -> Office:
    """Another ward with its own A and B groups."""
    office = Office(code=code, unit_code=f"000.00.99.{code}", name=f"UBND phường {code}",
                    province="Hà Nội", counters=counters)
    db.session.add(office)
    db.session.flush()
    for position, (prefix, name) in enumerate((("A", "Chứng thực"), ("B", "Hộ tịch")), 1):
        db.session.add(ServiceGroup(office_id=office.id, prefix=prefix, name_vi=name,
                                    name_en=name, fields=[], position=position))
    db.session.commit()
    return office


def make_staff(office: Office, username: str, roles=("reception",), counter: int | None = 1,
               active: bool = True) -> Staff:
    staff = Staff(office_id=office.id, username=username, full_name=f"Cán bộ {username}",
                  password_hash=FAST_HASH, roles=list(roles), counter=counter, active=active)
    db.session.add(staff)
    db.session.commit()
    return staff


def groups(office_id: int) -> list[ServiceGroup]:
    return list(db.session.scalars(select(ServiceGroup).filter_by(office_id=office_id)
                                   .order_by(ServiceGroup.position)))


def login(client, staff_id: int) -> None:
    """Sign a test client in without the password round trip (tested in tests/auth): the
    session carries what a sign-in stores (Staff.get_id, tthc.auth.sessions.begin)."""
    from tthc.auth import sessions

    with client.application.app_context():
        user_id = db.session.get(Staff, staff_id).get_id()
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
        session.permanent = True
        session[sessions.SINCE] = session[sessions.SEEN] = sessions.stamp()


def csrf(client) -> str:
    """A CSRF token for this client's session (the look-up page's form carries one for
    anybody, at any hour: the kiosk shows no form while the desk is closed)."""
    html = client.get("/tra-cuu").get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
