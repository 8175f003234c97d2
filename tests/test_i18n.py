"""Template translation through flask_babel's Jinja i18n (newstyle gettext), and language()."""

from __future__ import annotations

import pytest
from flask import render_template_string
from flask_babel import force_locale
from markupsafe import Markup

from tthc.i18n import language


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


def test_variables_are_escaped_but_markup_is_kept(ctx):
    assert render('{{ _("a %(x)s", x="<b>") }}') == "a &lt;b&gt;"
    assert render('{{ _("a %(x)s", x=m) }}', m=Markup("<b>b</b>")) == "a <b>b</b>"


def test_language_follows_force_locale_within_a_request(ctx):
    assert language() == "vi"
    with force_locale("en"):
        assert language() == "en"
        assert render("{{ current_locale() }}") == "en"
    assert language() == "vi"
