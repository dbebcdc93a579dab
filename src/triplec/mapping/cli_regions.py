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

A series over years (`--year-col year` on one table, or several tables with `--years 2021,2022`) takes
the same steps year by year and writes instead
- DIR/series.csv: region, sector, year, emp, estab, lq, strong, emp_share, d_emp_share, d_lq, status;
- DIR/changes.csv: region, sector, first_year, last_year, emp_first, emp_last, lq_first, lq_last, d_lq,
  emp_share_first, emp_share_last, d_emp_share, strong_first, strong_last, years_strong, class;
- DIR/unmapped.csv (with a year column) and DIR/run.json. Definitions: `triplec.mapping.regional.series`.

Order of the steps: read and validate -> fill suppressed cells (--impute-within) or keep one code
level (--only-level) -> truncate codes (--level) -> crosswalk -> indices.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["regions_command"]


def _fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def _check_steps(scheme, crosswalk, crosswalk_from, crosswalk_to, impute_within, only_level, plants) -> None:
    from triplec.mapping.sectors import SCHEMES

    if scheme not in SCHEMES:
        _fail(f"--scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")
    if crosswalk is not None and not (crosswalk_from and crosswalk_to):
        _fail("--crosswalk needs --crosswalk-from and --crosswalk-to")
    if impute_within and (only_level is not None or plants):
        _fail("--impute-within cannot be combined with --only-level or --plants")

def regions_command(
    tables: Annotated[list[Path], typer.Argument(help="Region x sector table (.csv, .tsv or .parquet), one row a cell "
                                                      "(or one row an establishment with --plants); several tables "
                                                      "with --years make a series.")],
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
    year_col: Annotated[str | None, typer.Option("--year-col", help="Column of the year: a series over the years of "
                                                                    "one table (series.csv, changes.csv).")] = None,
    years: Annotated[str | None, typer.Option("--years", help="The year of each table, comma-separated, in order "
                                                              "(a series over several tables).")] = None,
) -> None:
    """Location quotients, U.S. Cluster Mapping strong clusters, European Cluster Observatory stars,
    and Ellison-Glaeser / Maurel-Sedillot gammas of a region x sector table; with --year-col or
    --years, the same LQ and strong clusters year by year, and the emerging and declining ones."""
    from triplec.mapping.regional.pipeline import INPUT_ERRORS, run_regions

    if year_col is not None or years is not None or len(tables) > 1:
        _series(tables, out, year_col, years, region_col, sector_col, emp_col, estab_col, crosswalk, crosswalk_from,
                crosswalk_to, crosswalk_weight, crosswalk_filter, unmapped, level, only_level, scheme, impute_within,
                duplicates, missing, plants, coagglomeration)
        return
    table = tables[0]
    _check_steps(scheme, crosswalk, crosswalk_from, crosswalk_to, impute_within, only_level, plants)
    try:
        result, notes = run_regions(table, region_col, sector_col, emp_col, estab_col, crosswalk, crosswalk_from, crosswalk_to,
                             crosswalk_weight, crosswalk_filter or [], unmapped, level, only_level, scheme, impute_within,
                             duplicates, missing, plants)
    except INPUT_ERRORS as exc:
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


def _series(tables, out, year_col, years, region_col, sector_col, emp_col, estab_col, crosswalk, crosswalk_from,
            crosswalk_to, crosswalk_weight, crosswalk_filter, unmapped, level, only_level, scheme, impute_within,
            duplicates, missing, plants, coagglomeration) -> None:
    """`triplec regions` over years: DIR/series.csv, DIR/changes.csv, DIR/unmapped.csv (with a year), DIR/run.json."""
    from triplec.mapping.regional.pipeline import INPUT_ERRORS, run_series

    _check_steps(scheme, crosswalk, crosswalk_from, crosswalk_to, impute_within, only_level, plants)
    if plants or coagglomeration:
        _fail("a series (--year-col, --years) takes aggregate tables: --plants and --coagglomeration do not apply")
    year_list = None
    if years is not None:
        try:
            year_list = [int(item) for item in years.split(",")]
        except ValueError:
            _fail(f"--years must be whole years separated by commas, not {years!r}")
    try:
        result, notes = run_series(tables, year_list, year_col, region_col, sector_col, emp_col, estab_col, crosswalk,
                                   crosswalk_from, crosswalk_to, crosswalk_weight, crosswalk_filter or [], unmapped,
                                   level, only_level, scheme, impute_within, duplicates, missing)
    except INPUT_ERRORS as exc:
        _fail(str(exc))
        return
    out.mkdir(parents=True, exist_ok=True)
    result.series.to_csv(out / "series.csv", index=False)
    result.changes.to_csv(out / "changes.csv", index=False)
    written = ["series.csv", "changes.csv"]
    if notes["unmapped"] is not None:
        notes["unmapped"].to_csv(out / "unmapped.csv", index=False)
        written.append("unmapped.csv")
    classes = result.changes["class"].value_counts()
    run = {
        "input": [str(path) for path in tables],
        "years": result.years,
        "regions": int(result.changes["region"].nunique()),
        "sectors": int(result.changes["sector"].nunique()),
        "cells": int(len(result.changes)),
        "classes": {name: int(classes.get(name, 0)) for name in ("emerging", "declining", "persistent", "other")},
        "methods": result.methods,
        "steps": notes["steps"],
    }
    (out / "run.json").write_text(json.dumps(run, indent=2) + "\n")
    written.append("run.json")
    typer.echo(f"{run['regions']} regions x {run['sectors']} sectors over {len(result.years)} years "
               f"({result.years[0]}-{result.years[-1]}); " + ", ".join(f"{k}: {v}" for k, v in run["classes"].items()))
    typer.echo(f"wrote {', '.join(str(out / name) for name in written)}")
