"""Log lines without link tokens: whoever reads a log must not be able to open a dossier.

A citizen's dossier (``/ho-so/<token>/…``) and ticket (``/so/<token>``) are reached by a
secret link only. Every rule with a ``<token>`` argument puts it right after a ``ho-so`` or
``so`` segment (tests/test_logs.py checks the URL map), so the segment after those two is
masked wherever it shows: in a path, in a query string (``?next=%2Fho-so%2F…``), in a
Referer. A token pasted on its own (the desk's search box) is masked by its shape as well.
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


def mask_tokens(text: str) -> str:
    """Return ``text`` with every link token replaced by ``***``."""
    text = _AFTER_SEGMENT.sub(lambda m: m.group("lead") + MASK, text)
    return _BARE_TOKEN.sub(MASK, text)


class TokenFilter(logging.Filter):
    """A logging filter that masks link tokens in the message and its traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # The traceback names the request's URL too (werkzeug, Flask's "Exception on …").
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_tokens(record.exc_text)
        return True


def install(*names: str) -> TokenFilter:
    """Mask link tokens in what the named loggers log; return the filter (added once)."""
    token_filter = TokenFilter()
    for name in names:
        logger = logging.getLogger(name)
        if not any(isinstance(f, TokenFilter) for f in logger.filters):
            logger.addFilter(token_filter)
    return token_filter
