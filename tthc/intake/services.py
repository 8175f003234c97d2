"""Drafts, the live check, submit, withdraw, look-up, the applicant profile and uploads.

Views parse the request and call one function here; the rules themselves are in
``tthc.domain`` (completeness, fees, status). Nothing here logs answers: they are personal
data (domain.md §7).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import AbstractSet, Any, Iterable, Mapping

from flask import current_app
from flask_babel import gettext
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from ..catalogue import services as catalogue_services
from ..domain import codes
from ..domain.applicant import PROFILE_KEYS
from ..domain.catalogue import Procedure
from ..domain.completeness import CompletenessReport, assess, form_fields
from ..domain.i18n import N_, msg
from ..domain.status import CITIZEN, IllegalTransition, Status, allowed_actions, transition
from ..domain.text import fold, nfc
from ..domain.validators import phone_last4
from ..domain.workdays import Calendar, load_calendar_file
from ..extensions import db
from ..models import ApplicantProfile, Dossier, DossierEvent, Office, ProcedureVersion, Upload
from ..models.dossier import utcnow
from ..prepared import Prepared
from ..timeutil import now, today
from . import uploads

#: Statuses in which the citizen may change answers and papers.
EDITABLE = frozenset({Status.DRAFT, Status.SUPPLEMENT})
#: Statuses in which the citizen may withdraw online; later, at the desk (issue: "before the
#: office receives it").
WITHDRAWABLE_ONLINE = frozenset({Status.NEW, Status.SUPPLEMENT})
MAX_ANSWER_LENGTH = 2000  # characters kept per answer; validators say what is too long
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


# --- tokens and loading -------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    """What we store for a secret (a link token, a device cookie): its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


# Built once: making an ORM statement costs more than running it on every live check.
# The dossier's files come in the same query: every page and check counts them as papers.
_BY_TOKEN = (select(Dossier).options(joinedload(Dossier.uploads))
             .where(Dossier.token_hash == bindparam("token_hash")))
_SAVE = Dossier.__table__.update().where(Dossier.__table__.c.id == bindparam("dossier_id"))


@functools.lru_cache(maxsize=64)
def _save_statement(columns: tuple[str, ...]) -> Prepared:
    """_SAVE setting these columns (each from the parameter of its name), prepared once."""
    return Prepared(_SAVE.values({name: bindparam(name) for name in columns}))


# The live check answers every pause in typing and reads only these columns, with the keys
# of the papers that have files, in one plain query: building an ORM object (identity map,
# loader strategies, the joined uploads) cost more than everything else the check reads.
_LIVE_COLUMNS = (Dossier.id, Dossier.office_id, Dossier.procedure_version_id, Dossier.status,
                 Dossier.answers, Dossier.papers_confirmed, Dossier.supplement_items,
                 Dossier.profile_id, Dossier.applicant_name, Dossier.applicant_search,
                 Dossier.phone_last4)
_LIVE_BY_TOKEN = Prepared(
    select(*_LIVE_COLUMNS, Upload.paper_key)
    .outerjoin(Upload, Upload.dossier_id == Dossier.id)
    .where(Dossier.token_hash == bindparam("token_hash")))


class LiveDraft:
    """A draft as the live check reads it: the columns above, as plain attributes.

    It stands in for a Dossier wherever the check goes (the same attribute names); what
    changes it goes through ``_write``. The rarer paths that need the files themselves get
    them from ``uploads``, loaded on first use.
    """

    __slots__ = (*(c.key for c in _LIVE_COLUMNS), "upload_keys", "_uploads")

    def __init__(self, rows):
        for column, value in zip(_LIVE_COLUMNS, rows[0]):
            setattr(self, column.key, value)
        self.upload_keys = frozenset(row[-1] for row in rows if row[-1] is not None)
        self._uploads = None

    @property
    def uploads(self) -> list[Upload]:
        if self._uploads is None:
            self._uploads = list(db.session.scalars(
                select(Upload).where(Upload.dossier_id == self.id).order_by(Upload.id)))
        return self._uploads


