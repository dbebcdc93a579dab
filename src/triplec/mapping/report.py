"""One self-contained HTML report of a mapping run: sector table, Kd plots with bands, map of footprints.

The file opens offline, with no request to any server: the plots are inline SVG drawn here, the map is
Leaflet 1.9.4 inlined from ``report_assets/`` (BSD-2-Clause, its licence copied into the page) drawing
the footprints (GeoJSON) and the establishments on a plain background with a scale bar. An optional
tile layer (off by default) can be switched on when a network is there; if its tiles fail to load the
map says so and keeps working. Projected registers without a CRS are drawn in their own plane
(``L.CRS.Simple``, coordinates in metres so the scale bar stays true).
"""

from __future__ import annotations

import base64
import html
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from triplec.mapping.footprints import FootprintSet, _plain
from triplec.mapping.points import PointRegister
from triplec.mapping.report_map import (  # noqa: F401  (the map part, re-exported)
    ASSETS,
    DEFAULT_TILES,
    PALETTE,
    WORLD_ATLAS,
    _top_co_located,
    _topojson_arcs,
    _topojson_ring,
    country_outlines,
    map_data,
)

LEAFLET_DIR = ASSETS / "leaflet-1.9.4"
PLACES_JS = ASSETS / "web" / "places.js"
TOPOJSON_CLIENT = ASSETS / "topojson-client" / "topojson-client.min.js"
# Global bands drawn on the plots, in this order: the Duranton-Overman global band (the one that decides
# "localised") and the dbmss global envelope; older or hand-made tables may call theirs glo/ghi.
GLOBAL_BANDS = [("global_do_lo", "global_do_hi", "global band (DO)", "--", "#b2182b"),
                ("global_dbmss_lo", "global_dbmss_hi", "envelope (dbmss)", ":", "#6a51a3"),
                ("glo", "ghi", "global band", "--", "#b2182b")]


# --------------------------------------------------------------------------------------------------
# Plots


def global_band_columns(curves: pd.DataFrame, prefix: str = "") -> list[tuple[str, str, str, str, str]]:
    """The global bands present in ``curves`` as ``(lo column, hi column, label, line style, colour)``,
    for Kd or, with ``prefix='kemp_'``, for Kemp."""
    found = []
    for lo, hi, label, style, colour in GLOBAL_BANDS:
        lo_col, hi_col = f"{prefix}{lo}", f"{prefix}{hi}"
        if lo_col in curves.columns and hi_col in curves.columns and curves[hi_col].notna().any():
            found.append((lo_col, hi_col, label, style, colour))
    return found


def nice_ticks(low: float, high: float, count: int = 5) -> np.ndarray:
    """About ``count`` round tick values within [low, high]: steps of 1, 2 or 5 times a power of ten."""
    span = high - low
    if not span > 0:
        return np.array([low])
    raw = span / count
    power = 10.0 ** math.floor(math.log10(raw))
    ratio = raw / power  # round to the nearest of 1, 2, 5, 10 (Heckbert 1990, "Nice numbers")
    step = power * (1 if ratio < 1.5 else 2 if ratio < 3 else 5 if ratio < 7 else 10)
    first = math.ceil(low / step - 1e-9) * step
    return np.arange(first, high + step * 1e-9, step)


def _tick_text(value: float, step: float) -> str:
    decimals = max(0, -math.floor(math.log10(step))) if step > 0 else 0
    return f"{value:.{decimals}f}"


def _polyline(xs: np.ndarray, ys: np.ndarray) -> list[str]:
    """SVG path data for a line, broken where a value is missing."""
    runs, current = [], []
    for x, y in zip(xs, ys, strict=True):
        if np.isfinite(y):
            current.append(f"{x:.1f},{y:.1f}")
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return ["M" + " L".join(run) for run in runs if len(run) > 1]


