"""Is a dossier complete? The rules the live check, the final submit and the desk share.

``assess`` takes the raw answers of a form (strings, as a browser sends them), the keys of
the papers the citizen has uploaded or marked "will bring the original", and returns a
:class:`CompletenessReport`: what is missing or wrong (``gaps``), per-field errors and
warnings, the normalised values, the fields and papers that apply, what to bring to the
desk, and the fee estimate. It never raises, whatever the answers.

How answers are read
  * Fields are taken in form order: the applicant's own details first
    (``applicant.APPLICANT_FIELDS``), then the procedure's. A field applies when its
    ``when`` holds on the normalised values of the applicable fields above it, so
    conditional fields appear and disappear as answers change. Answers to fields that do
    not apply are ignored and left out of ``values``.
  * Each answer is checked by the validator of its type (``validators.VALIDATORS``) with the
    field's options, never ``default``. A date gets ``today``. An ID number
    ``<prefix>_id_number`` is compared with ``<prefix>_birth_date`` and ``<prefix>_sex``
    when the form has them (the applicant's, the mother's…): a mismatch is a warning only.
  * ``bool`` (a checkbox): yes is what ``text.is_yes`` says (the one yes/no rule: "1",
    "true", "on", "yes", "y", "có"); absent, "", "0", "false", "off", "no", "không" are no.
    A yes/no field therefore always has an answer and is never "missing"; anything else is
    an invalid answer.
  * ``choice``: the answer must be one of the declared values.
  * ``textarea``: like ``text`` but keeps line breaks.

Messages
  Messages are ``Message`` values in Vietnamese (the msgid) for the web layer to translate.
  Where a message names a field, a paper or a form section, it carries both languages as
  parameters: ``label`` / ``label_en``, ``paper`` / ``paper_en``, ``group`` / ``group_en``.
  The msgid uses the Vietnamese one (``%(label)s``); to render in English, substitute each
  ``X_en`` for ``X`` before formatting (the English catalogue keeps ``%(label)s``).

Papers
  A paper applies when its ``when`` holds. A required paper that applies and is neither
  ``generated`` nor in *papers_provided* is a ``missing_paper`` gap. A ``generated`` paper
  (the tờ khai) is filled by the app: it is never a gap of its own (the missing fields are);
  it counts as provided once no field has a gap (``CompletenessReport.provided``). Papers
  the desk must see in the original (forms in ``BRING_FORMS``), other than generated ones,
  are listed in ``to_bring``.

Supplement requests
  With ``only`` (field names and "paper:<key>" targets), ``gaps`` and ``field_errors`` are
  limited to those targets; warnings, values, fields, papers and the fee are not.

Fees
  ``fee`` is ``fees.estimate`` on the normalised values; see tthc/domain/fees.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import AbstractSet, Any, Mapping, Sequence

from .applicant import APPLICANT_FIELDS
from .catalogue import FormField, Paper, Procedure
from .fees import FeeEstimate, estimate
from .i18n import N_, Message, msg
from .text import clean, fold, is_yes
from .validators import VALIDATORS, Result, validate_text

__all__ = [
    "BRING_FORMS",
    "CompletenessReport",
    "FormSection",
    "Gap",
    "assess",
    "form_fields",
    "form_sections",
    "normalise_answers",
]

#: Paper forms the desk must see in the original: they go on the "bring with you" list.
BRING_FORMS = ("original", "show_original", "original_or_certified_copy")

_NO = frozenset({"", "0", "false", "off", "no", "n", "khong"})


@dataclass(frozen=True)
class Gap:
    target: str  # a field name, or "paper:<key>" for a paper
    message: Message  # why it is missing / what to do
    kind: str  # "missing_field" | "invalid_field" | "missing_paper"


def _frozen() -> Mapping[str, Any]:
    return MappingProxyType({})


@dataclass(frozen=True)
class CompletenessReport:
    gaps: tuple[Gap, ...]
    field_errors: Mapping[str, tuple[Message, ...]] = field(default_factory=_frozen)
    field_warnings: Mapping[str, tuple[Message, ...]] = field(default_factory=_frozen)
    values: Mapping[str, object] = field(default_factory=_frozen)
    fields: tuple[FormField, ...] = ()  # applicable fields, in form order (applicant first)
    papers: tuple[Paper, ...] = ()  # applicable papers, in catalogue order
    to_bring: tuple[Paper, ...] = ()  # applicable papers the desk must see in the original
    fee: FeeEstimate | None = None
    provided: frozenset[str] = frozenset()  # keys of applicable papers counted as provided
    sections: tuple[FormSection, ...] = ()  # every field of the form, applicable or not

    @property
    def complete(self) -> bool:
        return not self.gaps

    def section_of(self, name: str) -> int | None:
        """The index in ``sections`` of the section holding field *name*, or None."""
        return next((i for i, s in enumerate(self.sections) if name in s.fields), None)

    def section_gaps(self, index: int) -> tuple[Gap, ...]:
        """The gaps of the fields of one section, in form order."""
        names = set(self.sections[index].fields)
        return tuple(gap for gap in self.gaps if gap.target in names)

    def gap_for(self, target: str) -> Gap | None:
        return next((gap for gap in self.gaps if gap.target == target), None)


@dataclass(frozen=True)
class FormSection:
    """A part of the form: the fields of one group, in form order. ``title`` is the group
    ("" for the general part at the top, which the web layer names)."""

    title: str
    title_en: str
    fields: tuple[str, ...]


def form_sections(fields: Sequence[FormField]) -> tuple[FormSection, ...]:
    """The form's sections: consecutive fields of one group. A field without a group of its
    own ("Người nộp hồ sơ là") belongs to the section above it, as the page shows it."""
    sections: list[FormSection] = []
    for form_field in fields:
        if sections and (not form_field.group or form_field.group == sections[-1].title):
            last = sections[-1]
            sections[-1] = FormSection(last.title, last.title_en,
                                       last.fields + (form_field.name,))
        else:
            sections.append(FormSection(form_field.group,
                                        form_field.group_en or form_field.group,
                                        (form_field.name,)))
    return tuple(sections)


def form_fields(procedure: Procedure, *, include_applicant: bool = True) -> tuple[FormField, ...]:
    """Every field of the procedure's form, in order, applicable or not."""
    fields: list[FormField] = list(APPLICANT_FIELDS) if include_applicant else []
    seen = {f.name for f in fields}
    for form_field in procedure.fields:
        if form_field.name not in seen:  # a procedure never redefines a profile field
            seen.add(form_field.name)
            fields.append(form_field)
    return tuple(fields)


