"""A filter "primary key among these ids" that costs the same to build for 5 ids as for 5,000.

`Q(pk__in=ids)` makes Django prepare and quote every id into the SQL text each time a query using it
is compiled (a count, the page, the ids again): about 0.1 s of Python per 1,000 ids per query, with
the GIL held, so 30 concurrent searches queue behind one another. Here the ids travel as ONE
parameter that the database expands: a JSON array read by SQLite's json_each, a bigint array
unnested by PostgreSQL. Other databases get the plain IN list.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db import connections
from django.db.models import Q
from django.db.models.expressions import RawSQL


def pk_among(ids: Iterable[int], using: str = "default", field: str = "pk") -> Q:
    """Q(<field>__in=ids), with the ids passed as a single query parameter."""
    ids = [int(i) for i in ids]
    vendor = connections[using].vendor
    if vendor == "sqlite":
        subquery = RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])
    elif vendor == "postgresql":
        subquery = RawSQL("SELECT unnest(%s::bigint[])", [ids])
    else:
        return Q(**{f"{field}__in": ids})
    return Q(**{f"{field}__in": subquery})
