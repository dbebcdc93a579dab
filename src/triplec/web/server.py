"""Serving the platform: several processes with gunicorn where it runs (Linux, macOS), else one
waitress process (Windows).

One Python process runs one request's Python at a time (the GIL): under 30 busy clients a single
process with 8 threads spent 38 ms of CPU per request, half of it threads taking the interpreter from
each other, and its p95 passed a second. `workers` processes of `threads` threads each use every core
(benchmarks/bench_load.py). The background worker of the embedded default runs as one child process
beside them (`triplec worker`): a thread in gunicorn's master would be copied into every forked
process with its open database connection."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def can_fork_workers() -> bool:
    try:
        import gunicorn  # noqa: F401  (not installed on Windows)
    except ImportError:
        return False
    return True


def start_background_worker() -> subprocess.Popen:
    """`triplec worker` as a child process, with this process's settings (environment)."""
    script = Path(sys.executable).parent / ("triplec.exe" if os.name == "nt" else "triplec")
    command = [str(script), "worker"] if script.exists() else [sys.executable, "-m", "triplec", "worker"]
    return subprocess.Popen(command, env=os.environ.copy())


def serve_gunicorn(application, host: str, port: int, workers: int, threads: int) -> None:
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "proc_name": "triplec", "accesslog": None,
                               "graceful_timeout": 20, "timeout": 120, "reuse_port": True, "keepalive": 0}.items():
                # keepalive 0: a connection closes after its answer, so every request goes to whichever
                # process is free; kept connections stay with one process, which queues while another
                # idles (30 busy clients: search p95 534-557 ms with them, 402-443 ms without).
                self.cfg.set(key, value)

        def load(self):
            return application

    connections.close_all()  # the forked processes open their own; a shared one would be corrupted
    Application().run()


def serve_waitress(application, host: str, port: int, threads: int) -> None:
    from waitress import serve

    serve(application, host=host, port=port, threads=threads, ident="triplec")
