"""Plain-language wording of catalogue facts, in the visitor's language."""

from __future__ import annotations

import re

from flask_babel import gettext

from ..domain.catalogue import FeeRule, Paper, Procedure
from ..i18n import language, localized, money

PAPER_FORMS = {
    "original": lambda: gettext("Bản chính"),
    "copy": lambda: gettext("Bản sao"),
    "certified_copy": lambda: gettext("Bản sao có chứng thực"),
    "original_or_certified_copy": lambda: gettext("Bản chính hoặc bản sao có chứng thực"),
    "show_original": lambda: gettext("Xuất trình bản chính"),
}
FIELD_NAMES = {
    "chung-thuc": lambda: gettext("Chứng thực"),
    "ho-tich": lambda: gettext("Hộ tịch"),
}
ONLINE_LEVELS = {
    "toan-trinh": lambda: gettext("Dịch vụ công trực tuyến toàn trình"),
    "mot-phan": lambda: gettext("Dịch vụ công trực tuyến một phần"),
    "none": lambda: gettext("Chỉ nộp trực tiếp"),
}
RETURN_CHANNELS = {
    "desk": lambda: gettext("Nhận tại Bộ phận Một cửa"),
    "post": lambda: gettext("Qua dịch vụ bưu chính công ích"),
    "online": lambda: gettext("Trực tuyến"),
}


def label(table: dict, key: str) -> str:
    factory = table.get(key)
    return factory() if factory else key


def paper_form(paper: Paper) -> str:
    return label(PAPER_FORMS, paper.form)


def fee_text(rule: FeeRule) -> str:
    """One fee rule in words: 'Miễn phí', '10.000 ₫', '2.000 ₫/trang…'."""
    if rule.kind == "free":
        return gettext("Miễn phí")
    if rule.kind == "fixed":
        return money(rule.amount)
    if rule.kind == "per_page":
        text = gettext(
            "%(first)s/trang cho %(pages)d trang đầu, %(after)s/trang từ trang thứ %(next)d",
            first=money(rule.amount), pages=rule.first_pages or 0,
            after=money(rule.amount_after), next=(rule.first_pages or 0) + 1,
        )
        if rule.cap_per_copy:
            text += gettext("; tối đa %(cap)s/bản", cap=money(rule.cap_per_copy))
        return text
    # The rate is set locally (HĐND or UBND): in Vietnamese the data's own wording says by whom.
    if rule.wording_vi and language() == "vi":
        return rule.wording_vi
    return gettext("Theo mức thu do Hội đồng nhân dân cấp tỉnh quy định")


def fee_summary(procedure: Procedure) -> str:
    """The fee that usually applies, for lists: the first rule without a condition."""
    rules = [r for r in procedure.fees if r.when is None and not r.when_vi] or list(procedure.fees)
    return fee_text(rules[0]) if rules else ""


def condition_text(obj) -> str:
    return localized(obj, "when")


def note_states_cutoff(procedure: Procedure) -> bool:
    """Whether the procedure's time note already says what happens after the cut-off hour
    ("sau 15 giờ", "after 15:00"): the page then states the rule once, in the note."""
    hour = procedure.cutoff.split(":")[0].lstrip("0") or "0"
    note = localized(procedure, "time_note")
    return re.search(rf"(?<!\d){hour}(\s*giờ|:\d\d|h\b)", note) is not None
