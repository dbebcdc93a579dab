"""Results of costly reads kept until a table they read changes: finer than `core.query_cache`, whose
results go stale with any committed write anywhere (a login, a network's cost).

Each table of the project's models carries database triggers that count its writes, so every writer
is counted (pages, API, bulk imports and `update()`, raw SQL, the admin, a shell, another process,
deletions, PostgreSQL's TRUNCATE):

* SQLite: a row trigger per table and write (insert, update, delete) adds one to the table's row in
  `core_table_version` (name, version). SQLite has one writer at a time, so the counter never waits.
* PostgreSQL: a statement trigger per table (insert, update, delete, truncate) appends a row to
  `core_table_change` (name, weight 1); a table's version is the sum of its weights. Appending never
  waits on another transaction (a counter row would: writers of a table would queue, and two
  transactions writing two tables in opposite orders would deadlock). Readers fold a table's rows
  into one (same sum) when they grow.

A write changes its table's version in the same transaction, so the change is seen exactly when the
data is. Versions only grow (the two tables are no model's: `flush` leaves them alone), so a version
seen again means the same data. They are read BEFORE the computation, which records the tables its
SQL names; the result is kept with those tables' versions and served while they are unchanged.
Nothing is kept inside a transaction (its writes could be rolled back), nor when the SQL names a
table without triggers. The triggers are put back after every `migrate` (SQLite's table rebuilds drop
them), which also moves an epoch every result depends on (writes made while a trigger was missing).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.db import DatabaseError, connections

from .query_cache import _MISSING, _Results

SQLITE_TABLE = "core_table_version"
POSTGRES_TABLE = "core_table_change"
EPOCH = ""  # the row every kept result depends on
FOLD_AT = 64  # PostgreSQL: rows of one table's log folded into one beyond this
_QUOTED = re.compile(r'"([^"]+)"')
_kept = _Results()
_read_once: ContextVar[dict | None] = ContextVar("triplec_table_versions", default=None)


def _model_tables() -> set[str]:
    return {model._meta.db_table for model in apps.get_models(include_auto_created=True)
            if not model._meta.proxy and model._meta.managed}


def _trigger_name(table: str, suffix: str = "") -> str:
    name = f"triplec_v_{table}{suffix}"
    if len(name) > 60:  # PostgreSQL names hold 63 bytes
        name = f"triplec_v_{hashlib.sha1(table.encode()).hexdigest()[:16]}{suffix}"
    return name


def install(connection) -> int:
    """Create the version table and every missing trigger; returns how many tables got triggers (the
    epoch moves when any did)."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return 0
    existing = set(connection.introspection.table_names())
    tables = sorted(_model_tables() & existing)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {SQLITE_TABLE} "
                           "(name TEXT PRIMARY KEY, version INTEGER NOT NULL)")
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'triplec_v_%'")
            present = {row[0] for row in cursor.fetchall()}
            missing = [t for t in tables if any(_trigger_name(t, f"_{op[0]}") not in present
                                                for op in ("insert", "update", "delete"))]
            for table in missing:
                for op in ("INSERT", "UPDATE", "DELETE"):
                    name = _trigger_name(table, f"_{op[0].lower()}")
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
                    cursor.execute(f'CREATE TRIGGER "{name}" AFTER {op} ON "{table}" BEGIN '
                                   f"INSERT INTO {SQLITE_TABLE} (name, version) VALUES ('{table}', 1) "
                                   "ON CONFLICT (name) DO UPDATE SET version = version + 1; END")
            if missing:
                cursor.execute(f"INSERT INTO {SQLITE_TABLE} (name, version) VALUES (%s, 1) "
                               "ON CONFLICT (name) DO UPDATE SET version = version + 1", [EPOCH])
            return len(missing)
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {POSTGRES_TABLE} (id bigserial PRIMARY KEY, name text NOT NULL, "
                       "weight bigint NOT NULL DEFAULT 1)")
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {POSTGRES_TABLE}_name ON {POSTGRES_TABLE} (name)")
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = 'triplec_version'")
        present = {row[0] for row in cursor.fetchall()}
        missing = [t for t in tables if t not in present]
        if missing:
            cursor.execute("CREATE OR REPLACE FUNCTION triplec_table_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
                           f"BEGIN INSERT INTO {POSTGRES_TABLE} (name) VALUES (TG_TABLE_NAME); RETURN NULL; END $$")
        for table in missing:
            cursor.execute(f'CREATE OR REPLACE TRIGGER triplec_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE '
                           f'ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION triplec_table_changed()')
        if missing:
            cursor.execute(f"INSERT INTO {POSTGRES_TABLE} (name) VALUES (%s)", [EPOCH])
        return len(missing)