PLOT_WIDTH, PLOT_HEIGHT = 340, 214
# The words of a plot (axis, legend, title): English here; a caller may pass them in another language.
PLOT_TEXT = {
    "distance": "distance (km)",
    "per_km": "{name} (1/km)",
    "local band": "local band",
    "global band (DO)": "global band (DO)",
    "envelope (dbmss)": "envelope (dbmss)",
    "global band": "global band",
    "Kd curve": "Kd curve",
    "ratio": "{name} (ratio)",
}
_MARGIN = {"left": 58, "right": 10, "top": 8, "bottom": 48}


def _panel_svg(curve: pd.DataFrame, value: str, lo: str, hi: str, bands, name: str, offset: float,
               words: Mapping[str, str] = PLOT_TEXT) -> str:
    r = curve["r"].to_numpy(float)
    axis = "ratio" if value == "m" else "per_km"  # M is a ratio of ratios, Kd a density
    series = [curve[value].to_numpy(float)]
    has_local = lo in curve.columns and hi in curve.columns and curve[hi].notna().any()
    if has_local:
        series += [curve[lo].to_numpy(float), curve[hi].to_numpy(float)]
    for lo_col, hi_col, *_ in bands:
        series += [curve[lo_col].to_numpy(float), curve[hi_col].to_numpy(float)]
    finite = np.concatenate([v[np.isfinite(v)] for v in series]) if series else np.zeros(0)
    top = float(finite.max()) if len(finite) and finite.max() > 0 else 1.0
    y_ticks = nice_ticks(0.0, top * 1.05, 4)
    y_max = max(float(y_ticks[-1]), top * 1.05)
    x_min, x_max = float(r.min()), float(r.max()) if r.max() > r.min() else float(r.min()) + 1.0
    left, bottom = offset + _MARGIN["left"], PLOT_HEIGHT - _MARGIN["bottom"]
    width = PLOT_WIDTH - _MARGIN["left"] - _MARGIN["right"]
    height = PLOT_HEIGHT - _MARGIN["top"] - _MARGIN["bottom"]

    def sx(v):
        return left + (np.asarray(v, float) - x_min) / (x_max - x_min) * width

    def sy(v):
        return bottom - np.clip(np.asarray(v, float), 0.0, y_max) / y_max * height

    out = []
    if has_local:
        upper, lower = curve[hi].to_numpy(float), curve[lo].to_numpy(float)
        ok = np.isfinite(upper) & np.isfinite(lower)
        xs, up, down = sx(r[ok]), sy(upper[ok]), sy(lower[ok])
        ring = [f"{x:.1f},{y:.1f}" for x, y in zip(xs, up, strict=True)]
        ring += [f"{x:.1f},{y:.1f}" for x, y in zip(xs[::-1], down[::-1], strict=True)]
        out.append(f'<path class="band" d="M{" L".join(ring)} Z" fill="#c9d7e8" stroke="none"/>')
    for lo_col, hi_col, _label, style, colour in bands:
        dash = "5 3" if style == "--" else "1.5 2.5"
        for col in (hi_col, lo_col):
            for d in _polyline(sx(r), sy(curve[col].to_numpy(float))):
                out.append(f'<path class="global" d="{d}" fill="none" stroke="{colour}" stroke-width="1" '
                           f'stroke-dasharray="{dash}"/>')
    for d in _polyline(sx(r), sy(curve[value].to_numpy(float))):
        out.append(f'<path class="curve" d="{d}" fill="none" stroke="#08306b" stroke-width="1.6"/>')
    # axes, ticks, labels
    out.append(f'<path d="M{left},{_MARGIN["top"]} V{bottom} H{left + width}" fill="none" stroke="#333" '
               'stroke-width="0.8"/>')
    x_ticks = nice_ticks(x_min, x_max, 6)
    x_step = float(x_ticks[1] - x_ticks[0]) if len(x_ticks) > 1 else 1.0
    for t in x_ticks:
        x = float(sx(t))
        out.append(f'<path d="M{x:.1f},{bottom} v3" stroke="#333" stroke-width="0.8"/>'
                   f'<text x="{x:.1f}" y="{bottom + 13}" text-anchor="middle">{_tick_text(t, x_step)}</text>')
    y_step = float(y_ticks[1] - y_ticks[0]) if len(y_ticks) > 1 else 1.0
    for t in y_ticks:
        y = float(sy(t))
        out.append(f'<path d="M{left},{y:.1f} h-3" stroke="#333" stroke-width="0.8"/>'
                   f'<text x="{left - 5}" y="{y + 3.5:.1f}" text-anchor="end">{_tick_text(t, y_step)}</text>')
    out.append(f'<text x="{left + width / 2:.1f}" y="{bottom + 26}" text-anchor="middle">{html.escape(words["distance"])}</text>')
    out.append(f'<text transform="translate({offset + 11},{_MARGIN["top"] + height / 2:.1f}) rotate(-90)" '
               f'text-anchor="middle">{html.escape(words[axis].replace("{name}", name))}</text>')
    # legend, in a row under the axis label (never over the curves)
    entries = [(name, "curve")] + ([(words["local band"], "band")] if has_local else [])
    entries += [(words.get(label, label), (style, colour)) for _, _, label, style, colour in bands]
    lx, y = offset + 8.0, PLOT_HEIGHT - 5
    for label, kind in entries:
        if kind == "curve":
            mark = f'<path d="M{lx},{y} h16" stroke="#08306b" stroke-width="1.6"/>'
        elif kind == "band":
            mark = f'<rect x="{lx}" y="{y - 4}" width="16" height="8" fill="#c9d7e8"/>'
        else:
            dash = "5 3" if kind[0] == "--" else "1.5 2.5"
            mark = f'<path d="M{lx},{y} h16" stroke="{kind[1]}" stroke-width="1" stroke-dasharray="{dash}"/>'
        out.append(f'{mark}<text x="{lx + 19}" y="{y + 3}" font-size="9">{html.escape(label)}</text>')
        lx += 19 + 4.8 * len(label) + 9
    return "\n".join(out)


