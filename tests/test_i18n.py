"""Template translation (tthc.i18n): the lean callables behave as Jinja's newstyle gettext."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale
from jinja2 import Environment
from markupsafe import Markup

from tthc.i18n import language, template_gettext, template_ngettext


@pytest.fixture
def ctx(app):
    with app.test_request_context("/"):
        yield app


def render(source: str, **context) -> str:
    return render_template_string(source, **context)


def test_gettext_escapes_its_variables_and_translates(ctx):
    source = '{{ _("Hồ sơ đã đủ") }}|{{ gettext("Quầy số %(n)s", n="<b>") }}'
    assert render(source) == "Hồ sơ đã đủ|Quầy số &lt;b&gt;"
    with force_locale("en"):
        assert render(source) == "Dossier complete|Counter &lt;b&gt;"


def test_percent_signs_are_formatted_as_newstyle_does(ctx):
    # Newstyle gettext always formats: "%%" becomes "%", with or without variables.
    assert render('{{ _("50%% xong") }}') == "50% xong"
    assert render('{{ _("100%%") }}{{ _("%(a)s%%", a=1) }}') == "100%1%"


def test_ngettext_and_trans_blocks(ctx):
    assert render('{{ ngettext("%(num)d ngày", "%(num)d ngày", 3) }}') == "3 ngày"
    assert render('{% trans n=2 %}Quầy số {{ n }}{% endtrans %}') == "Quầy số 2"
    with force_locale("en"):
        plural = '{{ ngettext("Còn thiếu %(num)d mục", "Còn thiếu %(num)d mục", n) }}'
        assert render(plural, n=1) == "1 item missing"
        assert render(plural, n=3) == "3 items missing"
        assert render('{% trans n="<i>" %}Quầy số {{ n }}{% endtrans %}') == "Counter &lt;i&gt;"


def test_without_autoescape_nothing_is_escaped(ctx):
    env = Environment(autoescape=False)
    env.globals.update(_=template_gettext, ngettext=template_ngettext)
    assert env.from_string('{{ _("a %(x)s", x="<b>") }}').render() == "a <b>"
    html = Environment(autoescape=True)
    html.globals.update(_=template_gettext)
    out = html.from_string('{{ _("a %(x)s", x="<b>") }}').render()
    assert out == "a &lt;b&gt;" and not isinstance(out, Markup)  # rendered text


def test_language_follows_force_locale_within_a_request(ctx):
    assert language() == "vi"
    with force_locale("en"):
        assert language() == "en"
        assert render("{{ current_locale() }}") == "en"
    assert language() == "vi"


def test_the_msgids_are_the_vietnamese_text_so_vietnamese_has_no_catalogue():
    # template_gettext skips the catalogue lookup in Vietnamese (SOURCE_LANGUAGE): a
    # Vietnamese catalogue would be ignored, so there must be none.
    from pathlib import Path

    from tthc.i18n import SOURCE_LANGUAGE

    translations = Path(__file__).resolve().parents[1] / "tthc" / "translations"
    assert (translations / "en").is_dir()
    assert not (translations / SOURCE_LANGUAGE).exists()