def normalise_answers(
    procedure: Procedure,
    answers: Mapping[str, Any],
    *,
    today: dt.date,
    include_applicant: bool = True,
) -> dict[str, object]:
    """The normalised values of the valid answers to the fields that apply."""
    _, _, values = _read(form_fields(procedure, include_applicant=include_applicant),
                         answers, today)
    return values


def assess(
    procedure: Procedure,
    answers: Mapping[str, Any],
    papers_provided: AbstractSet[str],
    *,
    today: dt.date,
    include_applicant: bool = True,
    only: AbstractSet[str] | None = None,
) -> CompletenessReport:
    """Check a dossier; *only* (a supplement request) limits gaps and errors to its targets.

    *papers_provided* holds paper keys ("giay_chung_sinh"; "paper:giay_chung_sinh" is read
    the same), *only* field names and "paper:<key>" targets.
    """
    every = form_fields(procedure, include_applicant=include_applicant)
    fields, results, values = _read(every, answers, today)
    gaps: list[Gap] = []
    errors: dict[str, tuple[Message, ...]] = {}
    warnings: dict[str, tuple[Message, ...]] = {}
    for form_field in fields:
        result = results[form_field.name]
        if result.errors:
            errors[form_field.name] = result.errors
            gaps.append(Gap(form_field.name, result.errors[0], "invalid_field"))
        elif result.value is None and form_field.required:
            gaps.append(Gap(form_field.name, _missing_field(form_field), "missing_field"))
        if result.warnings:
            warnings[form_field.name] = result.warnings

    papers = tuple(p for p in procedure.papers if p.applies(values, today=today))
    given = {key.removeprefix("paper:") for key in (papers_provided or ()) if isinstance(key, str)}
    form_filled = not gaps  # the fields are what the tờ khai is made of
    provided: set[str] = set()
    for paper in papers:
        if paper.generated:
            if form_filled:
                provided.add(paper.key)
        elif paper.key in given:
            provided.add(paper.key)
        elif paper.required:
            gaps.append(Gap(f"paper:{paper.key}", _missing_paper(paper), "missing_paper"))

    if only is not None:
        wanted = {t for t in only if isinstance(t, str)}
        gaps = [gap for gap in gaps if gap.target in wanted]
        errors = {name: found for name, found in errors.items() if name in wanted}

    return CompletenessReport(
        gaps=tuple(gaps),
        field_errors=MappingProxyType(errors),
        field_warnings=MappingProxyType(warnings),
        values=MappingProxyType(values),
        fields=fields,
        papers=papers,
        to_bring=tuple(p for p in papers if p.form in BRING_FORMS and not p.generated),
        fee=estimate(procedure, values, today=today),
        provided=frozenset(provided),
        sections=form_sections(every),
    )


# --- reading answers ---------------------------------------------------------------------


