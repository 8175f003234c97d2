"""The declaration forms as data: parsing, the checks against a procedure, the filling."""

import copy
import datetime as dt

import pytest

from tthc.domain.catalogue import FormField
from tthc.domain.declarations import (DeclarationError, check_fields, fill, in_force,
                                      parse_declarations)

FIELDS = (
    FormField("applicant_full_name", "Họ, chữ đệm và tên", "Full name", "name"),
    FormField("applicant_phone", "Số điện thoại", "Phone", "phone"),
    FormField("applicant_role", "Người nộp là", "Role", "choice",
              choices=(("self", "Bản thân", "Self"), ("representative", "Người được ủy quyền",
                                                       "Representative"))),
    FormField("child_full_name", "Họ, chữ đệm và tên", "Full name", "name"),
    FormField("child_birth_date", "Ngày sinh", "Date of birth", "date"),
    FormField("child_sex", "Giới tính", "Sex", "choice",
              choices=(("nam", "Nam", "Male"), ("nu", "Nữ", "Female"))),
    FormField("note", "Ghi chú", "Note", "textarea", required=False),
    FormField("want_copies", "Cấp bản sao", "Copies", "bool"),
    FormField("copies", "Số bản sao", "Number of copies", "int"),
)


def small_form(**changes):
    form = {
        "id": "to-khai-thu",
        "procedures": ["dang-ky-thu"],
        "title": "TỜ KHAI THỬ",
        "legal_basis": "Thông tư thử",
        "effective_from": dt.date(2024, 6, 6),
        "source": "viết cho phép thử",
        "notes": ["Ghi rõ tên cơ quan.", "Đánh dấu X vào ô."],
        "lines": [
            {"kind": "addressee", "label": "Kính gửi", "note": 1},
            {"kind": "fields", "parts": [
                {"label": "Họ, chữ đệm, tên người yêu cầu", "field": "applicant_full_name"}]},
            {"kind": "fields", "parts": [{"label": "Điện thoại", "field": "applicant_phone"}]},
            {"kind": "text", "text": "Đề nghị cho người dưới đây:", "style": "bold"},
            {"kind": "fields", "when": {"applicant_role": "self"}, "parts": [
                {"label": "Họ, chữ đệm, tên", "field": "child_full_name"}]},
            {"kind": "fields", "parts": [
                {"label": "Ngày, tháng, năm sinh", "field": "child_birth_date", "format": "date"},
                {"label": "ghi bằng chữ", "field": "child_birth_date", "format": "date_words"},
                {"label": "Năm sinh", "field": "child_birth_date", "format": "year"}]},
            {"kind": "fields", "parts": [
                {"label": "Giới tính", "field": "child_sex"}, {"label": "Dân tộc"},
                {"label": "Ghi chú", "fields": ["child_full_name", "note"]}]},
            {"kind": "table", "columns": ["Thông tin", "Bên nữ", "Bên nam"], "rows": [
                {"label": "Họ, chữ đệm, tên", "fields": ["child_full_name", ""]}]},
            {"kind": "commitment", "text": "Tôi cam đoan nội dung trên là đúng sự thật."},
            {"kind": "place_date", "text": "Làm tại: ……, ngày … tháng … năm …"},
            {"kind": "signature", "signers": [
                {"title": "Người yêu cầu", "caption": "(Ký, ghi rõ họ, chữ đệm, tên)",
                 "field": "applicant_full_name"}]},
            {"kind": "choice", "label": "Đề nghị cấp bản sao", "note": 2, "field": "want_copies",
             "options": [{"value": True, "text": "Có"}, {"value": False, "text": "Không"}],
             "count": {"label": "Số lượng", "field": "copies", "suffix": "bản"}},
        ],
    }
    form.update(changes)
    return form


def data(*forms):
    return {"schema": 1, "form": list(forms) or [small_form()]}


def test_parses_a_form_with_every_kind_of_line():
    (form,) = parse_declarations(data())
    assert form.id == "to-khai-thu" and form.procedures == ("dang-ky-thu",)
    assert form.effective_from == dt.date(2024, 6, 6) and form.verified is False
    assert [line.kind for line in form.lines] == [
        "addressee", "fields", "fields", "text", "fields", "fields", "fields", "table",
        "commitment", "place_date", "signature", "choice"]
    assert form.lines[5].parts[1].format == "date_words"
    assert form.lines[6].parts[2].fields == ("child_full_name", "note")
    assert form.lines[6].parts[1].fields == ()  # left blank, completed by hand
    assert form.lines[11].count.suffix == "bản"
    assert form.lines[4].when.equals == {"applicant_role": ("self",)}
    check_fields(form, FIELDS)  # every field it names exists and suits its use


