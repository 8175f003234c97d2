"""Pre-filing codes, tokens, dossier codes and queue tickets."""

from __future__ import annotations

import random
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.domain.codes import (
    DEFAULT_DOSSIER_PATTERN,
    PREFILING_ALPHABET,
    PREFILING_LENGTH,
    format_dossier_code,
    format_prefiling_code,
    new_prefiling_code,
    new_token,
    normalise_prefiling_code,
    ticket_label,
    validate_dossier_pattern,
)

CONFUSABLE = set("0O1IL")
codes = st.text(alphabet=PREFILING_ALPHABET, min_size=PREFILING_LENGTH, max_size=PREFILING_LENGTH)


# ------------------------------------------------------------------ pre-filing code


def test_alphabet() -> None:
    assert not CONFUSABLE & set(PREFILING_ALPHABET)
    assert len(set(PREFILING_ALPHABET)) == len(PREFILING_ALPHABET) == 31
    assert PREFILING_ALPHABET == PREFILING_ALPHABET.upper()


@given(st.randoms(use_true_random=False))
def test_new_code_uses_only_the_alphabet(rng: random.Random) -> None:
    code = new_prefiling_code(rng)
    assert len(code) == PREFILING_LENGTH
    assert set(code) <= set(PREFILING_ALPHABET)
    assert not CONFUSABLE & set(code)


def test_new_code_defaults_to_secrets() -> None:
    generated = {new_prefiling_code() for _ in range(200)}
    assert len(generated) == 200
    assert all(normalise_prefiling_code(c) == c for c in generated)


def test_format_groups_in_fours() -> None:
    assert format_prefiling_code("ABCD2345") == "ABCD-2345"


@pytest.mark.parametrize(
    "raw",
    ["ABCD-2345", "abcd2345", " abcd 2345 ", "ab-cd-23-45", "ABCD–2345", "ＡＢＣＤ２３４５", "abcd.2345"],
)
def test_normalise_accepts_what_people_type(raw: str) -> None:
    assert normalise_prefiling_code(raw) == "ABCD2345"


@pytest.mark.parametrize(
    "raw",
    [None, "", "ABCD-234", "ABCD-23456", "ABCD-0345", "OBCD-2345", "ABCD-1345", "IBCD-2345",
     "LBCD-2345", "ABCD_2345", "ABCß2345", "ABCĐ2345"],
)
def test_normalise_rejects_the_rest(raw: str | None) -> None:
    assert normalise_prefiling_code(raw) is None


@given(codes, st.lists(st.sampled_from([" ", "-", "  ", " - "]), min_size=9, max_size=9),
       st.lists(st.booleans(), min_size=8, max_size=8))
def test_normalise_round_trips(code: str, seps: list[str], lower: list[bool]) -> None:
    assert normalise_prefiling_code(code) == code
    assert normalise_prefiling_code(format_prefiling_code(code)) == code
    typed = seps[0] + "".join(
        (ch.lower() if low else ch) + sep for ch, low, sep in zip(code, lower, seps[1:])
    )
    assert normalise_prefiling_code(typed) == code


@given(st.text(max_size=20))
def test_normalise_output_is_canonical_or_none(raw: str) -> None:
    result = normalise_prefiling_code(raw)
    if result is not None:
        assert len(result) == PREFILING_LENGTH and set(result) <= set(PREFILING_ALPHABET)
        assert normalise_prefiling_code(result) == result


# ------------------------------------------------------------------ token


def test_token() -> None:
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100
    for token in tokens:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", token)  # 24 bytes = 192 bits


# ------------------------------------------------------------------ dossier code


def test_dossier_code_matches_the_real_example() -> None:
    code = format_dossier_code(unit_code="000.00.06.H56", received=date(2023, 10, 27), seq=361)
    assert code == "000.00.06.H56-231027-0361"
    assert format_dossier_code(
        DEFAULT_DOSSIER_PATTERN, unit_code="000.00.21.H26", received=date(2025, 7, 7), seq=3
    ) == "000.00.21.H26-250707-0003"


def test_dossier_code_other_patterns() -> None:
    code = format_dossier_code(
        "{yyyy}/{mm}/{dd}-{unit}-{seq:05d}", unit_code="H26", received=date(2026, 1, 5), seq=42
    )
    assert code == "2026/01/05-H26-00042"
    assert format_dossier_code(
        "{unit}{yyyymmdd}{yy}{seq}", unit_code="X", received=date(2026, 1, 5), seq=7
    ) == "X20260105267"


@pytest.mark.parametrize(
    "pattern",
    [
        "{unit}-{date}-{seq:04d}",  # unknown placeholder
        "{unit}-{yymmdd}-{0}",  # positional
        "{unit}-{yymmdd}-{}",  # automatic numbering
        "{unit.__class__}-{seq}",  # attribute access
        "{unit[0]}-{seq}",  # indexing
        "{unit!r}-{seq}",  # conversion
        "{unit:>20}-{seq}",  # format spec on a text field
        "{unit}-{seq:4d}",  # space padding
        "{unit}-{seq:x}",  # not a decimal
        "{unit}-{yymmdd}",  # no sequence
        "{unit}-{seq",  # malformed
    ],
)
def test_bad_patterns_are_rejected(pattern: str) -> None:
    with pytest.raises(ValueError):
        validate_dossier_pattern(pattern)
    with pytest.raises(ValueError):
        format_dossier_code(pattern, unit_code="H26", received=date(2026, 1, 5), seq=1)


def test_unknown_placeholder_message_is_clear() -> None:
    with pytest.raises(ValueError, match=r"unknown placeholder \{date\}.*\{yymmdd\}"):
        validate_dossier_pattern("{unit}-{date}-{seq:04d}")


@pytest.mark.parametrize(
    ("unit", "seq"), [("", 1), ("H 26", 1), ("H26", 0), ("H26", -1), ("H26", 10000)]
)
def test_bad_values_are_rejected(unit: str, seq: int) -> None:
    with pytest.raises(ValueError):
        format_dossier_code(unit_code=unit, received=date(2026, 1, 5), seq=seq)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
       st.integers(min_value=1, max_value=9999))
def test_default_code_shape(received: date, seq: int) -> None:
    code = format_dossier_code(unit_code="000.00.06.H56", received=received, seq=seq)
    assert re.fullmatch(r"000\.00\.06\.H56-\d{6}-\d{4}", code)
    assert code.split("-")[1] == received.strftime("%y%m%d")
    assert int(code.split("-")[2]) == seq


# ------------------------------------------------------------------ queue ticket


def test_ticket_label() -> None:
    assert ticket_label("A", 1) == "A-001"
    assert ticket_label("b", 42) == "B-042"
    assert ticket_label("A", 1234) == "A-1234"
    assert ticket_label("CT", 5, width=2) == "CT-05"
    for prefix, number in [("", 1), ("A-", 1), ("Đ", 1), ("A", 0)]:
        with pytest.raises(ValueError):
            ticket_label(prefix, number)
