"""The desk's check of a dossier: the officer's verdict on each paper, what it means for
completeness, the items of a request to supplement, and the desk's configuration rules.

The completeness rules are :func:`tthc.domain.completeness.assess`, the same the citizen's
phone runs; the desk only changes which papers count as provided: at the counter a paper
counts once the officer has seen the original or received the copy, whatever the citizen
said online ("will bring it", an uploaded photo).
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from typing import Any, Mapping

from .catalogue import Paper, Procedure
from .codes import validate_dossier_pattern
from .completeness import CompletenessReport, assess, form_fields
from .i18n import N_, Message, msg
from .workdays import Calendar

ORIGINAL = "original"  # bản chính đã đối chiếu (seen, handed back)
COPY = "copy"  # bản sao / bản chụp đã nhận
MISSING = "missing"
INVALID = "invalid"
VERDICTS: tuple[str, ...] = (ORIGINAL, COPY, MISSING, INVALID)
ACCEPTED: frozenset[str] = frozenset({ORIGINAL, COPY})

VERDICT_LABELS = {
    ORIGINAL: N_("Đã xem bản chính"),
    COPY: N_("Đã nhận bản sao"),
    MISSING: N_("Thiếu"),
    INVALID: N_("Không hợp lệ"),
}
"""Labels (msgids) of the verdicts, as the check form shows them."""

NOTE_MAX = 300  # characters of an officer's note on one paper
QUANTITY_MAX = 99


@dataclass(frozen=True)
class PaperCheck:
    """The officer's verdict on one paper, with a note and the number of copies received."""

    verdict: str
    note: str = ""
    quantity: int = 1

    @property
    def accepted(self) -> bool:
        return self.verdict in ACCEPTED


def read_checks(raw: Mapping[str, Any] | None) -> dict[str, PaperCheck]:
    """The checks as stored in ``Dossier.paper_checks`` (``{key: {"verdict", "note",
    "quantity"}}``); anything malformed is skipped, never raised."""
    checks: dict[str, PaperCheck] = {}
    for key, value in (raw or {}).items():
        if not isinstance(key, str) or not isinstance(value, Mapping):
            continue
        verdict = value.get("verdict")
        if verdict not in VERDICTS:
            continue
        note = value.get("note") if isinstance(value.get("note"), str) else ""
        quantity = value.get("quantity")
        if not isinstance(quantity, int) or not 1 <= quantity <= QUANTITY_MAX:
            quantity = 1
        checks[key] = PaperCheck(verdict, note[:NOTE_MAX], quantity)
    return checks


def provided(checks: Mapping[str, PaperCheck]) -> frozenset[str]:
    """Keys of the papers the officer has accepted (original seen or copy received)."""
    return frozenset(key for key, check in checks.items() if check.accepted)


@dataclass(frozen=True)
class DeskReport:
    """The completeness report with the officer's verdicts in place of the citizen's claims."""

    completeness: CompletenessReport
    checks: Mapping[str, PaperCheck]
    unchecked: tuple[Paper, ...]  # applicable papers with no verdict yet (the tờ khai aside)
    invalid: tuple[Paper, ...]  # applicable papers the officer found invalid

    @property
    def receivable(self) -> bool:
        """Complete, and no paper found invalid: the dossier can be received."""
        return self.completeness.complete and not self.invalid

    @property
    def problems(self) -> int:
        """How many things stop reception; a required paper found invalid counts once."""
        targets = {g.target for g in self.completeness.gaps}
        return len(self.completeness.gaps) + sum(1 for p in self.invalid
                                                 if "paper:" + p.key not in targets)


def check(procedure: Procedure, answers: Mapping[str, Any], checks: Mapping[str, PaperCheck],
          *, today: dt.date) -> DeskReport:
    """Assess a dossier at the desk: the citizen's rules, with the officer's verdicts."""
    report = assess(procedure, answers, provided(checks), today=today)
    unchecked = tuple(p for p in report.papers if not p.generated and p.key not in checks)
    invalid = tuple(p for p in report.papers
                    if p.key in checks and checks[p.key].verdict == INVALID)
    return DeskReport(report, dict(checks), unchecked, invalid)


# --- request to supplement (Form 02) ---------------------------------------------------------


