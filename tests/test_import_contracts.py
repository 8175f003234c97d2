"""The intended dependencies between tthc's packages (.importlinter) hold, checked by lint-imports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = {
    "tthc.domain imports only the standard library",
    "tthc.models imports no blueprint",
    "The public blueprints never import the desk",
    "The desk reaches intake only through tthc.intake.services",
    "No cycles between the packages of tthc (blueprints, models, domain)",
}

# A package named tthc that breaks every contract once: the same file must then fail.
BROKEN_TTHC = {
    "__init__.py": "",
    "web.py": "",
    "domain/__init__.py": "import json\nimport flask\nfrom tthc import web\n",
    "models/__init__.py": "from tthc.catalogue import views\n",
    "admin/__init__.py": "",
    "auth/__init__.py": "from tthc.desk import slips\n",
    "catalogue/__init__.py": "",
    "catalogue/views.py": "from tthc.desk import views\n",
    "desk/__init__.py": "",
    "desk/slips.py": "",
    "desk/views.py": "from tthc.intake import services, forms\nfrom tthc import auth\n",
    "intake/__init__.py": "",
    "intake/services.py": "from tthc.intake import pages\n",
    "intake/forms.py": "",
    "intake/present.py": "",
    "intake/pages.py": "",
    "intake/views.py": "",
    "intake/lookup_views.py": "",
    "intake/declaration.py": "",
    "intake/uploads.py": "",
    "queue/__init__.py": "",
    "reports/__init__.py": "",
    "reports/board.py": "",
    "reports/public.py": "",
    "site/__init__.py": "",
    "feedback/__init__.py": "",
    "notify/__init__.py": "",
}


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """Check the package tthc found in `folder` (lint-imports puts its working folder first)."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--no-logo", str(CONFIG)],
                          cwd=folder, env=env, capture_output=True, text=True, timeout=300)


def contract_lines(output: str, verdict: str) -> set[str]:
    return {line.removesuffix(f" {verdict}") for line in output.splitlines()
            if line.endswith(f" {verdict}")}


def section(output: str, contract: str) -> str:
    """The part of lint-imports' report about one broken contract (up to the next one)."""
    start = output.index(contract + "\n" + "-" * len(contract))
    following = [output.find("\n" + name + "\n", start + 1) for name in CONTRACTS]
    ends = [i for i in following if i > start]
    return output[start:min(ends)] if ends else output[start:]


def test_tthc_keeps_its_import_contracts():
    done = lint_imports(ROOT)
    assert contract_lines(done.stdout, "KEPT") | contract_lines(done.stdout, "BROKEN") == CONTRACTS
    assert done.returncode == 0, done.stdout + done.stderr


def test_each_contract_breaks_on_a_package_that_violates_it(tmp_path):
    for name, text in BROKEN_TTHC.items():
        path = tmp_path / "tthc" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    done = lint_imports(tmp_path)
    assert done.returncode != 0
    assert contract_lines(done.stdout, "BROKEN") == CONTRACTS, done.stdout + done.stderr
    # The desk's own contract names the direct import of intake's forms, not the import of
    # intake.services (other contracts' chains may pass through either: graph order varies).
    desk = section(done.stdout, "The desk reaches intake only through tthc.intake.services")
    assert "tthc.desk.views -> tthc.intake.forms" in desk
    assert "-> tthc.intake.services" not in desk


def test_the_domain_imports_nothing_outside_the_standard_library():
    """What the contract's list of forbidden packages could miss: any other package installed."""
    graph = grimp.build_graph("tthc", include_external_packages=True, cache_dir=None)
    outside = {
        (module, imported)
        for module in graph.find_descendants("tthc.domain") | {"tthc.domain"}
        for imported in graph.find_modules_directly_imported_by(module)
        if not imported.startswith("tthc.domain")
        and imported.split(".")[0] not in sys.stdlib_module_names
    }
    assert not outside
