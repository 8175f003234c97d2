"""The catalogue parser's faults, in Vietnamese, beside the field of the page they concern.

The parser (``tthc.domain.catalogue_parser``) names the key at fault ("papers[1].name_vi",
"fees.0.when", "fields[2].options") and the problem in English, as a file's author reads
it. The admin's page shows it in Vietnamese next to the matching field.
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from flask_babel import gettext

from ..domain.catalogue import CatalogueError
from .procedures_forms import TEXT_KEYS
from .procedures_raw import ROWS

# (pattern of the parser's problem, Vietnamese message); groups become the message's params.
_PROBLEMS: tuple[tuple[re.Pattern[str], Any], ...] = tuple(
    (re.compile(pattern), message) for pattern, message in (
        (r"^is missing$", lambda: gettext("Cần nhập mục này.")),
        (r"^must not be empty$", lambda: gettext("Cần nhập mục này.")),
        (r"^must be text$", lambda: gettext("Phải là chữ.")),
        (r"^must be lower-case letters, digits and _$",
         lambda: gettext("Chỉ gồm chữ thường không dấu, chữ số và dấu gạch dưới (_).")),
        (r"^must be HH:MM", lambda: gettext("Nhập giờ dạng HH:MM, ví dụ 15:00.")),
        (r"^must be a date", lambda: gettext("Nhập ngày dạng dd/mm/yyyy.")),
        (r"^must be one of", lambda: gettext("Chọn một giá trị trong danh sách.")),
        (r"^must be a non-empty list$", lambda: gettext("Cần ít nhất một dòng.")),
        (r"^must be a whole number$", lambda: gettext("Nhập một số nguyên, ví dụ 3.")),
        (r"^must be between (\d+) and (\d+)$",
         lambda a, b: gettext("Nhập một số từ %(a)s đến %(b)s.", a=a, b=b)),
        (r"^(.+) is not one of ", lambda v: gettext("Giá trị %(v)s không có trong danh sách.",
                                                    v=v)),
        (r"^looks like ", lambda: gettext("Mã thủ tục quốc gia có dạng 2.000908.")),
        (r"^the key (.+) is used twice$",
         lambda k: gettext("Mã %(key)s được dùng hai lần; mỗi dòng cần một mã riêng.", key=k)),
        (r"^only for procedures decided the same day$",
         lambda: gettext("Chỉ chọn được khi thời hạn giải quyết là 0 ngày (trong ngày).")),
        (r"^names no field of this procedure: (.+)$",
         lambda k: gettext("%(key)s không phải là một mục của thủ tục này.", key=k)),
        (r"^refers to an unknown field (.+)$",
         lambda k: gettext("Điều kiện dựa vào trường %(key)s, nhưng biểu mẫu không có trường "
                           "này.", key=k)),
        (r"^may only refer to fields declared above it, not (.+)$",
         lambda k: gettext("Điều kiện chỉ được dựa vào các trường ở phía trên, không dựa vào "
                           "%(key)s.", key=k)),
        (r"^(.+) is not one of the field's choices",
         lambda v: gettext("%(v)s không phải là một lựa chọn của trường này.", v=v)),
        (r"a yes/no field is compared with true or false$",
         lambda: gettext("Trường có/không chỉ so với true hoặc false.")),
        (r"a number field is compared with a whole number$",
         lambda: gettext("Trường số chỉ so với một số nguyên.")),
        (r"a text field is compared with text$",
         lambda: gettext("Trường chữ chỉ so với chữ (trong ngoặc kép).")),
        (r"(within_days|after_days|a date field takes)",
         lambda _k: gettext("Trường ngày dùng { within_days = N } hoặc { after_days = N }.")),
        (r"^(.+) is not a number \(int\) field",
         lambda k: gettext("%(key)s không phải là trường số của thủ tục này.", key=k)),
        (r"^per_page needs a number \(int\) field named 'pages'$",
         lambda: gettext("Thu theo trang cần một trường số tên 'pages'.")),
        (r"^per_page needs amount, first_pages and amount_after$",
         lambda: gettext("Thu theo trang cần số tiền, số trang đầu và số tiền mỗi trang sau.")),
        (r"^a fixed fee needs an amount$", lambda: gettext("Mức thu cố định cần số tiền.")),
        (r"^a free rule has no amount$", lambda: gettext("Miễn phí thì không ghi số tiền.")),
        (r"^a free rule has no per and is not separate$",
         lambda: gettext("Miễn phí thì không nhân theo trường nào và không thu riêng.")),
        (r"^name at least one channel$",
         lambda: gettext("Chọn ít nhất một cách nhận kết quả.")),
        (r"^is not a key here \(known: (.+)\)$",
         lambda known: gettext("Mục này không dùng được ở đây (các mục dùng được: %(known)s).",
                               known=known)),
        (r"^already loaded with other content",
         lambda: gettext("Phiên bản ngày này đã có với nội dung khác; hãy chọn một ngày hiệu "
                         "lực mới.")),
    ))


def problem_text(error: CatalogueError) -> str:
    """The parser's problem in Vietnamese; the English text when no message matches."""
    for pattern, message in _PROBLEMS:
        match = pattern.search(error.problem)
        if match is not None:
            return message(*match.groups())
    return gettext("Không đúng quy tắc của danh mục: %(problem)s", problem=error.problem)


_ROW = re.compile(r"^(papers|fees|extensions|fields)\[(\d+)\](?:\.([a-z_]+))?")
_CONDITION = re.compile(r"^(papers|fees|fields)\.([a-z0-9_]+)\.when")


def field_id(error: CatalogueError, raw: Mapping[str, Any]) -> str:
    """The id of the page's field the fault concerns ("general" when none)."""
    where = error.field
    top = where.split(".")[0].split("[")[0]
    if where == "version":
        return "effective_from"
    if top in TEXT_KEYS:
        return top
    match = _ROW.match(where)
    if match is not None:
        table, index, key = match.groups()
        kind = ROWS[table]
        if key in kind.texts + kind.flags:
            return f"{table}-{index}-{key}"
        rows = raw.get(table) or []
        row = rows[int(index)] if int(index) < len(rows) else {}
        if key is not None and key in row:  # a key typed in the row's "other keys"
            return f"{table}-{index}-more"
        return f"{table}-{index}-{kind.texts[0]}"
    match = _CONDITION.match(where)
    if match is not None:
        table, name = match.groups()
        if table == "fees":
            return f"fees-{name}-when"
        names = [row.get("key" if table == "papers" else "name") for row in raw.get(table, ())]
        return f"{table}-{names.index(name)}-when" if name in names else table
    if top in ROWS:
        return top
    if top in raw:
        return "extra_toml"
    return "general"


def describe(error: CatalogueError, raw: Mapping[str, Any]) -> tuple[str, str]:
    """(field id, Vietnamese message) of one parser fault."""
    return field_id(error, raw), problem_text(error)
