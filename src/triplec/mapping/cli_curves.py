"""`triplec curves POINTS --reference-type A [--neighbor-type B]`: the Kd and M curves of one sector, or of
one sector around another (bivariate Kd, intertype M as dbmss ``Mhat`` with ``NeighborType``), as a CSV.

Unlike `triplec map` it screens nothing: it draws the observed curves of the sectors asked for, in
seconds on a register of tens of thousands of establishments. With ``--sims N`` it also simulates M under
the null of ``--null`` (dbmss ``MEnvelope``: random location, random labeling or, for intertype M,
population independence; :func:`triplec.mapping.mtest.m_test`) and adds M's envelopes and its call.

Output columns: ``reference, neighbor, r`` (km), then ``kd`` (and ``kemp`` with ``--weight-col``) and
``m`` (weighted by ``--weight-col`` as dbmss ``PointWeight``), as ``--statistic`` asks; with ``--sims``,
``m_lo, m_hi`` (local envelope), ``m_sim_mean`` and the global bands ``m_global_do_lo, m_global_do_hi,
m_global_dbmss_lo, m_global_dbmss_hi``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from triplec.mapping.cli_options import IdCol, LatCol, LonCol, SectorCol, Unit, XCol, YCol
from triplec.mapping.pipeline import MapInputError, read_points

STATISTICS = ("kd", "m")


def parse_curve_statistics(text: str) -> tuple[str, ...]:
    """``"m"``, ``"kd"`` or ``"kd,m"`` (any order) -> the statistics in a fixed order.

    >>> parse_curve_statistics("m,kd"), parse_curve_statistics("m")
    (('kd', 'm'), ('m',))
    """
    chosen = {s.strip().lower() for s in text.split(",") if s.strip()}
    unknown = sorted(chosen - set(STATISTICS))
    if unknown or not chosen:
        raise ValueError(f"unknown statistic {(unknown or [text])[0]!r}: choose kd, m or kd,m")
    return tuple(s for s in STATISTICS if s in chosen)


def curves_command(
    points: Annotated[Path, typer.Argument(help="Establishment register: a CSV or Parquet file, one row an "
                                                "establishment.")],
    reference_type: Annotated[str, typer.Option("--reference-type", help="Sector code of the reference "
                                                "establishments (dbmss ReferenceType).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
    neighbor_type: Annotated[str | None, typer.Option("--neighbor-type", help="Sector code of the neighbours "
                                                      "(dbmss NeighborType): bivariate Kd and intertype M "
                                                      "of it around the reference sector; default: the "
                                                      "reference sector itself.")] = None,
    statistic: Annotated[str, typer.Option(help="kd, m or kd,m.")] = "kd,m",
    sector_col: SectorCol = "sector",
    id_col: IdCol = "id",
    lon_col: LonCol = None,
    lat_col: LatCol = None,
    x_col: XCol = None,
    y_col: YCol = None,
    unit: Unit = "km",
    weight_col: Annotated[str | None, typer.Option(help="Employees column: adds Kemp and weighs M (dbmss "
                                                        "PointWeight).")] = None,
    r_max: Annotated[float, typer.Option(help="Largest distance (km).")] = 300.0,
    r_step: Annotated[float, typer.Option(help="Distance step (km).")] = 5.0,
    sep: Annotated[str, typer.Option(help="CSV field separator.")] = ",",
    sims: Annotated[int, typer.Option(help="Simulations of M under --null, for its envelopes and call (0 = the "
                                           "observed curves only; Kd is never simulated here, see 'triplec "
                                           "map').")] = 0,
    null: Annotated[str, typer.Option(help="Null hypothesis of M's simulations (dbmss MEnvelope "
                                           "SimulationType): random-location (marks and weights permuted over "
                                           "all sites), random-labeling (sectors permuted, weights stay), or "
                                           "population-independence (intertype: the reference sector fixed, "
                                           "the others' marks permuted over their sites).")] = "random-location",
    alpha: Annotated[float, typer.Option(help="Level of M's envelopes and test.")] = 0.05,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same envelopes).")] = 1,
) -> None:
    """Kd and M curves of one sector, or of a neighbour sector around a reference sector, to a CSV; with
    --sims, M's envelopes and localisation call under the null of --null."""
    from triplec.mapping.kd import kd_curve
    from triplec.mapping.mstat import m_curve
    from triplec.mapping.mtest import m_test, parse_null
    from triplec.mapping.points import PointRegister, RegisterError

    try:
        statistics = parse_curve_statistics(statistic)
        null = parse_null(null)
    except ValueError as exc:
        _fail(f"--{'null' if 'null' in str(exc) else 'statistic'}: {exc}")
    if sims and "m" not in statistics:
        _fail("--sims simulates M: ask for --statistic m or kd,m")
    if unit not in ("km", "m"):
        _fail(f"--unit must be km or m, got {unit!r}")
    coords = ({"lon_col": lon_col, "lat_col": lat_col} if lon_col or lat_col
              else {"x_col": x_col, "y_col": y_col, "unit": unit})
    if not (lon_col and lat_col) and not (x_col and y_col):
        _fail("give the coordinates: --lon-col and --lat-col, or --x-col and --y-col")
    neighbor = None if neighbor_type in (None, reference_type) else neighbor_type
    try:
        df = read_points(points, [id_col, sector_col], sep=sep)
        reg = PointRegister.from_frame(df, id_col=id_col, sector_col=sector_col, weight_col=weight_col, **coords)
        weighted = weight_col is not None
        frame = None
        if "kd" in statistics:
            frame = kd_curve(reg, reference_type, other=neighbor, r_max=r_max, r_step=r_step,
                             weighted=weighted).to_frame()
        verdict = None
        if "m" in statistics and sims:
            tested = m_test(reg, reference_type, neighbor=neighbor, null=null, r_max=r_max, r_step=r_step,
                            sims=sims, alpha=alpha, seed=seed, weighted=weighted)
            m_frame, verdict = tested.curves.drop(columns="sector"), tested.table.iloc[0]
            frame = m_frame if frame is None else frame.join(m_frame.drop(columns="r"))
        elif "m" in statistics:
            m = m_curve(reg, reference_type, neighbor=neighbor, r_max=r_max, r_step=r_step, weighted=weighted)
            frame = m.to_frame() if frame is None else frame.assign(m=m.m)
    except (MapInputError, RegisterError, ValueError) as exc:
        _fail(str(exc))
    except KeyError as exc:
        _fail(str(exc.args[0]) if exc.args else str(exc))
    frame.insert(0, "neighbor", neighbor_type or reference_type)
    frame.insert(0, "reference", reference_type)
    out.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(out, index=False)
    typer.echo(f"Wrote {len(frame)} distances of {', '.join(statistics)} "
               f"({neighbor_type or reference_type} around {reference_type}) to {out}.")
    if verdict is not None:
        called = {True: "localised", False: "not localised"}.get(verdict["m_localised"], "no call (M undefined)")
        typer.echo(f"M under {null.replace('_', ' ')} ({sims} simulations): {called}, "
                   f"p = {verdict['m_p_value']:.3g}.")


def _fail(message: str) -> None:
    typer.secho(f"Error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(2)
