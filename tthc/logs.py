"""Log lines without link tokens: whoever reads a log must not be able to open a dossier.

A citizen's dossier (``/ho-so/<token>/…``) and ticket (``/so/<token>``) are reached by a
secret link only. Every rule with a ``<token>`` argument puts it right after a ``ho-so`` or
``so`` segment (tests/test_logs.py checks the URL map), so the segment after those two is
masked wherever it shows: in a path, in a query string (``?next=%2Fho-so%2F…``), in a
Referer. A token pasted on its own (the desk's search box) is masked by its shape as well.

Nor personal data: PostgreSQL's error text carries a ``DETAIL:`` that quotes the row or the
key (``Failing row contains (…)``, ``Key (…)=(…)``), and it reaches the log in the traceback
Flask logs for an unhandled error; SQLAlchemy's ``hide_parameters`` does not cover it. The
same filter cuts each DETAIL out: exactly, when the record carries the exception; else up to
the next part of the error (``[SQL: …]``, the next exception of the traceback) or the end.
Stdlib only: the gunicorn logger (deploy/gunicorn.conf.py) uses it before the app loads.
"""

from __future__ import annotations

import logging
import re

MASK = "***"

# ho-so/<x> or so/<x>, "/" plain or percent-encoded; <x> kept when it is a number (the
# desk's /can-bo/ho-so/<id> carries the dossier's id, not a secret).
_AFTER_SEGMENT = re.compile(
    r"(?P<lead>(?:^|/|%2[Ff])(?:ho-so|so)(?:/|%2[Ff]))(?!\d+(?![A-Za-z0-9_-]))"
    r"[A-Za-z0-9_-]+")
# tthc.domain.codes.new_token(): 32 URL-safe characters.
_BARE_TOKEN = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z0-9_-]{32}(?![A-Za-z0-9_-])")


# libpq's DETAIL up to what follows it in an error's text: SQLAlchemy's "[SQL: …]" or
# "(Background on this error…)", the next exception of a chained traceback, or the end.
# Anything else (a HINT, a blank line inside a quoted value) is cut out with it.
_DETAIL = re.compile(
    r"DETAIL:.*?(?=\n\[SQL: |\n\(Background on this error|\n\nThe above exception|"
    r"\n\nDuring handling of the above exception|\Z)", re.DOTALL)
DETAIL_HIDDEN = "DETAIL: [hidden: it may quote personal data]"


def mask_tokens(text: str) -> str:
    """Return ``text`` with every link token replaced by ``***``."""
    text = _AFTER_SEGMENT.sub(lambda m: m.group("lead") + MASK, text)
    return _BARE_TOKEN.sub(MASK, text)


def redact(text: str, error: BaseException | None = None) -> str:
    """Return ``text`` with link tokens masked and database DETAILs cut out.

    The DETAILs of ``error`` and of the exceptions it was raised from (psycopg's
    ``diag.message_detail``, also as a SQLAlchemy error's ``orig``) are cut out exactly
    first, whatever they hold (a value may span lines or mimic a traceback).
    """
    for detail in _details(error):
        text = text.replace(detail, "")
    return mask_tokens(_DETAIL.sub(DETAIL_HIDDEN, text))


def _details(error: BaseException | None) -> list[str]:
    found, seen = [], set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        for one in (error, getattr(error, "orig", None)):
            detail = getattr(getattr(one, "diag", None), "message_detail", None)
            if detail:
                found.append(detail)
        error = error.__cause__ or error.__context__
    return found


class TokenFilter(logging.Filter):
    """A logging filter that masks link tokens and database DETAILs in the message and its
    traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        message = record.getMessage()
        masked = redact(message, error)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # The traceback names the request's URL too (werkzeug, Flask's "Exception on …").
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, error)
        return True


def install(*names: str) -> TokenFilter:
    """Mask link tokens in what the named loggers log; return the filter (added once)."""
    token_filter = TokenFilter()
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenFilter) for f in logger.filters):
            logger.addFilter(token_filter)
    return token_filter
