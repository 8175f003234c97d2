"""The signed-in officer as each staff request sees them (``current_user``).

Every staff request loads its officer. An ORM ``Staff`` object costs about a millisecond
to load on a small server, and "Gọi tiếp" is pressed all Monday long; what requests read
of the officer is a handful of columns, fetched here in one plain query. Services take
this object wherever they take a staff member: they read ``id``, ``office_id``,
``counter``, ``roles`` and ``has_role`` only. Code that changes an account loads its
``Staff`` row itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_login import UserMixin
from sqlalchemy import bindparam, select

from ..extensions import db
from ..models import Office, Staff
from ..prepared import Prepared

_ROW = Prepared(
    select(Staff.id, Staff.office_id, Staff.username, Staff.full_name, Staff.roles,
           Staff.counter, Staff.active).where(Staff.id == bindparam("staff_id")))


@dataclass(frozen=True, eq=False)
class SignedInStaff(UserMixin):
    """What a request knows of the signed-in officer, read when the request began."""

    id: int
    office_id: int
    username: str
    full_name: str
    roles: tuple[str, ...]
    counter: int | None
    active: bool

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def office(self) -> Office | None:
        return db.session.get(Office, self.office_id)


def load(staff_id: int) -> SignedInStaff | None:
    """The active officer with this id, or None (unknown or disabled: signed out)."""
    row = _ROW.first(db.session.connection(), {"staff_id": staff_id})
    if row is None:
        return None
    id_, office_id, username, full_name, roles, counter, active = row
    if not active:
        return None
    return SignedInStaff(id_, office_id, username, full_name, tuple(roles or ()), counter,
                         bool(active))
