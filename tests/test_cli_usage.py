"""The `triplec` command's own behaviour as a shell sees it: usage errors, `--version`, `python -m triplec`.

Real processes of the installed console script, on a throw-away data directory (none of these commands may
reach a database).
"""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb

CONSOLE_SCRIPT = Path(sys.executable).with_name("triplec")


def run(tmp_path: Path, *command: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, TRIPLEC_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    return subprocess.run(list(command), capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)


@pytest.mark.parametrize("args", [
    ["map"],
    ["map", "--out", "somewhere"],
    ["regions"],
    ["impact"],
    ["impact", "panel.csv", "--out", "somewhere", "--unit-col", "firm"],
    ["createuser"],
    ["token"],
    ["import", "enterprises"],
])
def test_a_missing_argument_prints_the_usage_and_exits_2(tmp_path, args):
    result = run(tmp_path, str(CONSOLE_SCRIPT), *args)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Usage: triplec" in result.stderr
    assert "Missing" in result.stderr
    assert not (tmp_path / "db.sqlite3").exists()


def test_version_comes_from_the_package_metadata(tmp_path):
    result = run(tmp_path, str(CONSOLE_SCRIPT), "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"triplec {version('triplec')}"


def test_python_m_triplec_is_the_same_command(tmp_path):
    result = run(tmp_path, sys.executable, "-m", "triplec", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"triplec {version('triplec')}"
    usage = run(tmp_path, sys.executable, "-m", "triplec", "regions")
    assert usage.returncode == 2 and "Usage: triplec regions" in usage.stderr, usage.stderr
