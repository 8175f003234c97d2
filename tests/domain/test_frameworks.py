"""The legal framework as data (tthc/data/frameworks.toml): what the file says, what it
refuses, and how versions, amendments and the admin's days are chosen by date."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib

import pytest

from tthc.domain.formsets import load_formsets_file
from tthc.domain.frameworks import (FRAMEWORKS_FILE, RULES, FrameworkError, load_frameworks_file,
                                    parse_frameworks)

SETS = {s.key: s.effective_from for s in load_formsets_file().sets}
TT03 = "nd118-2025-tt03"


@pytest.fixture(scope="module")
def raw():
    with open(FRAMEWORKS_FILE, "rb") as fh:
        return tomllib.load(fh)


@pytest.fixture(scope="module")
def versions():
    return load_frameworks_file(SETS)


def refusal(raw, change) -> FrameworkError:
    data = copy.deepcopy(raw)
    change(data)
    with pytest.raises(FrameworkError) as caught:
        parse_frameworks(data, SETS)
    return caught.value


def version(data, key):
    return next(v for v in data["version"] if v["key"] == key)


def rule(data, key, rule_key):
    return next(r for r in version(data, key)["rule"] if r["key"] == rule_key)


# --- what the file says -------------------------------------------------------------------


@pytest.mark.parametrize("day, key, decree, form_set", [
    (dt.date(2018, 12, 1), "nd61-2018", "Nghị định số 61/2018/NĐ-CP", "tt01-2018"),
    (dt.date(2025, 6, 15), "nd61-2018", "Nghị định số 61/2018/NĐ-CP", "tt01-2018"),
    (dt.date(2025, 6, 30), "nd61-2018", "Nghị định số 61/2018/NĐ-CP", "tt01-2018"),
    (dt.date(2025, 7, 1), "nd118-2025", "Nghị định số 118/2025/NĐ-CP", "tt01-2018"),
    (dt.date(2025, 9, 14), "nd118-2025", "Nghị định số 118/2025/NĐ-CP", "tt01-2018"),
    (dt.date(2025, 9, 15), TT03, "Nghị định số 118/2025/NĐ-CP", "tt03-2025"),
    (dt.date(2026, 12, 4), TT03, "Nghị định số 118/2025/NĐ-CP", "tt03-2025"),
])
def test_the_version_in_force_by_date(versions, day, key, decree, form_set):
    found = versions.in_force(day)
    assert (found.key, found.decree, found.form_set) == (key, decree, form_set)


def test_the_2018_rules_are_verified_articles_of_decree_61(versions):
    old = versions["nd61-2018"]
    assert old.amended_by == ("Nghị định số 107/2021/NĐ-CP",)
    assert {r.key: r.citation for r in old.rules} == {  # domain.md §11.1 [V]
        "no_slip": "Nghị định số 61/2018/NĐ-CP, Điều 17 khoản 4",
        "cutoff": "Nghị định số 61/2018/NĐ-CP, Điều 18 khoản 2",
        "supplement_once": "Nghị định số 61/2018/NĐ-CP, Điều 15 khoản 3 và Điều 17 khoản 1",
        "supplement_after_appraisal": "Nghị định số 61/2018/NĐ-CP, Điều 19 khoản 4",
        "refusal_after_appraisal": "Nghị định số 61/2018/NĐ-CP, Điều 19 khoản 8",
        "apology": "Nghị định số 61/2018/NĐ-CP, Điều 19 khoản 9",
        "early_return": "Nghị định số 61/2018/NĐ-CP, Điều 20 khoản 4",
        "dossier_code": "Thông tư số 01/2018/TT-VPCP, Điều 19",
    }
    assert all(r.checked == "V" for r in old.rules)
    assert old.value("cutoff", "hour") == "15:00"
    assert (old.value("apology", "days_before"), old.value("apology", "times")) == (1, 1)
    assert old.value("supplement_after_appraisal", "working_days") == 3
    assert old.value("supplement_after_appraisal", "restart") is True
    assert not old.date_editable


@pytest.mark.parametrize("key", ["nd118-2025", TT03])
def test_the_unread_2025_rules_carry_the_2018_values_and_cite_the_2025_texts(versions, key):
    new, old = versions[key], versions["nd61-2018"]
    for found in new.rules:
        assert found.checked == "U" and found.carried_from == "nd61-2018" and found.note_vi
        assert found.values == old.rule(found.key).values
        assert "61/2018" not in found.citation  # no repealed decree on a 2026 slip
    assert new.cite("no_slip") == "Nghị định số 118/2025/NĐ-CP"


def test_only_the_day_of_circular_03_is_the_admins(versions):
    assert [v.key for v in versions.versions if v.date_editable] == [TT03]
    assert versions[TT03].effective_from == dt.date(2025, 9, 15)  # its date of signature
    assert versions[TT03].note_vi


def test_the_admins_day_replaces_the_file_date_in_order_only(raw, versions):
    moved = versions.with_dates({TT03: dt.date(2025, 10, 1)})
    assert moved.in_force(dt.date(2025, 9, 30)).key == "nd118-2025"
    assert moved.in_force(dt.date(2025, 10, 1)).key == TT03
    assert moved[TT03].file_date == dt.date(2025, 9, 15)
    assert versions[TT03].effective_from == dt.date(2025, 9, 15)  # the file's stays
    # Out of order, a verified date, an unknown key: ignored.
    ignored = versions.with_dates({TT03: dt.date(2025, 6, 1), "nd118-2025": dt.date(2025, 8, 1),
                                   "x": dt.date(2025, 8, 1)})
    assert [v.effective_from for v in ignored.versions] == \
        [v.effective_from for v in versions.versions]
    assert versions.date_problem(TT03, dt.date(2025, 9, 14)) == "before_forms"
    assert versions.date_problem(TT03, dt.date(2025, 9, 15)) == ""
    keys_only = parse_frameworks(raw, tuple(SETS))  # without the forms' days: the order only
    assert keys_only.date_problem(TT03, dt.date(2025, 7, 1)) == "too_early"
    assert keys_only.date_problem(TT03, dt.date(2025, 7, 2)) == ""
    assert versions.date_problem("nd118-2025", dt.date(2025, 7, 2)) == "confirmed"
    assert versions.date_problem("x", dt.date(2025, 7, 2)) == "unknown"


def test_an_amendment_is_one_more_version_with_its_own_date(raw):
    data = copy.deepcopy(raw)
    amendment = copy.deepcopy(version(data, TT03))
    amendment.update(key="nd118-2025-309-2026", effective_from=dt.date(2026, 5, 1),
                     amended_by=["Nghị định số 309/2026/NĐ-CP"],
                     name="Nghị định 118/2025/NĐ-CP (sửa đổi bởi Nghị định 309/2026/NĐ-CP)")
    next(r for r in amendment["rule"] if r["key"] == "apology").update(
        citation="Nghị định số 118/2025/NĐ-CP (sửa đổi bởi Nghị định số 309/2026/NĐ-CP)",
        values={"days_before": 2})
    data["version"].append(amendment)
    versions = parse_frameworks(data, SETS)
    assert versions.in_force(dt.date(2026, 4, 30)).key == TT03
    latest = versions.in_force(dt.date(2026, 5, 1))
    assert latest.key == "nd118-2025-309-2026"
    assert latest.value("apology", "days_before") == 2  # its own value
    assert latest.value("apology", "times") == 1  # the rest carries over
    # Two unverified days: each must stay between its neighbours.
    assert versions.date_problem(TT03, dt.date(2026, 5, 1)) == "too_late"
    assert versions.date_problem("nd118-2025-309-2026", dt.date(2025, 9, 15)) == "too_early"


def test_every_rule_the_app_knows_is_in_every_version(versions):
    for found in versions.versions:
        assert sorted(r.key for r in found.rules) == sorted(RULES)


# --- what the file refuses -----------------------------------------------------------------


def test_a_missing_rule_is_refused(raw):
    error = refusal(raw, lambda d: version(d, "nd118-2025")["rule"].pop())
    assert (error.version, error.rule, error.field) == ("nd118-2025", "dossier_code", "rule")


def test_an_unverified_rule_must_say_what_carries_over(raw):
    error = refusal(raw, lambda d: rule(d, TT03, "apology").pop("carried_from"))
    assert (error.version, error.rule, error.field) == (TT03, "apology", "carried_from")
    error = refusal(raw, lambda d: rule(d, TT03, "apology").update(carried_from=TT03))
    assert error.field == "carried_from"  # only an earlier version
    error = refusal(raw, lambda d: rule(d, TT03, "apology").pop("note_vi"))
    assert error.field == "note_vi"


def test_versions_must_be_in_the_order_of_their_dates(raw):
    error = refusal(raw, lambda d: version(d, TT03).update(effective_from=dt.date(2025, 7, 1)))
    assert (error.version, error.field) == (TT03, "effective_from")
    error = refusal(raw, lambda d: version(d, TT03).update(effective_from=dt.date(2025, 9, 1)))
    assert (error.version, error.field) == (TT03, "effective_from")  # before TT 03 was signed


@pytest.mark.parametrize("change, field", [
    (lambda v: v.update(form_set="tt99-2030"), "form_set"),
    (lambda v: v.update(effective_from="2025-07-01"), "effective_from"),
    (lambda v: v.update(checked={"effective_from": "X"}), "checked.effective_from"),
    (lambda v: v.update(checked={"paper": "V"}), "checked.paper"),
    (lambda v: v.pop("note_vi"), "note_vi"),
    (lambda v: v.update(colour="red"), "colour"),
    (lambda v: v.update(key="nd61-2018"), "key"),
])
def test_a_bad_field_of_a_version_is_named(raw, change, field):
    error = refusal(raw, lambda d: change(version(d, "nd118-2025")))
    assert error.field == field


@pytest.mark.parametrize("rule_key, values, field", [
    ("cutoff", {"hour": "25:00"}, "values.hour"),
    ("apology", {"days_before": True, "times": 1}, "values.days_before"),
    ("apology", {"days_before": -1, "times": 1}, "values.days_before"),
    ("apology", {"days_before": 1}, "values.times"),
    ("no_slip", {"hour": "15:00"}, "values.hour"),
])
def test_a_bad_value_of_a_rule_is_named(raw, rule_key, values, field):
    error = refusal(raw, lambda d: rule(d, "nd61-2018", rule_key).update(values=values))
    assert (error.version, error.rule, error.field) == ("nd61-2018", rule_key, field)


def test_an_unknown_rule_or_tag_is_refused(raw):
    error = refusal(raw, lambda d: rule(d, "nd61-2018", "apology").update(key="appology"))
    assert error.field == "key"
    error = refusal(raw, lambda d: rule(d, "nd61-2018", "apology").update(checked="Y"))
    assert error.field == "checked"
    error = refusal(raw, lambda d: d.update(versions=[]))
    assert error.field == "versions"
