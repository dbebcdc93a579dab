"""`pip install triplec` (no extras) gives a working analytics library on another Python.

Builds the wheel of this checkout, installs it into a fresh Python 3.12 virtual environment with the
versions of uv.lock (no extras, so no Django), and runs a Kd curve and location quotients there; the
results must equal the ones of the test environment. The `triplec` command must start there too: library
commands work and platform commands say which extra they need.
"""

from __future__ import annotations

import glob
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.nodb, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]
UV = ROOT / ".tools" / "bin" / "uv"

TINY_COMPUTATION = """
import importlib.util, json
import numpy as np, pandas as pd
from triplec.mapping import PointRegister, kd_curve, location_quotients

rng = np.random.default_rng(7)
df = pd.DataFrame({
    "id": range(80),
    "sector": ["2511"] * 40 + ["1520"] * 40,
    "lon": np.r_[-51.2 + rng.normal(0, 0.05, 40), -51.2 + rng.uniform(-2, 2, 40)],
    "lat": np.r_[-29.9 + rng.normal(0, 0.05, 40), -29.9 + rng.uniform(-2, 2, 40)],
})
reg = PointRegister.from_frame(df, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat")
curve = kd_curve(reg, "2511", r_max=60, r_step=5)
matrix = pd.DataFrame({"2511": [10.0, 30.0], "1520": [30.0, 10.0]}, index=["Caxias", "Novo Hamburgo"])
lq = location_quotients(matrix)
print(json.dumps({"kd": curve.kd.tolist(), "lq": lq.to_numpy().tolist(),
                  "django": importlib.util.find_spec("django") is not None}))
"""


def python312() -> str | None:
    """A working Python 3.12 (a pyenv shim on PATH may point at no installed version)."""
    candidates = [*sorted(glob.glob("/root/.pyenv/versions/3.12*/bin/python")), shutil.which("python3.12")]
    for candidate in filter(None, candidates):
        probe = subprocess.run([candidate, "-c", "import sys; print(sys.version_info[:2])"], capture_output=True,
                               text=True)
        if probe.returncode == 0 and probe.stdout.strip() == "(3, 12)":
            return candidate
    return None


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=900, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}"
    return result


def test_the_wheel_without_extras_is_the_library_on_python_3_12(tmp_path):
    interpreter = python312()
    if interpreter is None:
        pytest.skip("no python3.12 on this machine (looked for python3.12 on PATH and /root/.pyenv/versions/3.12*)")
    if not UV.is_file():
        pytest.skip(f"no uv at {UV}: run the tests through scripts/test.sh, which installs it")
    env = dict(os.environ, UV_PYTHON_DOWNLOADS="never")
    env.pop("VIRTUAL_ENV", None)

    run([UV, "build", "--wheel", "--out-dir", tmp_path / "dist", ROOT], env=env, cwd=ROOT)
    [wheel] = (tmp_path / "dist").glob("triplec-*.whl")
    # the exact versions of uv.lock for the base install (no extras, no dev group)
    locked = run([UV, "export", "--frozen", "--no-dev", "--no-emit-project", "--no-hashes", "--format",
                  "requirements.txt", "--output-file", tmp_path / "locked.txt"], env=env, cwd=ROOT)
    assert locked.returncode == 0
    venv = tmp_path / "venv"
    run([UV, "venv", "--python", interpreter, venv], env=env)
    python = venv / "bin" / "python"
    run([UV, "pip", "install", "--python", python, "--constraint", tmp_path / "locked.txt", wheel], env=env)

    work_env = dict(env, NUMBA_CACHE_DIR=str(tmp_path / "numba-cache"), TRIPLEC_DATA_DIR=str(tmp_path / "data"))
    work_env.pop("DJANGO_SETTINGS_MODULE", None)
    there = json.loads(run([python, "-c", TINY_COMPUTATION], env=work_env, cwd=tmp_path).stdout)
    here = json.loads(run([sys.executable, "-c", TINY_COMPUTATION], env=work_env, cwd=tmp_path).stdout)
    assert run([python, "-c", "import sys; print(sys.version_info[:2])"]).stdout.strip() == "(3, 12)"
    assert there["django"] is False  # the base install is the library alone
    assert there["lq"] == here["lq"] == [[0.5, 1.5], [1.5, 0.5]]
    assert there["kd"] == pytest.approx(here["kd"], rel=1e-12) and max(there["kd"]) > 0

    triplec = venv / "bin" / "triplec"
    version = run([triplec, "--version"], env=work_env, cwd=tmp_path).stdout
    assert version.startswith("triplec ")
    assert "--out" in run([triplec, "map", "--help"], env=work_env, cwd=tmp_path).stdout
    assert "--cohort-col" in run([triplec, "impact", "--help"], env=work_env, cwd=tmp_path).stdout
    platform = subprocess.run([triplec, "serve"], capture_output=True, text=True, env=work_env, cwd=tmp_path,
                              timeout=120)
    assert platform.returncode == 1, (platform.stdout, platform.stderr)
    assert "pip install 'triplec[platform]'" in platform.stderr
    assert "Traceback" not in platform.stderr


