"""Smaller pieces: reading a posted form, who reads files, messages in English, PostgreSQL."""

import datetime as dt
import re
from types import SimpleNamespace

import pytest

from tests.conftest import make_app, migrate_and_seed
from tthc.intake import forms, services, uploads

from .conftest import APPLICANT, BIRTH, Citizen, procedure


@pytest.mark.parametrize("posted, expected", [
    ({}, {"want_copies": "", "has_birth_certificate": "", "applicant_sex": ""}),
    ({"want_copies": "1", "has_birth_certificate": "có", "applicant_sex": "nu"},
     {"want_copies": "1", "has_birth_certificate": "1", "applicant_sex": "nu"}),
    ({"want_copies": "0", "has_birth_certificate": "không"},
     {"want_copies": "", "has_birth_certificate": ""}),
    ({"want_copies": "false", "child_full_name": "  Trần  An ", "copies": "3"},
     {"want_copies": "", "child_full_name": "  Trần  An ", "copies": "3"}),
])
def test_a_posted_form_reads_yes_no_by_the_one_rule_and_keeps_text_as_typed(app, posted,
                                                                               expected):
    spec = procedure(app, BIRTH)
    with app.test_request_context(method="POST", data=posted):
        from flask import request

        answers = forms.posted_answers(forms.bind(spec, formdata=request.form))
    assert {k: answers[k] for k in expected} == expected
    assert set(answers) == set(forms.form_class(spec).specs)


def test_the_form_is_built_from_the_data(app):
    cls = forms.form_class(procedure(app, BIRTH))
    assert list(cls.specs)[:2] == ["applicant_full_name", "applicant_birth_date"]
    assert "child_full_name" in cls.specs and "copies" in cls.specs


@pytest.mark.parametrize("kind, accepted, refused", [
    ("id_number", ["001190012345", "001 190 012 345", "001.190.012.345", "001-190–012345"],
     ["00119001234a", "001/190"]),
    ("phone", ["0912 345 678", "+84 912 345 678", "(024) 3825 1234", "0912.345.678"],
     ["0912 345 67x", "09123@5678"]),
    ("date", ["25/03/1990", "5/3/1990", "25-03-1990", "25.03.1990", "1990-03-25",
              "25 / 03 / 1990", "25031990", "25 03 1990"], ["25 tháng 3", "ngày 25/03"]),
    ("int", ["3", " 12 "], ["ba", "3.5", "-1"]),
])
def test_the_browser_checks_only_formats_the_domain_refuses_too(kind, accepted, refused):
    """Each HTML pattern lets through what the domain's validator accepts, so the page
    never flags an answer the server takes; it flags characters the server refuses."""
    import re

    from tthc.domain.validators import VALIDATORS

    fmt = forms.FORMATS[kind]
    for value in accepted:
        assert not VALIDATORS[kind](value).errors, value
        assert re.fullmatch(fmt["pattern"], value), value
        assert len(value) <= int(fmt.get("maxlength", 10**6))
    for value in refused:
        assert VALIDATORS[kind](value).errors, value
        assert not re.fullmatch(fmt["pattern"], value), value


def test_the_form_carries_the_formats_on_its_controls(citizen):
    page = citizen.client.get(citizen.start() + "/phan/1").get_data(as_text=True)
    control = re.search(r'<input[^>]*id="applicant_id_number"[^>]*>', page)[0]
    assert 'inputmode="numeric"' in control and 'maxlength="24"' in control
    assert 'pattern="[0-9\\s.\\-‐-―]*"' in control
    phone = re.search(r'<input[^>]*id="applicant_phone"[^>]*>', page)[0]
    assert 'type="tel"' in phone and "pattern=" in phone


def test_who_may_read_a_dossiers_files():
    dossier = SimpleNamespace(office_id=1)
    assert services.can_read_upload(dossier, token_ok=True)
    assert not services.can_read_upload(dossier, token_ok=False)
    assert not services.can_read_upload(dossier, token_ok=False, staff=None)
    same = SimpleNamespace(office_id=1, is_active=True)
    other = SimpleNamespace(office_id=2, is_active=True)
    gone = SimpleNamespace(office_id=1, is_active=False)
    assert services.can_read_upload(dossier, token_ok=False, staff=same)
    assert not services.can_read_upload(dossier, token_ok=False, staff=other)
    assert not services.can_read_upload(dossier, token_ok=False, staff=gone)