def install_after_migrate(sender, using="default", **kwargs) -> None:
    """post_migrate receiver (see install)."""
    install(connections[using])


def _keeps(connection) -> bool:
    return not connection.in_atomic_block and connection.vendor in ("sqlite", "postgresql")


def versions(connection) -> dict[str, int] | None:
    """Every counted table's version (a table never written has none: 0); None without the triggers."""
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute(f"SELECT name, version FROM {SQLITE_TABLE}")
                return dict(cursor.fetchall())
            cursor.execute(f"SELECT name, sum(weight), count(*) FROM {POSTGRES_TABLE} GROUP BY name")
            rows = cursor.fetchall()
            _fold(cursor, [name for name, _total, count in rows if count > FOLD_AT])
            return {name: int(total) for name, total, _count in rows}
    except DatabaseError:  # before the first migrate
        return None


@contextmanager
def one_reading(using: str) -> Iterator[None]:
    """The versions read once for every `remember` inside the block (a page of several results): read
    before all of them, so still before each computation."""
    connection = connections[using]
    token = _read_once.set({using: versions(connection)} if _keeps(connection) else {})
    try:
        yield
    finally:
        _read_once.reset(token)


def _fold(cursor, names: list[str]) -> None:
    for name in names:  # one row of the same weight instead: the sum, the version, is kept
        cursor.execute(f"WITH gone AS (DELETE FROM {POSTGRES_TABLE} WHERE name = %s RETURNING weight) "
                       f"INSERT INTO {POSTGRES_TABLE} (name, weight) SELECT %s, sum(weight) FROM gone "
                       "HAVING count(*) > 0", [name, name])


def fold(connection) -> int:
    """PostgreSQL: fold every table's log into one row (the worker's housekeeping, so that the log stays
    small when no one reads versions); returns how many tables were folded."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT to_regclass('{POSTGRES_TABLE}') IS NOT NULL")
        if not cursor.fetchone()[0]:
            return 0
        cursor.execute(f"SELECT name FROM {POSTGRES_TABLE} GROUP BY name HAVING count(*) > 1")
        names = [row[0] for row in cursor.fetchall()]
        _fold(cursor, names)
    return len(names)


def tables_named(statements: list[str]) -> set[str]:
    """The quoted names in SQL that are tables of the database (Django quotes every table it reads)."""
    names: set[str] = set()
    for sql in statements:
        names.update(_QUOTED.findall(sql))
    return names


def remember(using: str, key: Hashable, compute: Callable[[], Any]) -> Any:
    """`compute()`'s result (of reading database `using`), kept under `key` until a table its SQL
    read is written. The key must name everything the result depends on but the data. The tables are
    the quoted names in its SQL, as Django writes every query: raw SQL in `compute` must quote them."""
    connection = connections[using]
    if not _keeps(connection):
        return compute()
    now = (_read_once.get() or {}).get(using, _MISSING)
    now = versions(connection) if now is _MISSING else now
    if now is None:
        return compute()
    key = (connection.vendor, connection.settings_dict["NAME"], key)
    found = _kept.get(key, _MISSING)
    if found is not _MISSING and all(now.get(table, 0) == version for table, version in found[0]):
        return found[1]
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        value = compute()
    named = tables_named(statements)
    read = named & _model_tables()
    if named & (set(connection.introspection.table_names()) - read):  # a table without triggers
        return value
    _kept.put(key, (tuple((table, now.get(table, 0)) for table in sorted(read | {EPOCH})), value))
    return value
