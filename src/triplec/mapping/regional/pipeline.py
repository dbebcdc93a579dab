"""The steps of `triplec regions` as a function: read a table file, fill or select code levels, truncate,
map through a crosswalk and compute the regional indices (used by the command line and notebooks);
`run_series` takes the same steps for each year of a series, then computes `regional_series`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from triplec.mapping.regional.concentration import plant_herfindahl
from triplec.mapping.regional.indices import regional_indices
from triplec.mapping.regional.io import TableFileError, read_table_file, row_label_for
from triplec.mapping.regional.series import regional_series, year_positions
from triplec.mapping.regional.suppression import impute_suppressed_cells
from triplec.mapping.regional.table import RegionalTable, RegionalTableError, validate_codes, validate_numbers
from triplec.mapping.sectors import (
    CrosswalkError,
    SectorCodeError,
    apply_crosswalk,
    load_crosswalk,
    truncate_codes,
)

__all__ = ["INPUT_ERRORS", "run_regions", "run_series"]

INPUT_ERRORS = (RegionalTableError, TableFileError, CrosswalkError, SectorCodeError, ValueError)


def _parse_filters(filters: list[str]) -> dict[str, str]:
    parsed = {}
    for item in filters:
        if "=" not in item:
            raise CrosswalkError(f"--crosswalk-filter {item!r}: write COLUMN=VALUE")
        col, value = item.split("=", 1)
        parsed[col.strip()] = value.strip()
    return parsed


def _pick(frame: pd.DataFrame, given: str | None, default: str) -> str | None:
    if given:
        return given
    return default if default in frame.columns else None


def _read(path, region_col, sector_col, emp_col, estab_col, impute_within, plants, year_col=None):
    """Read a table file and pick its measure columns (given, or 'emp' / 'estab' when present)."""
    raw = read_table_file(path, str_cols=[region_col, sector_col, impute_within or ""],
                          required=[region_col, sector_col, impute_within or "", year_col or ""])
    emp = _pick(raw, emp_col, "emp")
    estab = None if plants else _pick(raw, estab_col, "estab")
    for given in (emp_col, estab_col):
        if given and given not in raw.columns:
            raise TableFileError(f"{Path(path).name}: missing column '{given}'; columns are {list(raw.columns)}")
    if not emp and not estab and not plants:
        raise TableFileError(f"{Path(path).name}: no employment or establishment column; give --emp-col and/or --estab-col")
    return raw, emp, estab


def run_regions(path, region_col, sector_col, emp_col, estab_col, crosswalk, crosswalk_from, crosswalk_to,
                crosswalk_weight, crosswalk_filter, unmapped, level, only_level, scheme, impute_within, duplicates, missing, plants):
    raw, emp, estab = _read(path, region_col, sector_col, emp_col, estab_col, impute_within, plants)
    steps = []
    cw = None
    if crosswalk is not None:
        cw = load_crosswalk(crosswalk, crosswalk_from, crosswalk_to, weight_col=crosswalk_weight,
                            filters=_parse_filters(crosswalk_filter))
    label = row_label_for(path)
    try:
        if plants:
            return _run_plants(raw, region_col, sector_col, emp, cw, unmapped, level, scheme, missing, label, steps)
        return _run_table(raw, path, region_col, sector_col, emp, estab, cw, crosswalk, crosswalk_from, crosswalk_to,
                          unmapped, level, only_level, scheme, impute_within, duplicates, missing, label, steps)
    except SectorCodeError as exc:
        raise SectorCodeError(_where(exc, raw, sector_col, label)) from None


def run_series(paths, years, year_col, region_col, sector_col, emp_col, estab_col, crosswalk, crosswalk_from,
               crosswalk_to, crosswalk_weight, crosswalk_filter, unmapped, level, only_level, scheme, impute_within,
               duplicates, missing, lq_threshold=1.0):
    """A series over years: one file with a `year_col` column, or several files with their `years`.

    Each year's rows go through the steps of `run_regions` (fill, level, crosswalk) on their own; returns
    the `RegionalSeries` and notes (steps, unmapped codes with their year)."""
    paths = list(paths)
    if year_col is None and (years is None or len(years) != len(paths)):
        raise ValueError(f"give --year-col, or one year per table with --years ({len(paths)} table(s))")
    if year_col is not None and (len(paths) != 1 or years):
        raise ValueError("--year-col reads the years from one table; give one table and no --years")
    cw = None
    if crosswalk is not None:
        cw = load_crosswalk(crosswalk, crosswalk_from, crosswalk_to, weight_col=crosswalk_weight,
                            filters=_parse_filters(crosswalk_filter))
    parts = []  # (year, rows of the year, row label, emp column, estab column)
    for number, path in enumerate(paths):
        raw, emp, estab = _read(path, region_col, sector_col, emp_col, estab_col, impute_within, False, year_col)
        label = row_label_for(path)
        if year_col is None:
            parts.append((years[number], raw, label, emp, estab))
            continue
        for year, positions in year_positions(raw, year_col, label):
            parts.append((year, raw.iloc[positions], lambda i, p=positions, f=label: f(int(p[i])), emp, estab))
    if len({year for year, *_ in parts}) != len(parts):
        raise ValueError(f"a year is given twice: {sorted(year for year, *_ in parts)}")
    tables, steps, lost = {}, [], []
    for year, raw, label, emp, estab in parts:
        year_steps = []
        try:
            table, notes = _prepare_table(raw, region_col, sector_col, emp, estab, cw, crosswalk, crosswalk_from,
                                          crosswalk_to, unmapped, level, only_level, scheme, impute_within, duplicates,
                                          missing, label, year_steps)
        except SectorCodeError as exc:
            raise SectorCodeError(_where(exc, raw, sector_col, label)) from None
        tables[year] = table
        steps += [f"{year}: {step}" for step in year_steps]
        if notes["unmapped"] is not None and len(notes["unmapped"]):
            lost.append(notes["unmapped"].assign(year=year))
    return (regional_series(tables, lq_threshold=lq_threshold),
            {"steps": steps, "unmapped": pd.concat(lost, ignore_index=True) if lost else None})


def _where(exc: SectorCodeError, raw: pd.DataFrame, sector_col: str, label) -> str:
    """Prefix a code error with the first row of the input that holds the code."""
    if exc.code is None:
        return str(exc)
    hits = np.flatnonzero((raw[sector_col].astype(str).str.strip() == exc.code).to_numpy())
    return f"{label(int(hits[0]))}, column '{sector_col}': {exc}" if len(hits) else str(exc)


def _run_table(raw, path, region_col, sector_col, emp, estab, cw, crosswalk, crosswalk_from, crosswalk_to, unmapped,
               level, only_level, scheme, impute_within, duplicates, missing, label, steps):
    """Aggregate-table input: validate, fill or select levels, truncate, map, compute."""
    table, notes = _prepare_table(raw, region_col, sector_col, emp, estab, cw, crosswalk, crosswalk_from, crosswalk_to,
                                  unmapped, level, only_level, scheme, impute_within, duplicates, missing, label, steps)
    return regional_indices(table), notes


def _prepare_table(raw, region_col, sector_col, emp, estab, cw, crosswalk, crosswalk_from, crosswalk_to, unmapped,
                   level, only_level, scheme, impute_within, duplicates, missing, label, steps):
    """Aggregate-table input: validate, fill or select levels, truncate, map."""
    unit_col = impute_within or region_col
    table = RegionalTable.from_frame(raw, region_col=unit_col, sector_col=sector_col, emp_col=emp, estab_col=estab,
                                     duplicates=duplicates, missing=missing, row_label=label)
    if impute_within:
        filled = impute_suppressed_cells(table.data, region_col="region", code_col="sector",
                                         value_cols=list(table.measures), scheme=scheme)
        steps.append(f"filled suppressed cells within '{impute_within}' from subtotals: imputed "
                     + ", ".join(f"{m} {filled[m + '_imputed'].sum():.6g} of {filled[m].sum():.6g}" for m in table.measures))
        pairs = raw[[impute_within, region_col]].dropna().astype(str).drop_duplicates()
        split = pairs[pairs[impute_within].duplicated(keep=False)]
        if len(split):
            unit = split[impute_within].iloc[0]
            raise RegionalTableError(f"unit {unit!r} of '{impute_within}' lies in several '{region_col}' values "
                                     f"{sorted(split.loc[split[impute_within] == unit, region_col])}")
        table = RegionalTable(data=filled[["region", "sector", *table.measures]]).aggregate_regions(
            pairs.set_index(impute_within)[region_col])
        steps.append(f"summed '{impute_within}' units into '{region_col}'")
    elif only_level is not None:
        table = table.select_level(only_level, scheme)
        steps.append(f"kept codes at level {only_level}")
    if level is not None:
        table = table.truncate_sectors(_level_value(level), scheme)
        steps.append(f"truncated codes to level {level}")
    lost = None
    if cw is not None:
        table, lost = table.map_sectors(cw, unmapped=unmapped)
        steps.append(f"mapped codes through {Path(crosswalk).name} ({crosswalk_from} -> {crosswalk_to})")
    return table, {"steps": steps, "unmapped": lost}


def _level_value(level: str) -> int | str:
    return int(level) if level.isdigit() else level


def _run_plants(raw, region_col, sector_col, emp, cw, unmapped, level, scheme, missing, label, steps):
    """One row = one establishment: validate, map sectors plant by plant, exact plant Herfindahl."""
    plants_frame = pd.DataFrame({
        "region": validate_codes(raw, region_col, label),
        "sector": validate_codes(raw, sector_col, label),
        "emp": validate_numbers(raw, emp, label, missing) if emp else np.nan,
        "estab": 1.0,
    })
    if level is not None:
        plants_frame["sector"] = truncate_codes(plants_frame["sector"], _level_value(level), scheme).to_numpy()
        steps.append(f"truncated codes to level {level}")
    lost = None
    if cw is not None:
        if (cw["weight"] != 1.0).any():
            raise CrosswalkError("--plants cannot split an establishment across sectors: use a crosswalk without weights")
        mapped = apply_crosswalk(plants_frame, "sector", cw, ["emp", "estab"], unmapped=unmapped)
        plants_frame, lost = mapped.frame, mapped.unmapped
        steps.append("mapped establishment codes through the crosswalk")
        if plants_frame.empty:
            raise CrosswalkError("no establishment code is in the crosswalk")
    if not emp:  # a register without sizes: counts per cell, H = 1/N exactly
        table = RegionalTable.from_frame(plants_frame, estab_col="estab")
        steps.append("establishment-level input without sizes: counted establishments")
        return regional_indices(table), {"steps": steps, "unmapped": lost}
    herf = plants_frame.groupby("sector")["emp"].apply(plant_herfindahl)
    table = RegionalTable.from_frame(plants_frame, emp_col="emp", estab_col="estab")
    steps.append("establishment-level input: exact plant Herfindahl")
    return (regional_indices(table, herfindahl=herf, herfindahl_method="plant_herfindahl"),
            {"steps": steps, "unmapped": lost})
