"""`triplec map POINTS --out DIR`: the command line of :func:`triplec.mapping.pipeline.run_map`.

The files it writes (the command-line contract scripts rely on) are listed in
:mod:`triplec.mapping.pipeline`.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from triplec.mapping.cli_options import IdCol, LatCol, LonCol, SectorCol, Unit, XCol, YCol
from triplec.mapping.pipeline import MapInputError, read_points, run_map


def map_command(
    points: Annotated[Path, typer.Argument(help="Establishment register: a CSV or Parquet file, one row an "
                                                "establishment.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created if needed).")],
    sector_col: SectorCol = "sector",
    id_col: IdCol = "id",
    lon_col: LonCol = None,
    lat_col: LatCol = None,
    x_col: XCol = None,
    y_col: YCol = None,
    unit: Unit = "km",
    weight_col: Annotated[str | None, typer.Option(help="Employees column: adds employment-weighted Kemp and "
                                                        "weights the footprints.")] = None,
    region_col: Annotated[str | None, typer.Option(help="Municipality or region column, listed per "
                                                        "footprint.")] = None,
    label_col: Annotated[str | None, typer.Option(help="Sector name column, shown in the report.")] = None,
    crs: Annotated[str | None, typer.Option(help="CRS of projected coordinates (e.g. EPSG:27572) to draw "
                                                 "them on a lon/lat map.")] = None,
    r_max: Annotated[float, typer.Option(help="Largest distance (km).")] = 300.0,
    r_step: Annotated[float, typer.Option(help="Distance step (km).")] = 5.0,
    sims: Annotated[int, typer.Option(help="Random-location simulations (0 = curves only).")] = 999,
    alpha: Annotated[float, typer.Option(help="Significance level of the bands and tests.")] = 0.05,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same results).")] = 1,
    min_n: Annotated[int, typer.Option(help="Smallest sector tested (establishments).")] = 30,
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://host:8786); default: "
                                                       "this machine.")] = None,
    fdr: Annotated[bool, typer.Option("--fdr/--no-fdr", help="Locate only sectors whose q-value is at most "
                                                             "alpha (false discovery rate).")] = True,
    eps: Annotated[float | None, typer.Option(help="Footprint radius (km) for every sector; default: each "
                                                   "sector's distance of strongest localisation up to "
                                                   "--eps-max.")] = None,
    eps_max: Annotated[float, typer.Option(help="Largest footprint radius (km) taken from the curves; sectors "
                                                "localised only beyond it get no footprint.")] = 50.0,
    local_alpha: Annotated[float, typer.Option(help="Level of the local over-representation test of "
                                                    "footprint core points (1 = no test).")] = 0.01,
    colocation_kd: Annotated[int, typer.Option("--colocation-kd", help="Check each footprint's N most "
                                                "co-located sectors register-wide with bivariate Kd (0 = "
                                                "off; costs one test per pair).")] = 0,
    min_samples: Annotated[int, typer.Option(help="Establishments (or average establishments' employment) "
                                                    "within eps that make a dense point.")] = 5,
    min_count: Annotated[int, typer.Option(help="Smallest footprint (establishments).")] = 3,
    sme_threshold: Annotated[float, typer.Option(help="SMEs have fewer employees than this.")] = 250,
    sep: Annotated[str, typer.Option(help="CSV field separator.")] = ",",
    title: Annotated[str, typer.Option(help="Title of the HTML report.")] = "Cluster mapping report",
    max_points: Annotated[int, typer.Option(help="Most establishments drawn on the report's map.")] = 20000,
    country: Annotated[str | None, typer.Option(help="Country of the establishments (ISO code, e.g. BR): "
                                                     "warns when lon/lat look swapped for it.")] = None,
    statistic: Annotated[str, typer.Option(help="Statistics of the screen: kd (the default), kd,m (m,kd: the "
                                                "same) to add Marcon & Puech's M (exact, as dbmss Mhat; weighted "
                                                "with --weight-col), or m alone: M's calls, p- and q-values and "
                                                "footprints, no Kd columns. For one sector's M envelope under "
                                                "another null see 'triplec curves --sims'.")] = "kd",
) -> None:
    """Test every sector for localisation (Duranton-Overman Kd, Marcon & Puech's M or both), locate and
    profile its clusters, and write the sector table, curves, footprints and a self-contained HTML report to --out."""
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    from triplec.mapping.locate import localised_sectors

    console = Console(stderr=True)
    if unit not in ("km", "m"):
        _fail(f"--unit must be km or m, got {unit!r}")
    from triplec.mapping.screen_m import parse_statistics

    try:
        statistics = ",".join(parse_statistics(statistic))
    except ValueError as exc:
        _fail(f"--statistic: {exc}")
    started = time.perf_counter()
    text_cols = [c for c in (id_col, sector_col, region_col, label_col) if c]
    try:
        df = read_points(points, text_cols, sep=sep)
        with Progress(TextColumn("[bold]simulations"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), TimeRemainingColumn(), console=console, transient=False,
                      disable=sims == 0) as bar:
            task = bar.add_task("screen", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            outputs = run_map(
                df, out, id_col=id_col, sector_col=sector_col, lon_col=lon_col, lat_col=lat_col, x_col=x_col,
                y_col=y_col, unit=unit, weight_col=weight_col, region_col=region_col, label_col=label_col,
                crs=crs, r_max=r_max, r_step=r_step, sims=sims, alpha=alpha, seed=seed, min_n=min_n,
                scheduler=scheduler, fdr=fdr, eps=eps, eps_max=eps_max,
                local_alpha=None if local_alpha >= 1 else local_alpha, colocation_top=colocation_kd,
                min_samples=min_samples, min_count=min_count,
                sme_threshold=sme_threshold, title=title, max_points=max_points, progress=progress,
                source_note=f"Input: {points.name}", country=country, statistics=statistics,
            )
    except MapInputError as exc:
        _fail(str(exc))
    for warning in outputs.warnings:
        console.print(f"[yellow]Warning: {escape(warning)}[/yellow]", highlight=False)
    table = outputs.screen.table
    if "localised" not in table.columns and "m_localised" in table.columns:
        from triplec.mapping.screen_m import as_kd_names

        table = as_kd_names(table)[0]  # M alone: M's calls
    n_loc = len(localised_sectors(table)) if len(table) else 0
    if len(table) == 0:
        console.print(f"[yellow]No sector has at least {min_n} establishments: nothing was tested.[/yellow]")
    typer.echo(
        f"Screened {len(table)} sectors ({sims} simulations): {n_loc} localised, "
        f"{len(outputs.footprints)} footprints. Wrote {len(outputs.files)} files to {outputs.out_dir} "
        f"in {time.perf_counter() - started:.1f} s (screen {outputs.seconds['screen']:.1f} s, "
        f"locate {outputs.seconds['locate']:.1f} s, report {outputs.seconds['report']:.1f} s)."
    )


def _fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)
