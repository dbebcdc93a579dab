"""The database connection settings the server runs with (load test: benchmarks/bench_load.py)."""

import json
import os
import subprocess
import sys


def _settings_in_subprocess(tmp_path, **env) -> dict:
    """DATABASES["default"] as a fresh process builds it from the environment."""
    code = ("import json, triplec.web.settings as s; d = s.DATABASES['default']; "
            "print(json.dumps({k: d.get(k) for k in ('ENGINE', 'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS', 'OPTIONS')}))")
    environ = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TRIPLEC_DB_CONN_MAX_AGE"}}
    environ.update(TRIPLEC_DATA_DIR=str(tmp_path), **env)
    out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_connections_are_kept_between_requests_with_health_checks(tmp_path):
    """A connection per request costs a connect, the PRAGMAs and a schema read (SQLite) or a login
    (PostgreSQL) on every page; each server thread keeps its own instead, checked before reuse."""
    for url in (None, "postgres://u:p@127.0.0.1:5432/db"):
        db = _settings_in_subprocess(tmp_path, **({"DATABASE_URL": url} if url else {}))
        assert db["CONN_MAX_AGE"] == 600, db
        assert db["CONN_HEALTH_CHECKS"] is True, db


def test_connection_age_is_configurable(tmp_path):
    assert _settings_in_subprocess(tmp_path, TRIPLEC_DB_CONN_MAX_AGE="0")["CONN_MAX_AGE"] == 0
    assert _settings_in_subprocess(tmp_path, TRIPLEC_DB_CONN_MAX_AGE="60")["CONN_MAX_AGE"] == 60


def test_sqlite_waits_for_a_writer_and_reads_while_one_writes(tmp_path):
    options = _settings_in_subprocess(tmp_path)["OPTIONS"]
    assert options["timeout"] == 20
    assert "journal_mode=WAL" in options["init_command"]


def test_today_is_the_agencys_day(tmp_path):
    """Default and refused-as-future dates follow the agency's zone, not the server's UTC."""
    code = ("import os; os.environ['DJANGO_SETTINGS_MODULE'] = 'triplec.web.settings'; import django; django.setup(); "
            "from django.utils import timezone; print(timezone.get_current_timezone_name())")
    for zone, expected in ((None, "UTC"), ("America/Santiago", "America/Santiago")):
        environ = {k: v for k, v in os.environ.items() if k != "TRIPLEC_TIME_ZONE"}
        environ.update(TRIPLEC_DATA_DIR=str(tmp_path), **({"TRIPLEC_TIME_ZONE": zone} if zone else {}))
        out = subprocess.run([sys.executable, "-c", code], env=environ, capture_output=True, text=True, check=True)
        assert out.stdout.strip() == expected