def kd_plot_svg(curve: pd.DataFrame, *, title: str = "", text: Mapping[str, str] | None = None) -> str:
    """An inline SVG of one sector's Kd (and Kemp when present) with its local and global bands.

    ``curve`` holds one sector's rows: ``r, kd, lo, hi`` (+ global band columns, + ``kemp, kemp_lo,
    kemp_hi``, + Marcon & Puech's ``m, m_lo, m_hi`` and its global bands, drawn in a panel beside Kd). The local band is shaded (pointwise quantiles of the simulations); the global bands are
    dashed (Duranton-Overman) and dotted (dbmss envelope). Drawn directly as SVG (a few kB a plot, no
    fonts or ids to clash when many plots share a page). ``text`` replaces any of the English words of
    :data:`PLOT_TEXT` (the platform passes them in the reader's language).
    """
    words = {**PLOT_TEXT, **(text or {})}
    curve = curve.sort_values("r")
    panels = [("kd", "lo", "hi", global_band_columns(curve), "Kd")] if "kd" in curve.columns else []
    if "kemp" in curve.columns and curve["kemp"].notna().any():
        panels.append(("kemp", "kemp_lo", "kemp_hi", global_band_columns(curve, "kemp_"), "Kemp"))
    if "m" in curve.columns and curve["m"].notna().any():
        panels.append(("m", "m_lo", "m_hi", global_band_columns(curve, "m_"), "M"))
    width = PLOT_WIDTH * len(panels)
    body = "\n".join(_panel_svg(curve, *panel, offset=PLOT_WIDTH * k, words=words) for k, panel in enumerate(panels))
    label = html.escape(title or words["Kd curve"])
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {PLOT_HEIGHT}" width="{width}" '
            f'height="{PLOT_HEIGHT}" role="img" aria-label="{label}" font-family="system-ui, sans-serif" '
            f'font-size="10" fill="#222"><title>{label}</title>\n{body}\n</svg>')


# --------------------------------------------------------------------------------------------------
# HTML


def _leaflet_css() -> str:
    css = (LEAFLET_DIR / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match) -> str:
        name = match.group(1)
        data = base64.b64encode((LEAFLET_DIR / "images" / name).read_bytes()).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    return re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)


