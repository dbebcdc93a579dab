"""Bulk writes with django-simple-history records, fast enough for 100,000-row imports.

`QuerySet.bulk_create` and simple-history's `bulk_create_with_history` / `bulk_update_with_history`
do the same job, but Django prepares every value of every row through its field machinery and, on
SQLite, sends at most 999 parameters per statement; at 100,000 rows that alone takes minutes on a
small machine. Here each statement carries as many rows as the database accepts, values that
databases take as they are (text, numbers, booleans, NULL) are passed through, and the rest (dates,
times) go through the field's own `get_db_prep_save`. The history rows are exactly those
simple-history writes: the tracked fields, `history_date`, `history_type` (+ created, ~ changed),
`history_user_id` and `history_change_reason`.

SQLite: multi-row VALUES ... RETURNING (SQLite >= 3.35) and executemany. PostgreSQL: one array per
column through UNNEST, as Django's own bulk_create does since 5.2. Where the database cannot return
ids from a multi-row insert, the simple-history utilities are used instead.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from itertools import islice
from operator import itemgetter

from django.conf import settings
from django.db import connection, models
from simple_history.utils import bulk_create_with_history

_PASSTHROUGH = (models.CharField, models.TextField, models.IntegerField, models.FloatField,
                models.BooleanField, models.ForeignKey)


@dataclass(frozen=True)
class HistoryInfo:
    user_id: int | None
    reason: str
    when: datetime


def _max_params() -> int:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        try:
            return connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
        except (AttributeError, sqlite3.Error):
            return 999
    return 65535 if connection.vendor == "postgresql" else connection.features.max_query_params or 999


def _batches(items, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _preparer(field: models.Field):
    """None when the value goes to the database as it is; else a function preparing it. Dates and
    times are prepared once per distinct value (an import stamps every row with the same time)."""
    if isinstance(field, _PASSTHROUGH) and not isinstance(field, models.AutoField):
        return None
    cache: dict = {}

    def prepare(value):
        try:
            return cache[value]
        except KeyError:
            cache[value] = prepared = field.get_db_prep_save(value, connection)
            return prepared
        except TypeError:  # unhashable
            return field.get_db_prep_save(value, connection)
    return prepare


def _row_builder(fields: list[models.Field], fixed: dict[str, object] | None = None):
    """row dict (attname -> value) -> tuple of database values for `fields`; attnames in `fixed`
    take that value for every row."""
    fixed = fixed or {}
    getter = itemgetter(*[f.attname for f in fields if f.attname not in fixed])
    plan = []  # per field: ("fixed", value) or ("row", index in the getter's tuple, preparer)
    position = 0
    for f in fields:
        if f.attname in fixed:
            plan.append((True, f.get_db_prep_save(fixed[f.attname], connection), None))
        else:
            plan.append((False, position, _preparer(f)))
            position += 1
    single = position == 1
    if not fixed and all(prep is None for _, _, prep in plan) and not single:
        return getter

    def build(row: dict) -> tuple:
        got = getter(row)
        if single:
            got = (got,)
        return tuple(value if is_fixed else (got[value] if prep is None else prep(got[value]))
                     for is_fixed, value, prep in plan)
    return build


def as_row(obj: models.Model) -> dict:
    """A saved model instance as a row dict (attname -> value)."""
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def new_row(model, values: dict) -> dict:
    """A row dict for a new `model` object: field defaults, then `values` (by attname)."""
    row = {f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key}
    row.update(values)
    return row


def _quoted(model, fields) -> tuple[str, str]:
    q = connection.ops.quote_name
    return q(model._meta.db_table), ", ".join(q(f.column) for f in fields)


def _unnest(fields) -> str:
    """PostgreSQL: one array parameter per column, as Django's own bulk_create does (5.2+): a short,
    cached statement instead of one placeholder per value."""
    return ", ".join(f"(%s)::{f.db_type(connection).split('(')[0]}[]" for f in fields)


def _columns_of(rows: list[tuple], width: int) -> list[list]:
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]


def write_history(model, rows: list[dict], history_type: str, info: HistoryInfo) -> None:
    """One history row per row dict (which must hold the pk), in the model's historical table."""
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return
    historical = model.history.model
    tracked = [historical._meta.get_field(f.name) for f in historical.tracked_fields]
    extra = {"history_date": info.when, "history_type": history_type, "history_user_id": info.user_id,
             "history_change_reason": info.reason}
    fields = tracked + [historical._meta.get_field(name.removesuffix("_id")) for name in extra]
    build = _row_builder(fields, extra)
    table, columns = _quoted(historical, fields)
    with connection.cursor() as cursor:
        for batch in _batches(rows, 5000):
            values = [build(row) for row in batch]
            if connection.vendor == "postgresql":
                cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({_unnest(fields)})",
                               _columns_of(values, len(fields)))
            else:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})",
                                   values)


