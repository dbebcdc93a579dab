"""The `triplec` command as an operator uses it: real processes on a throw-away SQLite database."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.nodb  # runs its own processes and databases, not the test database
# The tests that start from the demo share one `triplec demo` (the slowest command): one test process runs them.
from_the_demo = pytest.mark.xdist_group("cli-demo")

TRIPLEC = [sys.executable, "-m", "triplec.cli"]


def run(data_dir: Path, *args, stdin: str | None = None, check: bool = True):
    env = dict(os.environ, TRIPLEC_DATA_DIR=str(data_dir), DATABASE_URL=f"sqlite:///{data_dir / 'db.sqlite3'}")
    result = subprocess.run([*TRIPLEC, *args], input=stdin, capture_output=True, text=True, env=env, timeout=300)
    if check and result.returncode != 0:
        raise AssertionError(f"triplec {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


def count(db: Path, table: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def demo_installation(tmp_path_factory):
    """One installation made by `triplec demo` (folder, its output); each test works on its own copy
    (`installed_demo`)."""
    folder = tmp_path_factory.mktemp("demo-installation")
    return folder, run(folder, "demo", "--no-french-register").stdout


def installed_demo(demo_installation, where: Path) -> Path:
    shutil.copytree(demo_installation[0], where)
    return where


@from_the_demo
def test_demo_is_idempotent_and_backup_restores_on_a_new_machine(demo_installation, tmp_path):
    out = demo_installation[1]
    assert "Demo logins" in out and "admin" in out
    first = installed_demo(demo_installation, tmp_path / "first")
    db = first / "db.sqlite3"
    enterprises, history = count(db, "registry_enterprise"), count(db, "registry_historicalenterprise")
    assert enterprises > 250
    run(first, "demo", "--no-french-register")
    assert count(db, "registry_enterprise") == enterprises
    assert count(db, "registry_historicalenterprise") == history  # nothing re-written

    (first / "media" / "imports").mkdir(parents=True)
    (first / "media" / "imports" / "upload.csv").write_text("legal_name\nX\n")
    archive = tmp_path / "backup.tar.gz"
    assert "Backup written" in run(first, "backup", str(archive)).stdout

    second = tmp_path / "second"
    run(second, "restore", str(archive))
    db2 = second / "db.sqlite3"
    for table in ("registry_enterprise", "registry_membership", "registry_organisation", "accounts_user",
                  "registry_historicalenterprise", "registry_territory"):
        assert count(db2, table) == count(db, table), table
    assert (second / "media" / "imports" / "upload.csv").read_text() == "legal_name\nX\n"
    refused = run(second, "restore", str(archive), check=False)
    assert refused.returncode != 0 and "already holds data" in refused.stderr


@from_the_demo
def test_createuser_and_token(demo_installation, tmp_path):
    home = installed_demo(demo_installation, tmp_path / "installation")
    ok = run(home, "createuser", "maria", "--role", "programme-officer", "--password-stdin",
             stdin="A-long-enough-pw-77\n")
    assert "Created user maria" in ok.stdout
    bad_role = run(home, "createuser", "joao", "--role", "wizard", "--password-stdin",
                   stdin="A-long-enough-pw-77\n", check=False)
    assert bad_role.returncode != 0 and "Unknown role" in bad_role.stderr
    weak = run(home, "createuser", "ana", "--role", "evaluator", "--password-stdin", stdin="123\n", check=False)
    assert weak.returncode != 0 and "password" in weak.stderr.lower()
    no_org = run(home, "createuser", "rui", "--role", "association-manager", "--password-stdin",
                 stdin="A-long-enough-pw-77\n", check=False)
    assert no_org.returncode != 0 and "association" in no_org.stderr
    token = run(home, "token", "maria").stdout.strip()
    assert token.startswith("tc_") and len(token) > 30
    assert run(home, "token", "nobody", check=False).returncode != 0
    # The operator's user commands go through the same services as the pages.
    assert "maria\tprogramme-officer\tactive" in run(home, "users", "list").stdout
    assert "maria is now evaluator" in run(home, "users", "role", "maria", "evaluator").stdout
    last_admin = run(home, "users", "deactivate", "admin", check=False)
    assert last_admin.returncode != 0 and "last active agency administrator" in last_admin.stderr
    assert "Revoked" in run(home, "users", "revoke-token", "maria", token[:12]).stdout
    run(home, "users", "deactivate", "maria")
    assert "maria\tevaluator\tinactive" in run(home, "users", "list").stdout


@pytest.mark.parametrize("command", [("token", "admin"), ("backup", "out.tar.gz"), ("users", "list")])
def test_outside_an_installation_commands_say_where_the_data_lives(tmp_path, command):
    """Run in a folder with no installation: a clear message naming TRIPLEC_DATA_DIR and the database
    path, no traceback, and no empty database (or ./var) left behind."""
    env = {k: v for k, v in os.environ.items() if k not in ("TRIPLEC_DATA_DIR", "DATABASE_URL")}
    result = subprocess.run([*TRIPLEC, *command], capture_output=True, text=True, env=env, cwd=tmp_path,
                            timeout=300)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "no such table" not in result.stderr
    assert "TRIPLEC_DATA_DIR" in result.stderr and str(tmp_path / "var" / "triplec.sqlite3") in result.stderr
    assert not (tmp_path / "var").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def _serving(tmp_path, *options: str):
    """`triplec serve` on a free port until the block ends: yields (process, port, /healthz body). Its
    output goes to a file, never to a pipe nobody reads (a full pipe would stop the server)."""
    port = _free_port()
    env = dict(os.environ, TRIPLEC_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        proc = subprocess.Popen([*TRIPLEC, "serve", "--host", "127.0.0.1", "--port", str(port), *options],
                                env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 300  # generous: a busy machine starts slowly; a pass costs seconds
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as resp:
                    assert resp.status == 200
                    body = json.loads(resp.read())
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(f"server did not start: {log.read_text()}") from None
                time.sleep(0.3)
        yield proc, port, body
    finally:
        proc.terminate()
        proc.wait(timeout=40)


def test_serve_migrates_and_answers_healthz(tmp_path):
    with _serving(tmp_path) as (_, port, body):
        assert body["database"]["reachable"] is True
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/vendor/leaflet/leaflet.js", timeout=5) as r:
            assert r.status == 200  # vendored assets are served without a CDN or collectstatic


def _children(pid: int) -> set[int]:
    """Every process below `pid` (Linux /proc)."""
    parents = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    family = {pid}
    for _ in range(4):
        family |= {child for child, parent in parents.items() if parent in family}
    return family - {pid}


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_serve_runs_several_processes_and_stops_them_all(tmp_path):
    """`--workers 2`: two server processes under gunicorn's master, the background task worker beside
    them; all of them gone once the server is stopped."""
    with _serving(tmp_path, "--workers", "2") as (proc, port, _):
        # each request goes to whichever process is free: the server keeps no connection with one
        keep_alive = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        keep_alive.request("GET", "/healthz")  # HTTP/1.1, which keeps the connection unless told otherwise
        assert keep_alive.getresponse().headers["Connection"] == "close"
        keep_alive.close()
        family = _children(proc.pid)
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1] for pid in family]
        assert sum(c[-1:] == ["worker"] for c in commands) == 1, commands  # the background task worker
        assert sum("serve" in c for c in commands) == 2, commands  # the server processes forked by the master
    time.sleep(0.5)
    assert not [pid for pid in family if Path(f"/proc/{pid}").exists()
                and "(Z)" not in Path(f"/proc/{pid}/stat").read_text()[:60]], "processes left running"
