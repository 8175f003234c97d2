"""Reports for leaders (/can-bo/bao-cao: measures, charts, exports, the due list) and the
public board of results (/cong-khai), computed by the database."""

from .blueprint import bp

from . import public, views  # noqa: E402,F401

__all__ = ["bp"]
