"""Four threads, each with its own connection, post against one limited account at once: the limit is
never exceeded, an idempotency key never pays twice, a transaction is reversed once. On PostgreSQL the
account rows are locked (`select_for_update`); on SQLite IMMEDIATE write transactions (settings)
serialise the writers, checked on a SQLite file in a separate process (the in-memory test database
cannot hold concurrent writers)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from tests.ledger import race

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("runs on PostgreSQL; SQLite has test_sqlite_file_serialises_writers")


@pytest.mark.parametrize("scenario", race.SCENARIOS, ids=lambda s: s.__name__)
def test_four_threads_against_one_limit_on_postgresql(postgres_only, scenario):
    scenario()


def test_sqlite_file_serialises_writers(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite configuration; PostgreSQL runs the threads in the test database")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'race.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "triplec.web.settings", "TRIPLEC_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", race.RUN_AS_SCRIPT], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.split() == [w for s in race.SCENARIOS for w in (s.__name__, "ok")]
