"""The form of one procedure version, and its translation to and from the catalogue file.

The page edits one ``[[procedure]]`` table of the catalogue file: names, texts, legal time,
same-day flag, return channels, legal basis lines, papers and fees as fields and rows; the
citizen's form fields and any key this page has no field for (``extensions``…) as TOML text
of that section. ``to_raw`` builds the TOML-shaped table from the posted form and the file's
own parser (``tthc.domain.catalogue_parser``) checks it, so the admin meets exactly the
file's rules; ``procedures_messages`` puts its messages, in Vietnamese, beside the fields.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from typing import Any, Mapping

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import Form as RowForm
from wtforms import (FieldList, FormField, HiddenField, SelectChoice, SelectField,
                     SelectMultipleField, StringField, TextAreaField)

from ..domain.catalogue import FEE_KINDS, FIELDS, ONLINE_LEVELS, PAPER_FORMS, RETURN_CHANNELS
from ..forms import Form, YesNoField
from . import procedures_toml as toml

#: Keys of a [[procedure]] table that have their own field on the page, in file order.
TEXT_KEYS = ("name_vi", "name_en", "field", "summary_vi", "summary_en", "legal_basis",
             "who_vi", "who_en", "result_vi", "result_en", "statutory_days", "time_note_vi",
             "time_note_en", "monday_same_day", "cutoff", "online_level", "return_channels",
             "popularity", "national_code", "declaration_form", "source", "unconfirmed")
INT_KEYS = ("statutory_days", "popularity")
LINE_KEYS = ("legal_basis", "unconfirmed")  # lists of texts, one a line
OPTIONAL_KEYS = ("time_note_vi", "time_note_en", "national_code", "declaration_form")
TABLE_KEYS = ("papers", "fees", "fields")
KNOWN_KEYS = ("code", "version") + TEXT_KEYS + TABLE_KEYS

PAPER_TEXT = ("key", "name_vi", "name_en", "form", "quantity", "when", "when_vi", "when_en",
              "note_vi", "note_en")
PAPER_FLAGS = ("required", "generated")
FEE_INTS = ("amount", "first_pages", "amount_after", "cap_per_copy")
FEE_TEXT = ("kind",) + FEE_INTS + ("per", "when", "when_vi", "when_en", "wording_vi",
                                   "legal_basis")
FEE_FLAGS = ("separate", "unconfirmed")


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
    fields_toml = TextAreaField(_l("Các trường của biểu mẫu (TOML, [[fields]])"),
                                render_kw={"rows": "24", "spellcheck": "false"})
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
    labels = {"papers": gettext("Giấy tờ"), "fees": gettext("Phí, lệ phí")}
    for field in form:
        if isinstance(field, FieldList):
            noun = labels[field.name]
            for number, entry in enumerate(field, 1):
                for sub in entry.form:
                    labels[sub.id] = f"{noun} {number} – {sub.label.text}"
        else:
            labels[field.id] = str(field.label.text)
    return labels


# --- a stored version → the form's data ----------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def form_data(raw: Mapping[str, Any], effective_from: dt.date | None) -> dict[str, Any]:
    """The form's data for the [[procedure]] table *raw*, dated *effective_from*."""
    data: dict[str, Any] = {"effective_from": effective_from.strftime("%d/%m/%Y")
                            if effective_from else ""}
    for key in TEXT_KEYS:
        value = raw.get(key)
        if key in LINE_KEYS:
            data[key] = "\n".join(value or ())
        elif key == "return_channels":
            data[key] = list(value or ())
        elif key == "monday_same_day":
            data[key] = bool(value)
        else:
            data[key] = _text(value)
    data["papers"] = [_row_data(p, PAPER_TEXT, PAPER_FLAGS) for p in raw.get("papers", ())]
    data["fees"] = [_row_data(f, FEE_TEXT, FEE_FLAGS) for f in raw.get("fees", ())]
    fields = raw.get("fields") or []
    data["fields_toml"] = toml.table({"fields": fields}).lstrip() if fields else ""
    extra = {k: v for k, v in raw.items() if k not in KNOWN_KEYS}
    data["extra_toml"] = toml.table(extra) if extra else ""
    return data


def _row_data(raw: Mapping[str, Any], texts, flags) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for key in texts:
        value = raw.get(key)
        if key == "when":
            row[key] = toml.inline(value)
        elif key == "per":
            row[key] = ", ".join(value or ())
        elif key == "quantity":
            row[key] = _text(value if value is not None else 1)
        else:
            row[key] = _text(value)
    for key in flags:
        row[key] = bool(raw.get(key, key == "required"))
    # Keys this page has no field for (added to the catalogue later) are kept as TOML.
    more = {k: v for k, v in raw.items() if k not in texts and k not in flags}
    row["more"] = toml.table(more) if more else ""
    return row


# --- the posted form → a [[procedure]] table ------------------------------------------------


class Typing:
    """Faults found while reading the form's text into values, before the file's rules."""

    def __init__(self):
        self.errors: dict[str, str] = {}

    def add(self, field_id: str, message: str) -> None:
        self.errors.setdefault(field_id, str(message))


def parse_date(text: str) -> dt.date | None:
    """A date typed as dd/mm/yyyy (or yyyy-mm-dd), or None."""
    text = text.strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _integer(text: str, field_id: str, typing: Typing) -> int | None:
    text = (text or "").strip().replace(".", "")
    if not text:
        return None
    if not re.fullmatch(r"-?\d{1,12}", text):
        typing.add(field_id, _l("Nhập một số nguyên, ví dụ 3."))
        return None
    return int(text)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _when(text: str, field_id: str, typing: Typing) -> Any:
    if not (text or "").strip():
        return None
    try:
        return toml.read_inline(text)
    except tomllib.TOMLDecodeError:
        typing.add(field_id, _l("Viết điều kiện dạng { tên_trường = giá_trị }, ví dụ "
                                "{ has_copies = true }."))
        return None


