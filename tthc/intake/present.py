"""What the draft page shows: sections of fields with their messages, papers with their files.

Built from the form (WTForms, for the controls) and the completeness report (the domain's
verdict). Templates only lay it out.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass, field
from typing import Callable, Iterable

from flask import url_for
from flask_babel import gettext, ngettext

from ..catalogue.present import paper_form
from ..domain.applicant import fill_map
from ..domain.catalogue import FormField, Paper, Procedure
from ..domain.completeness import CompletenessReport, FormSection
from ..domain.validators import date_text
from ..i18n import language, localized, render_message, select_locale
from ..models import Dossier, Upload
from .forms import DossierForm


@dataclass
class FieldView:
    spec: FormField
    control: object  # the bound WTForms field
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    hidden: bool = False

    @property
    def name(self) -> str:
        return self.spec.name

    @functools.cached_property
    def label(self) -> str:
        return localized(self.spec, "label")

    @functools.cached_property
    def hint(self) -> str:
        hint = localized(self.spec, "hint")
        if self.spec.type == "date" and "25/03" not in hint:
            fmt = gettext("Nhập ngày/tháng/năm, ví dụ: 25/03/1990; hoặc chỉ năm, ví dụ: 1990") \
                if self.spec.options.get("year_alone") \
                else gettext("Nhập theo dạng ngày/tháng/năm, ví dụ: 25/03/1990")
            hint = f"{hint} {fmt}".strip()
        return hint

    @functools.cached_property
    def choices(self) -> list[tuple[str, str]]:
        return [(value, localized_choice(vi, en)) for value, vi, en in self.spec.choices]

    @property
    def has_messages(self) -> bool:
        return bool(self.errors or self.warnings)


@dataclass
class Section:
    title: str
    fields: list[FieldView]

    @property
    def hidden(self) -> bool:
        return all(f.hidden for f in self.fields)


@dataclass
class PaperView:
    paper: Paper
    uploads: list[Upload]
    confirmed: bool
    hidden: bool
    gap: str = ""  # why it is missing, when it is
    rejected: frozenset[int] = frozenset()  # ids of its files the desk sent back

    @property
    def key(self) -> str:
        return self.paper.key

    @property
    def kept(self) -> list[Upload]:
        """Its files, but those the desk sent back."""
        return [u for u in self.uploads if u.id not in self.rejected]

    @functools.cached_property
    def name(self) -> str:
        return localized(self.paper, "name")

    @functools.cached_property
    def form(self) -> str:
        return paper_form(self.paper)


def localized_choice(vi: str, en: str) -> str:
    return en if language() == "en" and en else vi


def anchor(target: str) -> str:
    """The id a gap links to: the field's control, or the paper's block."""
    if target.startswith("paper:"):
        return "giay-to-" + target[len("paper:"):]
    return target


def section_title(section: FormSection | None) -> str:
    """A form section's heading in the page's language ("Thông tin chung" for the top)."""
    if section is None or not section.title:
        return gettext("Thông tin chung")
    return section.title_en if language() == "en" and section.title_en else section.title


def _titles(report: CompletenessReport) -> dict[str, str]:
    """Field name → the heading of its section, the one rule the page and panel share."""
    return {name: section_title(section) for section in report.sections
            for name in section.fields}


def sections(form: DossierForm, shown: Iterable[FormField], report: CompletenessReport,
             *, show_missing: bool = False) -> list[Section]:
    """The fields on the page in form order, grouped by their section, with messages."""
    applicable = {f.name for f in report.fields}
    missing = {g.target: g for g in report.gaps if g.kind == "missing_field"} if show_missing \
        else {}
    titles = _titles(report)
    result: list[Section] = []
    for spec in shown:
        view = FieldView(spec, form[spec.name], hidden=spec.name not in applicable)
        if not view.hidden:
            view.errors = [render_message(m) for m in report.field_errors.get(spec.name, ())]
            view.warnings = [render_message(m) for m in report.field_warnings.get(spec.name, ())]
            if spec.name in missing:
                view.errors.append(render_message(missing[spec.name].message))
        title = titles.get(spec.name) or group_title(spec) or \
            (result[-1].title if result else gettext("Thông tin chung"))
        if result and result[-1].title == title:
            result[-1].fields.append(view)
        else:
            result.append(Section(title, [view]))
    return result


def group_title(spec: FormField) -> str:
    if language() == "en" and spec.group_en:
        return spec.group_en
    return spec.group


@dataclass
class GapGroup:
    """A line of the completeness panel: fields of one section not filled in yet, or one
    other gap (a wrong answer, a missing paper) with its own message."""

    title: str = ""
    links: list[tuple[str, str]] = field(default_factory=list)  # (href or anchor, text)
    message: str = ""


def named(report: CompletenessReport, target: str, text: str) -> str:
    """A field's message as a list shows it, away from the field: with the field's name
    and section ("Ngày, tháng, năm sinh (Thông tin người mẹ): …")."""
    spec = next((f for f in report.fields if f.name == target), None)
    if spec is None:
        return text
    index = report.section_of(target)
    section = report.sections[index] if index is not None else None
    return gettext("%(label)s (%(section)s): %(message)s", label=localized(spec, "label"),
                   section=section_title(section), message=text)


def gap_groups(report: CompletenessReport,
               href: Callable[[str], str] | None = None) -> list[GapGroup]:
    """The panel's lines, in form order: missing fields grouped by section, so that a new
    draft's 20 empty fields read as a few short lines on a phone. Every gap is on exactly
    one line, so the lines add up to the count. *href* turns a target into a link (default:
    its anchor on this page, without "#")."""
    href = href or anchor
    specs = {f.name: f for f in report.fields}
    titles = _titles(report)
    groups: list[GapGroup] = []
    for gap in report.gaps:
        spec = specs.get(gap.target)
        if gap.kind == "missing_field" and spec is not None:
            title = titles.get(gap.target) or group_title(spec) or gettext("Thông tin chung")
            link = (href(gap.target), localized(spec, "label"))
            if groups and not groups[-1].message and groups[-1].title == title:
                groups[-1].links.append(link)
            else:
                groups.append(GapGroup(title, [link]))
        else:
            text = render_message(gap.message)
            if gap.kind == "invalid_field":
                text = named(report, gap.target, text)
            groups.append(GapGroup(links=[(href(gap.target), "")], message=text))
    return groups


def papers(procedure: Procedure, dossier: Dossier, report: CompletenessReport,
           only: frozenset[str] | None, rejected: frozenset[int] = frozenset()
           ) -> list[PaperView]:
    """The papers the citizen can upload or promise to bring (the tờ khai is made by us)."""
    applicable = {p.key for p in report.papers}
    gaps = {g.target: g for g in report.gaps if g.kind == "missing_paper"}
    confirmed = set(dossier.papers_confirmed or ())
    views = []
    for paper in procedure.papers:
        if paper.generated or (only is not None and f"paper:{paper.key}" not in only):
            continue
        gap = gaps.get(f"paper:{paper.key}")
        views.append(PaperView(
            paper, [u for u in dossier.uploads  # the desk's scans are the office's
                    if u.paper_key == paper.key and u.staff_id is None],
            paper.key in confirmed, paper.key not in applicable,
            render_message(gap.message) if gap else "", rejected,
        ))
    return views


def summary_items(report: CompletenessReport, *, kinds=("invalid_field",),
                  href: Callable[[str], str] | None = None) -> list[tuple[str, str]]:
    """(link, text) for the error summary: each gap of the given kinds, in form order,
    naming its field."""
    href = href or (lambda target: "#" + anchor(target))
    return [(href(g.target), named(report, g.target, render_message(g.message))
             if g.kind == "invalid_field" else render_message(g.message))
            for g in report.gaps if g.kind in kinds]


def upload_label(upload: Upload, number: int) -> str:
    size = f"{upload.size / 1024:.0f} KB" if upload.size < 1024 * 1024 \
        else f"{upload.size / 1024 / 1024:.1f} MB"
    if upload.content_type == "application/pdf":
        return gettext("Tệp PDF %(n)d (%(pages)d trang, %(size)s)", n=number,
                       pages=upload.pages, size=size)
    return gettext("Ảnh %(n)d (%(size)s)", n=number, size=size)


def upload_url(token: str, upload: Upload) -> str:
    return url_for("intake.upload_file", token=token, upload_id=upload.id)


def answer_text(spec: FormField, value: object) -> str:
    """One normalised answer as the citizen reads it back ("" when there is none)."""
    if value is None:
        return ""
    if spec.type == "bool":
        return gettext("Có") if value else gettext("Không")
    if spec.type == "choice":
        return next((localized_choice(vi, en) for v, vi, en in spec.choices if v == value), "")
    if spec.type == "date":
        return date_text(value)
    if spec.type == "phone" and isinstance(value, str) and value.startswith("+84"):
        return "0" + value[3:]
    return str(value)


def declaration_rows(report: CompletenessReport) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answers as the declaration form prints them: sections of (label, value) lines."""
    result: list[tuple[str, list[tuple[str, str]]]] = []
    for spec in report.fields:
        text = answer_text(spec, report.values.get(spec.name))
        title = group_title(spec)
        if not result or (title and result[-1][0] != title):
            result.append((title or gettext("Thông tin chung"), []))
        result[-1][1].append((localized(spec, "label"), text))
    return result


