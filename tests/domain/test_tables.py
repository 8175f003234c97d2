"""The shared reader of a data file's tables: each parser's error, the same checks."""

import datetime as dt
import re

import pytest

from tthc.domain.tables import TableReader


class Fault(ValueError):
    def __init__(self, key, problem):
        super().__init__(f"{key}: {problem}")
        self.key, self.problem = key, problem


class Reader(TableReader):
    def fail(self, key, problem):
        return Fault(key, problem)


class TextDates(Reader):
    dates_as_text = True


def problem(call):
    with pytest.raises(Fault) as raised:
        call()
    return raised.value.key, raised.value.problem


def test_values_are_read_and_cleaned():
    r = Reader({"name": "  Lê \u200bThị  ", "on": True, "day": dt.date(2025, 7, 1),
                "tags": [" a ", "b"], "style": "", "id": "to-khai"})
    assert r.text("name") == "Lê Thị"
    assert r.text("absent", required=False) == ""
    assert r.boolean("on") is True and r.boolean("absent", default=False) is False
    assert r.date("day") == dt.date(2025, 7, 1)
    assert r.strings("tags") == ["a", "b"] and r.strings("absent", required=False) == []
    assert r.list("absent", required=False) == []
    assert r.choice("style", ("", "bold")) == "" and r.choice("absent", ("a",), default="a") == "a"
    assert r.pattern("id", re.compile(r"^[a-z-]+$"), "an id") == "to-khai"
    r.only({"name", "on", "day", "tags", "style", "id"})


@pytest.mark.parametrize("call, expected", [
    (lambda r: r.get("absent"), ("absent", "is missing")),
    (lambda r: r.text("number"), ("number", "must be text")),
    (lambda r: r.text("blank"), ("blank", "must not be empty")),
    (lambda r: r.boolean("number"), ("number", "must be true or false")),
    (lambda r: r.date("moment"), ("moment", "must be a date, e.g. 2025-07-01")),
    (lambda r: r.date("iso"), ("iso", "must be a date, e.g. 2025-07-01")),
    (lambda r: r.choice("blank", ("", "bold")), ("blank", 'must be one of "", bold')),
    (lambda r: r.list("empty"), ("empty", "must be a non-empty list")),
    (lambda r: r.list("number", required=False), ("number", "must be a list")),
    (lambda r: r.strings("texts"), ("texts", "must be a list of non-empty texts")),
    (lambda r: r.pattern("number", re.compile("x"), "an x"), ("number", "must be an x")),
    (lambda r: r.only({"number"}), ("blank", "is not a key here (known: number)")),
])
def test_each_fault_is_the_parsers_error_naming_the_key(call, expected):
    r = Reader({"number": 1, "blank": " ", "moment": dt.datetime(2025, 7, 1, 8, 0),
                "iso": "2025-07-01", "empty": [], "texts": ["a", " "]})
    assert problem(lambda: call(r)) == expected


def test_a_date_in_quotes_only_where_the_file_allows_it():
    assert TextDates({"on": "2025-07-01"}).date("on") == dt.date(2025, 7, 1)
    assert problem(lambda: TextDates({"on": "1/7/2025"}).date("on"))[0] == "on"
    assert problem(lambda: TextDates({"on": 20250701}).date("on"))[0] == "on"
