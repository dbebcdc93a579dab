"""Load test: concurrent clients on the list pages and the API of the real server (`triplec serve`).

Builds (or reuses) a register of 110,000 enterprises plus the demo's agency, associations, networks
and clusters (benchmarks/bench_register_pages.fill: realistic names, sectors, places), starts
`triplec serve` on 127.0.0.1 (gunicorn processes, or waitress on Windows: the server the platform runs), logs each client in through the
login page (its own session) and gives the API clients a bearer token. Then:

  baseline  the same requests by ONE client, one after another (same process, same server, just
            before the load), `--baseline-rounds` times each after a warm-up round;
  load      `--clients` clients (30) at once for `--seconds` (60), each cycling through the requests
            from its own starting point, back to back (or `--think` seconds apart on average, as people
            reading pages); bounded by time AND count (`--max-requests`), on loopback only.

It prints, per request: requests, error rate (any answer but 200, or no answer), p50, p95, p99 in ms
under load, and p95 under load as a ratio of the baseline's p50. The machine's load average is
printed before and after (the 2 cores may be shared: repeat runs, compare ratios).

The clients are threads with the standard library's http.client, one keep-alive connection each:
the lightest well-kept client there is, so the load generator takes as little CPU as possible from
the server on a small machine (httpx or locust cost several times more per request and would be a
new dependency); a thread per client also gives true concurrent connections, which is what the server
sees from 30 browsers. Requests go to http://127.0.0.1:PORT only, never through a proxy, never
following a redirect.

    .venv/bin/python benchmarks/bench_load.py                           # SQLite in var/bench-load
    .venv/bin/python benchmarks/bench_load.py --seconds 20 --clients 10  # a quicker look
    DATABASE_URL=postgres://triplec:triplec@127.0.0.1:55432/triplec_bench \\
        .venv/bin/python benchmarks/bench_load.py                       # an empty (or earlier bench) database

No times are asserted; numbers are printed.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

HOST = "127.0.0.1"  # loopback only: the server listens here and the clients call nothing else
BENCH_USER = "bench-load-officer"
BENCH_PASSWORD = "bench-load-password-2026"  # a throwaway account of a throwaway benchmark database


def setup_django(data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["TRIPLEC_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{data_dir / 'triplec.sqlite3'}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "triplec.web.settings")
    os.environ["TRIPLEC_DEBUG"] = "0"
    os.environ.setdefault("TRIPLEC_IN_PROCESS_WORKER", "0")
    sys.path.insert(0, str(Path(__file__).parent))
    import django

    django.setup()


def prepare_data(n: int) -> dict:
    """The demo (agency, associations, networks, clusters) and enterprises up to `n`, unless an
    earlier run left them; a bench user and a fresh API token. Returns ids the requests use."""
    from django.core.management import call_command
    from django.db import connection

    from triplec.accounts.models import ApiToken, User
    from triplec.registry.models import Enterprise, Organisation, OrganisationKind, Territory

    call_command("migrate", interactive=False, verbosity=0)
    user = User.objects.filter(username=BENCH_USER).first()
    have = Enterprise.objects.count()
    if user is None:
        if have:
            sys.exit("This database holds enterprises but no bench user: point DATABASE_URL or --data-dir at "
                     "an empty database (or one an earlier bench_load run filled).")
        from bench_register_pages import fill

        from triplec import demo

        start = time.perf_counter()
        demo.load(french_register=False)
        fill(n - Enterprise.objects.count())
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        agency = Organisation.objects.filter(kind=OrganisationKind.SUPPORT_AGENCY).order_by("id").first()
        user = User(username=BENCH_USER, role="programme-officer", organisation=agency)
        user.set_password(BENCH_PASSWORD)
        user.save()
        print(f"filled {Enterprise.objects.count():,} enterprises in {time.perf_counter() - start:.0f} s")
    elif have < n:
        sys.exit(f"The bench database holds {have:,} enterprises, fewer than --n {n:,}: start from an empty one.")
    ApiToken.objects.filter(user=user, name="bench-load").delete()
    _token, raw = ApiToken.issue(user, name="bench-load")
    region = Territory.objects.filter(level="region", code="R03").values_list("pk", flat=True).first()
    where = connection.vendor + (f" {connection.settings_dict['NAME']}")
    total = Enterprise.objects.count()
    connection.close()
    return {"token": raw, "region": region, "where": where, "total": total}


def requests_to_make(ids: dict) -> list[tuple[str, str, bool]]:
    """(label, path, api?) of every request a client cycles through."""
    def url(path, **params):
        return path + ("?" + urlencode(params) if params else "")

    pages = [
        ("register list", url("/enterprises/")),
        ("register p.200", url("/enterprises/", page=200)),
        ("search 2 words", url("/enterprises/", q="serraria silva")),
        ("search unaccented", url("/enterprises/", q="ceramica araujo")),
        ("search common", url("/enterprises/", q="ltda")),
        ("search + filters", url("/enterprises/", q="silva", sector="C", size="micro")),
        ("register filtered", url("/enterprises/", sector="10", size="micro", territory=ids["region"])),
        ("networks list", url("/networks/")),
        ("clusters list", url("/clusters/")),
        ("runs list", url("/clusters/runs/")),
        ("organisations", url("/organisations/")),
    ]
    api = [
        ("API enterprises", url("/api/v1/enterprises", limit=50)),
        ("API search", url("/api/v1/enterprises", q="serraria silva", limit=50)),
        ("API filtered", url("/api/v1/enterprises", sector="10", size="micro", territory=ids["region"])),
        ("API organisations", url("/api/v1/organisations")),
        ("API networks", url("/api/v1/networks")),
        ("API clusters", url("/api/v1/clusters")),
        ("API runs", url("/api/v1/clusters/runs")),
    ]
    return [(label, path, False) for label, path in pages] + [(label, path, True) for label, path in api]


# The server -------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, threads: int) -> subprocess.Popen:
    triplec = Path(sys.executable).parent / "triplec"
    cmd = [str(triplec), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers),
           "--threads", str(threads)]
    proc = subprocess.Popen(cmd, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"triplec serve stopped: {proc.stderr.read().decode(errors='replace')[-2000:]}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return proc
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    sys.exit("triplec serve did not answer /healthz within 120 s")


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time so far of the server process and its descendants (gunicorn's worker
    processes; Linux /proc, 0 elsewhere)."""
    stats = {}
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    family, ticks = {pid}, 0
    for _ in range(4):  # serve -> gunicorn master -> workers: a few generations
        family |= {child for child, (parent, _t) in stats.items() if parent in family}
    ticks = sum(stats[p][1] for p in family if p in stats)
    return ticks / os.sysconf("SC_CLK_TCK")


