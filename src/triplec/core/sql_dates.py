"""Date functions for queries that SQLite would otherwise run in Python."""

from __future__ import annotations

from django.db.models.functions import ExtractYear


class DateYear(ExtractYear):
    """The year of a date (not a datetime: no time zone to apply). SQLite stores dates as ISO text and runs
    ExtractYear through a Python function called for every row; the text's first four characters are the
    year, read in SQL."""

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.lhs)
        return f"CAST(SUBSTR({sql}, 1, 4) AS INTEGER)", params
