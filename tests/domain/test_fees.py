"""Fee estimates in VND, from the seed catalogue's rules and the form's answers."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tthc.domain.catalogue import FeeRule, Procedure, parse_catalogue
from tthc.domain.completeness import assess, normalise_answers
from tthc.domain.fees import FeeEstimate, copy_certification_fee, estimate

CATALOGUE = Path(__file__).resolve().parents[2] / "tthc" / "data" / "catalogue.toml"
TODAY = dt.date(2026, 3, 2)

with CATALOGUE.open("rb") as _f:
    PROCEDURES: dict[str, Procedure] = {p.code: p for p in parse_catalogue(tomllib.load(_f))}

TT_226 = dict(amount=2000, first_pages=2, amount_after=1000, cap=200000)


def fee(code: str, answers: dict[str, str], today: dt.date = TODAY) -> FeeEstimate:
    procedure = PROCEDURES[code]
    return estimate(procedure, normalise_answers(procedure, answers, today=today), today=today)


def days_ago(days: int) -> str:
    return (TODAY - dt.timedelta(days=days)).strftime("%d/%m/%Y")


# --- copy certification (TT 226/2016 Art 4) ----------------------------------------------


@pytest.mark.parametrize(
    "pages, expected",
    [(0, 0), (1, 2000), (2, 4000), (3, 5000), (5, 7000), (100, 102000), (198, 200000),
     (300, 200000)],
)
def test_copy_certification_fee_per_copy(pages, expected):
    assert copy_certification_fee(pages, **TT_226) == expected


def test_copy_certification_fee_without_a_cap():
    assert copy_certification_fee(300, amount=2000, first_pages=2, amount_after=1000,
                                  cap=None) == 302000


@given(st.integers(0, 10_000))
def test_the_per_copy_fee_grows_with_pages_and_stops_at_the_cap(pages):
    fee_now = copy_certification_fee(pages, **TT_226)
    assert fee_now <= copy_certification_fee(pages + 1, **TT_226) <= 200000


def test_one_document_of_five_pages_in_two_copies_costs_14000():
    estimate_ = fee("chung-thuc-ban-sao",
                    {"documents": "1", "pages": "5", "copies": "2", "has_copies": "1"})
    assert estimate_.total == 2 * (2 * 2000 + 3 * 1000) == 14000
    assert not estimate_.unknown and not estimate_.exempt
    assert [line.amount for line in estimate_.lines] == [14000]


def test_a_300_page_document_is_capped_at_200000_per_copy():
    one = fee("chung-thuc-ban-sao", {"documents": "1", "pages": "300", "copies": "1",
                                     "has_copies": "1"})
    assert one.total == 200000
    three = fee("chung-thuc-ban-sao", {"documents": "3", "pages": "300", "copies": "2",
                                       "has_copies": "1"})
    assert three.total == 3 * 2 * 200000


def test_photocopying_at_the_office_adds_a_locally_set_charge():
    estimate_ = fee("chung-thuc-ban-sao",
                    {"documents": "2", "pages": "1", "copies": "3", "has_copies": ""})
    assert [line.amount for line in estimate_.lines] == [2 * 3 * 2000, None]
    assert estimate_.total == 12000  # the known part
    assert estimate_.unknown
    assert estimate_.lines[1].note is not None


def test_a_missing_page_count_says_what_to_enter():
    estimate_ = fee("chung-thuc-ban-sao", {"documents": "1", "copies": "2", "has_copies": "1"})
    assert estimate_.total is None and estimate_.unknown
    note = estimate_.lines[0].note
    assert note.params["label"] == "Số trang của mỗi bản chính"
    assert str(note).endswith("để tính lệ phí.")


# --- signatures, contracts, extracts -----------------------------------------------------


def test_signature_certification_is_10000_per_document():
    assert fee("chung-thuc-chu-ky", {"documents": "1"}).total == 10000
    assert fee("chung-thuc-chu-ky", {"documents": "3", "signers": "2"}).total == 30000
    missing = fee("chung-thuc-chu-ky", {})
    assert missing.total is None and missing.unknown


@pytest.mark.parametrize(
    "kind, amount", [("chung_thuc", 50000), ("sua_doi", 30000), ("sua_loi", 25000)]
)
def test_contract_certification_by_request(kind, amount):
    estimate_ = fee("chung-thuc-hop-dong", {"request_kind": kind})
    assert (estimate_.total, estimate_.unknown) == (amount, False)


def test_contract_fee_is_unknown_until_the_request_is_chosen():
    estimate_ = fee("chung-thuc-hop-dong", {})
    assert estimate_.lines == () and estimate_.total is None and estimate_.unknown


def test_extract_copies_cost_8000_each():
    assert fee("trich-luc-ho-tich", {"copies": "1"}).total == 8000
    assert fee("trich-luc-ho-tich", {"copies": "3"}).total == 24000


# --- birth and death registration --------------------------------------------------------


def test_birth_registered_within_60_days_is_free():
    for days in (0, 1, 59, 60):
        estimate_ = fee("dang-ky-khai-sinh", {"child_birth_date": days_ago(days)})
        assert (estimate_.total, estimate_.exempt, estimate_.unknown) == (0, True, False), days
        assert estimate_.free


def test_birth_registered_after_60_days_pays_the_provincial_rate():
    estimate_ = fee("dang-ky-khai-sinh", {"child_birth_date": days_ago(61)})
    assert estimate_.total is None and estimate_.unknown and not estimate_.exempt
    assert [line.rule.kind for line in estimate_.lines] == ["provincial"]


def test_late_birth_registration_is_waived_for_a_poor_household():
    estimate_ = fee("dang-ky-khai-sinh",
                    {"child_birth_date": days_ago(400), "fee_exemption": "ho_ngheo"})
    assert (estimate_.total, estimate_.exempt, estimate_.unknown) == (0, True, False)
    assert [line.rule.kind for line in estimate_.lines] == ["free"]
    not_poor = fee("dang-ky-khai-sinh",
                   {"child_birth_date": days_ago(400), "fee_exemption": "khong"})
    assert not_poor.unknown and not not_poor.exempt


def test_copies_of_the_birth_certificate_are_charged_even_when_registration_is_free():
    estimate_ = fee("dang-ky-khai-sinh",
                    {"child_birth_date": days_ago(10), "want_copies": "1", "copies": "2"})
    assert [line.amount for line in estimate_.lines] == [0, 16000]
    assert (estimate_.total, estimate_.exempt, estimate_.unknown) == (16000, True, False)
    late = fee("dang-ky-khai-sinh",
               {"child_birth_date": days_ago(100), "want_copies": "1", "copies": "2"})
    assert (late.total, late.unknown) == (16000, True)


def test_birth_fee_is_unknown_until_the_date_of_birth_is_known():
    estimate_ = fee("dang-ky-khai-sinh", {})
    assert estimate_.unknown and estimate_.total is None and not estimate_.exempt


def test_the_60_days_are_counted_from_today():
    answers = {"child_birth_date": "01/01/2026"}
    assert fee("dang-ky-khai-sinh", answers, today=dt.date(2026, 3, 2)).free  # day 60
    assert fee("dang-ky-khai-sinh", answers, today=dt.date(2026, 3, 3)).unknown  # day 61


def test_death_registered_within_15_days_is_free():
    assert fee("dang-ky-khai-tu", {"death_date": days_ago(15)}).free
    late = fee("dang-ky-khai-tu", {"death_date": days_ago(16)})
    assert late.unknown and late.total is None
    copies = fee("dang-ky-khai-tu", {"death_date": days_ago(3), "want_copies": "on",
                                     "copies": "1"})
    assert (copies.total, copies.exempt) == (8000, True)


# --- the other procedures ----------------------------------------------------------------


@pytest.mark.parametrize("code", ["dang-ky-ket-hon", "dang-ky-giam-ho", "cap-ban-sao-so-goc"])
def test_free_procedures(code):
    estimate_ = fee(code, {})
    assert estimate_.free and estimate_.exempt


@pytest.mark.parametrize(
    "code", ["xac-nhan-tinh-trang-hon-nhan", "nhan-cha-me-con", "thay-doi-cai-chinh-ho-tich"]
)
def test_provincial_rates_unless_exempt(code):
    charged = fee(code, {})
    assert charged.unknown and charged.total is None and not charged.exempt
    waived = fee(code, {"fee_exemption": "khuyet_tat"})
    assert waived.free and waived.exempt


def test_assess_carries_the_estimate():
    procedure = PROCEDURES["trich-luc-ho-tich"]
    report = assess(procedure, {"copies": "2"}, set(), today=TODAY)
    assert report.fee.total == 16000


def test_text_only_conditions_are_left_to_the_desk():
    procedure = PROCEDURES["chung-thuc-chu-ky"]
    rule = FeeRule(kind="fixed", amount=5000, when_vi="Khi cán bộ thấy cần", wording_vi="x",
                   legal_basis="y")
    from dataclasses import replace

    with_text = replace(procedure, fees=procedure.fees + (rule,))
    values = normalise_answers(with_text, {"documents": "1"}, today=TODAY)
    assert estimate(with_text, values, today=TODAY).total == 10000


@pytest.mark.parametrize("code", sorted(PROCEDURES))
def test_every_procedure_estimates_from_nothing(code):
    estimate_ = fee(code, {})
    assert isinstance(estimate_, FeeEstimate)
    assert estimate_.total is None or estimate_.total >= 0