def panel_state(report: CompletenessReport) -> str:
    """A short digest of everything the panel and the field messages show for *report*.

    The page posts it back with every check; when nothing it shows has changed (typing on
    in a field that was already fine), the check answers 204 and nothing is sent or swapped.
    """
    def text(message):
        return message.text, tuple(sorted((k, str(v)) for k, v in message.params.items()))

    fee = report.fee
    parts = (
        select_locale(), report.complete,
        tuple((g.target, g.kind, text(g.message)) for g in report.gaps),
        tuple(sorted((name, tuple(text(m) for m in messages))
                     for name, messages in (*report.field_errors.items(),
                                            *report.field_warnings.items()))),
        (fee.total, fee.unknown, fee.exempt,
         tuple((line.amount, text(line.note) if line.note else None) for line in fee.lines))
        if fee else None,
        tuple(p.key for p in report.to_bring),
    )
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


# --- a long form's steps, the compact panel and "check your answers" ------------------------


def step_title(step) -> str:
    """A step's heading: its section's, or "Giấy tờ" for the papers."""
    if step.papers:
        return gettext("Giấy tờ")
    return section_title(FormSection(step.title, step.title_en, step.fields))


def _step_gaps(report: CompletenessReport, step) -> list:
    if step.papers:
        return [g for g in report.gaps if g.kind == "missing_paper"]
    names = set(step.fields)
    return [g for g in report.gaps if g.target in names]


