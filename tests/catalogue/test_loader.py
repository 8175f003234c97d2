"""flask catalogue load: idempotent, versioned, all or nothing; on SQLite and PostgreSQL."""

import tomllib
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from tests.conftest import make_app
from tthc.catalogue import services
from tthc.cli import catalogue_load, demo_load
from tthc.extensions import db
from tthc.models import Office, ProcedureVersion

MINI = Path(__file__).resolve().parents[1] / "fixtures" / "mini_catalogue.toml"


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def _write(tmp_path, text: str) -> Path:
    path = tmp_path / "catalogue.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def loader_app(request, tmp_path):
    if request.param == "sqlite":
        uri = f"sqlite:///{tmp_path / 'load.sqlite'}"
    else:
        uri = request.getfixturevalue("postgres_url")
    app = make_app(uri, tmp_path)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_load_twice_loads_nothing_twice(loader_app):
    runner = loader_app.test_cli_runner()
    first = runner.invoke(catalogue_load, [str(MINI)])
    assert first.exit_code == 0 and "2 version(s) added" in first.output
    second = runner.invoke(catalogue_load, [str(MINI)])
    assert second.exit_code == 0 and "0 version(s) added, 2 already loaded" in second.output
    with loader_app.app_context():
        assert _count(ProcedureVersion) == 2


def test_a_bad_file_is_refused_whole(loader_app, tmp_path):
    text = MINI.read_text(encoding="utf-8")
    # The second procedure is broken: the first must not be loaded either.
    bad = text.replace('field = "ho-tich"', 'field = "dat-dai"')
    result = loader_app.test_cli_runner().invoke(catalogue_load, [str(_write(tmp_path, bad))])
    assert result.exit_code != 0
    assert "dang-ky-khai-tu" in result.output and "'field'" in result.output
    assert "nothing loaded" in result.output
    with loader_app.app_context():
        assert _count(ProcedureVersion) == 0


def test_a_syntax_error_is_refused(loader_app, tmp_path):
    result = loader_app.test_cli_runner().invoke(
        catalogue_load, [str(_write(tmp_path, "schema = 1\n[[procedure]\n"))])
    assert result.exit_code != 0 and "(syntax)" in result.output


def test_a_new_version_is_added_and_the_old_kept(loader_app, tmp_path):
    runner = loader_app.test_cli_runner()
    runner.invoke(catalogue_load, [str(MINI)])
    newer = MINI.read_text(encoding="utf-8").replace(
        "version = 2025-07-01\nname_vi = \"Chứng thực chữ ký\"",
        "version = 2026-01-01\nname_vi = \"Chứng thực chữ ký\"").replace("amount = 10000", "amount = 12000")
    result = runner.invoke(catalogue_load, [str(_write(tmp_path, newer))])
    assert result.exit_code == 0 and "1 version(s) added" in result.output
    with loader_app.app_context():
        import datetime as dt

        assert _count(ProcedureVersion) == 3
        now = services.get_in_force("chung-thuc-chu-ky", dt.date(2026, 6, 1))
        before = services.get_in_force("chung-thuc-chu-ky", dt.date(2025, 12, 31))
        assert services.spec_of(now).fees[0].amount == 12000
        assert services.spec_of(before).fees[0].amount == 10000


def test_changing_a_loaded_version_in_place_is_refused(loader_app, tmp_path):
    runner = loader_app.test_cli_runner()
    runner.invoke(catalogue_load, [str(MINI)])
    changed = MINI.read_text(encoding="utf-8").replace("amount = 10000", "amount = 15000")
    result = runner.invoke(catalogue_load, [str(_write(tmp_path, changed))])
    assert result.exit_code != 0 and "new effective date" in result.output


def test_demo_load_is_idempotent_and_loads_the_whole_seed(loader_app):
    runner = loader_app.test_cli_runner()
    assert runner.invoke(demo_load).exit_code == 0
    assert runner.invoke(demo_load).exit_code == 0
    with loader_app.app_context():
        with open(services.DEFAULT_FILE, "rb") as f:
            seed = tomllib.load(f)
        assert _count(ProcedureVersion) == len(seed["procedure"]) == 12
        assert _count(Office) == 1
        assert services.search("khai sinh")[0].procedure.code == "dang-ky-khai-sinh"


def test_a_changed_entry_loads_as_a_new_version_from_the_date_given(loader_app, tmp_path):
    import datetime as dt

    runner = loader_app.test_cli_runner()
    runner.invoke(catalogue_load, [str(MINI)])
    changed = _write(tmp_path, MINI.read_text(encoding="utf-8").replace(
        "amount = 10000", "amount = 15000"))
    result = runner.invoke(catalogue_load, [str(changed), "--changed-from", "2026-12-07"])
    assert result.exit_code == 0, result.output
    assert "1 version(s) added, 1 already loaded" in result.output
    again = runner.invoke(catalogue_load, [str(changed), "--changed-from", "2026-12-07"])
    assert "0 version(s) added, 2 already loaded" in again.output
    with loader_app.app_context():
        assert _count(ProcedureVersion) == 3
        before = services.get_in_force("chung-thuc-chu-ky", dt.date(2026, 12, 6))
        after = services.get_in_force("chung-thuc-chu-ky", dt.date(2026, 12, 7))
        assert services.spec_of(before).fees[0].amount == 10000
        assert services.spec_of(after).fees[0].amount == 15000
        assert after.effective_from == dt.date(2026, 12, 7)


def test_demo_load_takes_a_corrected_seed_as_todays_version(loader_app, tmp_path):
    loader_app.config["TTHC_CATALOGUE_FILE"] = str(MINI)
    runner = loader_app.test_cli_runner()
    assert runner.invoke(demo_load).exit_code == 0
    loader_app.config["TTHC_CATALOGUE_FILE"] = str(_write(tmp_path, MINI.read_text(
        encoding="utf-8").replace("amount = 10000", "amount = 15000")))
    result = runner.invoke(demo_load)
    assert result.exit_code == 0, result.output
    with loader_app.app_context():
        from tthc.timeutil import today

        now = services.get_in_force("chung-thuc-chu-ky", today())
        assert now.effective_from == today() and services.spec_of(now).fees[0].amount == 15000