def find_by_token(token: str, *, for_check: bool = False) -> Dossier | LiveDraft | None:
    """The dossier a link token opens, or None; malformed tokens never reach the database.

    *for_check*: a LiveDraft, only what the live check reads.
    """
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    params = {"token_hash": hash_secret(token)}
    if for_check:
        rows = _LIVE_BY_TOKEN.rows(db.session.connection(), params)
        return LiveDraft(rows) if rows else None
    return db.session.scalars(_BY_TOKEN, params).unique().first()


def spec_of(dossier: Dossier) -> Procedure:
    """The procedure (version) a dossier follows, parsed once per process.

    Versions are never changed once loaded (catalogue.services.load refuses it), so the
    parsed version is kept by id; the live check then needs no query for it.
    """
    cache = current_app.extensions.setdefault("tthc_intake_specs", {})  # per app (tests)
    spec = cache.get(dossier.procedure_version_id)
    if spec is None:
        spec = cache[dossier.procedure_version_id] = catalogue_services.spec_of(
            db.session.get(ProcedureVersion, dossier.procedure_version_id))
    return spec


def editable(dossier: Dossier) -> bool:
    return Status(dossier.status) in EDITABLE


def supplement_targets(dossier: Dossier) -> frozenset[str] | None:
    """What the desk asked to supplement (field names, "paper:<key>"), or None.

    The desk stores ``supplement_items`` as targets, plain strings or ``{"target": …}``
    tables; while the dossier waits for a supplement only those are asked again.
    """
    if Status(dossier.status) != Status.SUPPLEMENT:
        return None
    targets = set()
    for item in dossier.supplement_items or ():
        target = item.get("target") if isinstance(item, Mapping) else item
        if isinstance(target, str) and target:
            targets.add(target)
    return frozenset(targets)


def supplement_notes(dossier: Dossier) -> list[str]:
    """The desk's own words for each item to supplement, where it wrote any."""
    notes = []
    for item in dossier.supplement_items or ():
        if isinstance(item, Mapping):
            note = item.get("reason") or item.get("note") or ""
            if isinstance(note, str) and note.strip():
                notes.append(note.strip())
    return notes


# --- creating a draft ---------------------------------------------------------------------


def create_draft(version: ProcedureVersion, office: Office,
                 profile: ApplicantProfile | None) -> tuple[Dossier, str]:
    """Start a draft for *version* at *office*; return it and its link token (shown once)."""
    spec = catalogue_services.spec_of(version)
    answers = {f.name: f.default for f in form_fields(spec) if f.default}
    if profile is not None:
        answers.update({k: v for k, v in (profile.data or {}).items()
                        if k in PROFILE_KEYS and isinstance(v, str)})
    token = codes.new_token()
    dossier = Dossier(
        office_id=office.id, procedure_version_id=version.id, status=int(Status.DRAFT),
        channel=2, prefiling_code=_unused_prefiling_code(), token_hash=hash_secret(token),
        answers=answers, papers_confirmed=[],
        profile_id=profile.id if profile is not None else None,
    )
    _denormalise(dossier)
    dossier.events.append(DossierEvent(actor=CITIZEN, action="create", source=None,
                                       target=int(Status.DRAFT)))
    db.session.add(dossier)
    db.session.commit()
    return dossier, token


def _unused_prefiling_code() -> str:
    # 31**8 codes: a collision is rare, but the column is unique, so look before using one.
    while True:
        code = codes.new_prefiling_code()
        if db.session.scalar(select(Dossier.id).filter_by(prefiling_code=code)) is None:
            return code


# --- answers --------------------------------------------------------------------------------


def answer_fields(spec: Procedure, dossier: Dossier) -> list:
    """The form fields the citizen can change now: all of them, or a supplement's."""
    fields = form_fields(spec)
    only = supplement_targets(dossier)
    if only is not None:
        fields = tuple(f for f in fields if f.name in only)
    return list(fields)


def read_answers(spec: Procedure, dossier: Dossier, form: Mapping[str, Any]) -> dict[str, str]:
    """The dossier's answers updated with what *form* posted for the fields shown.

    Every field on the form is read, present or not: an unticked box is not sent at all
    and means "no". Text is kept as typed (NFC), cut at a sane length.
    """
    answers = dict(dossier.answers or {})
    for form_field in answer_fields(spec, dossier):
        raw = form.get(form_field.name, "")
        answers[form_field.name] = nfc(raw if isinstance(raw, str) else "")[:MAX_ANSWER_LENGTH]
    return answers


