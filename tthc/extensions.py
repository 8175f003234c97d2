"""Extensions, created unbound: create_app binds them to one app."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
import datetime as dt

from sqlalchemy import DateTime, MetaData
from sqlalchemy.orm import DeclarativeBase, registry
from sqlalchemy.types import TypeDecorator

# Named constraints keep Alembic migrations stable on SQLite (batch mode) and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A ``DateTime(timezone=True)`` column that holds UTC and always reads back aware.

    PostgreSQL keeps the instant and returns it aware; SQLite keeps text with no zone and
    returns it naive. Values are written as UTC (a naive one is taken to be UTC already)
    and a naive value read back is marked UTC, so that every engine returns the same aware
    datetime. The column type is unchanged: the migrations stay as they are.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    @staticmethod
    def _utc(value: dt.datetime | None) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)

    def process_bind_param(self, value, dialect):
        return self._utc(value)

    def process_result_value(self, value, dialect):
        return self._utc(value)


class Base(DeclarativeBase):
    # Every Mapped[datetime] is a UTCDateTime: stored as UTC, read back aware on every engine.
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={dt.datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True, compare_type=True)
babel = Babel()
csrf = CSRFProtect()
compress = Compress()
htmx = Htmx()
login_manager = LoginManager()


# Counts in RATELIMIT_STORAGE_URI: memory:// (the default) is per worker process, so
# production with several workers or servers must name a shared store such as redis://
# (docs/sessions.md). The sign-in slow-down counts in the database (tthc/auth/throttle.py).
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def unlimited(view):
    """Never rate-limit this view (the live check while typing, "Gọi tiếp" at the counter)."""
    return limiter.exempt(view)
