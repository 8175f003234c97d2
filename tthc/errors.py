"""Error pages inside the layout, in the visitor's language; fragments for htmx."""

from __future__ import annotations

from flask import Flask, abort, current_app, make_response, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from htmx_flask import make_response as htmx_response
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from .extensions import db
from .htmx import is_fragment_request
from .transactions import Busy, is_lock_timeout


#: Seconds a client is asked to wait after a busy answer: other writers finish in less.
BUSY_RETRY_SECONDS = 2
#: After an outage (database moved away, read-only, server down): someone must act first.
OUTAGE_RETRY_SECONDS = 60


def _texts() -> dict[int, tuple[str, str]]:
    return {
        400: (gettext("Yêu cầu không hợp lệ"),
              gettext("Trang không hiểu được yêu cầu này. Vui lòng quay lại và thử lại.")),
        404: (gettext("Không tìm thấy trang"),
              gettext("Địa chỉ này không có trên trang. Có thể đường dẫn đã cũ hoặc gõ nhầm.")),
        405: (gettext("Thao tác không được hỗ trợ"),
              gettext("Trang này không nhận thao tác đó. Vui lòng quay lại trang trước.")),
        413: (gettext("Tệp quá lớn"),
              gettext("Dữ liệu gửi lên vượt quá dung lượng cho phép. Vui lòng chọn tệp nhỏ hơn.")),
        429: (gettext("Quá nhiều yêu cầu"),
              gettext("Vui lòng chờ một lát rồi thử lại.")),
        # Honest: a failure can come before the save; what was saved earlier stays saved.
        500: (gettext("Hệ thống đang gặp sự cố"),
              gettext("Thao tác vừa rồi có thể chưa được lưu. Vui lòng thử lại sau ít phút; "
                      "nếu vẫn lỗi, xin liên hệ Bộ phận Một cửa.")),
    }


def render_error(status: int, title: str | None = None, detail: str | None = None):
    """The error page in the layout, or its fragment for htmx, as a response."""
    texts = _texts()
    default_title, default_detail = texts.get(status, texts[500 if status >= 500 else 400])
    context = {"status": status, "title": title or default_title,
               "detail": detail or default_detail}
    if is_fragment_request():
        # htmx puts it in the page's message area, whatever the request targeted.
        return htmx_response(render_template("errors/_error.html", **context), status,
                             retarget="#flash", reswap="innerHTML")
    return make_response(render_template("errors/error.html", **context), status)


def register_error_handlers(app: Flask) -> None:
    @app.before_request
    def refuse_nul_in_paths():
        # No page's address holds a NUL byte, and PostgreSQL refuses one in any text
        # comparison (a DataError, so a 500): not found, whatever the engine. (Query strings
        # and forms are each read by code that drops or refuses NUL: tests/test_nul_bytes.py.)
        if "\x00" in request.path:
            abort(404)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.path.startswith("/ho-so/"):  # a citizen's draft: every check saved it
            detail = gettext("Trang này đã mở quá lâu nên phiên làm việc đã hết hạn. Vui lòng "
                             "tải lại trang rồi thao tác lại; bản nháp đã được lưu tự động.")
        else:
            detail = gettext("Trang này đã mở quá lâu nên phiên làm việc đã hết hạn. Vui lòng "
                             "tải lại trang rồi thao tác lại.")
        return render_error(400, gettext("Trang đã hết hạn"), detail)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        response = render_error(error.code)
        if error.code == 405 and error.valid_methods:
            response.allow.update(error.valid_methods)
        return response

    @app.errorhandler(InternalServerError)
    def server_error(error):
        # Whatever the failed request left half-done must not reach the next one.
        # (Flask has already logged the exception with its traceback, DETAIL cut out by
        # tthc/logs.py; the SQLSTATE and the constraint are said here.)
        db.session.rollback()
        original = getattr(error, "original_exception", None)
        if isinstance(original, DBAPIError):
            current_app.logger.error("The database refused a statement (%s); its "
                                     "transaction was rolled back.", describe(original))
        return render_error(500)

    @app.after_request
    def retry_after_busy(response):
        # Every 503 here is a passing state (the queue's and the desk's own "busy" answers
        # included): say when to try again. Flask-Limiter may push it later, never earlier.
        if response.status_code == 503 and response.retry_after is None:
            response.retry_after = BUSY_RETRY_SECONDS
        return response

    @app.errorhandler(Busy)
    def busy(error):
        # The database stayed locked by other writers: the transaction was rolled back.
        db.session.rollback()
        return busy_response()

    @app.errorhandler(OperationalError)
    def database_error(error: OperationalError):
        # Outside serialised() (an autosave, a sign-in's counters) SQLite's "database is
        # locked" comes as it is: the same honest 503. Anything else operational (the file
        # moved away or read-only, PostgreSQL down) is an outage: 503, and a log line that
        # says what to do (no personal data in it: describe()).
        db.session.rollback()
        if is_locked(error):
            return busy_response()
        current_app.logger.error(
            "The database cannot be used (%s). Nothing was saved. Check that the database "
            "exists and is writable by the app (a new SQLite file is created only by `flask "
            "db upgrade`), or that the database server is up.", describe(error))
        response = render_error(503, gettext("Hệ thống tạm ngừng"), gettext(
            "Hệ thống tạm thời không lưu được dữ liệu nên thao tác này chưa được lưu. Vui lòng "
            "thử lại sau ít phút; nếu vẫn lỗi, xin liên hệ Bộ phận Một cửa."))
        response.retry_after = OUTAGE_RETRY_SECONDS
        return response


def is_locked(error: OperationalError) -> bool:
    """Whether the error is a lock not had within the busy timeout (SQLite's "database is
    locked", PostgreSQL's lock_not_available, SQLSTATE 55P03, or a deadlock, 40P01)."""
    return is_lock_timeout(error)


def describe(error: Exception) -> str:
    """The database error for a log line, without the values it may quote.

    PostgreSQL's text carries a DETAIL with the row or key ("Failing row contains (…)":
    names, ID numbers), and some messages quote a value: only the error's class, SQLSTATE
    and the names of the constraint, table and column are given. A psycopg error without
    a SQLSTATE did not reach the server (connection refused…): its text is the operator's
    clue and holds no data. SQLite's messages name tables and constraints, never values.
    """
    orig = getattr(error, "orig", None) or error
    if not hasattr(orig, "sqlstate"):
        return str(orig)
    if orig.sqlstate is None:
        return f"{type(orig).__name__}: {str(orig).splitlines()[0] if str(orig) else ''}"
    parts = [type(orig).__name__, f"SQLSTATE {orig.sqlstate}"]
    diag = getattr(orig, "diag", None)
    for label in ("constraint_name", "table_name", "column_name"):
        value = getattr(diag, label, None)
        if value:
            parts.append(f"{label.removesuffix('_name')} {value}")
    return ", ".join(parts)


def busy_response():
    """503 with Retry-After: the database was busy, nothing changed, try again."""
    response = render_error(503, gettext("Hệ thống đang bận"), gettext(
        "Hệ thống đang bận nên thao tác này chưa được lưu; không có gì thay đổi. Vui lòng "
        "thử lại sau vài giây."))
    response.retry_after = BUSY_RETRY_SECONDS
    return response
