"""The mapping pipeline: screen every sector, locate and profile the clusters, write the report.

:func:`run_map` is what the ``triplec map`` command and the platform's mapping runs both call; it writes:

- ``DIR/sectors.csv`` and ``DIR/sectors.parquet``: one row a sector, columns
  ``sector, n, employment, gamma, psi, localised, p_value, q_value, peak_distance``;
- ``DIR/curves.csv``: ``sector, r, kd, lo, hi`` (+ ``kemp, kemp_lo, kemp_hi`` when weighted);
- with ``statistics="kd,m"``, Marcon & Puech's M beside Kd: ``sectors.csv`` gains ``m_localised,
  m_p_value, m_q_value`` and ``curves.csv`` gains ``m, m_lo, m_hi``; with ``statistics="m"``, M alone:
  ``sectors.csv`` is ``sector, n, employment, m_localised, m_p_value, m_q_value`` and ``curves.csv``
  ``sector, r, m, m_lo, m_hi`` (no Kd columns: nothing was computed for them), and the footprints are
  those of the sectors M calls localised, at the distance of M's strongest localisation;
- ``DIR/footprints.geojson``: the footprints of the localised sectors (lon/lat when the coordinates are
  lon/lat or a ``crs`` is given), and the same as GeoParquet, ``DIR/footprints.parquet``, when they are
  in lon/lat and geopandas (the ``[geo]`` extra) is installed;
- ``DIR/report.html``: the self-contained report.

And, for people who want more: ``sectors_detail.csv`` (every statistic of the screen, with sector names,
footprint counts and, for a localised sector without footprint, why),
``curves_detail.csv`` (with the global bands), ``footprints.csv``, ``footprint_members.csv`` and
``profiles.csv`` (co-located sectors of each footprint) and, with ``colocation_top=N``,
``colocation_kd.csv`` (bivariate Kd tests of the N most co-located sectors of each footprint).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from triplec.mapping.table_files import read_frame

if TYPE_CHECKING:  # pandas is imported where used, to keep `triplec --help` quick
    import pandas as pd

SECTOR_COLUMNS = ["sector", "n", "employment", "gamma", "psi", "localised", "p_value", "q_value",
                  "peak_distance"]
CURVE_COLUMNS = ["sector", "r", "kd", "lo", "hi"]
WEIGHTED_CURVE_COLUMNS = ["kemp", "kemp_lo", "kemp_hi"]
M_SECTOR_COLUMNS = ["m_localised", "m_p_value", "m_q_value"]
M_CURVE_COLUMNS = ["m", "m_lo", "m_hi"]
M_ONLY_SECTOR_COLUMNS = ["sector", "n", "employment", *M_SECTOR_COLUMNS]
M_ONLY_CURVE_COLUMNS = ["sector", "r", *M_CURVE_COLUMNS]


class MapInputError(ValueError):
    """Bad input for a mapping run (file, column, value); the message says which and why."""


@dataclass
class MapOutputs:
    """What :func:`run_map` wrote, with the in-memory results."""

    out_dir: Path
    files: dict[str, Path]
    screen: object
    footprints: object
    profiles: pd.DataFrame
    seconds: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # doubtful coordinates (triplec.mapping.checks)


def read_points(path: Path, text_columns: list[str], sep: str = ",") -> pd.DataFrame:
    """Read a CSV or Parquet register; ``text_columns`` (ids, codes, names) are kept as text."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise MapInputError(f"input file {str(path)!r} does not exist")
    try:
        df = read_frame(path, text_columns, sep)
        if df is None:
            raise MapInputError(f"input file {path.name!r}: expected a .csv, .tsv or .parquet file")
    except MapInputError:
        raise
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, OSError, ValueError) as exc:
        raise MapInputError(f"cannot read {path.name!r}: {exc}") from exc
    if len(df) == 0:
        raise MapInputError(f"input file {path.name!r} has no rows")
    return df


def _labels(df: pd.DataFrame, sector_col: str, label_col: str | None) -> dict[str, str]:
    """Sector code -> its most frequent name in ``label_col``."""
    if label_col is None:
        return {}
    if label_col not in df.columns:
        raise MapInputError(f"label column {label_col!r} not found; available columns: {list(df.columns)}")
    import pandas as pd

    from triplec.mapping.points import code_text

    pairs = pd.DataFrame({"sector": code_text(df[sector_col]), "label": df[label_col]}).dropna()
    if pairs.empty:
        return {}
    top = pairs.groupby("sector")["label"].agg(lambda s: s.value_counts().index[0])
    return {str(k): str(v) for k, v in top.items()}