def next_gap(report: CompletenessReport, href: Callable[[str], str],
             step=None) -> tuple[str, str] | None:
    """The panel's "next thing to do": the first gap of this step, else the first of all,
    as (href, text); None when nothing is missing."""
    gaps = (_step_gaps(report, step) if step is not None else []) or list(report.gaps)
    if not gaps:
        return None
    gap = gaps[0]
    text = render_message(gap.message)
    if gap.kind == "invalid_field":
        text = named(report, gap.target, text)
    return href(gap.target), text


@dataclass
class StepView:
    """A line of the task list: a step, its link and its state, from the one report."""

    number: int
    title: str
    href: str
    gaps: int
    errors: bool

    @property
    def state(self) -> str:
        if self.errors:
            return gettext("Có lỗi cần sửa")
        if self.gaps:
            return ngettext("Còn thiếu %(num)d mục", "Còn thiếu %(num)d mục", self.gaps)
        return gettext("Đã xong")


def step_views(checked, href: Callable[[int], str]) -> list[StepView]:
    """The task list's lines: every step with how many of its gaps are left."""
    report = checked.report
    views = []
    for step in checked.steps:
        gaps = _step_gaps(report, step)
        views.append(StepView(step.number, step_title(step), href(step.number), len(gaps),
                              any(g.kind == "invalid_field" for g in gaps)))
    return views


@dataclass
class ReviewRow:
    label: str
    value: str
    href: str  # where to change it
    gap: str = ""  # why it is missing or wrong, when it is


def review_rows(checked, href: Callable[[str], str]) -> list[tuple[str, list[ReviewRow]]]:
    """"Check your answers": the applicable answers by section, each with its change link."""
    report = checked.report
    gaps = {g.target: g for g in report.gaps}
    applicable = {f.name: f for f in report.fields}
    result = []
    for section in report.sections:
        rows = []
        for name in section.fields:
            spec = applicable.get(name)
            if spec is None:
                continue
            gap = gaps.get(name)
            rows.append(ReviewRow(localized(spec, "label"),
                                  answer_text(spec, report.values.get(name)), href(name),
                                  render_message(gap.message)  # "Chưa điền" says the rest
                                  if gap and gap.kind != "missing_field" else ""))
        if rows:
            result.append((section_title(section), rows))
    return result


def fill_json(checked) -> str:
    """The page's copy-at-once map (applicant.fill_map) for the fields on the page, as JSON;
    "" when none applies."""
    names = {f.name for f in checked.shown}
    found = fill_map(names) if checked.only is None else {}
    return json.dumps(found, separators=(",", ":")) if found else ""
