"""The catalogue's extensions (extra time the law allows at reception) and return channels:
parsed from the data, and bad data refused naming the procedure and the key."""

import tomllib
from pathlib import Path

import pytest

from tthc.domain.catalogue import CatalogueError, parse_catalogue

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini_catalogue.toml"
SEED = Path(__file__).resolve().parents[2] / "tthc" / "data" / "catalogue.toml"
GOOD = {"key": "nhieu_giay_to", "label_vi": "Nhiều giấy tờ", "label_en": "Many papers",
        "working_days": 2, "legal_basis": "Nghị định 23/2015/NĐ-CP, Điều 7, Điều 21",
        "appointment": True}


@pytest.fixture
def data():
    with open(MINI, "rb") as f:
        return tomllib.load(f)


def test_an_extension_is_parsed(data):
    data["procedure"][0]["extensions"] = [GOOD]
    procedure = parse_catalogue(data)[0]
    extension = procedure.extension("nhieu_giay_to")
    assert (extension.working_days, extension.appointment) == (2, True)
    assert procedure.extension("xac_minh") is None and procedure.extension("") is None
    assert parse_catalogue(data)[1].extensions == ()  # the key is optional


@pytest.mark.parametrize("change, field", [
    (lambda e: e.update(working_days=0), "extensions[0].working_days"),
    (lambda e: e.update(working_days="hai"), "extensions[0].working_days"),
    (lambda e: e.pop("legal_basis"), "extensions[0].legal_basis"),
    (lambda e: e.update(label_vi=""), "extensions[0].label_vi"),
    (lambda e: e.update(key="Nhiều"), "extensions[0].key"),
    (lambda e: e.update(appointment="có"), "extensions[0].appointment"),
    (lambda e: e.update(days=2), "extensions[0].days"),  # a typo is not silently ignored
])
def test_a_bad_extension_is_refused(data, change, field):
    extension = dict(GOOD)
    change(extension)
    data["procedure"][0]["extensions"] = [extension]
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(data)
    assert (raised.value.procedure, raised.value.field) == ("chung-thuc-chu-ky", field)


def test_an_extension_key_is_used_once(data):
    data["procedure"][0]["extensions"] = [GOOD, dict(GOOD, working_days=1)]
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(data)
    assert raised.value.field == "extensions"


@pytest.mark.parametrize("channels", [[], ["desk", "desk"], ["desk", "zalo"]])
def test_return_channels_name_known_channels_once(data, channels):
    data["procedure"][0]["return_channels"] = channels
    with pytest.raises(CatalogueError) as raised:
        parse_catalogue(data)
    assert raised.value.field == "return_channels"


def test_the_seed_catalogue_has_the_four_extensions_of_the_law():
    with open(SEED, "rb") as f:
        procedures = {p.code: p for p in parse_catalogue(tomllib.load(f))}
    found = {(code, e.working_days) for code, p in procedures.items() for e in p.extensions}
    assert found == {("chung-thuc-ban-sao", 2), ("dang-ky-ket-hon", 5),
                     ("nhan-cha-me-con", 5), ("thay-doi-cai-chinh-ho-tich", 3)}
    assert all(e.legal_basis and e.appointment for p in procedures.values()
               for e in p.extensions)
    # the marriage certificate is handed over in person (Luật Hộ tịch 2014, Điều 18)
    assert procedures["dang-ky-ket-hon"].return_channels == ("desk",)
