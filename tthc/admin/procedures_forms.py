"""The form of one procedure version: one ``[[procedure]]`` table of the catalogue file.

Names, texts, legal time, same-day flag, return channels, legal basis lines as fields; papers,
fees and the extensions of time the law allows at reception as rows; the citizen's form
fields, and any key this page has no field for, as TOML text of that section (each row also
keeps its own unknown keys as TOML). ``procedures_raw`` turns the form into the table and
back; the file's own parser checks it.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import Form as RowForm
from wtforms import (FieldList, FormField, HiddenField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, TextAreaField)

from ..domain.catalogue import (FEE_KINDS, FIELD_TYPES, FIELDS, ONLINE_LEVELS, PAPER_FORMS,
                                RETURN_CHANNELS)
from ..forms import Form, YesNoField

#: Keys of a [[procedure]] table that have their own field on the page, in file order.
TEXT_KEYS = ("name_vi", "name_en", "field", "summary_vi", "summary_en", "legal_basis",
             "who_vi", "who_en", "result_vi", "result_en", "statutory_days", "time_note_vi",
             "time_note_en", "monday_same_day", "cutoff", "online_level", "return_channels",
             "popularity", "national_code", "declaration_form", "source", "unconfirmed")
INT_KEYS = ("statutory_days", "popularity")
LINE_KEYS = ("legal_basis", "unconfirmed")  # lists of texts, one a line
OPTIONAL_KEYS = ("time_note_vi", "time_note_en", "national_code", "declaration_form")
TABLE_KEYS = ("papers", "fees", "extensions", "fields")
KNOWN_KEYS = ("code", "version") + TEXT_KEYS + TABLE_KEYS

PAPER_TEXT = ("key", "name_vi", "name_en", "form", "quantity", "when", "when_vi", "when_en",
              "note_vi", "note_en")
PAPER_FLAGS = ("required", "generated")
FEE_INTS = ("amount", "first_pages", "amount_after", "cap_per_copy")
FEE_TEXT = ("kind",) + FEE_INTS + ("per", "when", "when_vi", "when_en", "wording_vi",
                                   "legal_basis")
FEE_FLAGS = ("separate", "unconfirmed")
FIELD_TEXT = ("name", "label_vi", "label_en", "type", "group", "group_en", "hint_vi", "hint_en",
              "choices", "options", "when")
FIELD_FLAGS = ("required",)
EXTENSION_TEXT = ("key", "label_vi", "label_en", "working_days", "legal_basis")
EXTENSION_FLAGS = ("appointment",)


def _choices(values) -> list[SelectChoice]:
    return [SelectChoice(v, v) for v in values]


class PaperRow(RowForm):
    """One paper to bring (a row of the papers' fieldset)."""

    key = StringField(_l("Mã giấy tờ"))
    name_vi = StringField(_l("Tên giấy tờ (tiếng Việt)"))
    name_en = StringField(_l("Tên giấy tờ (tiếng Anh)"))
    form = SelectField(_l("Hình thức"), choices=_choices(PAPER_FORMS), validate_choice=False)
    quantity = StringField(_l("Số lượng"), default="1")
    required = YesNoField(_l("Bắt buộc"), default=True)
    generated = YesNoField(_l("Phần mềm tự lập từ câu trả lời (tờ khai)"))
    when = StringField(_l("Điều kiện áp dụng (TOML)"))
    when_vi = StringField(_l("Điều kiện, diễn đạt cho công dân (tiếng Việt)"))
    when_en = StringField(_l("Điều kiện, diễn đạt cho công dân (tiếng Anh)"))
    note_vi = TextAreaField(_l("Ghi chú (tiếng Việt)"))
    note_en = TextAreaField(_l("Ghi chú (tiếng Anh)"))
    more = TextAreaField(_l("Các mục khác của giấy tờ này (TOML)"),
                         render_kw={"rows": "2", "spellcheck": "false"})


class FeeRow(RowForm):
    """One fee rule (a row of the fees' fieldset)."""

    kind = SelectField(_l("Loại"), choices=_choices(FEE_KINDS), validate_choice=False)
    amount = StringField(_l("Số tiền (đồng)"))
    first_pages = StringField(_l("Số trang đầu tính theo số tiền trên"))
    amount_after = StringField(_l("Số tiền mỗi trang sau (đồng)"))
    cap_per_copy = StringField(_l("Tối đa mỗi bản (đồng)"))
    per = StringField(_l("Nhân theo các trường số (cách nhau bởi dấu phẩy)"))
    separate = YesNoField(_l("Thu riêng (miễn phí không miễn khoản này)"))
    unconfirmed = YesNoField(_l("Chưa kiểm chứng"))
    when = StringField(_l("Điều kiện áp dụng (TOML)"))
    when_vi = StringField(_l("Điều kiện, diễn đạt cho công dân (tiếng Việt)"))
    when_en = StringField(_l("Điều kiện, diễn đạt cho công dân (tiếng Anh)"))
    wording_vi = TextAreaField(_l("Mức thu theo văn bản"))
    legal_basis = StringField(_l("Căn cứ thu"))
    more = TextAreaField(_l("Các mục khác của mức thu này (TOML)"),
                         render_kw={"rows": "2", "spellcheck": "false"})


class ExtensionRow(RowForm):
    """One extension of time the law allows at reception (domain.md §5)."""

    key = StringField(_l("Mã lý do"))
    label_vi = StringField(_l("Lý do (tiếng Việt)"))
    label_en = StringField(_l("Lý do (tiếng Anh)"))
    working_days = StringField(_l("Thêm tối đa (ngày làm việc)"))
    legal_basis = StringField(_l("Căn cứ pháp lý"))
    appointment = YesNoField(_l("Viết phiếu hẹn ghi rõ ngày trả"))
    more = TextAreaField(_l("Các mục khác của lý do này (TOML)"),
                         render_kw={"rows": "2", "spellcheck": "false"})


class FieldRow(RowForm):
    """One field of the citizen's form (a row of the form's fieldset)."""

    name = StringField(_l("Tên trường"))
    label_vi = StringField(_l("Câu hỏi (tiếng Việt)"))
    label_en = StringField(_l("Câu hỏi (tiếng Anh)"))
    type = SelectField(_l("Loại"), choices=_choices(FIELD_TYPES), validate_choice=False)
    required = YesNoField(_l("Bắt buộc trả lời"), default=True)
    group = StringField(_l("Thuộc phần (tiếng Việt)"))
    group_en = StringField(_l("Thuộc phần (tiếng Anh)"))
    hint_vi = StringField(_l("Gợi ý (tiếng Việt)"))
    hint_en = StringField(_l("Gợi ý (tiếng Anh)"))
    choices = TextAreaField(_l("Các lựa chọn (mỗi dòng: giá trị | nhãn tiếng Việt | nhãn "
                               "tiếng Anh)"), render_kw={"rows": "3"})
    options = StringField(_l("Giới hạn, giá trị điền sẵn (TOML)"))
    when = StringField(_l("Chỉ hỏi khi (TOML)"))
    more = TextAreaField(_l("Các mục khác của trường này (TOML)"),
                         render_kw={"rows": "2", "spellcheck": "false"})


class VersionForm(Form):
    """A version of one procedure: the page's form, posted whole by every button."""

    action = StringField()  # the button pressed: save, add_paper, remove_paper:2…
    read_hash = HiddenField()  # the content the edit started from (compare-and-set)
    effective_from = StringField(_l("Có hiệu lực từ ngày"))
    confirm_past = YesNoField(_l("Tôi hiểu: phiên bản này áp dụng cho cả những ngày đã qua"))
    name_vi = StringField(_l("Tên thủ tục (tiếng Việt)"))
    name_en = StringField(_l("Tên thủ tục (tiếng Anh)"))
    field = SelectField(_l("Lĩnh vực"), choices=_choices(FIELDS), validate_choice=False)
    national_code = StringField(_l("Mã thủ tục trên Cổng Dịch vụ công quốc gia"))
    summary_vi = TextAreaField(_l("Tóm tắt (tiếng Việt)"))
    summary_en = TextAreaField(_l("Tóm tắt (tiếng Anh)"))
    who_vi = StringField(_l("Đối tượng thực hiện (tiếng Việt)"))
    who_en = StringField(_l("Đối tượng thực hiện (tiếng Anh)"))
    result_vi = StringField(_l("Kết quả (tiếng Việt)"))
    result_en = StringField(_l("Kết quả (tiếng Anh)"))
    statutory_days = StringField(_l("Thời hạn giải quyết (ngày làm việc; 0 = trong ngày)"))
    time_note_vi = TextAreaField(_l("Ghi chú về thời hạn (tiếng Việt)"))
    time_note_en = TextAreaField(_l("Ghi chú về thời hạn (tiếng Anh)"))
    monday_same_day = YesNoField(_l("Giải quyết ngay trong ngày (Thứ Hai không giấy hẹn)"))
    cutoff = StringField(_l("Giờ chốt trả trong ngày"), default="15:00")
    online_level = SelectField(_l("Mức dịch vụ công trực tuyến"),
                               choices=_choices(ONLINE_LEVELS), validate_choice=False)
    return_channels = SelectMultipleField(_l("Cách nhận kết quả"),
                                          choices=_choices(RETURN_CHANNELS),
                                          validate_choice=False)
    popularity = StringField(_l("Mức phổ biến (0–1000, để sắp xếp)"), default="0")
    legal_basis = TextAreaField(_l("Căn cứ pháp lý (mỗi văn bản một dòng)"))
    declaration_form = StringField(_l("Tên mẫu tờ khai"))
    source = TextAreaField(_l("Nguồn dữ liệu"))
    unconfirmed = TextAreaField(_l("Các mục chưa kiểm chứng (mỗi mục một dòng)"))
    papers = FieldList(FormField(PaperRow))
    fees = FieldList(FormField(FeeRow))
    extensions = FieldList(FormField(ExtensionRow))
    fields = FieldList(FormField(FieldRow))
    extra_toml = TextAreaField(_l("Các mục khác (TOML)"),
                               render_kw={"rows": "8", "spellcheck": "false"})


def labelled(field, labels: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A choice field's (value, label) pairs; a label is text or a function giving it (as in
    ``tthc.catalogue.present``); a value the table does not know is shown as it is."""
    pairs = []
    for choice in field.choices:
        label = labels.get(choice.value, choice.value)
        pairs.append((choice.value, label() if callable(label) else str(label)))
    return pairs


def labels_of(form: VersionForm) -> dict[str, str]:
    """Field id → its label, for the error summary ("Giấy tờ 2 – Tên giấy tờ…" in rows)."""
    labels = {"papers": gettext("Giấy tờ"), "fees": gettext("Phí, lệ phí"),
              "extensions": gettext("Gia hạn"), "fields": gettext("Trường")}
    for field in form:
        if isinstance(field, FieldList):
            noun = labels[field.name]
            for number, entry in enumerate(field, 1):
                for sub in entry.form:
                    labels[sub.id] = f"{noun} {number} – {sub.label.text}"
        else:
            labels[field.id] = str(field.label.text)
    return labels
