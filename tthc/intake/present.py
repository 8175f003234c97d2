"""What the draft page shows: sections of fields with their messages, papers with their files.

Built from the form (WTForms, for the controls) and the completeness report (the domain's
verdict). Templates only lay it out.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from typing import Iterable

from flask import url_for
from flask_babel import gettext

from ..catalogue.present import paper_form
from ..domain.catalogue import FormField, Paper, Procedure
from ..domain.completeness import CompletenessReport
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
            fmt = gettext("Nhập theo dạng ngày/tháng/năm, ví dụ: 25/03/1990")
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

    @property
    def key(self) -> str:
        return self.paper.key

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


def sections(form: DossierForm, shown: Iterable[FormField], report: CompletenessReport,
             *, show_missing: bool = False) -> list[Section]:
    """The fields on the page in form order, grouped by their section, with messages."""
    applicable = {f.name for f in report.fields}
    missing = {g.target: g for g in report.gaps if g.kind == "missing_field"} if show_missing \
        else {}
    result: list[Section] = []
    for spec in shown:
        view = FieldView(spec, form[spec.name], hidden=spec.name not in applicable)
        if not view.hidden:
            view.errors = [render_message(m) for m in report.field_errors.get(spec.name, ())]
            view.warnings = [render_message(m) for m in report.field_warnings.get(spec.name, ())]
            if spec.name in missing:
                view.errors.append(render_message(missing[spec.name].message))
        title = group_title(spec)
        # A field without a section of its own belongs with the one above it.
        if result and (not title or result[-1].title == title):
            result[-1].fields.append(view)
        else:
            result.append(Section(title or gettext("Thông tin chung"), [view]))
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
    links: list[tuple[str, str]] = field(default_factory=list)  # (anchor, text)
    message: str = ""


def gap_groups(report: CompletenessReport) -> list[GapGroup]:
    """The panel's lines, in form order: missing fields grouped by section, so that a new
    draft's 20 empty fields read as a few short lines on a phone."""
    specs = {f.name: f for f in report.fields}
    groups: list[GapGroup] = []
    for gap in report.gaps:
        spec = specs.get(gap.target)
        if gap.kind == "missing_field" and spec is not None:
            title = group_title(spec) or (groups[-1].title if groups and groups[-1].links
                                          else gettext("Thông tin chung"))
            if groups and groups[-1].links and groups[-1].title == title:
                groups[-1].links.append((gap.target, localized(spec, "label")))
            else:
                groups.append(GapGroup(title, [(gap.target, localized(spec, "label"))]))
        else:
            groups.append(GapGroup(links=[(anchor(gap.target), "")],
                                   message=render_message(gap.message)))
    return groups


def papers(procedure: Procedure, dossier: Dossier, report: CompletenessReport,
           only: frozenset[str] | None) -> list[PaperView]:
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
            paper, [u for u in dossier.uploads if u.paper_key == paper.key],
            paper.key in confirmed, paper.key not in applicable,
            render_message(gap.message) if gap else "",
        ))
    return views


def summary_items(report: CompletenessReport, *, kinds=("invalid_field",)) -> list[tuple[str, str]]:
    """(link, text) for the error summary: each gap of the given kinds, in form order."""
    return [("#" + anchor(g.target), render_message(g.message))
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


def declaration_rows(report: CompletenessReport) -> list[tuple[str, list[tuple[str, str]]]]:
    """The answers as the declaration form prints them: sections of (label, value) lines."""
    from ..i18n import date as format_date

    result: list[tuple[str, list[tuple[str, str]]]] = []
    for spec in report.fields:
        value = report.values.get(spec.name)
        if value is None:
            text = ""
        elif spec.type == "bool":
            text = gettext("Có") if value else gettext("Không")
        elif spec.type == "choice":
            text = next((localized_choice(vi, en) for v, vi, en in spec.choices if v == value), "")
        elif spec.type == "date":
            text = format_date(value)
        elif spec.type == "phone" and isinstance(value, str) and value.startswith("+84"):
            text = "0" + value[3:]
        else:
            text = str(value)
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
