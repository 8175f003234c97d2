"""axe-core (WCAG 2.1 A and AA rules) finds no violation on the public pages, vi and en."""

import pytest
from axe_playwright_python.sync_playwright import Axe

PAGES = ["/", "/thu-tuc", "/thu-tuc?q=khong+co+gi", "/thu-tuc/dang-ky-khai-sinh",
         "/thu-tuc/chung-thuc-ban-sao/giay-to", "/khong-co-trang-nay"]
RULES = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
         "resultTypes": ["violations"]}


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_no_wcag_violation(phone, live_server, lang):
    reports = {}
    for path in PAGES:
        sep = "&" if "?" in path else "?"
        phone.goto(f"{live_server}{path}{sep}lang={lang}")
        results = Axe().run(phone, options=RULES)
        if results.violations_count:
            reports[path] = results.generate_report()
    assert not reports, reports


def test_the_check_finds_a_real_violation(phone):
    # The same rules on a page with an unlabelled field and grey-on-white text must fail.
    phone.set_content('<html lang="vi"><title>x</title><main><input type="text">'
                      '<p style="color:#bbb">chữ mờ</p></main></html>')
    results = Axe().run(phone, options=RULES)
    ids = {v["id"] for v in results.response["violations"]}
    assert {"label", "color-contrast"} <= ids
