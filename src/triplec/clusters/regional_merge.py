"""One file per year merged into the region x sector table of several years a regional series reads.

Each file gives its year in the year column, or beside it (`YearFile.year`) when it has none. The files
are checked all together, and nothing is merged unless all pass: every file readable with the region,
sector and measure columns, each year's rows valid (the message names the file and line), no year in
two files, every file sharing region and sector codes with the first (a file coded otherwise, "9001" for
"09001", would be a different place), and two years at least. Imports the mapping library: loaded by
`regional.start_series` only when files per year are given."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _

from triplec.mapping.regional import RegionalTable, RegionalTableError, TableFileError, read_table_file
from triplec.mapping.regional.io import row_label_for
from triplec.mapping.regional.series import year_positions

FIELD = "year_files"


@dataclass
class YearFile:
    path: Path  # the stored upload
    year: int | None  # given beside the file; None: from its year column


def _examples(codes: set[str]) -> str:
    return ", ".join(sorted(codes)[:3])


def merge_year_files(files: list[YearFile], columns: dict) -> tuple[pd.DataFrame, list[str]]:
    """The merged table (the year in `columns["year"]`) and the errors (empty when it may be used)."""
    region, sector, year_col = columns["region"], columns["sector"], columns["year"]
    measures = [columns[k] for k in ("emp", "estab") if columns.get(k)]
    errors: list[str] = []
    frames: list[pd.DataFrame] = []
    year_of: dict[int, str] = {}
    first: tuple[str, set[str], set[str]] | None = None
    for item in files:
        name = item.path.name
        try:
            frame = read_table_file(item.path, str_cols=[region, sector], required=[region, sector, *measures])
        except TableFileError as exc:
            errors.append(str(exc))
            continue
        label = row_label_for(item.path)
        try:
            if year_col in frame.columns:
                found = year_positions(frame, year_col, label)
                if item.year is not None and [y for y, _rows in found] != [item.year]:
                    errors.append(_("%(file)s: its column %(col)r gives %(found)s, not the year %(year)s given beside it.")
                                  % {"file": name, "col": year_col, "found": ", ".join(str(y) for y, _r in found),
                                     "year": item.year})
                    continue
            elif item.year is None:
                errors.append(_("%(file)s: it has no column %(col)r; give its year beside the file.")
                              % {"file": name, "col": year_col})
                continue
            else:
                frame[year_col] = item.year
                found = [(item.year, range(len(frame)))]
            for _year, positions in found:
                RegionalTable.from_frame(frame.iloc[list(positions)], region_col=region, sector_col=sector,
                                         emp_col=columns.get("emp"), estab_col=columns.get("estab"),
                                         row_label=lambda i, p=list(positions), name=label: name(int(p[i])))
        except RegionalTableError as exc:
            errors.append(str(exc))
            continue
        for year, _positions in found:
            if year in year_of:
                errors.append(_("%(file)s: the year %(year)s is also in %(other)s; give each year once.")
                              % {"file": name, "year": year, "other": year_of[year]})
            else:
                year_of[year] = name
        regions, sectors = set(frame[region].dropna().astype(str)), set(frame[sector].dropna().astype(str))
        if first is None:
            first = (name, regions, sectors)
        else:
            for what, mine, theirs in ((_("region"), regions, first[1]), (_("sector"), sectors, first[2])):
                if not mine & theirs:
                    errors.append(_("%(file)s: none of its %(what)s codes (%(mine)s…) is in %(first)s (%(theirs)s…); "
                                    "every year must use the same codes.")
                                  % {"file": name, "what": what, "mine": _examples(mine), "first": first[0],
                                     "theirs": _examples(theirs)})
        frames.append(frame[[region, sector, year_col, *measures]])
    if not errors and len(year_of) < 2:
        errors.append(_("A series needs two years at least; the files hold %(years)s.")
                      % {"years": ", ".join(str(y) for y in sorted(year_of)) or "—"})
    if errors:
        return pd.DataFrame(), errors
    return pd.concat(frames, ignore_index=True), []