# The clients ------------------------------------------------------------------------------------

@dataclass
class Client:
    """One browser or integration: a keep-alive connection and its credentials."""

    port: int
    headers: dict = field(default_factory=dict)
    api_headers: dict = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def get(self, path: str, api: bool, timeout: float = 60) -> tuple[int, bytes]:
        headers = self.api_headers if api else self.headers
        for attempt in (1, 2):  # once more on a fresh connection if the server closed the kept-alive one
            if self.conn is None:
                self.conn = http.client.HTTPConnection(HOST, self.port, timeout=timeout)
            try:
                self.conn.request("GET", path, headers=headers)
                response = self.conn.getresponse()
                body = response.read()
                if response.will_close:
                    self.close()
                return response.status, body
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def login(self, token: str) -> None:
        """Through the login page, as a browser: the CSRF cookie and field, then the session cookie."""
        conn = http.client.HTTPConnection(HOST, self.port, timeout=60)
        conn.request("GET", "/accounts/login/")
        response = conn.getresponse()
        page = response.read().decode()
        csrf_cookie = _cookie(response, "csrftoken")
        field_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urlencode({"username": BENCH_USER, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": field_token})
        conn.request("POST", "/accounts/login/", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={csrf_cookie}",
            "Referer": f"http://{HOST}:{self.port}/accounts/login/"})
        response = conn.getresponse()
        response.read()
        session = _cookie(response, "sessionid")
        conn.close()
        if response.status != 302 or not session:
            sys.exit(f"login failed: HTTP {response.status}")
        self.headers = {"Cookie": f"sessionid={session}; csrftoken={csrf_cookie}"}
        self.api_headers = {"Authorization": f"Bearer {token}"}


def _cookie(response, name: str) -> str:
    for header, value in response.getheaders():
        if header.lower() == "set-cookie" and value.startswith(name + "="):
            return value.split(";", 1)[0].split("=", 1)[1]
    return ""


@dataclass
class Sample:
    label: str
    ms: float
    ok: bool


def run_client(client: Client, requests: list, start_at: int, deadline: float, max_requests: int,
               out: list, think: float = 0.0) -> None:
    samples = []
    i = start_at
    pause = random.Random(start_at)
    while len(samples) < max_requests and time.monotonic() < deadline:
        if think and samples:  # a person reading the page: 0 to 2 x think seconds, think on average
            time.sleep(pause.uniform(0, 2 * think))
        label, path, api = requests[i % len(requests)]
        i += 1
        began = time.perf_counter()
        try:
            status, _body = client.get(path, api)
            ok = status == 200
        except OSError:  # timeout, refused, reset: an error the user would see
            client.close()
            ok = False
        samples.append(Sample(label, (time.perf_counter() - began) * 1000, ok))
    out.extend(samples)


def percentile(values: list[float], p: float) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=110_000, help="enterprises in the register (default 110,000)")
    parser.add_argument("--clients", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--max-requests", type=int, default=200_000, help="all clients together, at most")
    parser.add_argument("--workers", type=int, default=0, help="server processes (default: triplec serve's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per process (default: triplec serve's)")
    parser.add_argument("--baseline-rounds", type=int, default=5)
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds a client waits between requests (default 0: back to back)")
    parser.add_argument("--data-dir", type=Path, default=Path("var/bench-load"),
                        help="the SQLite database and uploads (kept for the next run)")
    args = parser.parse_args(argv)

    setup_django(args.data_dir.resolve())
    ids = prepare_data(args.n)
    requests = requests_to_make(ids)
    port = free_port()
    threads = args.threads
    if threads is None:  # what `triplec serve` uses when not told
        import inspect

        from triplec.cli import serve

        threads = inspect.signature(serve).parameters["threads"].default
    from triplec.web.server import can_fork_workers, default_workers

    workers = (args.workers or default_workers()) if can_fork_workers() else 1
    server = start_server(port, workers, threads)
    try:
        clients = [Client(port) for _ in range(args.clients)]
        for client in clients:
            client.login(ids["token"])

        print(f"triplec load test: {ids['total']:,} enterprises, {ids['where']}; triplec serve on {HOST}:{port} "
              f"({workers} processes x {threads} threads); {args.clients} clients x {args.seconds:.0f} s, think {args.think:g} s; Python "
              f"{sys.version.split()[0]}, {os.cpu_count()} CPUs")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

        baseline: dict[str, list[float]] = {}
        one = clients[0]
        for round_no in range(args.baseline_rounds + 1):
            for label, path, api in requests:
                began = time.perf_counter()
                status, _ = one.get(path, api)
                ms = (time.perf_counter() - began) * 1000
                if status != 200:
                    sys.exit(f"baseline: {label} {path} answered HTTP {status}")
                if round_no:  # the first round warms up
                    baseline.setdefault(label, []).append(ms)

        samples: list[Sample] = []
        deadline = time.monotonic() + args.seconds
        per_client = max(1, args.max_requests // args.clients)
        workers = [threading.Thread(target=run_client, args=(c, requests, k * len(requests) // args.clients,
                                                             deadline, per_client, samples, args.think))
                   for k, c in enumerate(clients)]
        cpu_before = server_cpu_seconds(server.pid)
        client_cpu_before = time.process_time()
        began = time.perf_counter()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        elapsed = time.perf_counter() - began
        server_cpu = server_cpu_seconds(server.pid) - cpu_before
        client_cpu = time.process_time() - client_cpu_before
        for c in clients:
            c.close()
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()

    print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    total = len(samples)
    errors = sum(not s.ok for s in samples)
    print(f"{total:,} requests in {elapsed:.1f} s ({total / elapsed:.1f}/s), errors {errors} "
          f"({100 * errors / max(total, 1):.2f} %); server CPU {1000 * server_cpu / max(total, 1):.1f} ms per request "
          f"(the figure least moved by other work on the machine); the clients' CPU {client_cpu / elapsed:.2f} "
          f"cores")
    print(f"{'request':<19}{'n':>6}{'err %':>7}{'p50':>8}{'p95':>8}{'p99':>8}{'base p50':>10}{'p95/base':>10}")
    for label, _path, _api in requests:
        mine = [s for s in samples if s.label == label]
        times = [s.ms for s in mine]
        base = statistics.median(baseline[label])
        if not times:
            print(f"{label:<19}{0:>6}")
            continue
        err = 100 * sum(not s.ok for s in mine) / len(mine)
        p95 = percentile(times, 95)
        print(f"{label:<19}{len(mine):>6}{err:>7.1f}{percentile(times, 50):>8.0f}{p95:>8.0f}"
              f"{percentile(times, 99):>8.0f}{base:>10.1f}{p95 / base:>10.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
