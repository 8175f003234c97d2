"""A dossier's files: storing one for a paper, deleting one, and who may read them."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext
from flask_limiter import RateLimitExceeded

from ..extensions import db, limiter
from ..models import Dossier, Upload
from . import uploads


def add_upload(dossier: Dossier, paper_key: str, file_storage, *, kind: str = "paper",
               staff_id: int | None = None, pdf_only: bool = False) -> Upload:
    """Check, convert and store one file for one paper; UploadError says why not.

    The desk stores its scans here too (*staff_id*: who scanned), and the electronic result
    (*kind* "result", a PDF only: *pdf_only*).
    """
    config = current_app.config
    if staff_id is None:
        _count_citizen_upload()
    data = uploads.read_limited(file_storage.stream, config["TTHC_UPLOAD_MAX_FILE"])
    if pdf_only and uploads.sniff(data[:1024]) != uploads.PDF:
        raise uploads.UploadError(gettext("Chỉ nhận tệp PDF. Lưu kết quả thành tệp PDF rồi tải "
                                          "lên."), 415)
    content, content_type, pages = uploads.prepare(data)
    used = sum(u.size for u in dossier.uploads)
    if used + len(content) > config["TTHC_UPLOAD_MAX_DOSSIER"]:
        raise uploads.UploadError(gettext(
            "Các tệp của hồ sơ đã gần %(mb)s MB, mức tối đa cho một hồ sơ. Xóa bớt ảnh không "
            "cần thiết, hoặc mang bản giấy đến Bộ phận Một cửa.",
            mb=uploads.megabytes(config["TTHC_UPLOAD_MAX_DOSSIER"])), 413)
    name = uploads.store(content, content_type)
    upload = Upload(paper_key=paper_key, stored_name=name, content_type=content_type,
                    size=len(content), pages=pages, kind=kind, staff_id=staff_id)
    dossier.uploads.append(upload)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        uploads.remove(name)
        raise
    return upload


def _count_citizen_upload() -> None:
    """Count one file against its address's ``TTHC_UPLOAD_RATE_LIMIT`` (Flask-Limiter, the
    same store as every other limit), whichever button of the draft sent it; UploadError
    (429) beside the field when over, so that the page and what was typed stay."""
    try:
        with limiter.shared_limit(lambda: current_app.config["TTHC_UPLOAD_RATE_LIMIT"],
                                  scope="citizen-uploads"):
            pass
    except RateLimitExceeded:
        raise uploads.UploadError(gettext(
            "Đã tải lên quá nhiều tệp trong thời gian ngắn từ mạng này. Chờ ít phút rồi bấm "
            "«Tải lên» lại; các thông tin đã nhập vẫn được lưu."), 429) from None


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
