"""What a dossier will cost, from the procedure's fee rules and the form's answers.

The rules, as the catalogue data states them (see the header of tthc/data/catalogue.toml):

* A rule with no ``when`` and no ``when_vi`` (the procedure's base rule) always applies.
  A rule with a machine ``when`` applies when it holds on the answers (and *today*, for
  date windows such as "within 60 days of the birth"). A rule with only ``when_vi`` text is
  a case the desk officer decides: it is not estimated.
* Applicable rules add up, one line each.
* A ``free`` rule that applies (the procedure is free, a free window such as registration on
  time, or an exemption under Luật Hộ tịch Điều 11) waives every other rule except those
  marked ``separate`` — charges for something else than the registration itself, such as
  8.000 đồng per copy of the extract (TT 281/2016) or the photocopying charge. So a birth
  registered on time with 2 copies costs 16.000 đồng, and is still ``exempt``.
* ``fixed``: amount × the answers of the rule's ``per`` fields (10.000 × documents).
  ``per_page``: the per-copy fee of TT 226/2016 Art 4 for the answer ``pages``
  (2.000 đồng for each of the first 2 pages, 1.000 đồng from page 3, at most 200.000 đồng
  per copy), × the ``per`` fields (documents × copies). ``provincial``: the amount is set by
  the province (HĐND) and is not known here.
* When a rule's condition cannot be decided yet because a required answer it reads is
  missing (e.g. no date of birth yet), the estimate is ``unknown``.

Never raises: the live check calls it on half-filled forms.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Mapping

from .catalogue import Condition, FeeRule, FormField, Procedure
from .i18n import N_, Message, msg


@dataclass(frozen=True)
class FeeLine:
    rule: FeeRule
    amount: int | None  # VND; None = not known (set locally, or an answer is still missing)
    note: Message | None = None  # why the amount is not known, what to do


@dataclass(frozen=True)
class FeeEstimate:
    lines: tuple[FeeLine, ...]
    total: int | None  # sum of the known lines; None when no line is known
    exempt: bool  # a free rule applies: the procedure's own fee is waived (separate charges stay)
    unknown: bool  # some part is not known: add the locally set amount, or answer more

    @property
    def free(self) -> bool:
        """Nothing to pay at all, for sure."""
        return self.total == 0 and not self.unknown


def copy_certification_fee(
    pages: int, *, amount: int, first_pages: int, amount_after: int, cap: int | None
) -> int:
    """Fee for one certified copy of a *pages*-page original (TT 226/2016 Art 4 shape)."""
    pages = max(int(pages), 0)
    fee = min(pages, first_pages) * amount + max(pages - first_pages, 0) * amount_after
    return fee if cap is None else min(fee, cap)


def estimate(procedure: Procedure, values: Mapping[str, object], *, today: dt.date) -> FeeEstimate:
    """Estimate the fee for normalised *values* (see completeness.normalise_answers)."""
    fields = {f.name: f for f in procedure.fields}
    applicable: list[FeeRule] = []
    undecided = False
    for rule in procedure.fees:
        if rule.when is None:
            if rule.is_base:
                applicable.append(rule)
        elif rule.when.holds(values, today=today):
            applicable.append(rule)
        elif _awaits_answer(rule.when, fields, values, today):
            undecided = True
    waived = any(rule.kind == "free" for rule in applicable)
    lines = tuple(
        _line(rule, fields, values)
        for rule in applicable
        if rule.kind == "free" or rule.separate or not waived
    )
    known = [line.amount for line in lines if line.amount is not None]
    return FeeEstimate(
        lines=lines,
        total=sum(known) if known else None,
        exempt=waived,
        unknown=undecided or not lines or len(known) < len(lines),
    )


def _awaits_answer(
    condition: Condition, fields: Mapping[str, FormField], values: Mapping[str, object],
    today: dt.date,
) -> bool:
    """Whether *condition* reads a required, applicable field that has no answer yet."""
    for name in condition.names:
        form_field = fields.get(name)
        if form_field is None or name in values:
            continue
        if form_field.required and (
            form_field.when is None or form_field.when.holds(values, today=today)
        ):
            return True
    return False


def _line(rule: FeeRule, fields: Mapping[str, FormField], values: Mapping[str, object]) -> FeeLine:
    if rule.kind == "free":
        return FeeLine(rule, 0)
    if rule.kind == "provincial" or rule.amount is None:
        return FeeLine(
            rule,
            None,
            msg(
                N_(
                    "Mức thu do địa phương quy định; cán bộ tiếp nhận thông báo số tiền khi "
                    "nộp hồ sơ."
                )
            ),
        )
    if rule.kind == "per_page":
        pages = _count(values, "pages")
        if pages is None:
            return FeeLine(rule, None, _answer_first(fields, "pages"))
        base = copy_certification_fee(
            pages,
            amount=rule.amount,
            first_pages=rule.first_pages or 0,
            amount_after=rule.amount_after or 0,
            cap=rule.cap_per_copy,
        )
    else:
        base = rule.amount
    for name in rule.per:
        count = _count(values, name)
        if count is None:
            return FeeLine(rule, None, _answer_first(fields, name))
        base *= count
    return FeeLine(rule, base)


def _count(values: Mapping[str, object], name: str) -> int | None:
    value: Any = values.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        return None
    return value


def _answer_first(fields: Mapping[str, FormField], name: str) -> Message:
    form_field = fields.get(name)
    label = form_field.label_vi if form_field else name
    label_en = (form_field.label_en or label) if form_field else name
    return msg(N_("Nhập «%(label)s» để tính lệ phí."), label=label, label_en=label_en)
