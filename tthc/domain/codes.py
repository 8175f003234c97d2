"""Codes handed to citizens: pre-filing codes, access tokens, dossier codes (ours, or the
portal's kept as it is), queue tickets."""

from __future__ import annotations

import re
import secrets
import string
import unicodedata
from datetime import date
from typing import Protocol

from tthc.domain.i18n import N_, Message, msg

# --------------------------------------------------------------------------- pre-filing code

PREFILING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
"""Digits and capitals without 0/O, 1/I/L: 31 symbols, read aloud and typed without doubt."""
PREFILING_LENGTH = 8
"""8 symbols: 31**8 ≈ 8.5 × 10**11 (≈ 39.6 bits) possible codes."""

_PREFILING_SET = frozenset(PREFILING_ALPHABET)
# Separators people type or paste: spaces of all kinds, hyphens and dashes, dots.
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212.]+")


class _Chooser(Protocol):
    def choice(self, seq: str, /) -> str: ...


def new_prefiling_code(rng: _Chooser = secrets) -> str:
    """A fresh pre-filing code in canonical form: 8 symbols, upper case, no separator.

    *rng* is anything with ``choice`` (``secrets`` by default; a seeded
    ``random.Random`` in tests). Display it with :func:`format_prefiling_code`.
    """
    return "".join(rng.choice(PREFILING_ALPHABET) for _ in range(PREFILING_LENGTH))


def format_prefiling_code(code: str) -> str:
    """Group a canonical code for display and print: ``"ABCD2345"`` → ``"ABCD-2345"``."""
    half = PREFILING_LENGTH // 2
    return f"{code[:half]}-{code[half:]}"


def normalise_prefiling_code(raw: str | None) -> str | None:
    """The canonical code for what a citizen typed, or None if it cannot be one.

    Accepts lower case, full-width characters, spaces, hyphens/dashes and dots anywhere.
    Confusable characters are **not** guessed: 0, O, 1, I and L are all outside the alphabet,
    so there is no in-alphabet symbol to map them to; a code containing one is rejected.
    """
    if not raw:
        return None
    text = _SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if not text.isascii():
        return None
    text = text.upper()
    if len(text) != PREFILING_LENGTH or not _PREFILING_SET.issuperset(text):
        return None
    return text


# --------------------------------------------------------------------------- token


def new_token() -> str:
    """An unguessable URL-safe token (24 random bytes = 192 bits, 32 characters)."""
    return secrets.token_urlsafe(24)


# --------------------------------------------------------------------------- dossier code

DEFAULT_DOSSIER_PATTERN = "{unit}-{yymmdd}-{seq:04d}"
"""Mã hồ sơ per TT 01/2018/TT-VPCP Art 19: unit code (QCVN), receipt date, daily sequence.

TT 03/2025 may redefine it ([U]), hence a configurable pattern.
"""

DOSSIER_PLACEHOLDERS = frozenset({"unit", "yymmdd", "yyyymmdd", "yyyy", "yy", "mm", "dd", "seq"})
"""Names a dossier-code pattern may use."""

_INT_SPEC = re.compile(r"(?:0([1-9]\d*))?d")  # "d" or zero-padded "0Nd"


def _seq_width(spec: str) -> int | None:
    match = _INT_SPEC.fullmatch(spec)
    return int(match.group(1)) if match and match.group(1) else None


def validate_dossier_pattern(pattern: str) -> None:
    """Raise ValueError unless *pattern* only uses the known placeholders.

    ``{seq}`` is required (codes must be unique) and may only carry ``:d`` or a zero-padded
    width such as ``:04d``; other placeholders take no format spec or conversion.
    """
    fields: list[str] = []
    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        raise ValueError(f"dossier code pattern {pattern!r} is malformed: {exc}") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in DOSSIER_PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in sorted(DOSSIER_PLACEHOLDERS))
            raise ValueError(
                f"dossier code pattern {pattern!r} uses unknown placeholder {{{name}}}; "
                f"known placeholders: {known}"
            )
        if conversion:
            raise ValueError(
                f"dossier code pattern {pattern!r}: conversion !{conversion} is not allowed"
            )
        if spec and (name != "seq" or not _INT_SPEC.fullmatch(spec)):
            raise ValueError(
                f"dossier code pattern {pattern!r}: format spec {spec!r} not allowed on {{{name}}}"
            )
        fields.append(name)
    if "seq" not in fields:
        raise ValueError(f"dossier code pattern {pattern!r} must contain {{seq}}")


