"""The admin's procedures: versions from a date, edited only before they are in force,
checked by the catalogue file's own parser, followed by the public pages from their date."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from tests.auth import factories
from tthc import timeutil
from tthc.extensions import db
from tthc.models import AccessLog, Dossier, ProcedureVersion, Staff

COPY = "chung-thuc-ban-sao"
URL = "/can-bo/quan-tri/thu-tuc"


class _FormReader(HTMLParser):
    """The values a browser would post from the page's form (by the form's action)."""

    def __init__(self, action: str):
        super().__init__(convert_charrefs=True)
        self.action, self.inside, self.values = action, False, []
        self._textarea: str | None = None
        self._select: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside:
            return
        if tag == "input" and a.get("name") and a.get("type") not in ("submit", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.values.append((a["name"], a.get("value") or ""))
        elif tag == "textarea":
            self._textarea, self._text = a["name"], []
        elif tag == "select":
            self._select = a["name"]
        elif tag == "option" and self._select and "selected" in a:
            self.values.append((self._select, a.get("value") or ""))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.values.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_values(html: str, action: str) -> dict[str, list[str]]:
    reader = _FormReader(action)
    reader.feed(html)
    values: dict[str, list[str]] = {}
    for name, value in reader.values:
        values.setdefault(name, []).append(value)
    return values


class Admin:
    """The demo office's admin at a browser without JavaScript."""

    def __init__(self, app, staff_id: int):
        self.client = app.test_client()
        factories.login(self.client, staff_id)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def form(self, path: str) -> dict[str, list[str]]:
        html = self.get(path).get_data(as_text=True)
        return form_values(html, path)

    def post(self, path: str, values: dict, **kwargs):
        return self.client.post(path, data=values, **kwargs)


@pytest.fixture
def admin(app, demo):
    return Admin(app, demo["staff"]["quantri"])


def set_today(monkeypatch, day: dt.date) -> None:
    """Move the office's clock (tthc.timeutil.now, read by today()) to *day*, 09:00."""
    at = dt.datetime.combine(day, dt.time(9, 0), tzinfo=timeutil.TZ)
    monkeypatch.setattr(timeutil, "now", lambda: at)


def new_version(admin, code: str = COPY, **changes) -> tuple[dict, object]:
    """Open the new version's page, change some fields, save; (values, response)."""
    path = f"{URL}/{code}/moi"
    values = admin.form(path)
    for name, value in changes.items():
        values[name] = value if isinstance(value, list) else [value]
    values["action"] = ["save"]
    return values, admin.post(path, values)


def versions(app, code: str = COPY) -> list[ProcedureVersion]:
    with app.app_context():
        rows = db.session.scalars(select(ProcedureVersion).where(
            ProcedureVersion.procedure.has(code=code))
            .order_by(ProcedureVersion.effective_from)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


_ERROR = re.compile(r'id="([^"]+)-error"><span class="field-error">'
                    r'<span class="visually-hidden">[^<]*</span>([^<]*)</span>')


def errors_of(response) -> dict[str, str]:
    """Field id → the message shown beside it."""
    return dict(_ERROR.findall(response.get_data(as_text=True)))


def tomorrow() -> dt.date:
    return timeutil.today() + dt.timedelta(days=1)


# --- the list, and who may see it ------------------------------------------------------------


def test_the_list_shows_each_procedures_versions(admin):
    page = admin.get(URL).get_data(as_text=True)
    assert "Chứng thực bản sao từ bản chính" in page
    assert "Đang áp dụng" in page
    assert f'href="{URL}/{COPY}/2025-07-01"' in page
    assert f'href="{URL}/{COPY}/moi"' in page


def test_only_admins_reach_the_procedures(app, demo):
    client = app.test_client()
    factories.login(client, demo["staff"]["tiepnhan"])
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}/{COPY}/moi").status_code == 403
    assert app.test_client().get(URL).status_code == 303


def test_the_admin_home_links_to_the_procedures(admin):
    assert f'href="{URL}"' in admin.get("/can-bo/quan-tri").get_data(as_text=True)


# --- a new version from tomorrow -------------------------------------------------------------


