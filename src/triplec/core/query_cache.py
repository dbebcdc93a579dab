"""Results of costly read queries (a count of 100,000 matches, the ids of a search) kept while the
database has not changed since, so that the same search asked again costs no database work.

"Not changed" is asked of the database itself, never guessed from our own writes, so that every writer
(pages, API, the bulk import's SQL, the admin, a shell, another process) is covered:

* SQLite: `PRAGMA data_version` changes when another connection commits a change to the file, and the
  connection's `total_changes` when it writes itself. Both are values of ONE connection, so each
  connection keeps its own results.
* PostgreSQL: `pg_current_snapshot()`: the transactions whose writes a query sees. Two equal snapshots
  see the same data (MVCC), and every committed write changes it; so the results are shared by the
  process's connections.

Any committed write to any table makes every kept result stale (simple and always right; under load
the same searches repeat far more often than anything is written). Nothing is kept inside a transaction
(`atomic`): its own uncommitted writes could be rolled back under an unchanged version. Other databases
keep nothing. The version is read BEFORE the query runs, so a result is never filed under a version
older than the data it was computed from.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet

# Per SQLite connection, or per process on PostgreSQL; the oldest used is dropped. A result is a number
# or up to 5,000 ids (40 kB as an array): at most about 5 MB each.
MAX_RESULTS = 128


class _Results:
    """A small least-recently-used map, safe to share between threads."""

    def __init__(self, size: int = MAX_RESULTS):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, default):
        with self.lock:
            if key not in self.items:
                return default
            self.items.move_to_end(key)
            return self.items[key]

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


_shared = _Results()  # PostgreSQL: snapshots compare across connections
_MISSING = object()


def _version_and_store(using: str) -> tuple[Hashable, _Results] | None:
    connection = connections[using]
    if connection.in_atomic_block:
        return None
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        raw = connection.connection
        kept = getattr(connection, "_triplec_query_cache", None)
        if kept is None or kept[0] is not raw:  # a new connection: its own versions, its own results
            kept = (raw, _Results())
            connection._triplec_query_cache = kept
        version = (raw.execute("PRAGMA data_version").fetchone()[0], raw.total_changes)
        return version, kept[1]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_snapshot()::text, current_database()")
            return tuple(cursor.fetchone()), _shared
    return None


def query_key(qs: QuerySet) -> tuple | None:
    """What identifies a queryset's rows: its SQL and parameters (the user's scope and filters are in
    them); None for a queryset that needs no query (`none()`)."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return None
    return sql, _frozen(params)


def _frozen(value):
    """A hashable form of query parameters (PostgreSQL takes a list of ids as one array parameter)."""
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    try:
        hash(value)
    except TypeError:
        return (type(value).__name__, repr(value))
    return value


def cached(kind: str, qs: QuerySet, compute: Callable[[], Any]) -> Any:
    """`compute()`'s result for `qs`, kept under `kind` (say "count") while the database is unchanged."""
    identity = query_key(qs)
    if identity is None:
        return compute()
    return remember(qs.db, (kind, identity), compute)


def remember(using: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()`'s result (of reading database `using`), kept under `key` while the database is
    unchanged. The key must name everything the result depends on but the data (the SQL and its
    parameters)."""
    found = _version_and_store(using)
    if found is None:
        return compute()
    version, store = found
    key = (version, key)
    value = store.get(key, _MISSING)
    if value is _MISSING:
        value = compute()
        store.put(key, value)
    return value