@pytest.mark.parametrize("head, kind", [
    (b"\xff\xd8\xff\xe0rest", uploads.JPEG),
    (b"\x89PNG\r\n\x1a\nrest", uploads.PNG),
    (b"RIFF\x00\x00\x00\x00WEBPVP8 ", uploads.WEBP),
    (b"%PDF-1.7\n", uploads.PDF),
    (b"\xef\xbb\xbf\n%PDF-1.4", None),  # %PDF- only at offset 0 (issue 13)
    (b"\x00\x00\x00\x18ftypheic", uploads.HEIC),
    (b"\x00\x00\x00\x1cftypavif", uploads.HEIC),
    (b"GIF89a", None),
    (b"<svg xmlns=", None),
    (b"", None),
])
def test_file_types_come_from_content(head, kind):
    assert uploads.sniff(head) == kind


def test_next_monday_for_a_same_day_procedure(app):
    from tthc.timeutil import TZ

    spec = procedure(app, BIRTH)
    sunday = dt.datetime(2026, 3, 1, 10, 0, tzinfo=TZ)
    assert services.next_monday(spec, sunday) == dt.date(2026, 3, 2)
    monday_morning = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
    assert services.next_monday(spec, monday_morning) == dt.date(2026, 3, 2)
    monday_late = dt.datetime(2026, 3, 2, 16, 0, tzinfo=TZ)  # after the 15:00 cut-off
    assert services.next_monday(spec, monday_late) == dt.date(2026, 3, 9)
    # Giỗ Tổ falls on Sunday 26/04/2026: Monday 27/04 is the day off, so 04/05 it is
    before = dt.datetime(2026, 4, 24, 9, 0, tzinfo=TZ)
    assert services.next_monday(spec, before) == dt.date(2026, 5, 4)
    assert services.next_monday(procedure(app, "xac-nhan-tinh-trang-hon-nhan")) is None


def test_messages_name_fields_in_english_on_english_pages(citizen):
    path = citizen.start()
    page = citizen.client.get(path + "/phan/3?lang=en").get_data(as_text=True)
    assert "Mother&#39;s full name" in page or "Mother's full name" in page
    text = citizen.post(path + "/nop", {}).get_data(as_text=True)
    # the summary lists the gaps; their field and section names are the English ones
    assert "‘Full name’" in text and "‘Applicant’" in text
    assert "«Họ, chữ đệm và tên»" not in text


@pytest.mark.postgres
def test_the_whole_flow_on_postgresql(postgres_url, tmp_path):
    app = make_app(postgres_url, tmp_path)
    migrate_and_seed(app)
    citizen = Citizen(app, app.test_client())
    path = citizen.start()
    fragment = citizen.post(path + "/kiem-tra", {"applicant_id_number": "12"}, htmx=True)
    assert fragment.status_code == 200 and "12 chữ số" in fragment.get_data(as_text=True)
    citizen.fill_complete(path)
    assert citizen.action(path + "/nop").status_code == 303
    dossier = citizen.dossier(path)
    assert dossier.status == 1
    code = dossier.prefiling_code
    result = citizen.action("/tra-cuu", data={"code": code.lower(), "last4": "5678"})
    assert result.status_code == 200 and "Quá trình xử lý" in result.get_data(as_text=True)
    assert citizen.action(path + "/rut", data={"status": "1"}).status_code == 303
    assert citizen.dossier(path).status == 7
    with app.app_context():
        from tthc.extensions import db

        db.engine.dispose()


@pytest.mark.sqlite_only("SQLite's synchronous pragma")
@pytest.mark.parametrize("testing, mode", [(False, "wal"), (True, "delete")])
def test_sqlite_commits_do_not_wait_for_the_disk_outside_tests(tmp_path, testing, mode):
    # Every live check saves: see tthc.configure_sqlite. Tests copy database files, so
    # they keep SQLite's default journal.
    from sqlalchemy import text

    from tthc.extensions import db

    (tmp_path / "w.sqlite").touch()  # the app opens an existing file only (flask db upgrade)
    app = make_app(f"sqlite:///{tmp_path / 'w.sqlite'}", tmp_path, TESTING=testing,
                   TTHC_PLAIN_HTTP=True)
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == mode
        if not testing:
            assert db.session.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        db.engine.dispose()
