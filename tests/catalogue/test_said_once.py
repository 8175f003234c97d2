"""Each fact once: the same-day badge, the Monday promise, the 15:00 rule, each fee (issue 12)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from tthc.catalogue import services

CUTOFF_RULE = re.compile(r"(?<!\d)15(\s*giờ|:00)")
AMOUNT = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{3})+(?![\d.])")


def main_text(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    main = re.search(r"<main\b.*?</main>", page, re.S)[0]
    return unescape(re.sub(r"<[^>]+>", " ", main))


def in_force(app):
    with app.app_context():
        return [(v.procedure.code, services.spec_of(v)) for v in services.versions_in_force()]


def test_the_badge_says_same_day_wherever_a_procedure_is_listed(app, client):
    same_day = {code for code, spec in in_force(app) if spec.statutory_days == 0}
    assert same_day and len(same_day) < len(in_force(app))
    for url in ("/", "/thu-tuc"):
        page = client.get(url).get_data(as_text=True)
        badges = re.findall(r'href="/thu-tuc/([\w-]+)">.*?</a>\s*<span class="meta">[^<]*</span>'
                            r'\s*(<span class="badge">[^<]*</span>)?', page, re.S)
        assert badges, url
        for code, badge in badges:
            assert badge == ('<span class="badge">Giải quyết trong ngày</span>'
                             if code in same_day else ""), (url, code)


def test_the_monday_promise_is_explained_once_on_the_home_page(app, client):
    home = main_text(client, "/")
    assert home.count("Thứ Hai là ngày không giấy hẹn") == 1
    assert "«Giải quyết trong ngày»" in home
    for code, _spec in in_force(app):
        for url in (f"/thu-tuc/{code}", f"/thu-tuc/{code}/giay-to"):
            assert "thứ hai" not in main_text(client, url).lower(), url
    assert "thứ hai" not in main_text(client, "/thu-tuc").lower()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_procedure_page_states_the_15_00_rule_once(app, client, lang):
    for code, spec in in_force(app):
        text = main_text(client, f"/thu-tuc/{code}?lang={lang}")
        times = len(CUTOFF_RULE.findall(text))
        assert times == (1 if spec.statutory_days == 0 else 0), (code, lang, times)


def test_a_procedure_page_states_each_fee_once(app, client):
    for code, spec in in_force(app):
        page = client.get(f"/thu-tuc/{code}").get_data(as_text=True)
        fees = re.search(r"<dt>Lệ phí</dt>\s*<dd>(.*?)</dd>", page, re.S)[1]
        rules = re.findall(r"<li>(.*?)</li>", fees, re.S)
        assert len(rules) == len(spec.fees), code
        for html in rules:
            text = unescape(re.sub(r"<[^>]+>", " ", html))
            amounts = AMOUNT.findall(text)
            assert len(amounts) == len(set(amounts)), (code, text)
        for rule in spec.fees:
            if rule.wording_vi:
                assert page.count(rule.wording_vi) <= 1, (code, rule.wording_vi)