def _line(index):
    return lambda f: f["lines"][index]


@pytest.mark.parametrize("change, where", [
    (lambda f: f.pop("title"), "title"),
    (lambda f: f.update(title=""), "title"),
    (lambda f: f.update(id="Tờ khai"), "id"),
    (lambda f: f.update(procedures=[]), "procedures"),
    (lambda f: f.update(procedures=["Đăng ký"]), "procedures"),
    (lambda f: f.update(effective_from="06/06/2024"), "effective_from"),
    (lambda f: f.update(verified="no"), "verified"),
    (lambda f: f.update(colour="red"), "colour"),
    (lambda f: f.update(lines=[]), "lines"),
    (lambda f: _line(1)(f).update(kind="paragraph"), "line 2, kind"),
    (lambda f: _line(1)(f).update(text="stray"), "line 2, text"),
    (lambda f: _line(1)(f).update(parts=[]), "line 2, parts"),
    (lambda f: _line(1)(f)["parts"][0].update(field="Họ tên"), "line 2, part 1, field"),
    (lambda f: _line(1)(f)["parts"][0].update(format="upper"), "line 2, part 1, format"),
    (lambda f: _line(5)(f)["parts"][0].update(field="a", fields=["b"]), "line 6, part 1"),
    (lambda f: (_line(5)(f)["parts"][0].pop("field"),
                _line(5)(f)["parts"][0].update(fields=["a", "b"])), "line 6, part 1"),
    (lambda f: _line(6)(f)["parts"].append({}), "line 7, part 4"),
    (lambda f: _line(3)(f).update(style="red"), "line 4, style"),
    (lambda f: _line(3)(f).pop("text"), "line 4, text"),
    (lambda f: _line(0)(f).update(note=3), "line 1"),
    (lambda f: _line(0)(f).update(note=0), "line 1, note"),
    (lambda f: f["notes"].append("Chú thích không dùng."), "notes[2]"),
    (lambda f: _line(7)(f)["rows"][0].update(fields=["child_full_name"]), "line 8, row 1"),
    (lambda f: _line(7)(f).update(columns=["Thông tin"]), "line 8"),
    (lambda f: _line(10)(f)["signers"][0].pop("title"), "line 11, signer 1, title"),
    (lambda f: _line(11)(f).update(options=[{"value": True, "text": "Có"}]), "line 12"),
    (lambda f: _line(11)(f)["options"][0].update(value=1), "line 12, option 1"),
    (lambda f: _line(4)(f).update(when={"applicant_role": 3}), "line 5, when"),
    (lambda f: f["lines"].pop(8), "lines"),  # no commitment
    (lambda f: f["lines"].append(dict(f["lines"][0])), "lines"),  # two addressees
])
def test_errors_name_the_form_and_the_line(change, where):
    form = small_form()
    change(form)
    with pytest.raises(DeclarationError) as raised:
        parse_declarations(data(form))
    assert raised.value.form == form["id"]  # as the file names it, even when malformed
    assert raised.value.where == where, str(raised.value)
    assert form["id"] in str(raised.value) and where in str(raised.value)


@pytest.mark.parametrize("bad", [{}, {"schema": 2, "form": [small_form()]}, {"schema": 1},
                                 {"schema": 1, "form": []}])
def test_a_file_without_schema_or_forms_is_refused(bad):
    with pytest.raises(DeclarationError):
        parse_declarations(bad)


def test_a_version_is_listed_once_and_a_procedure_has_one_form_a_date():
    with pytest.raises(DeclarationError, match="twice"):
        parse_declarations(data(small_form(), small_form()))
    other = small_form(id="to-khai-khac")
    with pytest.raises(DeclarationError, match="already has form") as raised:
        parse_declarations(data(small_form(), other))
    assert raised.value.form == "to-khai-khac"
    later = small_form(effective_from=dt.date(2026, 1, 1))
    assert len(parse_declarations(data(small_form(), later))) == 2