def read_papers_confirmed(spec: Procedure, dossier: Dossier, values: Iterable[str]) -> list[str]:
    keys = {p.key for p in spec.papers}
    only = supplement_targets(dossier)
    kept = set(dossier.papers_confirmed or ())
    shown = {k for k in keys if only is None or f"paper:{k}" in only}
    chosen = {v for v in values if v in shown}
    return sorted((kept - shown) | chosen)


def save(dossier: Dossier, answers: Mapping[str, str], papers_confirmed: list[str]) -> bool:
    """Store the answers if they changed; True when something was written.

    Every pause in typing saves, so this is one plain UPDATE of the changed columns rather
    than a flush of the whole object; the object is then brought in step without a reload.
    """
    if dict(dossier.answers or {}) == dict(answers) and \
            list(dossier.papers_confirmed or []) == papers_confirmed:
        return False
    values = {"answers": dict(answers), "papers_confirmed": list(papers_confirmed),
              **_denormalised(answers)}
    values = {k: v for k, v in values.items() if getattr(dossier, k) != v}
    _write(dossier, values)
    db.session.commit()
    return True


def _write(dossier: Dossier | LiveDraft, values: Mapping[str, Any]) -> None:
    """One plain UPDATE of *values* (and updated_at); the object is brought in step without
    a reload. The caller commits."""
    values = {**values, "updated_at": utcnow()}
    _save_statement(tuple(sorted(values))).rows(db.session.connection(),
                                                {"dossier_id": dossier.id, **values})
    for key, value in values.items():
        if isinstance(dossier, LiveDraft):
            if key in LiveDraft.__slots__:
                setattr(dossier, key, value)
        else:
            set_committed_value(dossier, key, value)


def _denormalise(dossier: Dossier) -> None:
    for key, value in _denormalised(dossier.answers or {}).items():
        setattr(dossier, key, value)


def _denormalised(answers: Mapping[str, Any]) -> dict[str, str]:
    """What look-up and staff lists need, copied out of the answers (lists mask them)."""
    name = " ".join(str(answers.get("applicant_full_name") or "").split())[:200]
    return {"applicant_name": name, "applicant_search": fold(name)[:200],
            "phone_last4": phone_last4(answers.get("applicant_phone"))}


def provided_papers(dossier: Dossier | LiveDraft) -> set[str]:
    """Papers the citizen has uploaded or promised to bring."""
    uploaded = dossier.upload_keys if isinstance(dossier, LiveDraft) else {
        u.paper_key for u in dossier.uploads}
    return set(uploaded) | set(dossier.papers_confirmed or ())


def assess_dossier(dossier: Dossier, spec: Procedure | None = None) -> CompletenessReport:
    """The completeness report of a dossier as stored; the rules are the domain's."""
    spec = spec or spec_of(dossier)
    return assess(spec, dossier.answers or {}, provided_papers(dossier), today=today(),
                  only=supplement_targets(dossier))


# --- status changes -------------------------------------------------------------------------


def change_status(dossier: Dossier, action: str, actor: str, *, staff=None,
                  note: str = "") -> DossierEvent:
    """Move *dossier* by *action* (the transition table decides) and record the event.

    Raises ``tthc.domain.status.IllegalTransition`` when the table does not allow it. The
    caller commits. *staff* is the Staff member acting, if any (the desk reuses this).
    """
    source = Status(dossier.status)
    target = transition(source, action, actor)
    dossier.status = int(target)
    event = DossierEvent(actor=actor, action=action, source=int(source), target=int(target),
                         staff_id=getattr(staff, "id", None), note=note)
    dossier.events.append(event)
    return event


class Incomplete(Exception):
    """Submit refused: the report still has gaps."""

    def __init__(self, report: CompletenessReport):
        super().__init__("dossier incomplete")
        self.report = report


