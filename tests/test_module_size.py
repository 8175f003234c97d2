"""House rule: no Python module of tthc is over 400 lines (split it by concern instead)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "tthc"
MAX_LINES = 400


def line_count(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def test_the_package_is_found():
    assert (PACKAGE / "__init__.py").is_file()
    assert any(PACKAGE.rglob("*.py"))


def test_no_module_is_over_400_lines():
    too_long = sorted(
        (str(path.relative_to(PACKAGE.parent)), lines)
        for path in PACKAGE.rglob("*.py")
        if (lines := line_count(path)) > MAX_LINES
    )
    assert not too_long, "modules over %d lines: %s" % (
        MAX_LINES, ", ".join(f"{name} ({lines})" for name, lines in too_long))
