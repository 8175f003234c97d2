"""Locale choice and the Vietnamese formats: dates dd/MM/yyyy, money in VND, time words."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.numbers import format_currency
from flask import current_app, request, session
from flask_babel import format_datetime as babel_format_datetime
from flask_babel import get_locale, gettext, ngettext

from .domain.i18n import Message


def select_locale() -> str:
    """Pick the UI language: ?lang= (remembered in the session), then the session, then vi.

    The browser's Accept-Language is not used: the office's language is Vietnamese and
    English is an explicit choice, so a shared desk PC never changes language by itself.
    """
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang") if request else None
    if asked in languages:
        session["lang"] = asked
        return asked
    remembered = session.get("lang")
    if remembered in languages:
        return remembered
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def language() -> str:
    """The current locale's code ("vi", "en"); outside a request, Vietnamese."""
    return str(get_locale() or "vi")


def render_message(message: Message | str) -> str:
    """Translate a domain Message (or a plain msgid) in the current locale."""
    if isinstance(message, Message):
        params = dict(message.params)
        lang = language()
        if lang != "vi":
            # Domain messages name fields and papers in both languages: label / label_en.
            params.update({k[: -len(lang) - 1]: v for k, v in message.params.items()
                           if k.endswith("_" + lang) and v})
        return gettext(message.text, **params)
    return gettext(message)


def money(amount: int | None) -> str:
    """2000 → '2.000 ₫' in Vietnamese (Babel puts a no-break space before the sign)."""
    if amount is None:
        return ""
    return format_currency(amount, "VND", locale=language())


def date(value: dt.date | dt.datetime | None) -> str:
    """Dates are dd/MM/yyyy in both languages: the form offices and citizens expect."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return babel_format_datetime(value, "dd/MM/yyyy")
    return value.strftime("%d/%m/%Y")


def datetime(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return babel_format_datetime(value, "HH:mm dd/MM/yyyy")


def working_time(days: int) -> str:
    """The legal time in words: 'Trong ngày' or '3 ngày làm việc'."""
    if days <= 0:
        return gettext("Trong ngày")
    return ngettext("%(num)d ngày làm việc", "%(num)d ngày làm việc", days)


def localized(obj: Any, attribute: str) -> str:
    """Read obj.<attribute>_vi or _en by the current locale, falling back to Vietnamese."""
    lang = language()
    value = getattr(obj, f"{attribute}_{lang}", None) or getattr(obj, f"{attribute}_vi", "")
    return value or ""


def lang_url(lang: str) -> str:
    """The current page in another language, keeping its query (search words, filters)."""
    from flask import url_for

    args = {k: v for k, v in request.args.items() if k != "lang"}
    if request.endpoint and request.url_rule is not None and "GET" in request.url_rule.methods:
        return url_for(request.endpoint, **(request.view_args or {}), **args, lang=lang)
    return url_for("catalogue.home", lang=lang)


def init_app(app) -> None:
    # Templates translate through flask_babel's own Jinja i18n (newstyle gettext).
    app.jinja_env.filters.update(
        money=money, date=date, datetime=datetime, working_time=working_time,
        message=render_message,
    )
    app.jinja_env.globals.update(localized=localized, lang_url=lang_url, current_locale=language)
