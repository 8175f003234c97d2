"""Fixtures for the pre-filing tests: a citizen with a phone (a test client) and valid answers."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from tthc.catalogue import services as catalogue_services
from tthc.domain.catalogue import FormField, Procedure
from tthc.domain.completeness import assess, form_fields
from tthc.extensions import db
from tthc.models import Dossier
from tthc.timeutil import today

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
BIRTH = "dang-ky-khai-sinh"
# One person throughout: a woman born 15/03/1990, so her ID digits 4–6 read "1", "90".
APPLICANT = {
    "applicant_full_name": "Nguyễn Thị Hoà",
    "applicant_birth_date": "15/03/1990",
    "applicant_sex": "nu",
    "applicant_id_number": "001190012345",
    "applicant_phone": "0912 345 678",
    "applicant_address": "Số 12 ngõ 34 phố Thụy Khuê, Hà Nội",
}


def valid_answer(form_field: FormField) -> str:
    """A valid raw answer (as a browser sends it) for any field type."""
    kind = form_field.type
    if form_field.name in APPLICANT:
        return APPLICANT[form_field.name]
    if kind == "choice":
        if form_field.name.endswith("sex"):
            return "nu"
        return form_field.choices[0][0]
    if kind == "bool":
        return "1"
    if kind == "int":
        return str(max(form_field.options.get("minimum", 1), 1))
    if kind == "date":  # recent: a birth registered on time, a death within 15 days…
        return (today() - dt.timedelta(days=5)).strftime("%d/%m/%Y")
    return {
        "name": "Trần Minh An",
        "id_number": "001190012345",
        "phone": "0912 345 678",
        "email": "hoa@example.vn",
        "textarea": "Nội dung đề nghị",
    }.get(kind, form_field.default or "Phường Mẫu, Hà Nội")


def procedure(app, code: str) -> Procedure:
    with app.app_context():
        return catalogue_services.spec_of(catalogue_services.get_in_force(code))


def complete_answers(spec: Procedure) -> dict[str, str]:
    answers = {f.name: valid_answer(f) for f in form_fields(spec)}
    # id numbers of other people must agree with their own dates of birth: leave them out
    for name, value in list(answers.items()):
        if name.endswith("id_number") and name != "applicant_id_number":
            form_field = next(f for f in form_fields(spec) if f.name == name)
            if not form_field.required:
                answers[name] = ""
    report = assess(spec, answers, {p.key for p in spec.papers}, today=today())
    assert report.complete, [(g.target, str(g.message)) for g in report.gaps]
    return answers


def papers_to_bring(spec: Procedure, answers) -> list[str]:
    report = assess(spec, answers, set(), today=today())
    return [p.key for p in report.papers if not p.generated]


class Citizen:
    """A phone: a test client that starts drafts and posts forms with their CSRF token."""

    def __init__(self, app, client):
        self.app, self.client = app, client
        self._csrf: str | None = None

    def csrf(self) -> str:
        if self._csrf is None:
            self._csrf = CSRF.search(self.client.get("/tra-cuu").get_data(as_text=True))[1]
        return self._csrf

    def start(self, code: str = BIRTH) -> str:
        """Create a draft; return its page's path (/ho-so/<token>)."""
        response = self.client.post("/nop-truoc", data={"csrf_token": self.csrf(),
                                                        "thu_tuc": code})
        assert response.status_code == 303, response.status_code
        return response.headers["Location"]

    def post(self, path: str, data=None, *, htmx: bool = False, csrf: bool = True,
             whole_form: bool = True, **kwargs):
        """POST like the browser: with the CSRF token and, by default, as the whole dossier
        form (its marker field says that an absent field means an empty one)."""
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf_token", self.csrf())
        if whole_form:
            data.setdefault("_form", "dossier")
        headers = dict(kwargs.pop("headers", {}))
        if htmx:
            headers["HX-Request"] = "true"
        return self.client.post(path, data=data, headers=headers, **kwargs)

    def action(self, path: str, **kwargs):
        """Press a one-button form (submit with what is stored, reopen, withdraw…)."""
        return self.post(path, whole_form=False, **kwargs)

    def page_state(self, path: str) -> dict[str, str]:
        """The hidden state fields the draft page posts with every live check."""
        page = self.client.get(path).get_data(as_text=True)
        return {name: re.search(rf'name="{name}" value="([^"]*)"', page)[1]
                for name in ("_msgs", "_hidden", "_panel")}

    def dossier(self, path: str) -> Dossier:
        """The stored dossier of a draft path (reads the database afresh)."""
        from tthc.intake.services import hash_secret

        token = path.rstrip("/").split("/")[2]
        with self.app.app_context():
            dossier = db.session.scalar(select(Dossier).filter_by(token_hash=hash_secret(token)))
            assert dossier is not None
            dossier.events, dossier.uploads  # load before the session closes
            db.session.expunge(dossier)
            return dossier

    def fill_complete(self, path: str, code: str = BIRTH, **extra) -> dict[str, str]:
        """Post a complete set of answers, every paper marked "will bring"."""
        spec = procedure(self.app, code)
        answers = complete_answers(spec)
        data = {**answers, **extra}
        data["papers_confirmed"] = papers_to_bring(spec, answers)
        response = self.post(path + "/luu", data)
        assert response.status_code == 303
        return answers


@pytest.fixture
def citizen(app, client):
    return Citizen(app, client)


@pytest.fixture
def other_phone(app):
    return Citizen(app, app.test_client())
