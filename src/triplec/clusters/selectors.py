"""Reads of the clusters app: runs and clusters scoped by `clusters.policy`, and a finished run's output
files (sector table, curves, footprints, plots, map points) as the pages need them."""

from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db.models import Count, Max, OuterRef, QuerySet, Subquery
from django.utils import translation
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from . import policy, registers
from .models import MappingRun

# Files of a run that people may download: name -> (content type, what it is).
DOWNLOADS = {
    "sectors.csv": ("text/csv", _("sector table")),
    "sectors.parquet": ("application/vnd.apache.parquet", _("sector table (Parquet)")),
    "sectors_detail.csv": ("text/csv", _("sector table with every statistic")),
    "curves.csv": ("text/csv", _("Kd curves and local bands")),
    "curves_detail.csv": ("text/csv", _("curves with the global bands")),
    "footprints.geojson": ("application/geo+json", _("footprints (GeoJSON)")),
    # Written only when geopandas (the [geo] extra) is installed: listed when the file is there.
    "footprints.parquet": ("application/vnd.apache.parquet", _("footprints (GeoParquet)")),
    "footprints.csv": ("text/csv", _("footprint table")),
    "footprint_members.csv": ("text/csv", _("establishments of each footprint")),
    "profiles.csv": ("text/csv", _("co-located sectors per footprint")),
    "report.html": ("text/html", _("self-contained HTML report")),
}
ESTABLISHMENTS_FILE = "establishments.parquet"  # the frame the run screened (written by the task)
PLOTS_FOLDER = "plots"
MAP_POINTS_LIMIT = 20000
SECTOR_SORTS = {
    "sector": ("sector", False), "name": ("name", False), "n": ("n", True), "employment": ("employment", True),
    "gamma": ("gamma", True), "psi": ("psi", True), "p": ("p_value", False), "q": ("q_value", False),
    "peak": ("peak_distance", False), "footprints": ("footprints", True), "localised": ("localised", True),
    "m_localised": ("m_localised", True), "m_q": ("m_q_value", False),
}


def runs_for(user) -> QuerySet:
    return policy.visible_mapping_runs(user).select_related("task", "created_by", "territory")


def clusters_for(user) -> QuerySet:
    """Visible clusters with their number of footprints and the latest footprint's figures."""
    from .models import ClusterFootprint

    latest = ClusterFootprint.objects.filter(cluster=OuterRef("pk")).order_by("-observed_at", "-attached_at", "-id")
    return (policy.visible_clusters(user).select_related("territory")
            .annotate(n_footprints=Count("footprints"), last_observed=Max("footprints__observed_at"),
                      current_establishments=Subquery(latest.values("establishments")[:1]),
                      current_employment=Subquery(latest.values("employment")[:1])))


# Output files ----------------------------------------------------------------------------------------------

def output_file(run: MappingRun, name: str) -> Path | None:
    """Path of a downloadable output of `run`, or None (unknown name, or not written)."""
    if name not in DOWNLOADS:
        return None
    path = run.output_path / name
    return path if path.is_file() else None


def _read_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"sector": str, "name": str, "id": str, "footprint_id": str})


def _finite(value):
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _truthy(value) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes")


def footprint_collection(run: MappingRun) -> dict:
    path = run.output_path / "footprints.geojson"
    if not path.is_file():
        return {"type": "FeatureCollection", "features": []}
    return json.loads(path.read_text(encoding="utf-8"))


def footprint_collection_meta(run: MappingRun) -> dict:
    return {k: v for k, v in footprint_collection(run).items() if k != "features"}


def footprint_feature(run: MappingRun, footprint_id: str) -> dict | None:
    for feature in footprint_collection(run).get("features", []):
        if str(feature.get("id")) == str(footprint_id):
            return feature
    return None


def sector_names(run: MappingRun, codes) -> dict[str, str]:
    """Names of sector codes: the code lists when the run's classification is known, else the run's
    own names (an uploaded file's label column)."""
    names = {}
    detail = run.output_path / "sectors_detail.csv"
    if detail.is_file():
        frame = _read_csv(detail)
        if "name" in frame.columns:
            names = {str(s): str(n) for s, n in zip(frame["sector"], frame["name"], strict=False)
                     if isinstance(n, str) and n}
    language = get_language()
    for code in codes:
        if run.classification and (str(code) not in names or language != "en"):
            # the run's files are in English; the reader's language where a title is shipped
            label = registers.sector_label(run.classification, str(code), language)
            if label:
                names[str(code)] = label
    return names