def format_dossier_code(
    pattern: str = DEFAULT_DOSSIER_PATTERN, *, unit_code: str, received: date, seq: int
) -> str:
    """Build a dossier code, e.g. ``"000.00.06.H56-231027-0361"`` with the default pattern.

    *received* is the local receipt date; *seq* the 1-based daily sequence number, which must
    fit the width of a zero-padded ``{seq}`` so codes keep a fixed shape.
    """
    validate_dossier_pattern(pattern)
    unit_code = unit_code.strip()
    if not unit_code or any(ch.isspace() for ch in unit_code):
        raise ValueError(f"unit code {unit_code!r} must be non-empty without spaces")
    if seq < 1:
        raise ValueError("seq must be 1 or more")
    for _literal, name, spec, _conv in string.Formatter().parse(pattern):
        width = _seq_width(spec or "") if name == "seq" else None
        if width is not None and len(str(seq)) > width:
            raise ValueError(f"seq {seq} does not fit in {width} digits")
    return pattern.format(
        unit=unit_code,
        yymmdd=received.strftime("%y%m%d"),
        yyyymmdd=received.strftime("%Y%m%d"),
        yyyy=f"{received.year:04d}",
        yy=received.strftime("%y"),
        mm=f"{received.month:02d}",
        dd=f"{received.day:02d}",
        seq=seq,
    )


# --------------------------------------------------------------------------- portal code

PORTAL_CODE_MAX = 40
"""Longest code accepted from the national or provincial portal: the dossier's code column
(TT 01/2018 codes such as ``000.00.21.H26-250707-0003`` have 25 characters)."""
PORTAL_CODE_MIN = 4
_PORTAL_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]*")


def normalise_portal_code(raw: str | None) -> str | None:
    """The portal's dossier code as typed (an opaque string: case and separators kept), or
    None when it cannot be one: ASCII letters, digits and ``. - _ /`` only, no spaces,
    PORTAL_CODE_MIN to PORTAL_CODE_MAX characters. Full-width characters are folded (NFKC).

    The pattern is the portal's, not ours (domain.md §2: store external codes as opaque
    strings), so nothing but the length and the characters is checked.
    """
    text = unicodedata.normalize("NFKC", raw or "").strip()
    if not PORTAL_CODE_MIN <= len(text) <= PORTAL_CODE_MAX or not text.isascii():
        return None
    return text if _PORTAL_CODE.fullmatch(text) else None


def portal_code_problem(code: str | None, portal_code: str, new_portal_code: str
                        ) -> Message | None:
    """Why a dossier whose code is *code* (None: not received yet) cannot take
    *new_portal_code* in place of *portal_code*, or None.

    One code per dossier (domain.md §2, §12 item 8): at reception the portal's code becomes
    the dossier's code, and the office issues its own only to a dossier without one. Once
    the dossier has its code, another one is never added and the one given is never changed
    (it is printed on the slips and used to look the dossier up).
    """
    if code is None or new_portal_code == portal_code:
        return None
    return msg(N_("Hồ sơ đã có mã %(code)s từ khi tiếp nhận; không ghi thêm hay đổi mã hồ sơ "
                  "trên Cổng Dịch vụ công (mỗi hồ sơ chỉ có một mã)."), code=code)


# --------------------------------------------------------------------------- queue ticket


def ticket_label(group_prefix: str, number: int, *, width: int = 3) -> str:
    """The label called and printed for a queue ticket: ``ticket_label("A", 1)`` → ``"A-001"``."""
    if not group_prefix or not group_prefix.isascii() or not group_prefix.isalnum():
        raise ValueError(f"ticket group prefix {group_prefix!r} must be ASCII letters or digits")
    if number < 1:
        raise ValueError("ticket number must be 1 or more")
    return f"{group_prefix.upper()}-{number:0{width}d}"