@pytest.mark.parametrize("change, where, problem", [
    (lambda f: _line(1)(f)["parts"][0].update(field="applicant_fullname"), "line 2, part 1",
     "unknown field 'applicant_fullname'"),
    (lambda f: _line(5)(f)["parts"][0].update(field="child_full_name"), "line 6, part 1",
     "needs a date field"),
    (lambda f: _line(1)(f)["parts"][0].update(field="want_copies"), "line 2, part 1",
     "yes/no field"),
    (lambda f: _line(11)(f).update(field="child_sex"), "line 12", "not one of the choices"),
    (lambda f: _line(11)(f).update(field="child_full_name"), "line 12", "yes/no or choice"),
    (lambda f: _line(11)(f)["count"].update(field="child_full_name"), "line 12, count",
     "number field"),
    (lambda f: _line(4)(f).update(when={"applicant_role": "other"}), "line 5, when",
     "not one of the choices"),
    (lambda f: _line(4)(f).update(when={"missing": "x"}), "line 5, when", "unknown field"),
    (lambda f: _line(7)(f)["rows"][0].update(fields=["", "nobody"]), "line 8, row 1",
     "unknown field"),
    (lambda f: _line(10)(f)["signers"][0].update(field="signer"), "line 11, signer 1",
     "unknown field"),
])
def test_fields_a_form_reads_must_exist_in_the_procedure_and_suit_their_use(change, where,
                                                                            problem):
    raw = small_form()
    change(raw)
    (form,) = parse_declarations(data(raw))
    with pytest.raises(DeclarationError) as raised:
        check_fields(form, FIELDS)
    assert raised.value.where == where and problem in raised.value.problem


def test_the_version_in_force_on_the_dossiers_date():
    first = small_form(title="TỜ KHAI CŨ", effective_from=dt.date(2020, 7, 16))
    second = small_form(title="TỜ KHAI MỚI")
    forms = parse_declarations(data(first, second))
    assert in_force(forms, "dang-ky-thu", dt.date(2024, 6, 5)).title == "TỜ KHAI CŨ"
    assert in_force(forms, "dang-ky-thu", dt.date(2024, 6, 6)).title == "TỜ KHAI MỚI"
    assert in_force(forms, "dang-ky-thu", dt.date(2020, 1, 1)) is None  # before any form
    assert in_force(forms, "chung-thuc-ban-sao", dt.date(2025, 1, 1)) is None  # none at all


def test_filling_prints_the_answers_and_leaves_the_rest_blank():
    (form,) = parse_declarations(data())
    values = {"applicant_full_name": "Nguyễn Thị Hoà", "applicant_phone": "+84912345678",
              "applicant_role": "self", "child_full_name": "Trần Minh An",
              "child_birth_date": dt.date(2024, 3, 15), "child_sex": "nu",
              "want_copies": True, "copies": 2}
    filled = fill(form, FIELDS, values, addressee="UBND phường Mẫu")
    lines = filled.lines
    assert filled.form is form
    assert lines[0].parts[0].value == "UBND phường Mẫu" and lines[0].parts[0].note == 1
    assert lines[2].parts[0].value == "0912345678"  # as people write it
    assert lines[4].parts[0].value == "Trần Minh An"
    assert [p.value for p in lines[5].parts] == [
        "15/03/2024", "Ngày mười lăm, tháng ba, năm hai nghìn không trăm hai mươi bốn", "2024"]
    assert [p.value for p in lines[6].parts] == ["Nữ", "", "Trần Minh An"]  # choice label
    assert lines[7].rows[0].cells == ("Trần Minh An", "")
    assert lines[10].signers[0].name == "Nguyễn Thị Hoà"
    assert [(o.text, o.checked) for o in lines[11].options] == [("Có", True), ("Không", False)]
    assert (lines[11].count.value, lines[11].count.suffix) == ("2", "bản")
    assert lines[8].text.startswith("Tôi cam đoan")


def test_a_line_whose_condition_fails_and_an_unanswered_choice_print_blank():
    (form,) = parse_declarations(data())
    values = {"applicant_role": "representative", "child_full_name": "Trần Minh An"}
    lines = fill(form, FIELDS, values).lines
    assert lines[0].parts[0].value == ""  # no office name given: a dotted line
    assert lines[4].parts[0].value == ""  # only when the applicant asks for themself
    assert lines[6].parts[2].value == "Trần Minh An"  # other lines still print
    assert not any(o.checked for o in lines[11].options) and lines[11].count.value == ""


def test_filling_never_fails_on_odd_values():
    (form,) = parse_declarations(data())
    values = {"child_birth_date": "15/03/2024", "child_sex": "khac", "copies": True,
              "unknown": "x"}
    lines = fill(form, FIELDS, values).lines
    assert lines[5].parts[1].value == "" and lines[6].parts[0].value == ""
    assert lines[11].count.value == ""


def test_parsing_does_not_change_the_data():
    raw = data()
    before = copy.deepcopy(raw)
    parse_declarations(raw)
    assert raw == before
