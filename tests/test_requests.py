"""The app's url-encoded form parser gives exactly what Werkzeug's (parse_qsl) gives."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote_plus, urlencode

import werkzeug.urls  # noqa: F401  (registers the "werkzeug.url_quote" error handler)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tthc.requests import Request, parse_urlencoded


def werkzeug_parse(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=True, errors="werkzeug.url_quote")


# Bodies as browsers send them, and worse: escapes of any byte (so invalid UTF-8, cut
# sequences, lower-case hex), broken escapes, literal non-ASCII, separators in odd places.
_pieces = st.one_of(
    st.sampled_from(["&", "=", "+", "%", "%2", "%G1", "%zz", "&&", "==", "%25", "%2B", "%26",
                     "%3D", "Nguy%E1%BB%85n", "%e1%bb%85", "%E1%BB", "%C3", "%FF%FE", "x"]),
    st.binary(max_size=6).map(lambda b: "".join(f"%{byte:02X}" for byte in b)),
    st.binary(max_size=4).map(lambda b: "".join(f"%{byte:02x}" for byte in b)),
    st.text(max_size=8),
)
bodies = st.lists(_pieces, max_size=25).map("".join)


@settings(max_examples=600)
@given(bodies)
@example("")
@example("a")
@example("=")
@example("a=1&a=2&&b")
@example("%E1x%BB=%C3%A0%E1%BB")
def test_parse_urlencoded_is_parse_qsl(body):
    assert parse_urlencoded(body) == werkzeug_parse(body)


@given(st.lists(st.tuples(st.text(max_size=12), st.text(max_size=30)), max_size=12))
def test_round_trip_of_what_a_browser_encodes(pairs):
    body = urlencode(pairs, quote_via=quote_plus)
    assert parse_urlencoded(body) == pairs == werkzeug_parse(body)


def test_the_app_parses_forms_with_it(app):
    assert app.request_class is Request
    body = "ho_ten=Nguy%E1%BB%85n+V%C4%83n+A&ho_ten=%E1%BB&x"
    with app.test_request_context("/", method="POST", data=body,
                                  content_type="application/x-www-form-urlencoded"):
        from flask import request

        assert request.htmx is not None  # still htmx-flask's request
        assert request.form.getlist("ho_ten") == ["Nguyễn Văn A", "%E1%BB"]
        assert request.form["x"] == ""


def test_a_body_that_is_not_utf8_gives_an_empty_form_as_before(app):
    with app.test_request_context("/", method="POST", data=b"name=\xff\xfe",
                                  content_type="application/x-www-form-urlencoded"):
        from flask import request

        assert request.form.to_dict() == {}
