"""The applicant's own details: entered once, kept in the applicant profile, reused by drafts.

Every procedure's form starts with these fields (``completeness.assess`` puts them first),
so the catalogue's procedures never ask them again. Labels follow glossary.md
"Personal details on forms".
"""

from __future__ import annotations

from .catalogue import FormField

GROUP_VI = "Thông tin người nộp hồ sơ"
GROUP_EN = "Applicant"


def _field(name: str, label_vi: str, label_en: str, type: str, **more) -> FormField:
    return FormField(
        name=name,
        label_vi=label_vi,
        label_en=label_en,
        type=type,
        group=GROUP_VI,
        group_en=GROUP_EN,
        **more,
    )


APPLICANT_FIELDS: tuple[FormField, ...] = (
    _field("applicant_full_name", "Họ, chữ đệm và tên", "Full name", "name",
           hint_vi="Đúng như trên giấy tờ tùy thân.",
           hint_en="Exactly as on your identity document.",
           options={"max_length": 100}),
    _field("applicant_birth_date", "Ngày, tháng, năm sinh", "Date of birth", "date",
           hint_vi="Ví dụ: 25/03/1990", hint_en="For example: 25/03/1990",
           options={"not_future": True}),
    _field("applicant_sex", "Giới tính", "Sex", "choice",
           choices=(("nam", "Nam", "Male"), ("nu", "Nữ", "Female"))),
    _field("applicant_id_number", "Số định danh cá nhân", "Personal identification number",
           "id_number",
           hint_vi="12 chữ số in trên thẻ căn cước (căn cước công dân).",
           hint_en="The 12 digits on your căn cước / CCCD card."),
    _field("applicant_phone", "Số điện thoại", "Phone number", "phone",
           # No promise of messages here: the boxes after the email say which channels
           # this office really sends on (tthc.notify), or that it sends none.
           hint_vi="Để cán bộ liên hệ khi cần. Ví dụ: 0912 345 678",
           hint_en="So that the office can reach you if needed. For example: 0912 345 678"),
    _field("applicant_address", "Nơi cư trú", "Place of residence", "text",
           hint_vi="Số nhà, đường phố, tổ dân phố, phường (xã), tỉnh (thành phố).",
           hint_en="House number, street, residential group, ward (commune), province (city).",
           options={"max_length": 300}),
    _field("applicant_email", "Thư điện tử", "Email", "email", required=False),
)

#: The profile's keys, in form order.
PROFILE_KEYS: tuple[str, ...] = tuple(f.name for f in APPLICANT_FIELDS)