def sector_rows(run: MappingRun, sort: str = "") -> list[dict]:
    """The sector table: one dict a sector, localised first (then strongest localisation, Gamma) unless
    `sort` names a column (prefix '-' for the other direction)."""
    path = run.output_path / "sectors_detail.csv"
    if not path.is_file():
        path = run.output_path / "sectors.csv"
        if not path.is_file():
            return []
    frame = _read_csv(path)
    footprints = pd.Series(dtype=int)
    features = footprint_collection(run).get("features", [])
    if features:
        footprints = pd.Series([str(f["properties"]["sector"]) for f in features]).value_counts()
    names = sector_names(run, frame["sector"].astype(str))
    rows = []
    for rec in frame.to_dict("records"):
        code = str(rec["sector"])
        rows.append({
            "sector": code, "name": names.get(code, ""), "n": int(rec["n"]),
            "employment": _finite(rec.get("employment")), "gamma": _finite(rec.get("gamma")),
            "psi": _finite(rec.get("psi")), "localised": _truthy(rec.get("localised")),
            "p_value": _finite(rec.get("p_value")), "q_value": _finite(rec.get("q_value")),
            "peak_distance": _finite(rec.get("peak_distance")), "footprints": int(footprints.get(code, 0)),
            "significant": _truthy(rec.get("localised")) and (_finite(rec.get("q_value")) or 1) <= run.alpha,
            "m_localised": _truthy(rec.get("m_localised")), "m_q_value": _finite(rec.get("m_q_value")),
        })
    key = sort.lstrip("-")
    if key in SECTOR_SORTS:
        field, descending_first = SECTOR_SORTS[key]
        descending = descending_first != sort.startswith("-")
        present = [r for r in rows if r[field] not in (None, "")]
        absent = [r for r in rows if r[field] in (None, "")]
        present.sort(key=lambda r: r["sector"])
        present.sort(key=lambda r: r[field], reverse=descending)  # stable: ties stay in code order
        return present + absent  # missing values last in either direction
    rows.sort(key=lambda r: (not r["localised"], -(r["gamma"] or 0), r["sector"]))
    return rows


def curves(run: MappingRun, sector: str | None = None) -> pd.DataFrame:
    path = run.output_path / "curves_detail.csv"
    if not path.is_file():
        path = run.output_path / "curves.csv"
    if not path.is_file():
        return pd.DataFrame()
    frame = _read_csv(path)
    return frame if sector is None else frame[frame["sector"].astype(str) == str(sector)]


def plot_url(run: MappingRun, sector: str) -> str:
    """Where the page fetches a sector's plot: the code (any text) travels encoded in the query string."""
    from urllib.parse import urlencode

    from django.urls import reverse

    return reverse("clusters:run_plot", args=[run.pk]) + "?" + urlencode({"sector": str(sector)})


def place_near(lat, lon) -> str:
    """'City, State' of the main city near a lon/lat point (shipped GeoNames data), or ''."""
    from triplec.mapping.places import city_near

    try:
        place = city_near(float(lat), float(lon))
    except (TypeError, ValueError):
        return ""
    return place.describe() if place else ""


def footprint_anchor(footprint_id: str) -> str:
    """An HTML id (and URL fragment) for a footprint row: letters, digits, '-' and '_' as they are, any
    other character as '.hex.' (footprint ids carry the sector code, which is user text)."""
    return "footprint-" + "".join(
        c if (c.isascii() and c.isalnum()) or c in "-_" else f".{ord(c):x}." for c in str(footprint_id))


def plot_filename(sector: str) -> str:
    """A file name for a sector's plot: readable ('25.11', '31-33', 'C'), and a digest of the code so that
    codes differing only in other characters ('Food/Drink', 'Food_Drink') never share a file."""
    digest = hashlib.sha1(str(sector).encode("utf-8")).hexdigest()[:8]
    return re.sub(r"[^A-Za-z0-9.-]", "_", str(sector))[:60] + f"-{digest}.svg"


