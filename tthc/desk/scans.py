"""Scanning at the desk: photos or scans of the papers taken at reception (Decree 61/2018
Art 17(1): every paper dossier is scanned and stored electronically), and the electronic
result once it is ready.

Both go through intake's one safe upload path (``intake.add_upload``: type from content,
images re-encoded without metadata, random names, the dossier's size limit), reached through
``tthc.intake.services`` like everything the desk takes from intake. A scan is a paper of the
dossier with the officer who scanned it (``Upload.staff_id``); the result is an upload of kind
"result", a PDF only. Each stored file is a line of the access log. The citizen downloads the
result from the dossier's status page, which only the holder of its link opens; the public
look-up never lists it.
"""

from __future__ import annotations

from flask import flash, request
from flask_babel import gettext
from flask_login import current_user
from flask_wtf.file import FileField, MultipleFileField

from ..auth import staff_required
from ..domain.status import CORRECTABLE, Status
from ..i18n import localized
from ..intake import services as intake
from . import bp, forms, services
from .pages import dossier_or_404, logged, refusal_page
from .decisions import DOSSIER, correction, invalid, require_status, to_dossier

RESULT_KEY = "ket-qua"  # Upload.paper_key of the electronic result (no paper has this key)
RESULT_READY = frozenset({Status.RESOLVED, Status.RETURNED})


@bp.context_processor
def _scan_helpers():
    return {"scans_of": scans_of, "results_of": results_of, "paper_name": paper_name,
            "SCANNABLE": CORRECTABLE, "RESULT_READY": RESULT_READY}


def paper_name(spec, key: str) -> str:
    """The name of the paper *key* of the procedure, in the officer's language."""
    found = next((p for p in spec.papers if p.key == key), None)
    return localized(found, "name") if found is not None else key


def scans_of(dossier) -> list:
    """The papers scanned at the desk (the citizen's own uploads are with each paper)."""
    return [u for u in dossier.uploads if u.kind == "paper" and u.staff_id is not None]


def results_of(dossier) -> list:
    """The electronic result(s) the office attached."""
    return [u for u in dossier.uploads if u.kind == "result"]


class ScanForm(forms.DeskForm):
    """The paper scanned and its photos or scans (one or more files)."""

    giay_to = forms.text(41)
    tep = MultipleFileField()

    def __init__(self, papers, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.papers = papers

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        if self.giay_to.data not in self.papers:
            self.fail("giay_to", gettext("Chọn giấy tờ được quét."))
        self.files = [f for f in self.tep.data or [] if f and f.filename]
        if not self.files:
            self.fail("tep", gettext("Chọn ảnh chụp hoặc tệp quét (ảnh hoặc PDF) trước khi bấm "
                                     "«Lưu bản quét»."))
        return not self.messages()


class ResultForm(forms.DeskForm):
    """The electronic result: one PDF."""

    ket_qua = FileField()

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        data = self.ket_qua.data
        if not data or not getattr(data, "filename", ""):
            self.fail("ket_qua", gettext("Chọn tệp PDF của kết quả giải quyết."))
        return not self.messages()


def _stored(dossier, form_field: str, store) -> bool | tuple:
    """Store one file; the page with the upload's message beside *form_field* if refused."""
    try:
        return store()
    except intake.UploadError as refused:
        return refusal_page(dossier, status=refused.status, errors={form_field: refused.message},
                            posted=request.form)


@bp.post(DOSSIER + "/quet")
@staff_required("reception")
@correction
def scan(dossier_id: int):
    """Store the photos or scans of one paper taken at the desk (each file logged)."""
    dossier = dossier_or_404(dossier_id)
    require_status(dossier, CORRECTABLE, gettext(
        "Hồ sơ đã có kết quả hoặc đã kết thúc: không quét thêm giấy tờ được nữa."))
    spec = services.spec_of(dossier)
    form = ScanForm({p.key: p for p in spec.papers if not p.generated})
    if not form.validate():
        return invalid(dossier, form)
    for file_storage in form.files:
        stored = _stored(dossier, "tep", lambda f=file_storage: intake.add_upload(
            dossier, form.giay_to.data, f, staff_id=current_user.id))
        if isinstance(stored, tuple):
            return stored
        logged(dossier, "upload", f"quét giấy tờ {form.giay_to.data}, tệp {stored.id}")
    flash(gettext("Đã lưu bản quét giấy tờ."), "info")
    return to_dossier(dossier.id, "quet")


@bp.post(DOSSIER + "/ket-qua-dien-tu")
@staff_required("reception", "specialist")
@correction
def result(dossier_id: int):
    """Attach the electronic result (a PDF) once the result is ready (logged)."""
    dossier = dossier_or_404(dossier_id)
    require_status(dossier, RESULT_READY, gettext(
        "Chỉ đính kèm kết quả điện tử khi hồ sơ đã có kết quả."))
    form = ResultForm()
    if not form.validate():
        return invalid(dossier, form)
    stored = _stored(dossier, "ket_qua", lambda: intake.add_upload(
        dossier, RESULT_KEY, form.ket_qua.data, kind="result", staff_id=current_user.id,
        pdf_only=True))
    if isinstance(stored, tuple):
        return stored
    logged(dossier, "upload", f"kết quả điện tử, tệp {stored.id}")
    flash(gettext("Đã đính kèm kết quả điện tử. Công dân tải về được từ trang hồ sơ của mình "
                  "(đường dẫn riêng của hồ sơ)."), "info")
    return to_dossier(dossier.id, "quet")
