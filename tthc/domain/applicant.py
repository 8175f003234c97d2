"""The applicant's own details: entered once, kept in the applicant profile, reused by drafts.

Every procedure's form starts with these fields (``completeness.assess`` puts them first),
so the catalogue's procedures never ask them again. Labels follow glossary.md
"Personal details on forms".
"""

from __future__ import annotations

from typing import AbstractSet, Mapping

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

#: An answer to "Quan hệ với người được khai sinh" that makes the applicant that person: the
#: prefix of the person's fields ("me" → mother_full_name…).
SAME_PERSON: dict[str, dict[str, str]] = {"relationship": {"me": "mother", "cha": "father"}}
#: The applicant's detail → the same detail of another person (after the prefix).
PERSON_FIELDS: dict[str, str] = {
    "applicant_full_name": "_full_name",
    "applicant_birth_date": "_birth_date",
    "applicant_id_number": "_id_number",
    "applicant_address": "_residence",
}


def fill_map(names: AbstractSet[str]) -> dict[str, dict[str, dict[str, str]]]:
    """For a form with fields *names*: question → answer → {applicant field: person field},
    only where both fields exist (what the page's script copies at once)."""
    result: dict[str, dict[str, dict[str, str]]] = {}
    for question, people in SAME_PERSON.items():
        if question not in names:
            continue
        for answer, person in people.items():
            pairs = {source: person + suffix for source, suffix in PERSON_FIELDS.items()
                     if source in names and person + suffix in names}
            if pairs:
                result.setdefault(question, {})[answer] = pairs
    return result


def fill_from_applicant(names: AbstractSet[str], answers: Mapping[str, str],
                        previous: Mapping[str, str] | None = None) -> dict[str, str]:
    """The answers with the applicant's details copied to the person the applicant says they
    are (the mother, the father), so that nobody types them twice. Only a field left empty,
    or still holding the applicant's *previous* answer (a copy, when the applicant corrects
    their own), is filled: whatever was typed there stays, and stays editable."""
    result = dict(answers)
    previous = previous or {}
    for question, people in fill_map(names).items():
        pairs = people.get(str(result.get(question) or "").strip(), {})
        for source, target in pairs.items():
            value = result.get(source)
            held = str(result.get(target) or "").strip()
            copied = held and held == str(previous.get(source) or "").strip()
            if isinstance(value, str) and value.strip() and (not held or copied):
                result[target] = value
    return result