EVERY_MODULE = """
import importlib, pkgutil, django
import triplec

django.setup()
names = [m.name for m in pkgutil.walk_packages(triplec.__path__, "triplec.") if m.name != "triplec.__main__"]
for name in names:
    importlib.import_module(name)
print(len(names))
"""


def test_every_module_of_the_package_imports_with_the_installed_dependencies(tmp_path):
    # what `src/` imports must be installed: a dropped dependency still in use fails here
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="triplec.web.settings", TRIPLEC_DATA_DIR=str(tmp_path))
    result = run([sys.executable, "-c", EVERY_MODULE], env=env, cwd=tmp_path)
    assert int(result.stdout.strip().splitlines()[-1]) > 100


# Declared, used by name through a setting rather than an import: Django loads them.
USED_THROUGH_SETTINGS = {
    "argon2-cffi": "PASSWORD_HASHERS: Argon2PasswordHasher",
    "psycopg": "the PostgreSQL database engine of DATABASE_URL",
}


def _normal(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def _declared_requirements() -> dict[str, str]:
    """Distribution name -> the extra that brings it ('' for the base install), from the installed metadata."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    declared = {}
    for line in requires("triplec") or []:
        requirement = Requirement(line)
        marker = str(requirement.marker or "")
        extra = marker.split("extra ==")[-1].strip().strip("'\"") if "extra ==" in marker else ""
        declared[_normal(requirement.name)] = extra
    return declared


def _names_src_uses() -> tuple[set[str], set[str]]:
    """Top-level modules `src/triplec` imports (lazily too), and first names of dotted strings (settings)."""
    import ast

    used, named = set(), set()
    for path in (ROOT / "src" / "triplec").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                used.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                used.add(node.module.split(".")[0])
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and "." in node.value \
                    and " " not in node.value:
                named.add(node.value.split(".")[0])
    return used, named


def test_runtime_dependencies_are_what_src_imports():
    from importlib.metadata import packages_distributions

    declared = _declared_requirements()
    used, named = _names_src_uses()
    modules_of = packages_distributions()
    distributions_used = {_normal(d) for module in used | named for d in modules_of.get(module, [])}
    third_party = {m for m in used if m in modules_of and m not in sys.stdlib_module_names and m != "triplec"}
    undeclared = {m for m in third_party if not any(_normal(d) in declared for d in modules_of[m])}
    assert not undeclared, f"src/triplec imports {sorted(undeclared)}, which pyproject.toml does not declare"
    unused = {d for d in declared if d not in distributions_used and d not in USED_THROUGH_SETTINGS}
    assert not unused, f"declared runtime dependencies that src/triplec never uses: {sorted(unused)}"
    # the base install is the library alone: no Django
    assert declared["django"] == "platform" and declared["distributed"] == "dask"
    assert declared["geopandas"] == "geo" and declared["numba"] == ""
