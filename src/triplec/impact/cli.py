"""`triplec impact PANEL --out DIR ...`: Callaway and Sant'Anna's staggered difference in differences of
a firm panel (CSV or Parquet, one row a unit and period).

Registered in the main app as `app.command("impact")(impact_command)`.

Writes
- DIR/att_gt.csv: cohort, time, att, se (one row a group-time cell);
- DIR/aggregate.csv: type (simple, group, dynamic, calendar), key (the cohort, event time or period;
  empty on each type's overall row), att, se;
- DIR/run.json: the parameters, sample sizes, the pre-trend test and notes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

if TYPE_CHECKING:  # the estimator (pandas, scipy) is imported when the command runs: `triplec --help` stays quick
    import pandas as pd

__all__ = ["impact_command"]


def _fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


def read_panel(path: Path) -> pd.DataFrame:
    import pandas as pd

    from .panel import PanelError

    if not path.is_file():
        raise PanelError(f"no file at {path}")
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return pd.read_parquet(path)
    if suffix in (".csv", ".tsv", ".txt"):
        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    raise PanelError(f"{path.name}: the panel must be a .csv, .tsv or .parquet file")


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def impact_command(
    panel: Annotated[Path, typer.Argument(help="Panel (.csv, .tsv or .parquet), one row a unit and period.")],
    out: Annotated[Path, typer.Option("--out", help="Output folder (created if needed).")],
    unit_col: Annotated[str, typer.Option("--unit-col", help="Column of unit (firm) identifiers.")],
    time_col: Annotated[str, typer.Option("--time-col", help="Column of periods (whole numbers, e.g. years).")],
    outcome_col: Annotated[str, typer.Option("--outcome-col", help="Numeric outcome column.")],
    cohort_col: Annotated[str, typer.Option("--cohort-col", help="First supported period; 0 or empty = never.")],
    control: Annotated[str, typer.Option("--control", help="Comparison units: never or not-yet supported.")] = "never",
    covariates: Annotated[str | None, typer.Option("--covariates",
                                                   help="Comma-separated covariate columns (base-period values).")] = None,
) -> None:
    """Group-time average effects ATT(g,t) (doubly robust, analytic standard errors), their simple,
    group, dynamic and calendar aggregations, and a pre-trend test."""
    from .aggregations import aggregate_table
    from .attgt import CONTROLS, att_gt_wide
    from .drdid import EstimationError
    from .panel import PanelError, wide_panel

    if control not in CONTROLS:
        _fail(f"--control must be one of {', '.join(CONTROLS)}, not {control!r}")
    names = tuple(c.strip() for c in (covariates or "").split(",") if c.strip())
    try:
        frame = read_panel(panel)
        wide = wide_panel(frame, unit_col, time_col, outcome_col, cohort_col, names)
        columns = [TextColumn("ATT(g,t) cells"), BarColumn(), MofNCompleteColumn()]
        with Progress(*columns, transient=True, console=None) as bar:
            task = bar.add_task("cells", total=None)
            effects = att_gt_wide(wide, control, lambda done, total: bar.update(task, completed=done, total=total))
        aggregates = aggregate_table(effects)
    except (PanelError, EstimationError) as exc:
        _fail(str(exc))
        return
    except ValueError as exc:  # e.g. no post-period cells to aggregate, unreadable file
        _fail(f"{panel.name}: {exc}")
        return
    out.mkdir(parents=True, exist_ok=True)
    cells = effects.table
    # periods are whole numbers (checked), so are cohorts and event times
    cells[["cohort", "time", "att", "se"]].astype({"cohort": "int64", "time": "int64"}).to_csv(
        out / "att_gt.csv", index=False)
    aggregates.astype({"key": "Int64"}).to_csv(out / "aggregate.csv", index=False)
    test = effects.pretrend
    run = {
        "input": str(panel),
        "estimator": "Callaway and Sant'Anna (2021), doubly robust (Sant'Anna and Zhao 2020, dripw), "
                     "varying base period, analytic (influence-function) standard errors",
        "columns": {"unit": unit_col, "time": time_col, "outcome": outcome_col, "cohort": cohort_col},
        "control": control,
        "covariates": list(names),
        "units": effects.n_units,
        "periods": [_number(p) for p in wide.periods],
        "units_per_cohort": {str(_number(g)): int((effects.cohort == g).sum())
                             for g in sorted(set(effects.cohort.tolist()))},
        "cells": len(cells),
        "pretrend": None if test is None else {"statistic": test.statistic, "df": test.df, "p_value": test.p_value,
                                               "smallest_cohort": test.smallest_cohort, "reliable": test.reliable},
        "notes": effects.notes,
    }
    (out / "run.json").write_text(json.dumps(run, indent=2) + "\n")
    simple = aggregates[(aggregates["type"] == "simple")].iloc[0]
    typer.echo(f"{effects.n_units} units, {len(cells)} cells; overall ATT {simple['att']:.4g} (se {simple['se']:.3g})")
    if test is not None:
        typer.echo(f"pre-trend test: chi2({test.df}) = {test.statistic:.2f}, p = {test.p_value:.3f}"
                   + ("" if test.reliable else " (not reliable: a cohort is too small)"))
    for note in effects.notes:
        typer.echo(f"note: {note}")
    typer.echo(f"wrote {', '.join(str(out / n) for n in ('att_gt.csv', 'aggregate.csv', 'run.json'))}")