def submit(dossier: Dossier) -> CompletenessReport:
    """Send a complete draft (or a complete supplement) to the office: status 1, channel online.

    The server's own assessment decides; raises Incomplete when anything is missing.
    """
    refresh_version(dossier)
    report = assess_dossier(dossier)
    if not report.complete:
        raise Incomplete(report)
    action = "complete_supplement" if Status(dossier.status) == Status.SUPPLEMENT else "submit"
    change_status(dossier, action, CITIZEN)
    dossier.channel = 2
    dossier.submitted_at = utcnow()
    dossier.fee_estimate = report.fee.total if report.fee and not report.fee.unknown else None
    db.session.commit()
    return report


def reopen(dossier: Dossier) -> None:
    """Edit a submitted dossier again before the office receives it (status 1 → draft)."""
    change_status(dossier, "reopen", CITIZEN)
    db.session.commit()


def withdraw(dossier: Dossier, note: str = "") -> None:
    """The citizen withdraws the dossier (status 7)."""
    if Status(dossier.status) not in WITHDRAWABLE_ONLINE:
        raise IllegalTransition(
            msg(N_("Hồ sơ đã được tiếp nhận: để rút hồ sơ, vui lòng liên hệ Bộ phận Một cửa.")),
            current=Status(dossier.status), action="withdraw", actor=CITIZEN)
    change_status(dossier, "withdraw", CITIZEN, note=note)
    db.session.commit()


def citizen_actions(dossier: Dossier) -> tuple[str, ...]:
    """What the citizen can do online now: reopen, withdraw."""
    actions = allowed_actions(Status(dossier.status), CITIZEN)
    return tuple(a for a in actions
                 if a == "reopen" or (a == "withdraw"
                                      and Status(dossier.status) in WITHDRAWABLE_ONLINE))


def refresh_version(dossier: Dossier) -> None:
    """Until reception, a draft follows the procedure version in force (the law may change)."""
    if Status(dossier.status) not in (Status.DRAFT, Status.NEW):
        return
    code = dossier.procedure_version.procedure.code
    current = catalogue_services.get_in_force(code)
    if current is not None and current.id != dossier.procedure_version_id:
        dossier.procedure_version = current


# --- look-up --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LookupResult:
    dossier: Dossier | None
    phone_matches: bool | None  # None: no digits given


def normalise_last4(raw: str | None) -> str | None:
    """Four digits, or None when the input is not four digits."""
    digits = re.sub(r"[\s.\-]", "", nfc(raw or ""))
    return digits if re.fullmatch(r"[0-9]{4}", digits) else None


def find_by_code(raw: str) -> Dossier | None:
    """A dossier by its pre-filing code (any spacing, case) or its official code."""
    prefiling = codes.normalise_prefiling_code(raw)
    if prefiling:
        found = db.session.scalar(select(Dossier).filter_by(prefiling_code=prefiling))
        if found is not None:
            return found
    official = " ".join(nfc(raw or "").split()).upper()
    if not official or len(official) > 40:
        return None
    return db.session.scalar(select(Dossier).where(db.func.upper(Dossier.code) == official))


def lookup(code: str, last4: str | None) -> LookupResult:
    dossier = find_by_code(code)
    if dossier is None or last4 is None:
        return LookupResult(dossier, None)
    # Compare in constant time: the four digits are the only secret here.
    matches = bool(dossier.phone_last4) and secrets.compare_digest(dossier.phone_last4, last4)
    return LookupResult(dossier, matches)


# --- the applicant profile (a phone's remembered details) ----------------------------------


def new_device_secret() -> str:
    return secrets.token_urlsafe(32)


def profile_for(device_secret: str | None) -> ApplicantProfile | None:
    if not device_secret or len(device_secret) > 100:
        return None
    return db.session.scalar(
        select(ApplicantProfile).filter_by(device_hash=hash_secret(device_secret)))


def remember(dossier: Dossier | LiveDraft, device_secret: str, report: CompletenessReport) -> ApplicantProfile:
    """Keep the applicant's valid answers in the phone's profile and link the draft to it."""
    profile = profile_for(device_secret)
    if profile is None:
        profile = ApplicantProfile(device_hash=hash_secret(device_secret), data={})
        db.session.add(profile)
    answers = dossier.answers or {}
    data = {key: answers[key] for key in PROFILE_KEYS
            if answers.get(key) and key not in report.field_errors}
    if profile.data != data:
        profile.data = data
    db.session.flush()
    if dossier.profile_id != profile.id:
        _write(dossier, {"profile_id": profile.id})
    db.session.commit()
    return profile


