"""bandit finds nothing in tthc/, at any severity, and every exception is justified.

Each `# nosec Bxxx` names the check it silences and carries its reason on the line above
(`# Bandit Bxxx checked: why`), so a reader sees why the finding does not apply.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bandit(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bandit", "-q", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_bandit_finds_nothing_in_the_app():
    result = bandit("-r", "tthc")
    assert result.returncode == 0, result.stdout + result.stderr


def test_bandit_would_catch_a_finding(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import subprocess\n\ndef run(command):\n"
                   "    return subprocess.call(command, shell=True)\n")
    result = bandit(str(bad))
    assert result.returncode == 1
    assert "B602" in result.stdout


def test_bandit_would_catch_a_low_severity_finding(tmp_path):
    bad = tmp_path / "low.py"
    bad.write_text('PASSWORD = "hunter2hunter2"\n')
    result = bandit(str(bad))
    assert result.returncode == 1
    assert "B105" in result.stdout and "Severity: Low" in result.stdout


def test_every_nosec_names_its_check_and_says_why():
    unjustified = []
    for path in sorted((ROOT / "tthc").rglob("*.py")):
        lines = path.read_text("utf-8").splitlines()
        for number, line in enumerate(lines):
            found = re.search(r"#\s*nosec\b(.*)", line)
            if not found:
                continue
            ids = re.findall(r"B\d{3}", found.group(1))
            above = lines[number - 1] if number else ""
            if not ids or not all(f"Bandit {i} checked" in above for i in ids):
                unjustified.append(f"{path.relative_to(ROOT)}:{number + 1}: {line.strip()}")
    assert not unjustified, "\n".join(unjustified)
