"""Catalogue search as citizens type it: relevance first, popularity second, and an answer
for the words of procedures the ward does not handle."""

import pytest


def _codes(client, query, **headers):
    response = client.get("/thu-tuc", query_string={"q": query}, headers=headers)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    codes = []
    for line in text.splitlines():
        if 'href="/thu-tuc/' in line and "giay-to" not in line:
            code = line.split('href="/thu-tuc/', 1)[1].split('"', 1)[0]
            if code and code not in codes:
                codes.append(code)
    return codes, text


@pytest.mark.parametrize("query", ["ket hon", "kết hôn", "Đăng ký kết hôn", "dang ky ket hon",
                                   "ĐĂNG KÝ KẾT HÔN", "kethon"])
def test_marriage_comes_first_though_other_procedures_are_more_used(client, query):
    codes, _ = _codes(client, query)
    assert codes and codes[0] == "dang-ky-ket-hon", codes