def run_map(
    df: pd.DataFrame,
    out_dir: str | Path,
    *,
    id_col: str = "id",
    sector_col: str = "sector",
    lon_col: str | None = None,
    lat_col: str | None = None,
    x_col: str | None = None,
    y_col: str | None = None,
    unit: str = "km",
    weight_col: str | None = None,
    region_col: str | None = None,
    label_col: str | None = None,
    crs: str | None = None,
    r_max: float = 300.0,
    r_step: float = 5.0,
    sims: int = 999,
    alpha: float = 0.05,
    seed: int = 1,
    min_n: int = 30,
    scheduler: str | None = None,
    fdr: bool = True,
    eps: float | None = None,
    eps_max: float | None = 50.0,
    local_alpha: float | None = 0.01,
    colocation_top: int = 0,
    min_samples: int = 5,
    min_count: int = 3,
    sme_threshold: float = 250,
    title: str = "Cluster mapping report",
    source_note: str = "",
    max_points: int = 20000,
    progress: Callable[[int, int], None] | None = None,
    country: str | None = None,
    step_progress: Callable[[str, int, int], None] | None = None,
    statistics: str = "kd",
) -> MapOutputs:
    """Screen, locate, profile and report one register; write the files listed in the module docstring.

    Parameters
    ----------
    df : pandas.DataFrame
        The register, one row an establishment.
    out_dir : str or Path
        Folder of the outputs (made if missing).
    id_col, sector_col, lon_col, lat_col, x_col, y_col, unit, weight_col, region_col, crs
        Columns and coordinates, as :meth:`triplec.mapping.PointRegister.from_frame` (either lon/lat or
        projected x/y); ``weight_col`` (employment) makes the screen weighted.
    label_col : str, optional
        Column of sector names shown in the report.
    r_max, r_step, sims, alpha, seed, min_n, scheduler
        As :func:`triplec.mapping.screen_sectors` (``sims=0`` draws the curves only).
    fdr : bool
        Locate only the sectors with ``q_value <= alpha`` (Benjamini-Hochberg across sectors).
    eps, eps_max, local_alpha, min_samples, min_count, sme_threshold
        As :func:`triplec.mapping.locate_footprints`.
    colocation_top : int
        Test the N most co-located sectors of each footprint with bivariate Kd
        (:func:`triplec.mapping.colocation_kd`); 0 leaves it out.
    title, source_note, max_points
        Of the report (at most ``max_points`` establishments are drawn).
    progress : callable, optional
        ``progress(done, total)`` follows the simulation batches of the screen.
    country : str, optional
        ISO 3166 alpha-2 or -3 code of where the establishments should be: points outside it that fit
        once longitude and latitude are swapped are reported in ``warnings``.
    statistics : str
        ``"kd"``, ``"kd,m"`` (also Marcon & Puech's M) or ``"m"`` (M alone), see
        :func:`triplec.mapping.screen_sectors`.
    step_progress : callable, optional
        ``step_progress(step, done, total)`` follows the later steps (``"footprints"`` and
        ``"colocation"`` by sector, ``"profiles"`` by footprint, ``"report"`` once). An exception
        either callback raises (a cancel) stops the run at that point.

    Returns
    -------
    MapOutputs
        The folder, the files written (name -> path), the screen result, the footprints, the
        co-location profiles, the seconds per step and the coordinate warnings.

    Raises
    ------
    MapInputError
        Bad input (register, columns, parameters); the message says which and why.

    References
    ----------
    Duranton, G. & Overman, H. G. (2005). Testing for localization using micro-geographic data. Review
    of Economic Studies 72(4), 1077-1106.
    Benjamini, Y. & Hochberg, Y. (1995). Controlling the false discovery rate. JRSS B 57(1), 289-300.
    Ester, M., Kriegel, H.-P., Sander, J. & Xu, X. (1996). A density-based algorithm for discovering
    clusters in large spatial databases with noise. KDD-96, 226-231.

    Examples
    --------
    Thirty establishments of A within 500 m of one another, thirty of B on a 60 km grid (in km):

    >>> import tempfile
    >>> import numpy as np
    >>> import pandas as pd
    >>> ring = np.linspace(0, 2 * np.pi, 30, endpoint=False)
    >>> gx, gy = np.meshgrid(np.linspace(-30, 30, 6), np.linspace(-30, 30, 5))
    >>> df = pd.DataFrame({"id": range(60), "sector": ["A"] * 30 + ["B"] * 30,
    ...                    "x": np.r_[0.5 * np.cos(ring), gx.ravel()], "y": np.r_[0.5 * np.sin(ring), gy.ravel()]})
    >>> with tempfile.TemporaryDirectory() as out:
    ...     result = run_map(df, out, x_col="x", y_col="y", r_max=10, r_step=1, sims=39, min_n=10)
    ...     written = sorted(path.name for path in Path(out).iterdir())
    >>> result.screen.table[["sector", "n", "localised"]]
      sector   n  localised
    0      A  30       True
    1      B  30      False
    >>> [(fp.id, fp.count) for fp in result.footprints]
    [('A-F1', 30)]
    >>> written  # doctest: +NORMALIZE_WHITESPACE
    ['curves.csv', 'curves_detail.csv', 'footprint_members.csv', 'footprints.csv', 'footprints.geojson',
     'profiles.csv', 'report.html', 'sectors.csv', 'sectors.parquet', 'sectors_detail.csv']
    """
    import pandas as pd

    from triplec.mapping import PointRegister, RegisterError, screen_sectors
    from triplec.mapping.checks import coordinate_warnings, swapped_range
    from triplec.mapping.geo import write_geoparquet
    from triplec.mapping.locate import locate_footprints
    from triplec.mapping.profile import colocation_kd, profile_footprints
    from triplec.mapping.report import write_report
    from triplec.mapping.screen_m import as_kd_names

    seconds: dict[str, float] = {}
    coords = ({"lon_col": lon_col, "lat_col": lat_col} if lon_col is not None or lat_col is not None
              else {"x_col": x_col, "y_col": y_col, "unit": unit})
    if (lon_col is not None or lat_col is not None) and (x_col is not None or y_col is not None):
        raise MapInputError("give either --lon-col/--lat-col or --x-col/--y-col, not both")
    if lon_col is None and lat_col is None and (x_col is None or y_col is None):
        raise MapInputError("give the coordinates: --lon-col and --lat-col, or --x-col and --y-col")
    if crs is not None and "lon_col" in coords:
        raise MapInputError("--crs is for projected --x-col/--y-col coordinates, not lon/lat")
    if not 0 < alpha < 1:
        raise MapInputError(f"--alpha must lie strictly between 0 and 1, got {alpha}")
    if sims < 0:
        raise MapInputError(f"--sims must be 0 (curves only) or more, got {sims}")
    labels = _labels(df, sector_col, label_col)
    try:
        register = PointRegister.from_frame(df, id_col=id_col, sector_col=sector_col, weight_col=weight_col,
                                            region_col=region_col, crs=crs, **coords)
    except (RegisterError, ValueError) as exc:
        swapped = None
        if lon_col in df.columns and lat_col in df.columns:  # say when the columns look the wrong way round
            swapped = swapped_range(pd.to_numeric(df[lon_col], errors="coerce").to_numpy(float),
                                    pd.to_numeric(df[lat_col], errors="coerce").to_numpy(float))
        raise MapInputError(f"{exc} {swapped}" if swapped else str(exc)) from exc
    warnings = coordinate_warnings(register.frame["x"].to_numpy(float), register.frame["y"].to_numpy(float),
                                   lonlat=register.geographic, country=country)

    start = time.perf_counter()
    try:
        screen = screen_sectors(register, r_max=r_max, r_step=r_step, sims=sims, alpha=alpha, seed=seed,
                                min_n=min_n, weighted=weight_col is not None, scheduler=scheduler,
                                progress=progress, statistics=statistics)
    except (ValueError, KeyError) as exc:
        raise MapInputError(str(exc).strip("'\"")) from exc
    seconds["screen"] = time.perf_counter() - start

    m_only = "m_p_value" in screen.table.columns and "p_value" not in screen.table.columns
    calls = as_kd_names(screen.table, screen.curves) if m_only else (screen.table, screen.curves)
    start = time.perf_counter()
    try:
        footprints = locate_footprints(register, calls[0], curves=calls[1], q_max=alpha if fdr else None, eps=eps,
                                       eps_max=eps_max,
                                       local_alpha=local_alpha, min_samples=min_samples, min_count=min_count,
                                       sme_threshold=sme_threshold, step_progress=step_progress)
    except ValueError as exc:
        raise MapInputError(str(exc)) from exc
    profiles = profile_footprints(register, footprints, alpha=alpha, step_progress=step_progress)
    seconds["locate"] = time.perf_counter() - start
    colocation = None
    if colocation_top > 0 and sims > 0:
        start = time.perf_counter()
        colocation = colocation_kd(register, profiles, top=colocation_top, r_max=r_max, r_step=r_step, sims=sims,
                                   alpha=alpha, seed=seed, scheduler=scheduler, step_progress=step_progress)
        profiles = profiles.merge(colocation, on=["footprint_sector", "sector"], how="left")
        seconds["colocation"] = time.perf_counter() - start

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    table = screen.table
    with_m = "m_p_value" in table.columns
    sector_cols = M_ONLY_SECTOR_COLUMNS if m_only else SECTOR_COLUMNS + (M_SECTOR_COLUMNS if with_m else [])
    for col in sector_cols:
        if col not in table.columns:
            table[col] = pd.NA
    sectors = table[sector_cols].copy()
    if not m_only:
        sectors["localised"] = sectors["localised"].astype("boolean")
    if with_m:
        sectors["m_localised"] = sectors["m_localised"].astype("boolean")
    files["sectors.csv"] = out / "sectors.csv"
    sectors.to_csv(files["sectors.csv"], index=False)
    files["sectors.parquet"] = out / "sectors.parquet"
    sectors.to_parquet(files["sectors.parquet"], index=False)
    detail = table.copy()
    detail.insert(1, "name", detail["sector"].map(labels))
    per_sector = pd.Series([fp.sector for fp in footprints], dtype=object).value_counts()
    detail["footprints"] = detail["sector"].map(per_sector).fillna(0).astype(int)
    detail["footprint_note"] = detail["sector"].map(footprints.skipped)
    files["sectors_detail.csv"] = out / "sectors_detail.csv"
    detail.to_csv(files["sectors_detail.csv"], index=False)

    curves = screen.curves
    curve_cols = M_ONLY_CURVE_COLUMNS if m_only else (
        CURVE_COLUMNS + (WEIGHTED_CURVE_COLUMNS if weight_col is not None else []) + (M_CURVE_COLUMNS if with_m else []))
    files["curves.csv"] = out / "curves.csv"
    curves.reindex(columns=curve_cols).to_csv(files["curves.csv"], index=False)
    files["curves_detail.csv"] = out / "curves_detail.csv"
    curves.to_csv(files["curves_detail.csv"], index=False)

    files["footprints.geojson"] = footprints.write_geojson(out / "footprints.geojson")
    geoparquet = write_geoparquet(footprints.to_geojson(), out / "footprints.parquet")
    if geoparquet is not None:
        files["footprints.parquet"] = geoparquet
    files["footprints.csv"] = out / "footprints.csv"
    footprints.table.to_csv(files["footprints.csv"], index=False)
    files["footprint_members.csv"] = out / "footprint_members.csv"
    footprints.members.to_csv(files["footprint_members.csv"], index=False)
    files["profiles.csv"] = out / "profiles.csv"
    profiles.to_csv(files["profiles.csv"], index=False)
    if colocation is not None:
        files["colocation_kd.csv"] = out / "colocation_kd.csv"
        colocation.to_csv(files["colocation_kd.csv"], index=False)

    if step_progress is not None:
        step_progress("report", 0, 1)
    start = time.perf_counter()
    parameters = {
        "distances": f"0-{r_max:g} km by {r_step:g} km",
        "simulations": f"{sims:,}" + (" (curves only)" if sims == 0 else ""),
        "alpha": f"{alpha:g}",
        "seed": str(seed),
        "minimum establishments": str(min_n),
        "weighting": f"employment ({weight_col})" if weight_col else "counts",
        "footprints for": "localised sectors with q <= alpha" if fdr else "localised sectors",
        "footprint scale": f"peak localisation distance up to {eps_max:g} km" if eps is None and eps_max
        else (f"{eps:g} km" if eps is not None else "peak localisation distance"),
        "local test of core points": f"hypergeometric, level {local_alpha:g}" if local_alpha else "none",
        "engine": str(screen.params.get("engine", "none")),
    }
    if with_m:
        parameters["statistics"] = "M (Marcon & Puech)" if m_only else "Kd and M (Marcon & Puech)"
    files["report.html"] = write_report(
        out / "report.html", table, curves, footprints=footprints, sites=register, profiles=profiles,
        labels=labels, title=title, parameters=parameters, source_note=source_note, max_points=max_points,
        warnings=warnings,
    )
    seconds["report"] = time.perf_counter() - start
    return MapOutputs(out_dir=out, files=files, screen=screen, footprints=footprints, profiles=profiles,
                      seconds=seconds, warnings=warnings)
