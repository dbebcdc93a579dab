"""Compact map data: the enterprises of a (filtered, scoped) queryset as plain arrays.

The map clusters points in the browser (supercluster), so the server's job is to send every point
cheaply. The payload is

    {"fields": ["id", "lat", "lon", "section"], "count": n, "without_coordinates": m,
     "sections": {code: label}, "points": [[id, lat, lon, section], ...]}

with coordinates rounded to 5 decimals (about 1 m, finer than any register's geocoding).

Two implementations give the same points:

- `map_points` (reference, any database): one `values_list` query, no ORM objects, no ordering.
- `points_json` (SQLite and PostgreSQL): the database itself builds the JSON array of the
  filtered rows (`json_group_array` / `string_agg`) in one pass that also counts the rows without
  coordinates. Building 100,000 small Python tuples and formatting their floats costs about
  three times as much as letting the database's C code write the text, so the endpoint uses
  this path where it exists (see benchmarks/bench_register_pages.py).
"""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from triplec.mapping import codes as codelists

FIELDS = ("id", "lat", "lon", "section")
COORDINATE_DECIMALS = 5
_COLUMNS = ("id", "latitude", "longitude", "sector_section")

# One aggregate query per vendor over the filtered rows (the queryset's own SQL as a subquery `t`).
_AGGREGATE_SQL = {
    "sqlite": (
        "SELECT COUNT(*) FILTER (WHERE t.latitude IS NOT NULL AND t.longitude IS NOT NULL), "
        "COUNT(*) FILTER (WHERE t.latitude IS NULL OR t.longitude IS NULL), "
        "json_group_array(json_array(t.id, round(t.latitude, {d}), round(t.longitude, {d}), t.sector_section)) "
        "FILTER (WHERE t.latitude IS NOT NULL AND t.longitude IS NOT NULL) "
        "FROM ({inner}) AS t"
    ),
    # string_agg of hand-built rows: json_agg writes spaces and newlines and, over numeric rounding,
    # takes five times as long. float8 prints its shortest exact form, so x rounded to 1e-5 prints
    # with at most 5 decimals; to_json quotes the section.
    "postgresql": (
        "SELECT COUNT(*) FILTER (WHERE t.latitude IS NOT NULL AND t.longitude IS NOT NULL), "
        "COUNT(*) FILTER (WHERE t.latitude IS NULL OR t.longitude IS NULL), "
        "'[' || COALESCE(string_agg('[' || t.id || ',' || (round(t.latitude * 1e{d}::float8) / 1e{d}::float8) "
        "|| ',' || (round(t.longitude * 1e{d}::float8) / 1e{d}::float8) || ',' || to_json(t.sector_section)::text "
        "|| ']', ',') FILTER (WHERE t.latitude IS NOT NULL AND t.longitude IS NOT NULL), '') || ']' "
        "FROM ({inner}) AS t"
    ),
}


def map_points(queryset: QuerySet) -> list[tuple[int, float, float, str]]:
    """(id, latitude, longitude, sector_section) of every enterprise in `queryset` that has coordinates."""
    rows = (queryset.order_by()  # the model's default ordering would force a sort of every row
            .filter(latitude__isnull=False, longitude__isnull=False)
            .values_list(*_COLUMNS))
    d = COORDINATE_DECIMALS
    return [(pk, round(lat, d), round(lon, d), section) for pk, lat, lon, section in rows.iterator(chunk_size=10000)]


def points_json(queryset: QuerySet) -> tuple[str, int, int] | None:
    """(JSON array text of the points, number of points, number without coordinates), built by the
    database; None when the database has no JSON aggregate we know."""
    connection = connections[queryset.db]
    template = _AGGREGATE_SQL.get(connection.vendor)
    if template is None:
        return None
    try:
        inner, params = queryset.order_by().values(*_COLUMNS).query.sql_with_params()
    except EmptyResultSet:  # e.g. .none(): nothing to ask the database
        return "[]", 0, 0
    sql = template.format(d=COORDINATE_DECIMALS, inner=inner)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, without, text = cursor.fetchone()
    return text or "[]", count, without


def all_section_labels(language: str | None = None) -> dict[str, str]:
    """Labels of every top-level sector: ISIC/NACE section letters (same titles in both) and NAICS
    sectors, in `language` where shipped (else English)."""
    labels = {}
    for system in ("naics2017", "isic4"):
        frame = codelists.load_codelist(system)
        top = frame[frame["parent"] == ""]
        labels.update((code, codelists.label(system, code, language)) for code in top["code"])
    return labels


def section_labels(sections) -> dict[str, str]:
    """Label of each given section code in the reader's language ("" when unknown)."""
    known = _labels()
    return {s: known.get(s, "") for s in sections}


_LABELS: dict[str, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    language = get_language() or "en"
    if language not in _LABELS:
        _LABELS[language] = all_section_labels(language)
    return _LABELS[language]


def _header(count: int, without: int) -> str:
    head = {"fields": list(FIELDS), "count": count, "without_coordinates": without, "sections": _labels()}
    return json.dumps(head, separators=(",", ":"), ensure_ascii=False)[:-1]


def map_payload_json(queryset: QuerySet) -> bytes:
    """The whole payload as UTF-8 JSON bytes (database-built points where possible)."""
    built = points_json(queryset)
    if built is None:
        points = map_points(queryset)
        without = queryset.order_by().filter(Q(latitude__isnull=True) | Q(longitude__isnull=True)).count()
        text, count = json.dumps(points, separators=(",", ":"), ensure_ascii=False), len(points)
    else:
        text, count, without = built
    return (_header(count, without) + ',"points":' + text + "}").encode()
