"""The chart of a regional series' page: for one region, the location quotient of its largest sectors
over the years, drawn server-side as SVG (no script; a table beside it gives the same figures)."""

from __future__ import annotations

from html import escape

from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36
COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf")


def region_lines(series, region: str, limit: int = len(COLOURS)) -> list[dict]:
    """The region's sectors with the most employment (establishments) in the last year, up to `limit`:
    sector, colour, points [(year, lq)], and the last year's status."""
    rows = series[series["region"] == region]
    if rows.empty:
        return []
    measure = "emp" if rows["emp"].notna().any() else "estab"
    last = rows[rows["year"] == rows["year"].max()].sort_values([measure, "sector"], ascending=[False, True])
    lines = []
    for colour, sector in zip(COLOURS, last["sector"].head(limit), strict=False):
        own = rows[rows["sector"] == sector].sort_values("year")
        lines.append({"sector": sector, "colour": colour,
                      "points": [(int(y), None if lq != lq else float(lq)) for y, lq in zip(own["year"], own["lq"], strict=True)],
                      "status": str(last.loc[last["sector"] == sector, "status"].iloc[0] or "")})
    return lines


def lq_svg(lines: list[dict], region: str) -> str:
    """An SVG line chart of `region_lines`: years across, LQ up, a dashed line at LQ 1."""
    years = sorted({year for line in lines for year, _lq in line["points"]})
    values = [lq for line in lines for _y, lq in line["points"] if lq is not None]
    if not years or not values:
        return ""
    top = max(max(values), 1.0) * 1.1
    span_x = max(len(years) - 1, 1)

    def x(year):
        return LEFT + (WIDTH - LEFT - RIGHT) * (years.index(year) / span_x if len(years) > 1 else 0.5)

    def y(lq):
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - lq / top)

    title = _("Location quotient over the years, %(region)s") % {"region": region}
    threshold = _("LQ 1: as specialised as the whole table")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="series-chart" data-testid="series-chart"><title>{escape(title)}</title>']
    for tick in _ticks(top):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick:g}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(1.0):.1f}" y2="{y(1.0):.1f}" stroke="#555" '
                 f'stroke-dasharray="4 3"><title>{escape(threshold)}</title></line>')
    for year in years:
        parts.append(f'<text x="{x(year):.1f}" y="{HEIGHT - BOTTOM + 18}" text-anchor="middle" font-size="11">{year}</text>')
    for line in lines:
        known = [(year, lq) for year, lq in line["points"] if lq is not None]
        points = " ".join(f"{x(year):.1f},{y(lq):.1f}" for year, lq in known)
        sector = escape(line["sector"])
        parts.append(f'<g data-sector="{sector}"><title>{sector}</title>'
                     f'<polyline points="{points}" fill="none" stroke="{line["colour"]}" stroke-width="2"/>')
        parts += [f'<circle cx="{x(year):.1f}" cy="{y(lq):.1f}" r="3" fill="{line["colour"]}">'
                  f'<title>{sector} {year}: LQ {lq:.2f}</title></circle>' for year, lq in known]
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _ticks(top: float) -> list[float]:
    step = next(s for s in (0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 1e9) if top / s <= 6)
    return [i * step for i in range(int(top / step) + 1)]
