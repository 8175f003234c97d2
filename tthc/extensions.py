"""Extensions, created unbound: create_app binds them to one app."""

from flask_babel import Babel
from flask_compress import Compress
import flask_limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
import datetime as dt

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, registry

# Named constraints keep Alembic migrations stable on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Every timestamp is stored with its time zone (UTC on PostgreSQL); never naive.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: DateTime(timezone=True)},
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
babel = Babel()
csrf = CSRFProtect()
compress = Compress()
htmx = Htmx()
login_manager = LoginManager()


class Limiter(flask_limiter.Limiter):
    """Flask-Limiter, which skips its per-request bookkeeping for views marked @unlimited.

    Its before-request hook resolves every limit before it consults a request filter; for
    the live check and "Gọi tiếp" that is work on every press. The filter below stays, so
    that the views are never limited even should this hook change upstream.
    """

    def _check_request_limit(self, callable_name=None, in_middleware=True):
        if in_middleware and _unlimited_view():
            return None
        return super()._check_request_limit(callable_name, in_middleware)


# Per-process memory storage unless RATELIMIT_STORAGE_URI names a shared one (e.g. redis://).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def unlimited(view):
    """Never rate-limit this view, and skip the limiter's per-request work for it.

    For views answered many times a minute by design (the live check while typing, "Gọi
    tiếp" at the counter): ``limiter.exempt`` alone still resolves the limits each time.
    """
    view.tthc_unlimited = True
    return limiter.exempt(view)


@limiter.request_filter
def _unlimited_view() -> bool:
    from flask import current_app, request

    view = current_app.view_functions.get(request.endpoint or "")
    return getattr(view, "tthc_unlimited", False)
