"""Password hashing (Werkzeug) and the rule that refuses weak staff passwords."""

from __future__ import annotations

import re

from werkzeug.security import check_password_hash, generate_password_hash

# Public on purpose: refused as a new password, and production does not serve while an
# account still has it unless TTHC_DEMO=1 says so (tthc.auth.check_demo_passwords).
# Bandit B105 checked: the demo password, published, never accepted in production
DEMO_PASSWORD = "tthc-demo"  # nosec B105
"""The demo accounts' password: printed by `flask demo logins`, refused everywhere else."""

MIN_LENGTH = 10
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,59}")

# Passwords people pick first; a guesser tries these before anything else.
_COMMON = frozenset({
    DEMO_PASSWORD, "password", "password1", "password123", "matkhau", "matkhau123",
    "123456789", "1234567890", "12345678910", "qwertyuiop", "qwerty123", "abc123456",
    "admin12345", "administrator", "motcua123", "tiepnhan123", "ubndphuong", "ubnd12345",
    "iloveyou", "11111111111", "0123456789", "abcd1234", "abcdef123",
})

METHOD = "scrypt:131072:8:1"
"""scrypt with N = 2^17 (Werkzeug's default is 2^15): about 0.3 s and 128 MB per check.
Hashes made another way still verify and are replaced at the next sign-in (needs_rehash)."""

_dummy_hash: str | None = None


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=METHOD)


def needs_rehash(password_hash: str) -> bool:
    """True when *password_hash* was made with other parameters than METHOD."""
    return not password_hash.startswith(METHOD + "$")


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when *password* matches; with no hash, spend the same time and answer False."""
    global _dummy_hash
    if not password_hash:
        # An unknown user costs as much as a known one: the timing reveals nothing.
        if _dummy_hash is None:
            _dummy_hash = hash_password("not a password")
        check_password_hash(_dummy_hash, password)
        return False
    return check_password_hash(password_hash, password)


def normalise_username(raw: str | None) -> str:
    return (raw or "").strip().lower()


def username_problem(username: str) -> str | None:
    """Why *username* cannot be used, or None (for the command line: English)."""
    if not USERNAME.fullmatch(username):
        return ("a username is 2 to 60 characters: lower-case letters, digits, '.', '_' "
                "or '-', starting with a letter or digit")
    return None


def password_problem(password: str, username: str = "") -> str | None:
    """Why *password* is too weak for a staff account, or None."""
    lowered = password.lower()
    if lowered == DEMO_PASSWORD:
        return "this is the demo password (tthc-demo), printed for anyone to read"
    if DEMO_PASSWORD in lowered:
        return "a password may not contain the demo password"
    if len(password) < MIN_LENGTH:
        return f"a password needs at least {MIN_LENGTH} characters"
    if lowered in _COMMON or lowered.replace(" ", "") in _COMMON:
        return "this password is too common"
    if username and username.lower() in lowered:
        return "a password may not contain the username"
    if len(set(password)) < 5:
        return "a password needs at least 5 different characters"
    if password.isdigit():
        return "a password of digits only is too easy to guess"
    return None
