"""Invariants every page must keep: unique ids, labelled inputs, forms with action and method."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.labels_for: set[str] = set()
        self.controls: list[dict[str, str | None]] = []
        self.forms: list[dict[str, str | None]] = []
        self.html_lang: str | None = None
        self.title_parts: list[str] = []
        self._in_title = False
        self._label_depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.append(a["id"])
        if tag == "html":
            self.html_lang = a.get("lang")
        elif tag == "title":
            self._in_title = True
        elif tag == "label":
            self._label_depth += 1
            if a.get("for"):
                self.labels_for.add(a["for"])
        elif tag == "form":
            self.forms.append(a)
        elif tag in ("input", "select", "textarea"):
            if a.get("type") not in ("hidden", "submit", "button", "reset", "image"):
                self.controls.append({**a, "_wrapped": "yes" if self._label_depth else None})

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_depth = max(0, self._label_depth - 1)
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)


def check_page(html: str, *, full_page: bool = True) -> _Collector:
    """Assert the invariants; return what was collected for further assertions."""
    c = _Collector()
    c.feed(html)
    duplicates = [i for i, n in Counter(c.ids).items() if n > 1]
    assert not duplicates, f"duplicate ids: {duplicates}"
    for control in c.controls:
        labelled = (control.get("id") in c.labels_for or control.get("_wrapped")
                    or control.get("aria-label") or control.get("aria-labelledby"))
        assert labelled, f"input without a label: {control}"
    for form in c.forms:
        assert form.get("action"), f"form without action: {form}"
        assert form.get("method"), f"form without method: {form}"
    if full_page:
        assert c.html_lang in ("vi", "en"), "the page declares no language"
        assert "".join(c.title_parts).strip(), "the page has no title"
    return c
