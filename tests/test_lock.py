"""The lock files pin every requirement of setup.cfg, with hashes (run `make lock` if not).

`make install` installs requirements-test.lock with --require-hashes and the app without its
dependencies: a package added to setup.cfg but not locked would be missing at run time.
"""

from __future__ import annotations

import configparser
import re
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _requirements(text: str) -> list[Requirement]:
    return [Requirement(line) for line in text.strip().splitlines() if line.strip()]


def _locked(name: str) -> dict[str, tuple[str, int]]:
    """The lock file's pins: {canonical name: (version, number of hashes)}."""
    pins: dict[str, tuple[str, int]] = {}
    text = (ROOT / name).read_text()
    for block in re.split(r"\n(?=\S)", text):
        found = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", block)
        if found:
            pins[canonicalize_name(found.group(1))] = (
                found.group(2), len(re.findall(r"--hash=sha256:[0-9a-f]{64}", block)))
    return pins


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


@pytest.mark.parametrize("lock, extras", [("requirements.lock", ()),
                                          ("requirements-test.lock", ("test",))])
def test_the_lock_pins_every_requirement_with_hashes(lock, extras):
    config = _setup_cfg()
    wanted = _requirements(config["options"]["install_requires"])
    for extra in extras:
        wanted += _requirements(config["options.extras_require"][extra])
    pins = _locked(lock)
    assert all(hashes for _, hashes in pins.values()), "a pin without its hashes"
    for requirement in wanted:
        name = canonicalize_name(requirement.name)
        assert name in pins, f"{requirement.name} is not in {lock}: run make lock"
        version, _ = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {requirement.name}=={version}, setup.cfg asks {requirement}: "
            "run make lock")


def test_the_production_lock_holds_no_test_tool():
    pins = _locked("requirements.lock")
    for tool in ("pytest", "playwright", "bandit", "pip-audit", "hypothesis"):
        assert canonicalize_name(tool) not in pins


@pytest.mark.parametrize("service", ["pypi", "osv"])
def test_the_audit_fails_when_it_cannot_look_anything_up(tmp_path, service):
    """`make audit`'s pip-audit with the advisory service out of reach (a proxy that answers
    nothing) fails: an audit that could not ask never passes. The other way to ask nothing,
    a service that answers "not found" for every package (PyPI's JSON API blocked, as on the
    build machines), passes without --strict: the Makefile must keep it."""
    import os
    import socket
    import subprocess
    import sys

    makefile = (ROOT / "Makefile").read_text()
    flags = re.search(r"pip-audit (--strict [^\\\n]*)", makefile)
    assert flags, "make audit runs pip-audit --strict"
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    proxy = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HTTPS_PROXY": proxy, "HTTP_PROXY": proxy, "https_proxy": proxy,
           "http_proxy": proxy, "NO_PROXY": "", "no_proxy": "", "XDG_CACHE_HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "pip_audit", *flags.group(1).split(), "--cache-dir",
         str(tmp_path / "cache"), "--vulnerability-service", service],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "No known vulnerabilities found" not in result.stdout