def stop_remembering(dossier: Dossier | LiveDraft) -> None:
    if dossier.profile_id is not None:
        _write(dossier, {"profile_id": None})
        db.session.commit()


def forget(device_secret: str | None) -> bool:
    """Delete the phone's profile; drafts keep their own answers. True if one existed."""
    profile = profile_for(device_secret)
    if profile is None:
        return False
    db.session.execute(update(Dossier).where(Dossier.profile_id == profile.id)
                       .values(profile_id=None))
    db.session.delete(profile)
    db.session.commit()
    return True


# --- uploads --------------------------------------------------------------------------------


def add_upload(dossier: Dossier, paper_key: str, file_storage) -> Upload:
    """Check, convert and store one file for one paper; UploadError says why not."""
    config = current_app.config
    data = uploads.read_limited(file_storage.stream, config["TTHC_UPLOAD_MAX_FILE"])
    content, content_type, pages = uploads.prepare(data)
    used = sum(u.size for u in dossier.uploads)
    if used + len(content) > config["TTHC_UPLOAD_MAX_DOSSIER"]:
        raise uploads.UploadError(gettext(
            "Các tệp của hồ sơ đã gần %(mb)s MB, mức tối đa cho một hồ sơ. Xóa bớt ảnh không "
            "cần thiết, hoặc mang bản giấy đến Bộ phận Một cửa.",
            mb=uploads._mb(config["TTHC_UPLOAD_MAX_DOSSIER"])), 413)
    name = uploads.store(content, content_type)
    upload = Upload(paper_key=paper_key, stored_name=name, content_type=content_type,
                    size=len(content), pages=pages)
    dossier.uploads.append(upload)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.remove(name)
        raise
    return upload


def delete_upload(dossier: Dossier, upload_id: int) -> bool:
    upload = next((u for u in dossier.uploads if u.id == upload_id), None)
    if upload is None:
        return False
    name = upload.stored_name
    dossier.uploads.remove(upload)
    db.session.delete(upload)
    db.session.commit()
    uploads.remove(name)
    return True


def can_read_upload(dossier: Dossier, *, token_ok: bool, staff=None) -> bool:
    """Who may open a dossier's files: the holder of its link, and staff of its office.

    The desk extends the staff rule (roles, access log); here a staff member of the same
    office is enough.
    """
    if token_ok:
        return True
    return staff is not None and getattr(staff, "office_id", None) == dossier.office_id \
        and bool(getattr(staff, "is_active", False))


# --- what to tell the citizen ---------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _calendar() -> Calendar:
    return load_calendar_file()


def next_monday(procedure: Procedure, at: dt.datetime | None = None) -> dt.date | None:
    """The next Monday the office works on, for a same-day procedure, else None.

    Today counts when it is such a Monday and the cut-off has not passed.
    """
    if not procedure.monday_same_day:
        return None
    at = at or now()
    day = at.date()
    hour, minute = (int(x) for x in procedure.cutoff.split(":"))
    if day.weekday() == 0 and at.time() >= dt.time(hour, minute):
        day += dt.timedelta(days=1)
    try:
        calendar = _calendar()
    except (OSError, ValueError):
        calendar = Calendar()
    for _ in range(60):
        if day.weekday() == 0 and calendar.is_working_day(day):
            return day
        day += dt.timedelta(days=1)
    return None


def answers_changed(before: Mapping[str, Any], after: Mapping[str, Any],
                    keys: AbstractSet[str] | Iterable[str]) -> bool:
    return any((before or {}).get(k) != (after or {}).get(k) for k in keys)


# --- what the desk uses of intake (the desk imports nothing else from it) ------------------
# Imported last: declaration reads this module's spec_of at call time.

from .declaration import form_for as declaration_form_for  # noqa: E402
from .declaration import render as render_declaration  # noqa: E402
from .forms import bind, posted_answers  # noqa: E402
from .present import declaration_rows, gap_groups, panel_state, sections  # noqa: E402
from .uploads import PDF, path_of  # noqa: E402