def _places_js() -> str:
    """The place-label code (shared with the platform's maps) and the TopoJSON decoder it uses, inlined."""
    return "\n".join(path.read_text(encoding="utf-8") for path in (TOPOJSON_CLIENT, PLACES_JS))


def _asset(name: str) -> str:
    """A text file of ``report_assets/`` (the page template, its style sheet and script)."""
    return (ASSETS / name).read_text(encoding="utf-8")


def _leaflet_js() -> str:
    js = (LEAFLET_DIR / "leaflet.js").read_text(encoding="utf-8")
    return re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)


def _json_script(element_id: str, payload) -> str:
    text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _fmt(value, kind: str = "g") -> tuple[str, str]:
    """(shown text, sort key) of a table cell."""
    value = _plain(value)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "", ""
    if isinstance(value, bool):
        return ("yes" if value else "no"), ("1" if value else "0")
    if isinstance(value, int | float) and not isinstance(value, bool):
        if kind == "int":
            return f"{int(round(value)):,}", repr(float(value))
        if kind == "p":
            return (f"{value:.3g}" if value >= 1e-3 else f"{value:.1e}"), repr(float(value))
        if kind == "pct":
            return f"{100 * value:.0f}%", repr(float(value))
        if kind == "area":
            return (f"{value:,.0f}" if value >= 100 else f"{value:.1f}"), repr(float(value))
        return f"{value:.4g}", repr(float(value))
    return str(value), str(value)


def _cell(value, kind: str = "g", cls: str = "") -> str:
    shown, key = _fmt(value, kind)
    klass = f' class="{cls}"' if cls else ""
    return f'<td{klass} data-v="{html.escape(key)}">{html.escape(shown)}</td>'


def _th(text: str, left: bool) -> str:
    return f'<th class="l">{html.escape(text)}</th>' if left else f"<th>{html.escape(text)}</th>"


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", str(text))


def _truthy(value) -> bool:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    return str(value).strip().lower() in {"true", "1", "yes"}