def insert(model, rows: list[dict], info: HistoryInfo) -> list[dict]:
    """INSERT new rows (dicts from `new_row`), store their new ids under the pk's attname, and write
    their "+" history rows. The ids come back from RETURNING in the order of the rows (which Django's
    bulk_create relies on too)."""
    if not rows:
        return rows
    pk = model._meta.pk
    if not connection.features.can_return_rows_from_bulk_insert:
        return _fallback_create(model, rows, info)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    build = _row_builder(fields)
    table, columns = _quoted(model, fields)
    returning = f"RETURNING {connection.ops.quote_name(pk.column)}"
    postgres = connection.vendor == "postgresql"
    per_row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    size = 5000 if postgres else max(1, min(2000, _max_params() // len(fields)))
    with connection.cursor() as cursor:
        for batch in _batches(rows, size):
            values = [build(row) for row in batch]
            if postgres:
                cursor.execute(f"INSERT INTO {table} ({columns}) SELECT * FROM UNNEST({_unnest(fields)}) {returning}",
                               _columns_of(values, len(fields)))
            else:
                cursor.execute(f"INSERT INTO {table} ({columns}) VALUES {', '.join([per_row] * len(batch))} "
                               f"{returning}", [value for row in values for value in row])
            for row, (new_id,) in zip(batch, cursor.fetchall(), strict=True):
                row[pk.attname] = new_id
    write_history(model, rows, "+", info)
    return rows


def _fallback_create(model, rows: list[dict], info: HistoryInfo) -> list[dict]:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(pk=info.user_id).first() if info.user_id else None
    objs = bulk_create_with_history([model(**row) for row in rows], model, default_user=user,
                                    default_change_reason=info.reason, default_date=info.when)
    for row, obj in zip(rows, objs, strict=True):
        row[model._meta.pk.attname] = obj.pk
    return rows


def update(model, rows: list[dict], fields: list[str], info: HistoryInfo) -> None:
    """UPDATE `fields` (attnames) of saved rows (dicts from `as_row`, already changed), and write
    their "~" history rows."""
    if not rows:
        return
    model_fields = [f for f in model._meta.concrete_fields if f.attname in fields or f.name in fields]
    pk = model._meta.pk
    build = _row_builder(model_fields + [pk])
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    with connection.cursor() as cursor:
        for batch in _batches(rows, 5000):
            values = [build(row) for row in batch]
            if connection.vendor == "postgresql":
                names = [f"c{i}" for i in range(len(model_fields))] + ["pk"]
                assignments = ", ".join(f"{q(f.column)} = v.{n}" for f, n in zip(model_fields, names, strict=False))
                cursor.execute(f"UPDATE {table} SET {assignments} FROM UNNEST({_unnest(model_fields + [pk])}) "
                               f"AS v({', '.join(names)}) WHERE {table}.{q(pk.column)} = v.pk",
                               _columns_of(values, len(names)))
            else:
                assignments = ", ".join(f"{q(f.column)} = %s" for f in model_fields)
                cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {q(pk.column)} = %s", values)
    write_history(model, rows, "~", info)
