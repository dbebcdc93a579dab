"""`triplec regions TABLE --out DIR`: regional indices of a region x sector table (CSV or Parquet).

Registered in the main app as `app.command("regions")(regions_command)`.

Writes
- DIR/indices.csv: region, sector, emp, estab, lq, strong, then lq_estab, qualifying, significant,
  strong10, focus, eco_size, eco_specialisation, eco_focus, eco_stars (cells with neither
  employment nor establishments are left out);
- DIR/sectors.csv: sector, eg_gamma, ms_gamma, eg_method, G, H, emp, estab, n_regions,
  eg_gamma_estab, ms_gamma_estab, n_strong;
- DIR/coagglomeration.csv with --coagglomeration (sector_a, sector_b, gamma_c);
- DIR/unmapped.csv when the crosswalk left codes out; DIR/run.json (parameters and methods).

Order of the steps: read and validate -> fill suppressed cells (--impute-within) or keep one code
level (--only-level) -> truncate codes (--level) -> crosswalk -> indices.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
import typer

from triplec.mapping.regional.concentration import plant_herfindahl
from triplec.mapping.regional.indices import regional_indices
from triplec.mapping.regional.io import TableFileError, read_table_file, row_label_for
from triplec.mapping.regional.suppression import impute_suppressed_cells
from triplec.mapping.regional.table import RegionalTable, RegionalTableError, validate_codes, validate_numbers
from triplec.mapping.sectors import (
    SCHEMES,
    CrosswalkError,
    SectorCodeError,
    apply_crosswalk,
    load_crosswalk,
    truncate_codes,
)

__all__ = ["regions_command"]

_INPUT_ERRORS = (RegionalTableError, TableFileError, CrosswalkError, SectorCodeError, ValueError)


def _fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


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


def regions_command(
    table: Annotated[Path, typer.Argument(help="Region x sector table (.csv, .tsv or .parquet), one row a cell "
                                               "(or one row an establishment with --plants).")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (created if needed).")],
    region_col: Annotated[str, typer.Option("--region-col", help="Column of region codes.")] = "region",
    sector_col: Annotated[str, typer.Option("--sector-col", help="Column of sector codes.")] = "sector",
    emp_col: Annotated[str | None, typer.Option("--emp-col", help="Employment column [default: 'emp' if present].")] = None,
    estab_col: Annotated[str | None, typer.Option("--estab-col",
                                                  help="Establishment count column [default: 'estab' if present].")] = None,
    crosswalk: Annotated[Path | None, typer.Option("--crosswalk", help="Crosswalk file (.csv or .parquet).")] = None,
    crosswalk_from: Annotated[str | None, typer.Option("--crosswalk-from", help="Crosswalk column of the table's codes.")] = None,
    crosswalk_to: Annotated[str | None, typer.Option("--crosswalk-to", help="Crosswalk column of the target sectors.")] = None,
    crosswalk_weight: Annotated[str | None, typer.Option("--crosswalk-weight",
                                                         help="Crosswalk column of split weights (sum 1 per code).")] = None,
    crosswalk_filter: Annotated[list[str] | None, typer.Option("--crosswalk-filter",
                                                               help="Keep crosswalk rows with COLUMN=VALUE (repeatable).")] = None,
    unmapped: Annotated[str, typer.Option("--unmapped", help="Codes missing from the crosswalk: drop, keep or error.")] = "drop",
    level: Annotated[str | None, typer.Option("--level", help="Truncate sector codes to this level first (NAICS 2-6; "
                                                               "NAF 1-5 or section/division/group/class/subclass).")] = None,
    only_level: Annotated[int | None, typer.Option("--only-level",
                                                   help="Keep only rows whose code sits at this level (files with subtotals).")] = None,
    scheme: Annotated[str, typer.Option("--scheme", help="Code scheme: naics, naf or plain.")] = "naics",
    impute_within: Annotated[str | None, typer.Option(
        "--impute-within", help="Fill suppressed cells top-down within units of this column (e.g. county fips) from "
                                "the subtotals of a hierarchical file, then sum units into --region-col.")] = None,
    duplicates: Annotated[str, typer.Option("--duplicates", help="Duplicate region-sector rows: sum or error.")] = "sum",
    missing: Annotated[str, typer.Option("--missing", help="Empty values: error or zero.")] = "error",
    plants: Annotated[bool, typer.Option("--plants", help="Rows are establishments; --emp-col, if given, is each one's "
                                                          "employees (exact plant Herfindahl for EG/MS).")] = False,
    coagglomeration: Annotated[bool, typer.Option("--coagglomeration",
                                                  help="Also write coagglomeration.csv for all sector pairs.")] = False,
) -> None:
    """Location quotients, U.S. Cluster Mapping strong clusters, European Cluster Observatory stars,
    and Ellison-Glaeser / Maurel-Sedillot gammas of a region x sector table."""
    if scheme not in SCHEMES:
        _fail(f"--scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    if crosswalk is not None and not (crosswalk_from and crosswalk_to):
        _fail("--crosswalk needs --crosswalk-from and --crosswalk-to")
    if impute_within and (only_level is not None or plants):
        _fail("--impute-within cannot be combined with --only-level or --plants")
    try:
        result, notes = _run(table, region_col, sector_col, emp_col, estab_col, crosswalk, crosswalk_from, crosswalk_to,
                             crosswalk_weight, crosswalk_filter or [], unmapped, level, only_level, scheme, impute_within,
                             duplicates, missing, plants)
    except _INPUT_ERRORS as exc:
        _fail(str(exc))
        return
    out.mkdir(parents=True, exist_ok=True)
    cells = result.indices
    present = cells["emp"].fillna(0).gt(0) | cells["estab"].fillna(0).gt(0)
    cells[present].to_csv(out / "indices.csv", index=False)
    result.sectors.to_csv(out / "sectors.csv", index=False)
    written = ["indices.csv", "sectors.csv"]
    if coagglomeration:
        result.coagglomeration().to_csv(out / "coagglomeration.csv", index=False)
        written.append("coagglomeration.csv")
    if notes.get("unmapped") is not None and len(notes["unmapped"]):
        notes["unmapped"].to_csv(out / "unmapped.csv", index=False)
        written.append("unmapped.csv")
    run = {
        "input": str(table),
        "regions": int(cells["region"].nunique()),
        "sectors": int(cells["sector"].nunique()),
        "cells_written": int(present.sum()),
        "methods": result.methods,
        "steps": notes["steps"],
        "unmapped_codes": int(len(notes["unmapped"])) if notes.get("unmapped") is not None else 0,
    }
    (out / "run.json").write_text(json.dumps(run, indent=2) + "\n")
    written.append("run.json")
    typer.echo(f"{run['regions']} regions x {run['sectors']} sectors; EG method: {result.methods['eg_method']}; "
               f"strong cells: {int(cells['strong'].sum())}")
    if run["unmapped_codes"]:
        fate = "left out" if unmapped == "drop" else "kept as they are"
        typer.echo(f"{run['unmapped_codes']} code(s) not in the crosswalk were {fate}; see unmapped.csv")
    typer.echo(f"wrote {', '.join(str(out / name) for name in written)}")


def _run(path, region_col, sector_col, emp_col, estab_col, crosswalk, crosswalk_from, crosswalk_to, crosswalk_weight,
         crosswalk_filter, unmapped, level, only_level, scheme, impute_within, duplicates, missing, plants):
    raw = read_table_file(path, str_cols=[region_col, sector_col, impute_within or ""],
                          required=[region_col, sector_col, impute_within or ""])
    emp = _pick(raw, emp_col, "emp")
    estab = None if plants else _pick(raw, estab_col, "estab")
    for given in (emp_col, estab_col):
        if given and given not in raw.columns:
            raise TableFileError(f"{Path(path).name}: missing column '{given}'; columns are {list(raw.columns)}")
    if not emp and not estab and not plants:
        raise TableFileError(f"{Path(path).name}: no employment or establishment column; give --emp-col and/or --estab-col")
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


def _where(exc: SectorCodeError, raw: pd.DataFrame, sector_col: str, label) -> str:
    """Prefix a code error with the first row of the input that holds the code."""
    if exc.code is None:
        return str(exc)
    hits = np.flatnonzero((raw[sector_col].astype(str).str.strip() == exc.code).to_numpy())
    return f"{label(int(hits[0]))}, column '{sector_col}': {exc}" if len(hits) else str(exc)


def _run_table(raw, path, region_col, sector_col, emp, estab, cw, crosswalk, crosswalk_from, crosswalk_to, unmapped,
               level, only_level, scheme, impute_within, duplicates, missing, label, steps):
    """Aggregate-table input: validate, fill or select levels, truncate, map, compute."""
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
    return regional_indices(table), {"steps": steps, "unmapped": lost}


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