def render_report(
    table: pd.DataFrame,
    curves: pd.DataFrame | None = None,
    *,
    footprints: FootprintSet | None = None,
    sites: PointRegister | None = None,
    profiles: pd.DataFrame | None = None,
    labels: Mapping[str, str] | None = None,
    title: str = "Cluster mapping report",
    parameters: Mapping[str, object] | None = None,
    source_note: str = "",
    max_points: int = 20000,
    tiles: Mapping[str, str] | None = DEFAULT_TILES,
    warnings: Sequence[str] = (),
) -> str:
    """The report as one HTML string (see the module docstring).

    ``table`` is the screen's sector table; ``curves`` its curves (``sector, r, kd, lo, hi`` ...);
    ``footprints``/``profiles`` come from :func:`locate_footprints` / :func:`profile_footprints`;
    ``sites`` draws the establishments; ``labels`` maps sector codes to names; ``parameters`` are shown
    as the run's settings.
    """
    labels = {str(k): str(v) for k, v in (labels or {}).items()}
    table = table.copy()
    table["sector"] = table["sector"].astype(str)
    fps = list(footprints) if footprints is not None else []
    per_sector = pd.Series([fp.sector for fp in fps], dtype=object).value_counts()
    skipped = dict(getattr(footprints, "skipped", {}) or {})
    # an M-only screen (no Kd columns) is ordered and called by M
    call = "localised" if "localised" in table.columns or "m_localised" not in table.columns else "m_localised"
    prefix = "m_" if call == "m_localised" else ""
    localised = table[call].map(_truthy) if call in table.columns else pd.Series(False, index=table.index)
    order_cols = [c for c in (f"{prefix}q_value", f"{prefix}p_value") if c in table.columns]
    ordered = table.assign(_loc=~localised).sort_values(["_loc", *order_cols, "sector"], kind="mergesort")

    plots = []
    if curves is not None and len(curves):
        curves = curves.copy()
        curves["sector"] = curves["sector"].astype(str)
        grouped = dict(tuple(curves.groupby("sector", sort=False)))
        for row in ordered.itertuples():
            curve = grouped.get(row.sector)
            if curve is None:
                continue
            name = labels.get(row.sector, "")
            verdict = "localised" if _truthy(getattr(row, call, False)) else "not localised"
            caption = f"{row.sector} {name}".strip()
            svg = kd_plot_svg(curve, title=f"{'Kd' if 'kd' in curve.columns else 'M'} of {caption}")
            plots.append(
                f'<figure class="plot" id="kd-{_slug(row.sector)}" data-sector="{html.escape(row.sector)}">'
                f'<figcaption><b>{html.escape(row.sector)}</b> {html.escape(name)} '
                f'<span class="tag {"yes" if verdict == "localised" else "no"}">{verdict}</span></figcaption>'
                f'{svg}<a class="up" href="#sectors" title="{html.escape(caption)}">back to the table</a></figure>'
            )

    sector_rows = []
    numeric = [("n", "int"), ("employment", "int"), ("gamma", "g"), ("psi", "g"), ("localised", "b"),
               ("p_value", "p"), ("q_value", "p"), ("peak_distance", "g"), ("m_localised", "b"),
               ("m_p_value", "p"), ("m_q_value", "p")]
    present = [(c, k) for c, k in numeric if c in table.columns and table[c].notna().any()]
    for row in ordered.itertuples():
        code = html.escape(row.sector)
        link = f'<a href="#kd-{_slug(row.sector)}">{code}</a>' if curves is not None else code
        cells = [f'<td data-v="{code}">{link}</td>', _cell(labels.get(row.sector, ""), cls="label")]
        for col, kind in present:
            value = getattr(row, col)
            cells.append(_cell(_truthy(value) if kind == "b" else value, kind))
        n_fp = int(per_sector.get(row.sector, 0))
        button = (f' <button type="button" class="show" data-sector="{code}">map</button>' if n_fp else "")
        why = skipped.get(row.sector)
        note = f' title="{html.escape(why)}"' if why else ""
        cells.append(f'<td data-v="{n_fp}"{note}>{n_fp}{"*" if why else ""}{button}</td>')
        sector_rows.append(f'<tr class="{"loc" if _truthy(getattr(row, call, False)) else ""}">'
                           + "".join(cells) + "</tr>")
    heads = ["sector", "name"] + [c.replace("_", " ") for c, _ in present] + ["footprints"]
    sector_table = (
        '<table class="sortable" id="sector-table"><thead><tr>'
        + "".join(_th(h, h in ("sector", "name")) for h in heads)
        + "</tr></thead><tbody>" + "\n".join(sector_rows) + "</tbody></table>"
    )

    co_located = _top_co_located(profiles, labels)
    fp_rows = []
    for fp in fps:
        listed = ", ".join(
            f'<span title="{html.escape(c["label"])}">{html.escape(c["sector"])} ({c["ratio"]:g}&times;)'
            + ({True: ' <b title="near it register-wide (bivariate Kd)">Kd&#10003;</b>',
                False: ' <i title="not near it register-wide (bivariate Kd)">Kd&#10007;</i>'}
               .get(c["kd_near"], "")) + "</span>"
            for c in co_located.get(fp.id, [])
        )
        regions = "; ".join(fp.regions[:8]) + (f" (+{len(fp.regions) - 8} more)" if len(fp.regions) > 8 else "")
        fp_rows.append(
            "<tr>" + f'<td data-v="{html.escape(fp.id)}">{html.escape(fp.id)}</td>'
            + _cell(labels.get(fp.sector, ""), cls="label")
            + _cell(fp.count, "int") + _cell(fp.employment, "int") + _cell(fp.sme_share, "pct")
            + _cell(fp.area_km2, "area") + _cell(fp.eps_km, "g")
            + f'<td class="label">{html.escape(regions)}</td><td class="label">{listed}</td></tr>'
        )
    fp_table = (
        '<table class="sortable" id="footprint-table"><thead><tr>'
        + "".join(_th(h, h in _TEXT_HEADS)
                  for h in ["footprint", "sector name", "establishments", "employment", "SME share", "area (km²)",
                            "eps (km)", "municipalities / regions", "co-located sectors (local LQ)"])
        + "</tr></thead><tbody>" + "\n".join(fp_rows) + "</tbody></table>"
    ) if fps else "<p>No footprint: no sector is localised, or none has a dense enough group.</p>"

    data = map_data(sites, footprints, profiles=profiles, labels=labels, max_points=max_points, tiles=tiles)
    n_loc = int(localised.sum())
    summary = [
        ("establishments", f"{len(sites.frame):,}" if sites is not None else ""),
        ("sectors screened", f"{len(table):,}"),
        ("localised sectors", f"{n_loc:,}"),
        ("footprints", f"{len(fps):,}"),
    ]
    summary += [(str(k), str(v)) for k, v in (parameters or {}).items()]
    summary_html = "".join(f"<div><dt>{html.escape(k)}</dt><dd>{html.escape(v)}</dd></div>"
                           for k, v in summary if v)
    points_note = ""
    if data["points"] and data["points"]["shown"] < data["points"]["total"]:
        points_note = (f'<p class="note">The map shows {data["points"]["shown"]:,} of '
                       f'{data["points"]["total"]:,} establishments: footprint members first, then a random '
                       "sample of the others (establishments that cannot be placed in lon/lat are left out).</p>")
    plane_note = ('<p class="note">This register has projected coordinates without a CRS: it is drawn in '
                  "its own plane, with no background map.</p>" if data["mode"] == "planar" else "")
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    licence = html.escape((LEAFLET_DIR / "LICENSE").read_text(encoding="utf-8"))
    return _asset("report.html").format(
        title=html.escape(title),
        generated=generated,
        summary=summary_html,
        leaflet_css=_leaflet_css(),
        page_css=_asset("report.css"),
        leaflet_js=_leaflet_js(),
        leaflet_licence=licence,
        map_json=_json_script("map-data", data),
        sector_table=sector_table,
        footprint_table=fp_table,
        plots="\n".join(plots) or "<p>No curves in this run.</p>",
        points_note=points_note,
        plane_note=plane_note,
        source_note=f'<p class="note">{html.escape(source_note)}</p>' if source_note else "",
        warnings=('<div class="warnings" id="warnings"><strong>Check the coordinates</strong><ul>'
                  + "".join(f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul></div>") if warnings else "",
        places_js=_places_js(),
        page_js=_asset("report.js"),
    )


def write_report(path: str | Path, table: pd.DataFrame, curves: pd.DataFrame | None = None, **kwargs) -> Path:
    """Write :func:`render_report` to ``path`` (UTF-8) and return the path.

    Parameters
    ----------
    path : str or Path
        The HTML file to write (one self-contained page).
    table : pandas.DataFrame
        The screen's sector table (``sector, n, localised, p_value, q_value`` ...).
    curves : pandas.DataFrame, optional
        The screen's curves (``sector, r, kd, lo, hi`` and the global bands): one Kd plot per sector.
    **kwargs
        ``footprints, sites, profiles, labels, title, parameters, source_note, max_points, tiles,
        warnings``, as :func:`render_report`.

    Returns
    -------
    Path
        ``path``.

    Examples
    --------
    >>> import tempfile
    >>> table = pd.DataFrame({"sector": ["A", "B"], "n": [30, 30], "localised": [True, False],
    ...                       "p_value": [0.025, 0.45], "q_value": [0.05, 0.45]})
    >>> with tempfile.TemporaryDirectory() as out:
    ...     page = write_report(Path(out) / "report.html", table, title="Two sectors", labels={"A": "Footwear"})
    ...     text = page.read_text(encoding="utf-8")
    >>> page.name, "<title>Two sectors</title>" in text, "Footwear" in text
    ('report.html', True, True)
    """
    path = Path(path)
    path.write_text(render_report(table, curves, **kwargs), encoding="utf-8")
    return path


_TEXT_HEADS = {"footprint", "sector name", "municipalities / regions", "co-located sectors (local LQ)"}