def test_a_copy_of_the_version_in_force_saved_unchanged_parses_to_the_same_law(app, admin):
    """Every part of the version survives the form: only the date differs."""
    before = versions(app)
    values, response = new_version(admin)
    assert response.status_code == 303, errors_of(response)  # [:3000]
    after = versions(app)
    assert len(after) == len(before) + 1
    new = after[-1]
    assert new.effective_from == tomorrow()
    from tthc.domain.catalogue import parse_procedure

    old_spec = parse_procedure(before[-1].spec)
    new_spec = parse_procedure(new.spec)
    import dataclasses
    assert dataclasses.replace(new_spec, version=old_spec.version) == old_spec


def test_a_version_from_tomorrow_is_used_from_tomorrow_only(app, admin, monkeypatch):
    _, response = new_version(admin, name_vi="Chứng thực bản sao (mẫu mới)",
                              statutory_days="0")
    assert response.status_code == 303
    public = app.test_client()
    today_page = public.get(f"/thu-tuc/{COPY}").get_data(as_text=True)
    assert "Chứng thực bản sao từ bản chính" in today_page
    assert "mẫu mới" not in today_page
    assert "mẫu mới" not in public.get(f"/nop-truoc?thu_tuc={COPY}").get_data(as_text=True)
    set_today(monkeypatch, tomorrow())
    assert "mẫu mới" in public.get(f"/thu-tuc/{COPY}").get_data(as_text=True)
    assert "mẫu mới" in public.get(f"/nop-truoc?thu_tuc={COPY}").get_data(as_text=True)


def test_a_dossier_received_today_keeps_its_version(app, admin, demo, monkeypatch):
    from tthc.intake import services as intake
    from tthc.catalogue import services as catalogue
    from tthc.domain.status import Status
    from tthc.models import Office

    with app.app_context():
        version = catalogue.get_in_force(COPY)
        office = db.session.get(Office, demo["office"])
        received, _ = intake.create_draft(version, office, None)
        received.status = int(Status.RECEIVED)
        draft, _ = intake.create_draft(version, office, None)
        db.session.commit()
        old_id, received_id, draft_id = version.id, received.id, draft.id
    _, response = new_version(admin, name_vi="Chứng thực bản sao (mẫu mới)")
    assert response.status_code == 303
    set_today(monkeypatch, tomorrow())
    with app.app_context():
        for dossier_id in (received_id, draft_id):
            intake.refresh_version(db.session.get(Dossier, dossier_id))
        assert db.session.get(Dossier, received_id).procedure_version_id == old_id
        # A draft not yet sent follows the law in force (tthc.intake.sending.refresh_version).
        assert db.session.get(Dossier, draft_id).procedure_version_id != old_id


def test_each_change_is_in_the_access_log(app, admin):
    new_version(admin)
    with app.app_context():
        entry = db.session.scalars(select(AccessLog).filter_by(action="catalogue")).one()
        assert entry.detail == f"new version {COPY} {tomorrow().isoformat()}"
        assert entry.dossier_id is None


# --- what the form refuses, in Vietnamese, nothing lost -------------------------------------


def test_the_parsers_rules_show_beside_the_field_and_keep_what_was_typed(app, admin):
    values, response = new_version(admin, name_vi="   ", statutory_days="2",
                                   summary_en="Typed text kept")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert errors_of(response) == {"name_vi": "Cần nhập mục này."}
    assert "Typed text kept" in page
    assert len(versions(app)) == 1


def test_same_day_needs_a_legal_time_of_zero(admin):
    _, response = new_version(admin, statutory_days="3")  # the copy is a same-day procedure
    assert response.status_code == 422
    assert "thời hạn giải quyết là 0 ngày" in errors_of(response)["monday_same_day"]


def test_a_bad_paper_condition_is_refused_on_its_row(admin):
    _, response = new_version(admin, **{"papers-1-when": "{ no_such_field = true }"})
    assert response.status_code == 422
    assert "no_such_field" in errors_of(response)["papers-1-when"]