def _read(
    fields: Sequence[FormField], answers: Mapping[str, Any] | None, today: dt.date
) -> tuple[tuple[FormField, ...], dict[str, Result], dict[str, object]]:
    """Check every answer, then walk the form top down to see which fields apply."""
    answers = answers if isinstance(answers, Mapping) else {}
    results: dict[str, Result] = {}
    for form_field in fields:
        if form_field.type != "id_number":
            results[form_field.name] = _check(form_field, answers.get(form_field.name), today)
    for form_field in fields:
        if form_field.type == "id_number":
            prefix = form_field.name.removesuffix("id_number")
            birth = results.get(prefix + "birth_date")
            sex = results.get(prefix + "sex")
            results[form_field.name] = VALIDATORS["id_number"](
                answers.get(form_field.name),
                birth_date=birth.value if birth is not None else None,
                sex=sex.value if sex is not None else None,
            )
    applicable: list[FormField] = []
    values: dict[str, object] = {}
    for form_field in fields:
        if form_field.when is not None and not form_field.when.holds(values, today=today):
            continue
        applicable.append(form_field)
        result = results[form_field.name]
        if result.value is not None and not result.errors:
            values[form_field.name] = result.value
    return tuple(applicable), results, values


def _check(form_field: FormField, raw: Any, today: dt.date) -> Result:
    kind = form_field.type
    if kind == "bool":
        return _check_bool(raw)
    if kind == "choice":
        return _check_choice(form_field, raw)
    options = form_field.validator_options
    if kind == "textarea":
        return _check_textarea(raw, **options)
    if kind == "date":
        options["today"] = today
    validator = VALIDATORS.get(kind, validate_text)
    return validator(raw, **options)


def _as_text(raw: Any) -> str:
    if raw is None:
        return ""
    try:
        return raw if isinstance(raw, str) else str(raw)
    except Exception:  # an object whose __str__ fails is no answer
        return ""


def _check_bool(raw: Any) -> Result:
    if isinstance(raw, bool):
        return Result(raw)
    text = _as_text(raw)
    if is_yes(text):
        return Result(True)
    if fold(text) in _NO:
        return Result(False)
    return Result(None, errors=(msg(N_("Đánh dấu ô này nếu đúng; để trống nếu không.")),))


def _check_choice(form_field: FormField, raw: Any) -> Result:
    text = clean(_as_text(raw))
    if not text:
        return Result(None)
    if text in (value for value, _, _ in form_field.choices):
        return Result(text)
    return Result(None, errors=(msg(N_("Chọn một mục có trong danh sách.")),))


def _check_textarea(raw: Any, *, max_length: int = 2000) -> Result:
    """Like validate_text, but keep the line breaks (blank lines collapse to one)."""
    lines: list[str] = []
    for line in _as_text(raw).splitlines():
        line = clean(line)
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    text = "\n".join(lines)
    if not text:
        return Result(None)
    if len(text) > max_length:
        return Result(
            None,
            errors=(
                msg(
                    N_(
                        "Nội dung dài tối đa %(max_length)s ký tự; đã nhập %(length)s ký tự. "
                        "Rút gọn nội dung."
                    ),
                    max_length=max_length,
                    length=len(text),
                ),
            ),
        )
    return Result(text)


# --- messages ----------------------------------------------------------------------------


def _missing_field(form_field: FormField) -> Message:
    names = {"label": form_field.label_vi, "label_en": form_field.label_en or form_field.label_vi}
    choose = form_field.type == "choice"
    if form_field.group:
        names |= {"group": form_field.group, "group_en": form_field.group_en or form_field.group}
        if choose:
            return msg(N_("Chọn «%(label)s» trong phần «%(group)s»."), **names)
        return msg(N_("Nhập «%(label)s» trong phần «%(group)s»."), **names)
    if choose:
        return msg(N_("Chọn «%(label)s»."), **names)
    return msg(N_("Nhập «%(label)s»."), **names)


def _missing_paper(paper: Paper) -> Message:
    names = {"paper": paper.name_vi, "paper_en": paper.name_en or paper.name_vi}
    if paper.form == "show_original":
        return msg(
            N_(
                "Còn thiếu «%(paper)s»: tải ảnh lên, hoặc đánh dấu sẽ mang bản chính đến để "
                "cán bộ tiếp nhận kiểm tra."
            ),
            **names,
        )
    if paper.form == "original_or_certified_copy":
        return msg(
            N_(
                "Còn thiếu «%(paper)s»: tải ảnh lên, hoặc đánh dấu sẽ mang bản chính hoặc bản "
                "sao có chứng thực."
            ),
            **names,
        )
    if paper.form == "certified_copy":
        return msg(
            N_("Còn thiếu «%(paper)s»: tải ảnh lên, hoặc đánh dấu sẽ mang bản sao có chứng thực."),
            **names,
        )
    if paper.form == "copy":
        return msg(
            N_("Còn thiếu «%(paper)s»: tải ảnh lên, hoặc đánh dấu sẽ mang bản chụp đến nộp."),
            **names,
        )
    return msg(
        N_("Còn thiếu «%(paper)s»: tải ảnh lên, hoặc đánh dấu sẽ mang bản chính đến nộp."),
        **names,
    )
