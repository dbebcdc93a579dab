"""The background task of a regional series (see `clusters.regional`): read the uploaded table, split it
by year, compute `regional_series`, write series.csv and changes.csv, return the summary.

Progress (0-100): reading 0-20, one step per year while validating 20-60, computing 60-90, writing
90-100. Bad input (a missing value, a fractional year, a single year) fails the task with its message,
which the page shows; it is not retried.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from triplec.core.tasks import TaskStopped, task
from triplec.mapping.regional import (
    RegionalTable,
    RegionalTableError,
    TableFileError,
    read_table_file,
    regional_series,
)
from triplec.mapping.regional.io import row_label_for
from triplec.mapping.regional.series import year_positions

TOTAL = 100


@task(takes_context=True, max_attempts=1, time_limit=3600)
def regional_series_run(context, folder: str, title: str, input_name: str, input_file: str, columns: dict) -> dict:
    progress = context.progress
    out = Path(settings.MEDIA_ROOT) / folder
    path = Path(settings.MEDIA_ROOT) / input_file
    progress(5, TOTAL, _("Reading %(name)s…") % {"name": input_name})
    try:
        raw = read_table_file(path, str_cols=[columns["region"], columns["sector"]],
                              required=[columns[k] for k in ("region", "sector", "year")])
        label = row_label_for(path)
        years = year_positions(raw, columns["year"], label)
        tables = {}
        for done, (year, positions) in enumerate(years, start=1):
            tables[year] = RegionalTable.from_frame(
                raw.iloc[positions], region_col=columns["region"], sector_col=columns["sector"],
                emp_col=columns.get("emp"), estab_col=columns.get("estab"),
                row_label=lambda i, p=positions: label(int(p[i])))
            progress(20 + 40 * done // len(years), TOTAL, _("Checked the year %(year)s.") % {"year": year})
        progress(60, TOTAL, _("Computing location quotients and strong clusters over %(n)s years…")
                 % {"n": len(tables)})
        result = regional_series(tables)
    except (RegionalTableError, TableFileError) as exc:
        raise TaskStopped(str(exc)) from None
    progress(90, TOTAL, _("Writing the tables…"))
    result.series.to_csv(out / "series.csv", index=False)
    result.changes.to_csv(out / "changes.csv", index=False)
    classes = result.changes["class"].value_counts()
    return {
        "years": result.years,
        "regions": int(result.changes["region"].nunique()),
        "sectors": int(result.changes["sector"].nunique()),
        "cells": int(len(result.changes)),
        "measure": result.methods["measure"],
        "classes": {name: int(classes.get(name, 0)) for name in ("emerging", "declining", "persistent", "other")},
    }
