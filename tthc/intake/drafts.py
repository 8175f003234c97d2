"""Drafts: finding one by its link, starting one, and saving what the citizen typed.

Every POST of the dossier form (the live check, «Lưu», an upload, «Nộp trước») goes
through :func:`update`: the posted answers are merged into the ORM ``Dossier``, assessed
once by the domain's rules, the phone's remembered details kept in step, and the whole
committed once. Nothing here logs answers: they are personal data (domain.md §7).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..catalogue import services as catalogue_services
from ..domain import codes
from ..domain.applicant import PROFILE_KEYS, fill_from_applicant
from ..domain.catalogue import FormField, Procedure
from ..domain.completeness import CompletenessReport, assess, form_fields, form_sections
from ..domain.status import CITIZEN, EDITABLE, Status
from ..domain.text import fold, nfc
from ..domain.validators import date_text, phone_last4, validate_date
from ..extensions import db
from ..models import ApplicantProfile, Dossier, DossierEvent, Office, ProcedureVersion
from ..timeutil import today

MAX_ANSWER_LENGTH = 2000  # characters kept per answer; validators say what is too long
#: A form of this many sections or more is filled one section per page (GOV.UK's task
#: list): the birth registration's six sections and papers are twelve phone screens on one.
LONG_FORM_SECTIONS = 4
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


# --- tokens and loading -------------------------------------------------------------------


def hash_secret(secret: str) -> str:
    """What we store for a secret (a link token, a device cookie): its SHA-256, in hex."""
    return hashlib.sha256(secret.encode()).hexdigest()


def find_by_token(token: str) -> Dossier | None:
    """The dossier a link token opens, with its files, or None; malformed tokens never
    reach the database."""
    if not isinstance(token, str) or not _TOKEN.fullmatch(token):
        return None
    # The files come in the same query: every page and check counts them as papers.
    return db.session.scalars(select(Dossier).options(joinedload(Dossier.uploads))
                              .where(Dossier.token_hash == hash_secret(token))).unique().first()


def spec_of(dossier: Dossier) -> Procedure:
    """The procedure (version) a dossier follows (parsed by the catalogue)."""
    return catalogue_services.spec_of(dossier.procedure_version)


def editable(dossier: Dossier) -> bool:
    return Status(dossier.status) in EDITABLE


class NotEditable(Exception):
    """The dossier left the citizen's hands (sent, received…) while the save was on its way:
    nothing of it was written."""


def _commit_if_editable(dossier: Dossier) -> None:
    """Commit the citizen's save only if the dossier is still theirs to edit (compare-and-set).

    The UPDATE is sent first: it holds the row (PostgreSQL) or the write lock (SQLite) until
    the commit, so that the status read next is the one the save lands on; a reception
    committed before it is seen, one coming after waits and receives what was saved.
    """
    db.session.flush()
    status = db.session.scalar(select(Dossier.status).where(Dossier.id == dossier.id))
    if Status(status) not in EDITABLE:
        db.session.rollback()
        raise NotEditable
    db.session.commit()


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


def supplement_list(dossier: Dossier) -> list[tuple[str, str, str]]:
    """What the desk asked to supplement: (target, label, reason), as it wrote them."""
    result = []
    for item in dossier.supplement_items or ():
        if isinstance(item, Mapping):
            target, label = item.get("target") or "", item.get("label") or ""
            reason = item.get("reason") or item.get("note") or ""
        else:
            target, label, reason = item, "", ""
        if isinstance(target, str) and isinstance(label, str) and isinstance(reason, str):
            result.append((target, label.strip(), reason.strip()))
    return result


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
        **_denormalised(answers),
    )
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


# --- saving answers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """What one post of the dossier form asks to change.

    *answers*: every field's raw answer as the form read it (an unticked box is "");
    *remember*: None when the form did not show the "remember me" box (a supplement);
    *part*: the step of a long form that was posted (only its fields are read), or None.
    """

    answers: Mapping[str, str]
    papers_confirmed: tuple[str, ...] = ()
    remember: bool | None = None
    device_secret: str | None = None
    part: int | None = None


@dataclass(frozen=True)
class Step:
    """One page of a long form: a section of fields, or the papers (the last step)."""

    number: int  # from 1, as in /ho-so/<token>/phan/<number>
    title: str  # the section's group ("" for the top one); "" for the papers
    title_en: str
    fields: tuple[str, ...] = ()
    papers: bool = False


def steps(spec: Procedure, only: frozenset[str] | None) -> tuple[Step, ...]:
    """A long form's steps, in order; () when the form is one page (short, or a supplement,
    which asks only a few things again)."""
    sections = form_sections(form_fields(spec))
    if only is not None or len(sections) < LONG_FORM_SECTIONS:
        return ()
    result = [Step(n, s.title, s.title_en, s.fields) for n, s in enumerate(sections, 1)]
    if any(not p.generated for p in spec.papers):
        result.append(Step(len(result) + 1, "", "", papers=True))
    return tuple(result)


@dataclass(frozen=True)
class Checked:
    """A dossier after an edit: its report, and what the page lets the citizen change."""

    spec: Procedure
    report: CompletenessReport
    shown: tuple[FormField, ...]  # the fields on the page: those the citizen can change now
    only: frozenset[str] | None  # a supplement's targets, or None
    steps: tuple[Step, ...] = ()  # a long form's pages; () for one page
    step: Step | None = None  # the page of a long form shown or posted, or None

    @property
    def papers_shown(self) -> bool:
        """Whether the page shows the papers (one page, or a long form's last step)."""
        return self.step is None or self.step.papers


def answer_fields(spec: Procedure, only: frozenset[str] | None) -> tuple[FormField, ...]:
    """The form fields the citizen can change now: all of them, or a supplement's."""
    fields = form_fields(spec)
    return fields if only is None else tuple(f for f in fields if f.name in only)


def read_answers(dossier: Dossier, shown: Iterable[FormField],
                 posted: Mapping[str, Any]) -> dict[str, str]:
    """The dossier's answers updated with what was posted for the fields shown.

    Every field shown is read, present or not: an unticked box is not sent at all and
    means "no". Text is kept as typed (NFC), cut at a sane length.
    """
    answers = dict(dossier.answers or {})
    for form_field in shown:
        raw = posted.get(form_field.name, "")
        text = nfc(raw if isinstance(raw, str) else "")[:MAX_ANSWER_LENGTH]
        if form_field.type == "date":  # "12051995" is kept as the page shows it: 12/05/1995
            text = date_text(validate_date(
                text, year_alone=bool(form_field.options.get("year_alone"))).value) or text
        answers[form_field.name] = text
    return answers


def read_papers_confirmed(spec: Procedure, dossier: Dossier, only: frozenset[str] | None,
                          values: Iterable[str]) -> list[str]:
    """The papers promised: the posted choice among those shown, the others as stored."""
    shown = {p.key for p in spec.papers if only is None or f"paper:{p.key}" in only}
    chosen = {v for v in values if v in shown}
    return sorted((set(dossier.papers_confirmed or ()) - shown) | chosen)


def _store(dossier: Dossier, answers: Mapping[str, str], papers_confirmed: list[str]) -> bool:
    """Set the answers on the dossier if they changed (the caller commits)."""
    if dict(dossier.answers or {}) == dict(answers) and \
            list(dossier.papers_confirmed or []) == list(papers_confirmed):
        return False
    dossier.answers = dict(answers)
    dossier.papers_confirmed = list(papers_confirmed)
    for key, value in _denormalised(answers).items():
        if getattr(dossier, key) != value:
            setattr(dossier, key, value)
    return True


def save(dossier: Dossier, answers: Mapping[str, str], papers_confirmed: list[str]) -> bool:
    """Store the answers if they changed, and commit; True when something was written."""
    changed = _store(dossier, answers, papers_confirmed)
    db.session.commit()
    return changed


def _denormalised(answers: Mapping[str, Any]) -> dict[str, str]:
    """What look-up and staff lists need, copied out of the answers (lists mask them)."""
    name = " ".join(str(answers.get("applicant_full_name") or "").split())[:200]
    return {"applicant_name": name, "applicant_search": fold(name)[:200],
            "phone_last4": phone_last4(answers.get("applicant_phone"))}


def rejected_uploads(dossier: Dossier) -> frozenset[int]:
    """Files of the papers the desk asked for again, sent before it asked: while the dossier
    waits for the supplement they are marked, and no longer count as the paper."""
    asked_at = dossier.supplement_requested_at
    targets = supplement_targets(dossier)
    if not targets or asked_at is None:
        return frozenset()
    return frozenset(u.id for u in dossier.uploads
                     if "paper:" + u.paper_key in targets and u.created_at is not None
                     and u.created_at <= asked_at)


def provided_papers(dossier: Dossier) -> set[str]:
    """Papers the citizen has uploaded or promised to bring (not the files sent back)."""
    rejected = rejected_uploads(dossier)
    return {u.paper_key for u in dossier.uploads if u.id not in rejected} \
        | set(dossier.papers_confirmed or ())


def assess_dossier(dossier: Dossier, spec: Procedure | None = None) -> CompletenessReport:
    """The completeness report of a dossier as stored; the rules are the domain's."""
    spec = spec or spec_of(dossier)
    return assess(spec, dossier.answers or {}, provided_papers(dossier), today=today(),
                  only=supplement_targets(dossier))


def check(dossier: Dossier, edit: Edit | None, *, part: int | None = None) -> Checked:
    """Save *edit*, assess the dossier once and keep the phone's remembered details in
    step, in one commit: the live check's one call. With None, only assess it as stored.

    On a long form, *part* (or the edit's) is the step on the page: only its fields are
    read, and the papers only on the papers' step. The applicant's details fill those of
    the person they say they are (applicant.fill_from_applicant)."""
    spec = spec_of(dossier)
    only = supplement_targets(dossier)
    shown = answer_fields(spec, only)
    pages = steps(spec, only)
    part = edit.part if edit is not None and edit.part else part
    step = pages[part - 1] if part and 0 < part <= len(pages) else None
    if step is not None:
        shown = tuple(f for f in shown if f.name in step.fields)
    before = dict(dossier.answers or {})
    if edit is not None:
        answers = read_answers(dossier, shown, edit.answers)
        if only is None:
            answers = fill_from_applicant({f.name for f in form_fields(spec)}, answers,
                                          before)
        confirmed = read_papers_confirmed(spec, dossier, only, edit.papers_confirmed) \
            if step is None or step.papers else list(dossier.papers_confirmed or [])
        _store(dossier, answers, confirmed)
    report = assess(spec, dossier.answers or {}, provided_papers(dossier), today=today(),
                    only=only)
    if edit is not None:
        if edit.remember is not None:
            _keep_profile(dossier, report, before, edit)
        _commit_if_editable(dossier)
    return Checked(spec, report, shown, only, pages, step)


# --- the phone's remembered details, as a draft changes ------------------------------------


def profile_for(device_secret: str | None) -> ApplicantProfile | None:
    if not device_secret or len(device_secret) > 100:
        return None
    return db.session.scalar(
        select(ApplicantProfile).filter_by(device_hash=hash_secret(device_secret)))


def _keep_profile(dossier: Dossier, report: CompletenessReport, before: Mapping[str, Any],
                  edit: Edit) -> None:
    """Remember the applicant's valid answers on the phone, or stop, as the citizen chose."""
    if not edit.remember:
        dossier.profile_id = None
        return
    answers = dossier.answers or {}
    if dossier.profile_id is not None and all(
            before.get(k) == answers.get(k) for k in PROFILE_KEYS):
        return
    if not edit.device_secret:
        return
    profile = profile_for(edit.device_secret)
    if profile is None:
        profile = ApplicantProfile(device_hash=hash_secret(edit.device_secret), data={})
        db.session.add(profile)
    data = {key: answers[key] for key in PROFILE_KEYS
            if answers.get(key) and key not in report.field_errors}
    if profile.data != data:
        profile.data = data
    if profile.id is None:
        db.session.flush()  # its id links the draft; the commit comes after
    dossier.profile_id = profile.id
