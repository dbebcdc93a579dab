"""`triplec import enterprises FILE`: preview, row-level errors one per line, exit codes, --dry-run,
--map, --classification/--country, --encoding and --as."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import siren
from typer.testing import CliRunner

from triplec.cli import app
from triplec.registry.models import Enterprise

HEADER = "legal_name,country,national_id,sector_classification,sector_code\n"


@pytest.fixture
def run():
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(app, ["import", "enterprises", *map(str, args), "--quiet"])
    return _run


def write(tmp_path: Path, text: str, name="firms.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_bad_rows_exit_1_with_one_line_per_error_and_nothing_written(world, run, tmp_path):
    path = write(tmp_path, HEADER + "Alpha,FR,000000018,nace2,16.10\n" + "Beta,FR,000000026,nace2,99.99\n" * 5
                 + "Gamma,FR,000000034,nace2,16.10\n")
    result = run(path)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert "row 7, sector_code: NACE Rev.2 code '99.99' is not in the official NACE Rev.2 code list" in lines
    assert "row 4, national_id: duplicate identifier FR/000000026: also on row 3" in lines
    assert "9 error(s): nothing was imported." in result.stderr  # 5 bad codes, 4 duplicates
    assert "Preview: 2 to create" in result.stdout
    assert not Enterprise.objects.filter(country="FR").exists()


def test_good_file_is_imported_then_reimport_is_unchanged(world, run, tmp_path):
    path = write(tmp_path, HEADER + "Alpha,FR,000000018,nace2,16.10\nBeta,FR,000000026,nace2,C16.29\n")
    result = run(path)
    assert result.exit_code == 0, result.output
    assert "Preview: 2 to create, 0 to update, 0 unchanged" in result.stdout
    assert "Imported: 2 created, 0 updated, 0 unchanged" in result.stdout
    assert Enterprise.objects.get(country="FR", national_id="000000026").sector_code == "16.29"
    history = Enterprise.history.count()
    result = run(path)
    assert result.exit_code == 0 and "Imported: 0 created, 0 updated, 2 unchanged" in result.stdout
    assert Enterprise.history.count() == history


def test_dry_run_writes_nothing(world, run, tmp_path):
    path = write(tmp_path, HEADER + "Alpha,FR,000000018,nace2,16.10\n")
    result = run(path, "--dry-run")
    assert result.exit_code == 0 and "Dry run: nothing was written." in result.stdout
    assert not Enterprise.objects.filter(country="FR").exists()
    bad = write(tmp_path, HEADER + "Alpha,FR,000000018,nace2,00.00\n", name="bad.csv")
    assert run(bad, "--dry-run").exit_code == 1


def test_map_classification_and_country_options(world, run, tmp_path):
    path = write(tmp_path, "Firma;Nummer;WZ\nHolz GmbH;Aachen HRB 44123;16.10\n")
    result = run(path)
    assert result.exit_code == 1
    assert "row 1, country: no column for required field country" in result.stderr
    result = run(path, "--map", "Firma=legal_name", "--map", "Nummer=national_id", "--map", "WZ=sector_code",
                 "--classification", "nace2", "--country", "DE")
    assert result.exit_code == 0, result.output
    assert "Firma -> legal_name" in result.stdout
    assert Enterprise.objects.get(country="DE", national_id="Aachen HRB 44123").legal_name == "Holz GmbH"
    assert run(path, "--map", "nonsense").exit_code == 2


def test_encoding_option(world, run, tmp_path):
    path = write(tmp_path, HEADER + "Scierie Hélène,FR,000000018,nace2,16.10\n", encoding="latin-1")
    result = run(path, "--encoding", "utf-16")
    assert result.exit_code == 1 and "file: bad encoding at line 1: the file is not valid UTF-16" in result.stderr
    result = run(path, "--encoding", "latin-1")
    assert result.exit_code == 0 and "(csv, Latin-1, decimal point)" in result.stdout
    assert Enterprise.objects.get(country="FR").legal_name == "Scierie Hélène"


def test_as_user_applies_their_permissions(world, run, tmp_path):
    path = write(tmp_path, HEADER + "Alpha,FR,000000018,nace2,16.10\n")
    result = run(path, "--as", "evaluator")
    assert result.exit_code == 2 and "You may not import enterprises." in result.stderr
    outsider = world.ent_b1
    other = write(tmp_path, HEADER + f"X,BR,{outsider.national_id},isic4,1520\n", name="other.csv")
    result = run(other, "--as", "association-manager")
    assert result.exit_code == 1 and "row 2, national_id: the identifier BR/" in result.stderr
    result = run(path, "--as", "association-manager")
    assert result.exit_code == 0
    new = Enterprise.objects.get(country="FR", national_id="000000018")
    assert new.history.get().history_user == world.users["association-manager"]
    assert new.memberships.get().association == world.assoc_a
    assert run(path, "--as", "nobody").exit_code == 2


def test_missing_file(world, run, tmp_path):
    result = run(tmp_path / "none.csv")
    assert result.exit_code == 2 and "No such file" in result.stderr


@pytest.mark.nodb
@pytest.mark.slow
def test_real_process_on_a_fresh_database(tmp_path):
    """As an operator runs it: a new process, a database that was never migrated."""
    path = write(tmp_path, HEADER + "Alpha,FR,000000018,nace2,16.10\nBeta,FR,000000026,nace2,16.1y9\n")
    env = dict(os.environ, TRIPLEC_DATA_DIR=str(tmp_path / "data"),
               DATABASE_URL=f"sqlite:///{tmp_path / 'data' / 'db.sqlite3'}")
    command = [sys.executable, "-m", "triplec.cli", "import", "enterprises", str(path), "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0].startswith("row 3, sector_code: NACE Rev.2 code '16.1y9'")
    assert "Preview: 1 to create" in result.stdout


def test_progress_bar_in_a_terminal_names_each_stage_with_row_counts(world, tmp_path):
    """Without --quiet, a terminal shows one bar per stage (rich), counting rows; the bars are cleared
    at the end and the preview and outcome lines stay."""
    path = write(tmp_path, HEADER + "".join(f"Firma {i},FR,{siren(100 + i)},nace2,16.10\n" for i in range(30)))
    result = CliRunner().invoke(app, ["import", "enterprises", str(path)], env={"TTY_COMPATIBLE": "1"})
    assert result.exit_code == 0, result.output
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", result.stderr)  # without the terminal's control codes
    for stage in ("reading", "checking", "comparing", "writing"):
        assert re.search(rf"{stage}\s+━+\s+\d+/\d+", shown), stage
    assert re.search(r"checking\s+━+\s+30/30", shown) and re.search(r"writing\s+━+\s+30/30", shown)
    assert "Imported: 30 created" in result.stdout
