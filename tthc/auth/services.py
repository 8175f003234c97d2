"""Signing in with a slow-down; creating and changing accounts (the one way for the command line,
tthc/auth/cli.py, and the admin's page, tthc/admin/staff.py); the start-up check on demo
passwords."""

from __future__ import annotations

import datetime as dt
import secrets
import tomllib
from pathlib import Path

from flask import current_app
from sqlalchemy import or_, select, update

from ..domain.i18n import N_, Message, msg
from ..extensions import db
from ..models import ROLES, Office, Staff
from ..models.dossier import utcnow
from ..transactions import serialised
from . import passwords, sessions, throttle

DEMO_FILE = Path(__file__).resolve().parent.parent / "data" / "demo.toml"


def is_locked(staff: Staff) -> bool:
    """True while some address must wait before trying this account again (the slow-down
    of tthc/auth/throttle.py; no account is locked for everyone)."""
    return throttle.account_waiting(staff.username)


class TooSoon(Exception):
    """Too many recent failures of this username from this address: wait ``seconds``."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


def authenticate(username: str, password: str, address: str) -> Staff | None:
    """The account for these credentials from client *address*, or None; TooSoon while the
    pair (or the address) must wait after failures.

    Unknown user, wrong password and disabled account all answer None after the same work
    (one charge of the count, one scrypt check), so neither the answer nor its timing says
    which. A hash made with older parameters is replaced on success.
    """
    username = passwords.normalise_username(username)
    wait = throttle.claim(username, address)
    if wait:
        raise TooSoon(wait)
    staff = db.session.scalar(select(Staff).filter_by(username=username))
    if staff is None or not staff.active:
        passwords.verify_password(None, password)
        return None
    if not passwords.verify_password(staff.password_hash, password):
        return None
    old_hash = staff.password_hash
    new_hash = passwords.hash_password(password) if passwords.needs_rehash(old_hash) else None
    with serialised() as session:
        staff = _locked(session, staff)
        throttle.succeeded(username, address)
        staff.last_login_at = utcnow()
        if new_hash and staff.password_hash == old_hash:  # not changed meanwhile
            staff.password_hash = new_hash
    return staff


class AccountError(ValueError):
    """An account cannot be created or changed as asked: ``str()`` in English for the CLI;
    ``field`` (the web form's field) and ``message`` (Vietnamese msgid) for the browser."""

    def __init__(self, english: str, field: str = "", message: Message | None = None):
        super().__init__(english)
        self.field = field
        self.message = message or msg(N_("Không thực hiện được: %(reason)s"), reason=english)


ROLE_LABELS = {"reception": N_("Tiếp nhận hồ sơ"), "specialist": N_("Chuyên môn (giải quyết)"),
               "leader": N_("Lãnh đạo (ký duyệt)"), "admin": N_("Quản trị cơ quan"),
               "city_admin": N_("Quản trị thành phố (thêm đơn vị)")}

# The Vietnamese of each refusal of tthc.auth.passwords (whose texts are the CLI's English).
_PASSWORD_VI = {
    "this is the demo password (tthc-demo), printed for anyone to read":
        N_("Đây là mật khẩu minh họa (tthc-demo), ai cũng đọc được: chọn mật khẩu khác."),
    "a password may not contain the demo password":
        N_("Mật khẩu không được chứa mật khẩu minh họa tthc-demo."),
    f"a password needs at least {passwords.MIN_LENGTH} characters":
        N_("Mật khẩu cần ít nhất 10 ký tự."),
    "this password is too common": N_("Mật khẩu này quá phổ biến, dễ bị đoán: chọn mật khẩu khác."),
    "a password may not contain the username": N_("Mật khẩu không được chứa tên đăng nhập."),
    "a password needs at least 5 different characters":
        N_("Mật khẩu cần ít nhất 5 ký tự khác nhau."),
    "a password of digits only is too easy to guess":
        N_("Mật khẩu chỉ gồm chữ số thì quá dễ đoán: thêm chữ cái."),
}


def password_error(password: str, username: str, field: str = "mat_khau") -> AccountError | None:
    """Why *password* cannot be given to *username*, as an AccountError, or None."""
    problem = passwords.password_problem(password, username)
    if problem is None:
        return None
    return AccountError(problem, field, msg(_PASSWORD_VI[problem]) if problem in _PASSWORD_VI
                        else None)


def generate_password() -> str:
    """A new password, shown once to the admin: four groups of letters and digits."""
    alphabet = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1: read aloud without doubt
    while True:
        candidate = "-".join("".join(secrets.choice(alphabet) for _ in range(4))
                             for _ in range(4))
        if passwords.password_problem(candidate) is None:
            return candidate


def _roles_checked(roles: list[str], grantor: Staff | None) -> list[str]:
    roles = list(dict.fromkeys(roles))
    unknown = [r for r in roles if r not in ROLES]
    if not roles or unknown:
        raise AccountError(f"roles must be among {', '.join(ROLES)}", "vai_tro",
                           msg(N_("Chọn ít nhất một vai trò trong danh sách.")))
    if grantor is not None and "city_admin" in roles and not grantor.has_role("city_admin"):
        raise AccountError("only a city admin gives the city admin role", "vai_tro",
                           msg(N_("Chỉ quản trị thành phố mới giao được vai trò quản trị "
                                  "thành phố.")))
    return roles


def _counter_checked(counter: int | None) -> int | None:
    if counter is not None and not 1 <= counter <= 99:
        raise AccountError("a counter number is 1 to 99", "quay",
                           msg(N_("Số quầy từ 1 đến 99; để trống nếu không ngồi quầy.")))
    return counter


def new_account_error(username: str, password: str | None) -> AccountError | None:
    """Why an account *username* with *password* (None: not checked) cannot be created now,
    or None: the username's form, the password's strength, the username free."""
    username = passwords.normalise_username(username)
    if passwords.username_problem(username):
        return AccountError(passwords.username_problem(username), "ten_dang_nhap", msg(N_(
            "Tên đăng nhập từ 2 đến 60 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch "
            "dưới hoặc gạch ngang, bắt đầu bằng chữ hoặc số.")))
    if password is not None:
        error = password_error(password, username)
        if error:
            return error
    if db.session.scalar(select(Staff.id).filter_by(username=username)) is not None:
        return AccountError(f"the username {username!r} is taken", "ten_dang_nhap",
                            msg(N_("Tên đăng nhập này đã có người dùng: chọn tên khác.")))
    return None


def create_staff(*, office_code: str, username: str, password: str, roles: list[str],
                 full_name: str = "", counter: int | None = None,
                 allow_demo_password: bool = False, grantor: Staff | None = None) -> Staff:
    """Create a staff account; AccountError explains a refusal. Commits.

    *grantor*: the admin creating it in the browser (None from the command line); only a
    city admin gives the city admin role.
    """
    username = passwords.normalise_username(username)
    error = new_account_error(username, None if allow_demo_password else password)
    if error:
        raise error
    roles = _roles_checked(roles, grantor)
    office = db.session.scalar(select(Office).filter_by(code=office_code))
    if office is None:
        raise AccountError(f"no office with code {office_code!r} (see: flask office list)")
    counter = _counter_checked(counter)
    password_hash = passwords.hash_password(password)  # slow on purpose: before the lock
    with serialised() as session:
        if session.scalar(select(Staff.id).filter_by(username=username)) is not None:
            raise AccountError(f"the username {username!r} is taken", "ten_dang_nhap",
                               msg(N_("Tên đăng nhập này đã có người dùng: chọn tên khác.")))
        staff = Staff(office_id=office.id, username=username, full_name=full_name or username,
                      password_hash=password_hash, roles=roles,
                      counter=counter)
        session.add(staff)
    return staff


def find_staff(username: str) -> Staff:
    """The account *username*; AccountError when there is none."""
    staff = db.session.scalar(
        select(Staff).filter_by(username=passwords.normalise_username(username)))
    if staff is None:
        raise AccountError(f"no account {username!r}")
    return staff


def _locked(session, staff: Staff) -> Staff:
    return session.scalars(select(Staff).where(Staff.id == staff.id).with_for_update()
                           .execution_options(populate_existing=True)).one()


def set_password(staff: Staff | str, password: str) -> Staff:
    """Give an account a new password, end its sessions and forget its failed sign-ins.
    Commits."""
    staff = find_staff(staff) if isinstance(staff, str) else staff
    error = password_error(password, staff.username)
    if error:
        raise error
    new_hash = passwords.hash_password(password)  # slow on purpose: before taking the lock
    with serialised() as session:
        staff = _locked(session, staff)
        staff.password_hash = new_hash
        sessions.end_all(staff.id)
        throttle.clear_account(staff.username)
    return staff


def unlock(staff: Staff) -> bool:
    """Forget an account's failed sign-ins from every address (its slow-down ends); True if
    there were some."""
    with serialised():
        changed = throttle.clear_account(staff.username) > 0
    return changed


def set_active(staff: Staff, active: bool, *, actor: Staff | None = None) -> bool:
    """Enable or disable an account (its history stays); True if it changed. An admin
    cannot disable their own account."""
    if actor is not None and actor.id == staff.id and not active:
        raise AccountError("you cannot disable your own account", "",
                           msg(N_("Không thể tự khóa tài khoản của chính mình.")))
    with serialised() as session:
        staff = _locked(session, staff)
        changed = staff.active != active
        staff.active = active
        if not active:
            sessions.end_all(staff.id)
    return changed


def update_staff(staff: Staff, *, full_name: str, roles: list[str], counter: int | None,
                 actor: Staff | None = None) -> list[str]:
    """Change an account's name, roles and counter; what changed, as "key: old → new" (for
    the log). An admin cannot take away their own admin role."""
    roles = _roles_checked(roles, actor)
    if actor is not None and actor.id == staff.id and "admin" in staff.roles \
            and "admin" not in roles:
        raise AccountError("you cannot remove your own admin role", "vai_tro",
                           msg(N_("Không thể tự bỏ vai trò quản trị của chính mình: nhờ một "
                                  "quản trị viên khác.")))
    if actor is not None and "city_admin" in staff.roles and "city_admin" not in roles \
            and not actor.has_role("city_admin"):
        raise AccountError("only a city admin removes the city admin role", "vai_tro",
                           msg(N_("Chỉ quản trị thành phố mới bỏ được vai trò quản trị "
                                  "thành phố.")))
    counter = _counter_checked(counter)
    with serialised() as session:
        staff = _locked(session, staff)
        values = {"full_name": full_name or staff.username, "roles": roles, "counter": counter}
        changes = [f"{key}: {getattr(staff, key)} → {value}" for key, value in values.items()
                   if getattr(staff, key) != value and key != "full_name"]
        if staff.full_name != values["full_name"]:
            changes.append("full_name changed")  # a name is personal data: not in the log
        for key, value in values.items():
            setattr(staff, key, value)
    return changes


def demo_accounts() -> list[dict]:
    """The demo accounts as tthc/data/demo.toml lists them."""
    with open(DEMO_FILE, "rb") as f:
        return tomllib.load(f).get("staff", [])


DEMO_PREFIX = "demo-"
"""Accounts named demo-… are demo data too (flask demo rush makes demo-quay-01…)."""


def accounts_with_demo_password() -> list[str]:
    """Usernames of active accounts whose password is still the demo one.

    Only demo accounts are checked, those of demo.toml and those named demo-… (a hash
    check is slow on purpose): no other account can get that password, since creating or
    changing one refuses it.
    """
    names = [row["username"] for row in demo_accounts()]
    rows = db.session.execute(
        select(Staff.username, Staff.password_hash)
        .where(or_(Staff.username.in_(names), Staff.username.startswith(DEMO_PREFIX)),
               Staff.active.is_(True))).all()
    return [u for u, h in rows if passwords.verify_password(h, passwords.DEMO_PASSWORD)]