def plot_path(run: MappingRun, sector: str) -> Path:
    """Where a sector's plot is kept, one file a language (the plot's words are in the reader's)."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    return run.output_path / PLOTS_FOLDER / translation.to_locale(language) / plot_filename(sector)


def plot_text() -> dict[str, str]:
    """The words of a Kd plot in the active language (triplec.mapping.report.PLOT_TEXT)."""
    return {"distance": gettext("distance (km)"), "per_km": gettext("{name} (1/km)"),
            "local band": gettext("local band"), "global band (DO)": gettext("global band (DO)"),
            "envelope (dbmss)": gettext("envelope (dbmss)"), "global band": gettext("global band"),
            "Kd curve": gettext("Kd curve"), "ratio": gettext("{name} (ratio)")}


def plot_svg(run: MappingRun, sector: str, *, render: bool = True) -> str | None:
    """The inline SVG Kd plot of one sector, drawn once (by the task for localised sectors, else on
    first request) and kept in the run's plots folder. None when the run has no curve for it."""
    path = plot_path(run, sector)
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if not render:
        return None
    curve = curves(run, sector)
    if curve.empty:
        return None
    return write_plot(run, sector, curve)


def write_plot(run: MappingRun, sector: str, curve: pd.DataFrame, name: str | None = None) -> str:
    from triplec.mapping.report import kd_plot_svg

    if name is None:
        name = sector_names(run, [sector]).get(str(sector), "")
    title = f"{sector} {name}".strip()
    svg = kd_plot_svg(curve, title=title[:90], text=plot_text())
    path = plot_path(run, sector)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(svg, encoding="utf-8")
    return svg


def map_payload(run: MappingRun) -> dict:
    """What the run page's map draws: the footprints (GeoJSON) and the establishments of the sectors
    that have footprints, as [lat, lon, sector, in a footprint?] (at most MAP_POINTS_LIMIT)."""
    collection = footprint_collection(run)
    payload = {"footprints": collection, "points": [], "truncated": False,
               "in_lonlat": "triplec:coordinates" not in collection}
    features = collection.get("features", [])
    # where a footprint's popup links to on the page (ids are user text)
    payload["anchors"] = {str(f.get("id")): footprint_anchor(f.get("id")) for f in features}
    if payload["in_lonlat"]:
        payload["near"] = {str(f.get("id")): place_near(f["properties"].get("centroid_lat"),
                                                        f["properties"].get("centroid_lon")) for f in features}
    sectors = sorted({str(f["properties"]["sector"]) for f in features})
    payload["sectors"] = [{"code": s, "name": n} for s, n in
                          ((s, sector_names(run, sectors).get(s, "")) for s in sectors)]
    path = run.output_path / ESTABLISHMENTS_FILE
    if not payload["in_lonlat"] or not sectors or not path.is_file():
        return payload
    frame = pd.read_parquet(path)
    frame = frame[frame[registers.SECTOR].astype(str).isin(sectors)]
    members = {str(v) for f in features for v in f["properties"].get("establishments", [])}
    if registers.LON in frame.columns:
        lon, lat = frame[registers.LON].to_numpy(float), frame[registers.LAT].to_numpy(float)
    else:
        crs = (run.columns or {}).get("crs")
        if not crs:
            return payload
        from triplec.mapping.locate import lonlat_transformer

        to_lonlat = lonlat_transformer(crs, (run.columns or {}).get("unit") or "km")
        lon, lat = to_lonlat(frame[registers.X].to_numpy(float), frame[registers.Y].to_numpy(float))
    ids = frame[registers.ID].astype(str).tolist()
    codes = frame[registers.SECTOR].astype(str).tolist()
    points = [[round(float(la), 5), round(float(lo), 5), code, 1 if i in members else 0]
              for la, lo, code, i in zip(lat, lon, codes, ids, strict=True)]
    if len(points) > MAP_POINTS_LIMIT:
        points.sort(key=lambda p: -p[3])  # keep the footprints' establishments
        points, payload["truncated"] = points[:MAP_POINTS_LIMIT], True
    payload["points"] = points
    return payload
