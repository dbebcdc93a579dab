"""Several threads acting at the same moment, each with its own database connection: the races of the
ledger, networks and procurement tests (PostgreSQL; SQLite's in-memory test database cannot hold
concurrent writers)."""

import threading

from django.db import connections


def run_together(work, *, threads: int = 4, rounds: int = 1, refusals: dict | None = None) -> list:
    """Run `work(thread_number, round)` in `threads` threads, all released at once each round, and return
    what each call returned. A call that raises one of the exception types in `refusals` counts as that
    type's word (say {LimitExceeded: "refused"}); any other exception fails the test."""
    refusals = tuple((refusals or {}).items())
    barrier = threading.Barrier(threads)
    outcomes, errors = [], []

    def run(n):
        try:
            for r in range(rounds):
                barrier.wait(timeout=60)
                try:
                    outcomes.append(work(n, r))
                except tuple(kind for kind, _ in refusals) as exc:
                    outcomes.append(next(word for kind, word in refusals if isinstance(exc, kind)))
        except Exception as exc:  # surfaces in the calling thread below
            errors.append(exc)
            barrier.abort()
        finally:
            connections.close_all()

    started = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for t in started:
        t.start()
    for t in started:
        t.join(timeout=120)
    assert not errors, errors
    assert len(outcomes) == threads * rounds
    return outcomes