def test_a_date_that_already_has_a_version_is_refused(app, admin):
    _, response = new_version(admin, effective_from="01/07/2025", confirm_past="1")
    assert response.status_code == 422
    assert "Thủ tục đã có phiên bản từ ngày 01/07/2025" in response.get_data(as_text=True)
    assert len(versions(app)) == 1


def test_a_past_date_needs_the_admins_confirmation(app, admin):
    yesterday = (timeutil.today() - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    values, response = new_version(admin, effective_from=yesterday)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "không sau hôm nay" in page and 'name="confirm_past"' in page
    values["confirm_past"] = ["1"]
    assert admin.post(f"{URL}/{COPY}/moi", values).status_code == 303
    assert versions(app)[-1].effective_from == timeutil.today() - dt.timedelta(days=1)


# --- rows added, removed and moved without JavaScript ---------------------------------------


def test_rows_are_added_moved_and_removed_by_posting_the_form(app, admin):
    path = f"{URL}/{COPY}/moi"
    values = admin.form(path)
    values["name_en"] = ["Kept while rows change"]
    values["action"] = ["add_paper"]
    page = admin.post(path, values).get_data(as_text=True)
    assert "Kept while rows change" in page
    values = form_values(page, path)
    assert "papers-2-key" in values  # a third paper, empty
    values.update({"papers-2-key": ["giay_uy_quyen"], "papers-2-name_vi": ["Giấy ủy quyền"],
                   "papers-2-name_en": ["Power of attorney"], "papers-2-required": [],
                   "papers-2-form": ["original"],
                   "action": ["up_paper:2"]})
    values.pop("papers-2-required")
    page = admin.post(path, values).get_data(as_text=True)
    assert '<details class="section admin-row" id="papers-1" open>' in page  # the moved row
    values = form_values(page, path)
    assert values["papers-1-key"] == ["giay_uy_quyen"]
    assert "papers-1-required" not in values  # unticked, and still unticked after the move
    values["action"] = ["remove_paper:0"]
    values = form_values(admin.post(path, values).get_data(as_text=True), path)
    assert values["papers-0-key"] == ["giay_uy_quyen"] and "papers-2-key" not in values
    values["action"] = ["save"]
    response = admin.post(path, values)
    assert response.status_code == 303, errors_of(response)
    papers = versions(app)[-1].spec["papers"]
    assert [p["key"] for p in papers] == ["giay_uy_quyen", "ban_sao"]
    assert papers[0]["required"] is False


def test_fees_and_return_channels_are_edited(app, admin):
    _, response = new_version(admin, **{"fees-1-kind": "fixed", "fees-1-amount": "5000",
                                        "return_channels": ["desk"]})
    assert response.status_code == 303, errors_of(response)  # [:2000]
    spec = versions(app)[-1].spec
    assert spec["fees"][1]["kind"] == "fixed" and spec["fees"][1]["amount"] == 5000
    assert spec["return_channels"] == ["desk"]


def test_extensions_of_time_are_rows_like_papers(app, admin):
    path = f"{URL}/{COPY}/moi"
    values = admin.form(path)
    # The copy starts with the version in force's extensions (the seed has one).
    assert values["extensions-0-key"] == ["nhieu_giay_to"]
    values["action"] = ["add_extension"]
    values = form_values(admin.post(path, values).get_data(as_text=True), path)
    values.update({"extensions-1-key": ["ban_chinh_dai"],
                   "extensions-1-label_vi": ["Bản chính có nhiều trang"],
                   "extensions-1-label_en": ["A long original"], "extensions-1-working_days": ["2"],
                   "extensions-1-legal_basis": ["Nghị định 23/2015/NĐ-CP, Điều 7"],
                   "extensions-1-appointment": ["1"], "action": ["save"]})
    response = admin.post(path, values)
    assert response.status_code == 303, errors_of(response)
    stored = versions(app)[-1].spec["extensions"]
    assert [e["key"] for e in stored] == ["nhieu_giay_to", "ban_chinh_dai"]
    assert stored[-1] == {
        "key": "ban_chinh_dai", "label_vi": "Bản chính có nhiều trang",
        "label_en": "A long original", "working_days": 2,
        "legal_basis": "Nghị định 23/2015/NĐ-CP, Điều 7", "appointment": True}
    copied = admin.form(f"{URL}/{COPY}/moi?tu={tomorrow().isoformat()}")
    assert copied["extensions-1-working_days"] == ["2"]
    assert copied["extensions-1-appointment"] == ["1"]


def test_other_keys_are_kept_and_checked(app, admin):
    # Keys the editor has no field for (competence, sources) arrive in the box: keep them.
    kept = admin.form(f"{URL}/{COPY}/moi")["extra_toml"][0]
    extra = kept + '\n[[competence]]\nlevel = "xa"\nsince = "2025-07-01"\n'
    _, response = new_version(admin, extra_toml=extra)
    assert response.status_code == 303
    assert versions(app)[-1].spec["competence"] == [{"level": "xa", "since": "2025-07-01"}]
    _, response = new_version(admin, extra_toml="competence = [",
                              effective_from=(tomorrow() + dt.timedelta(days=1))
                              .strftime("%d/%m/%Y"))
    assert response.status_code == 422
    assert errors_of(response)["extra_toml"].startswith("Không đọc được nội dung TOML")


# --- a version in force is never edited; one to come is ---------------------------------------


def test_a_version_in_force_cannot_be_edited(app, admin):
    path = f"{URL}/{COPY}/2025-07-01"
    page = admin.get(path).get_data(as_text=True)
    assert 'name="action"' not in page  # shown, not as a form
    before = versions(app)[0].content_hash
    values = admin.form(f"{URL}/{COPY}/moi")  # a whole version, as a forged post would send
    values.update(name_vi=["Đổi tên"], effective_from=["01/07/2025"], confirm_past=["1"])
    response = admin.post(path, values)
    assert response.status_code == 409
    assert "Không sửa được" in response.get_data(as_text=True)
    assert versions(app)[0].content_hash == before


def test_a_version_to_come_is_edited_until_it_is_in_force(app, admin, monkeypatch):
    new_version(admin)
    day = tomorrow().isoformat()
    path = f"{URL}/{COPY}/{day}"
    values = admin.form(path)
    values["name_vi"] = ["Tên đã sửa"]
    values["action"] = ["save"]
    assert admin.post(path, values).status_code == 303
    assert versions(app)[-1].name_vi == "Tên đã sửa"
    assert len(versions(app)) == 2
    values = admin.form(path)
    set_today(monkeypatch, tomorrow())  # midnight has passed: it is in force now
    values["name_vi"] = ["Sửa muộn"]
    values["action"] = ["save"]
    assert admin.post(path, values).status_code == 409
    assert versions(app)[-1].name_vi == "Tên đã sửa"


def test_an_edit_from_a_stale_page_is_refused(app, admin):
    new_version(admin)
    path = f"{URL}/{COPY}/{tomorrow().isoformat()}"
    first, second = admin.form(path), admin.form(path)
    first.update(name_vi=["Lần một"], action=["save"])
    second.update(name_vi=["Lần hai"], action=["save"])
    assert admin.post(path, first).status_code == 303
    assert admin.post(path, second).status_code == 409
    assert versions(app)[-1].name_vi == "Lần một"


# --- the citizen's form, before it applies ----------------------------------------------------


def test_the_preview_shows_the_citizens_form_and_checks_without_saving(app, admin):
    path = f"{URL}/{COPY}/moi"
    values = admin.form(path)
    values["action"] = ["add_field"]
    values = form_values(admin.post(path, values).get_data(as_text=True), path)
    last = max(int(k.split("-")[1]) for k in values if k.startswith("fields-"))
    values.update({f"fields-{last}-name": ["ly_do"],
                   f"fields-{last}-label_vi": ["Lý do xin bản sao"],
                   f"fields-{last}-label_en": ["Why"], f"fields-{last}-type": ["text"],
                   "action": ["save"]})
    response = admin.post(path, values)
    assert response.status_code == 303, errors_of(response)
    path = f"{URL}/{COPY}/{tomorrow().isoformat()}/xem-truoc"
    page = admin.get(path).get_data(as_text=True)
    assert "Lý do xin bản sao" in page and 'name="ly_do"' in page
    with app.app_context():
        count = db.session.scalar(select(db.func.count(Dossier.id)))
    values = form_values(page, path)
    values.update(ly_do=[""], documents=["abc"])
    checked = admin.post(path, values)
    assert checked.status_code == 200
    assert "documents" in errors_of(checked)
    with app.app_context():
        assert db.session.scalar(select(db.func.count(Dossier.id))) == count
    assert "Lý do xin bản sao" not in app.test_client().get(
        f"/nop-truoc?thu_tuc={COPY}").get_data(as_text=True)


def test_keys_a_row_has_no_field_for_are_kept_from_version_to_version(app, admin):
    _, response = new_version(admin, **{"papers-0-more": 'verified_by = "quantri"\n'})
    assert response.status_code == 303, errors_of(response)
    day = tomorrow().isoformat()
    assert versions(app)[-1].spec["papers"][0]["verified_by"] == "quantri"
    values = admin.form(f"{URL}/{COPY}/moi?tu={day}")  # a copy of that version keeps it
    assert values["papers-0-more"] == ['verified_by = "quantri"\n']
    values.update(effective_from=[(tomorrow() + dt.timedelta(days=1)).strftime("%d/%m/%Y")],
                  action=["save"])
    values["papers-0-more"] = ['name_vi = "Tên"']  # a key with its own field is refused there
    response = admin.post(f"{URL}/{COPY}/moi?tu={day}", values)
    assert response.status_code == 422
    assert errors_of(response) == {
        "papers-0-more": "Mục name_vi có ô riêng trên trang này; sửa ở ô đó."}


def test_the_list_says_which_version_governs_a_date(admin):
    new_version(admin, name_vi="Chứng thực bản sao (mẫu mới)")
    day = tomorrow() + dt.timedelta(days=3)
    page = admin.get(f"{URL}?ngay={day.strftime('%d/%m/%Y')}").get_data(as_text=True)
    section = page.split(f'id="tt-{COPY}"')[1].split("</section>")[0]
    rows = section.split("<tr>")[2:]  # the header row first
    assert "Sắp áp dụng" in rows[0] and f"Áp dụng ngày {day.strftime('%d/%m/%Y')}" in rows[0]
    assert "Áp dụng ngày" not in rows[1]
    assert f"đến {timeutil.today().strftime('%d/%m/%Y')}" in rows[1]  # the old one ends today
    response = admin.get(f"{URL}?ngay=31/02/2027")
    assert response.status_code == 400
    assert errors_of(response)["ngay"].startswith("Nhập ngày dạng dd/mm/yyyy")


def test_the_error_summary_names_the_field_and_links_to_it(admin):
    _, response = new_version(admin, **{"papers-1-name_vi": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert '<a href="#papers-1-name_vi">Giấy tờ 2 – Tên giấy tờ (tiếng Việt): Cần nhập mục ' \
        'này.</a>' in page


@pytest.mark.parametrize("source", ["main", "with extensions"])
def test_every_procedure_of_the_file_survives_the_form_unchanged(app, source):
    """form_data → the form → to_raw gives back the same law, for each of the 12 entries
    (and with the extensions of time the reception work adds to the file)."""
    import tomllib

    from tthc.admin import procedures_forms, procedures_raw
    from tthc.catalogue.services import DEFAULT_FILE
    from tthc.domain.catalogue import parse_procedure

    entries = tomllib.loads(DEFAULT_FILE.read_text(encoding="utf-8"))["procedure"]
    if source == "with extensions":
        entries = [dict(e, extensions=[{"key": "xac_minh", "label_vi": "Cần xác minh",
                                        "label_en": "Verification", "working_days": 5,
                                        "legal_basis": "Luật Hộ tịch 2014, Điều 18",
                                        "appointment": True}]) for e in entries]
    with app.test_request_context():
        for entry in entries:
            data = procedures_raw.form_data(entry, entry["version"])
            assert "fields" not in data["extra_toml"]
            form = procedures_forms.VersionForm(formdata=None, data=data)
            typing = procedures_raw.Typing()
            raw = procedures_raw.to_raw(form, entry["code"], entry["version"], typing)
            assert typing.errors == {}
            assert parse_procedure(raw) == parse_procedure(entry), entry["code"]
            assert raw.get("extensions") == entry.get("extensions")
            assert len(raw.get("fields", [])) == len(entry.get("fields", []))


def test_a_name_longer_than_its_column_is_refused_beside_it(app, admin):
    _, response = new_version(admin, name_en="x" * 301)
    assert response.status_code == 422
    assert errors_of(response) == {"name_en": "Tối đa 300 ký tự."}


def test_the_citizens_form_fields_are_rows_checked_by_the_files_rules(app, admin):
    # A question may only depend on questions above it (the form is filled top down).
    _, response = new_version(admin, **{"fields-0-when": "{ has_copies = true }"})
    assert response.status_code == 422
    assert "has_copies" in errors_of(response)["fields-0-when"]
    _, response = new_version(admin, **{"fields-4-type": "choice",
                                        "fields-4-choices": "co | Có\nkhong | Không | No"})
    assert response.status_code == 422
    assert errors_of(response) == {
        "fields-4-choices": "Mỗi dòng ghi: giá trị | nhãn tiếng Việt | nhãn tiếng Anh."}
    # A choice field whose values the conditions and fees below do not use: accepted.
    _, response = new_version(admin, **{
        "fields-0-type": "choice", "fields-0-options": "",
        "fields-0-choices": "bang | Bằng cấp | Diploma\nkhac | Giấy tờ khác | Other"})
    assert response.status_code == 303, errors_of(response)
    field = versions(app)[-1].spec["fields"][0]
    assert field["choices"] == [
        {"value": "bang", "label_vi": "Bằng cấp", "label_en": "Diploma"},
        {"value": "khac", "label_vi": "Giấy tờ khác", "label_en": "Other"}]
    assert "options" not in field


def test_rows_are_folded_but_a_row_with_a_message_or_a_new_one_is_open(admin):
    _, response = new_version(admin, **{"papers-1-name_vi": ""})
    page = response.get_data(as_text=True)
    assert '<details class="section admin-row" id="papers-1" open>' in page
    assert '<details class="section admin-row" id="papers-0">' in page
    path = f"{URL}/{COPY}/moi"
    values = admin.form(path)
    values["action"] = ["add_fee"]
    page = admin.post(path, values).get_data(as_text=True)
    assert '<details class="section admin-row" id="fees-2" open>' in page
    assert '<details class="section admin-row" id="fees-1">' in page


def test_a_version_in_force_shows_what_it_asks_and_allows(admin):
    page = admin.get(f"{URL}/{COPY}/2025-07-01").get_data(as_text=True)
    assert "Số loại giấy tờ (bản chính) cần chứng thực" in page  # a question of its form
    assert "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao" in page
    assert "Thông tư 226/2016/TT-BTC, Điều 4" in page
    assert f'href="{URL}/{COPY}/moi?tu=2025-07-01"' in page


# --- in a city, the catalogue is the city admin's ------------------------------------------------


def test_in_a_city_only_a_city_admin_changes_the_catalogue(app, demo, admin, other_office):
    # Two offices share one catalogue: a ward's admin reads, exports and previews it, but a
    # new version or an import would change the law of every ward.
    page = admin.get(URL).get_data(as_text=True)
    assert "chỉ quản trị viên cấp thành phố" in page
    assert f'href="{URL}/{COPY}/moi"' not in page and f'href="{URL}/nhap"' not in page
    assert admin.get(f"{URL}/{COPY}/moi").status_code == 403
    assert admin.get(f"{URL}/nhap").status_code == 403
    assert admin.get(f"{URL}/xuat").status_code == 200
    before = len(versions(app))
    with app.app_context():
        officer = db.session.get(Staff, demo["staff"]["quantri"])
        officer.roles = [*officer.roles, "city_admin"]
        db.session.commit()
    _, response = new_version(admin)
    assert response.status_code == 303 and len(versions(app)) == before + 1