def to_raw(form: VersionForm, code: str, effective_from: dt.date | None,
           typing: Typing) -> dict[str, Any]:
    """The [[procedure]] table the posted form describes, for the catalogue's parser."""
    raw: dict[str, Any] = {"code": code}
    if effective_from is not None:
        raw["version"] = effective_from.isoformat()
    for key in TEXT_KEYS:
        field = form[key]
        if key in LINE_KEYS:
            lines = _lines(field.data)
            if lines or key == "legal_basis":
                raw[key] = lines
        elif key in INT_KEYS:
            number = _integer(field.data, key, typing)
            if number is not None:
                raw[key] = number
        elif key == "monday_same_day":
            raw[key] = bool(field.data)
        elif key == "return_channels":
            raw[key] = [c for c in RETURN_CHANNELS if c in (field.data or ())]
        else:
            text = (field.data or "").strip()
            if text or key not in OPTIONAL_KEYS:
                raw[key] = text
    raw.update(_extra(form.extra_toml.data, typing))
    raw["papers"] = [_paper(entry.form, entry.id, typing) for entry in form.papers]
    raw["fees"] = [_fee(entry.form, entry.id, typing) for entry in form.fees]
    fields = _fields(form.fields_toml.data, typing)
    if fields:
        raw["fields"] = fields
    return raw


def _extra(text: str, typing: Typing) -> dict[str, Any]:
    return _more(text, "extra_toml", KNOWN_KEYS, typing)


def _more(text: str, field_id: str, known, typing: Typing) -> dict[str, Any]:
    """Keys typed as TOML for which the page has no field (none that it has)."""
    if not (text or "").strip():
        return {}
    try:
        extra = toml.read(text)
    except tomllib.TOMLDecodeError as error:
        typing.add(field_id, _l("Không đọc được nội dung TOML: %(error)s", error=str(error)))
        return {}
    doubled = [k for k in extra if k in known]
    if doubled:
        typing.add(field_id, _l("Mục %(key)s có ô riêng trên trang này; sửa ở ô đó.",
                                key=doubled[0]))
        return {}
    return extra


def _fields(text: str, typing: Typing) -> list[Any]:
    if not (text or "").strip():
        return []
    try:
        data = toml.read(text)
    except tomllib.TOMLDecodeError as error:
        typing.add("fields_toml", _l("Không đọc được nội dung TOML: %(error)s", error=str(error)))
        return []
    if set(data) != {"fields"} or not isinstance(data["fields"], list):
        typing.add("fields_toml", _l("Chỉ ghi các bảng [[fields]] ở đây."))
        return []
    return data["fields"]


def _paper(row: PaperRow, prefix: str, typing: Typing) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for key in PAPER_TEXT:
        text = (row[key].data or "").strip()
        if key == "quantity":
            number = _integer(text, f"{prefix}-quantity", typing)
            if number is not None:
                raw[key] = number
        elif key == "when":
            when = _when(text, f"{prefix}-when", typing)
            if when is not None:
                raw[key] = when
        elif text or key in ("key", "name_vi", "name_en", "form"):
            raw[key] = text
    raw["required"] = bool(row.required.data)
    if row.generated.data:
        raw["generated"] = True
    raw.update(_more(row.more.data, f"{prefix}-more", PAPER_TEXT + PAPER_FLAGS, typing))
    return raw


def _fee(row: FeeRow, prefix: str, typing: Typing) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for key in FEE_TEXT:
        text = (row[key].data or "").strip()
        if key in FEE_INTS:
            number = _integer(text, f"{prefix}-{key}", typing)
            if number is not None:
                raw[key] = number
        elif key == "per":
            names = [n.strip() for n in text.split(",") if n.strip()]
            if names:
                raw[key] = names
        elif key == "when":
            when = _when(text, f"{prefix}-when", typing)
            if when is not None:
                raw[key] = when
        elif text or key in ("kind", "wording_vi", "legal_basis"):
            raw[key] = text
    for key in FEE_FLAGS:
        if row[key].data:
            raw[key] = True
    raw.update(_more(row.more.data, f"{prefix}-more", FEE_TEXT + FEE_FLAGS, typing))
    return raw


# --- the buttons that add, remove and move rows ------------------------------------------


ROW_ACTION = re.compile(r"^(add|remove|up|down)_(paper|fee)(?::(\d{1,3}))?$")


def row_action(form: VersionForm) -> dict[str, Any] | None:
    """The form's data after an add/remove/move button, or None when it was not one.

    The data is read back from the posted form, changed, and shown again: nothing typed is
    lost, and the page works the same with JavaScript off.
    """
    match = ROW_ACTION.match(form.action.data or "")
    if match is None:
        return None
    verb, what, index = match.group(1), match.group(2) + "s", match.group(3)
    data = dict(form.data)
    rows = list(data[what])
    i = int(index) if index is not None else None
    if verb == "add":
        rows.append(_row_data({}, PAPER_TEXT, PAPER_FLAGS) if what == "papers"
                    else _row_data({"kind": "free"}, FEE_TEXT, FEE_FLAGS))
    elif i is not None and 0 <= i < len(rows):
        if verb == "remove":
            rows.pop(i)
        elif verb == "up" and i > 0:
            rows[i - 1], rows[i] = rows[i], rows[i - 1]
        elif verb == "down" and i + 1 < len(rows):
            rows[i + 1], rows[i] = rows[i], rows[i + 1]
    data[what] = rows
    data.pop("action", None)
    data.pop("csrf_token", None)
    return data