@dataclass(frozen=True)
class SupplementItem:
    """One thing the citizen must add or fix, "once and completely" (Art 15(3), 17(1)(a)).

    ``target`` is a field name, ``"paper:<key>"``, or "" for an item the form cannot point
    at; the citizen's draft reopens with exactly the targets asked for.
    """

    target: str
    label_vi: str
    label_en: str
    reason: Message


def supplement_items(procedure: Procedure, desk: DeskReport) -> tuple[SupplementItem, ...]:
    """Every gap and every paper found invalid or missing, in form order, each once."""
    labels = {f.name: (f.label_vi, f.label_en or f.label_vi) for f in form_fields(procedure)}
    papers = {p.key: p for p in procedure.papers}
    items: dict[str, SupplementItem] = {}
    for gap in desk.completeness.gaps:
        if gap.kind == "missing_paper":
            paper = papers[gap.target.removeprefix("paper:")]
            items[gap.target] = _paper_item(paper, desk.checks.get(paper.key))
        else:
            vi, en = labels.get(gap.target, (gap.target, gap.target))
            items[gap.target] = SupplementItem(gap.target, vi, en, gap.message)
    for paper in desk.completeness.papers:
        found = desk.checks.get(paper.key)
        target = "paper:" + paper.key
        if found is not None and not found.accepted and target not in items:
            items[target] = _paper_item(paper, found)
    return tuple(items.values())


def _paper_item(paper: Paper, found: PaperCheck | None) -> SupplementItem:
    names = {"paper": paper.name_vi, "paper_en": paper.name_en or paper.name_vi}
    note = found.note.strip() if found is not None else ""
    if found is not None and found.verdict == INVALID:
        reason = (msg(N_("«%(paper)s» không hợp lệ: %(note)s"), note=note, **names) if note
                  else msg(N_("«%(paper)s» không hợp lệ; nộp lại giấy tờ hợp lệ."), **names))
    elif note:
        reason = msg(N_("Bổ sung «%(paper)s»: %(note)s"), note=note, **names)
    else:
        reason = msg(N_("Bổ sung «%(paper)s»."), **names)
    return SupplementItem("paper:" + paper.key, paper.name_vi, paper.name_en or paper.name_vi,
                          reason)


def supplement_targets(procedure: Procedure) -> tuple[tuple[str, str, str], ...]:
    """Everything a supplement item may point at: (target, label_vi, label_en), form order."""
    fields = tuple((f.name, f.label_vi, f.label_en or f.label_vi) for f in form_fields(procedure))
    papers = tuple(("paper:" + p.key, p.name_vi, p.name_en or p.name_vi)
                   for p in procedure.papers if not p.generated)
    return fields + papers


# --- configuration and the one reschedule -------------------------------------------------------

_DAY_PARTS = ({"yymmdd"}, {"yyyymmdd"}, {"yy", "mm", "dd"}, {"yyyy", "mm", "dd"})


def dossier_pattern_problem(pattern: str) -> Message | None:
    """Why *pattern* cannot number dossiers, or None.

    The sequence restarts every day (Circular 01/2018 Art 19), so a pattern without the
    receipt date would give two dossiers the same code on different days.
    """
    try:
        validate_dossier_pattern(pattern)
    except ValueError:
        return msg(N_("Mẫu mã hồ sơ chỉ được dùng các phần {unit}, {yymmdd}, {yyyymmdd}, {yy}, "
                      "{yyyy}, {mm}, {dd} và bắt buộc có {seq}. Ví dụ: {unit}-{yymmdd}-{seq:04d}"))
    names = {name for _, name, _, _ in string.Formatter().parse(pattern) if name}
    if not any(part <= names for part in _DAY_PARTS):
        return msg(N_("Mẫu mã hồ sơ phải có ngày tiếp nhận, ví dụ {yymmdd}: số thứ tự được đánh "
                      "lại từ 0001 mỗi ngày."))
    return None


def new_due_problem(new_due: dt.datetime, calendar: Calendar) -> Message | None:
    """A new appointment (Form 04) must fall on a working day of the office."""
    if not calendar.is_working_day(new_due.date()):
        return msg(N_("Ngày %(date)s không phải ngày làm việc. Chọn một ngày làm việc."),
                   date=new_due.strftime("%d/%m/%Y"))
    return None
