"""The documented production configuration (README "Running in production") passes Django's deployment
checks, and production refuses to start with the shipped secret key. Real processes, real settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb  # each test starts its own process with its own settings

STRONG_KEY = "k3X9-q7Lw2@vNf8!pZr4#tYb6^uJm1&cHs5*dGe0(aQo)iWx_yRn+lKjVhBgT"


def production_env(data_dir: Path, **extra: str) -> dict[str, str]:
    """The process environment without any TRIPLEC_* or DATABASE_URL of the test run, plus `extra`."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TRIPLEC_") and k not in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(TRIPLEC_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="triplec.web.settings")
    env.update(extra)
    return env


def documented_production(data_dir: Path, **extra: str) -> dict[str, str]:
    settings = dict(TRIPLEC_SECRET_KEY=STRONG_KEY, TRIPLEC_ALLOWED_HOSTS="triplec.example.org",
                    TRIPLEC_CSRF_TRUSTED_ORIGINS="https://triplec.example.org", TRIPLEC_HTTPS="1")
    return production_env(data_dir, **{**settings, **extra})


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
                          capture_output=True, text=True, env=env, timeout=120)


def test_documented_production_configuration_passes_check_deploy(tmp_path):
    result = check_deploy(documented_production(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_https_check_deploy_names_the_missing_settings(tmp_path):
    env = documented_production(tmp_path)
    del env["TRIPLEC_HTTPS"]
    result = check_deploy(env)
    assert result.returncode != 0
    for check_id in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check_id in result.stderr, check_id


def test_development_check_deploy_flags_the_shipped_secret_key(tmp_path):
    env = production_env(tmp_path)  # no TRIPLEC_SECRET_KEY: the shipped development key
    result = check_deploy(env)
    assert result.returncode != 0
    assert "triplec.W001" in result.stderr and "TRIPLEC_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("production", [{"TRIPLEC_HTTPS": "1"}, {"TRIPLEC_ENV": "production"}])
def test_production_refuses_to_start_with_the_shipped_secret_key(tmp_path, production):
    env = production_env(tmp_path, TRIPLEC_ALLOWED_HOSTS="triplec.example.org", **production)
    result = subprocess.run([sys.executable, "-m", "django", "check"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode != 0
    assert "TRIPLEC_SECRET_KEY" in result.stderr
    served = subprocess.run([sys.executable, "-m", "triplec.cli", "serve", "--port", "1"], capture_output=True,
                            text=True, env=env, timeout=120)
    assert served.returncode != 0
    assert "TRIPLEC_SECRET_KEY" in served.stderr
    assert "Traceback" not in served.stderr  # said plainly, not as a crash


def test_production_refuses_a_short_secret_key(tmp_path):
    env = documented_production(tmp_path, TRIPLEC_SECRET_KEY="short")
    result = subprocess.run([sys.executable, "-m", "django", "check"], capture_output=True, text=True, env=env,
                            timeout=120)
    assert result.returncode != 0 and "TRIPLEC_SECRET_KEY" in result.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_warns_loudly_in_development_with_the_shipped_key(tmp_path):
    env = production_env(tmp_path, TRIPLEC_IN_PROCESS_WORKER="0")
    process = subprocess.Popen([sys.executable, "-m", "triplec.cli", "serve", "--port", str(_free_port())],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        lines = []
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            lines.append(line)
            if "is running at" in line or process.poll() is not None:
                break
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert "WARNING" in err and "TRIPLEC_SECRET_KEY" in err, err
    assert "development" in err


def test_serve_is_quiet_about_the_key_when_one_is_set(tmp_path):
    env = production_env(tmp_path, TRIPLEC_IN_PROCESS_WORKER="0", TRIPLEC_SECRET_KEY=STRONG_KEY)
    process = subprocess.Popen([sys.executable, "-m", "triplec.cli", "serve", "--port", str(_free_port())],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if "is running at" in line or process.poll() is not None:
                break
    finally:
        process.terminate()
        _out, err = process.communicate(timeout=30)
    assert "TRIPLEC_SECRET_KEY" not in err
