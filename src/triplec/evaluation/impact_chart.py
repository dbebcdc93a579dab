"""The event-study plot of an impact run, drawn server-side as SVG (no script; the dynamic table on
the page gives the same figures): event time across, the effect up, each point with its 95%
confidence interval as a whisker, a line at zero, the periods before support shaded.

Coordinates are written by Python's own formatting (never localised: a '12,5' in Portuguese would
draw nothing); the axis labels are numbers in the reader's format."""

from __future__ import annotations

import math
from html import escape

from django.utils.formats import number_format
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values (1, 2, 2.5 or 5 times a power of ten apart) between low and high."""
    raw = (high - low) / count or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start = math.ceil(low / step)
    return [round(i * step, 10) for i in range(start, math.floor(high / step) + 1)]


def event_study_svg(rows: list[dict]) -> str:
    """`rows`: key (event time), att, lower, upper, as in a run's dynamic aggregation."""
    points = [r for r in rows if r.get("lower") is not None and r.get("upper") is not None]
    if not points:
        return ""
    keys = [int(r["key"]) for r in points]
    low = min(0.0, *(r["lower"] for r in points))
    high = max(0.0, *(r["upper"] for r in points))
    pad = (high - low) * 0.08 or 1.0
    low, high = low - pad, high + pad
    first, last = min(keys), max(keys)

    def x(key: float) -> float:  # half a year of margin on each side keeps the whiskers off the axis
        return LEFT + (WIDTH - LEFT - RIGHT) * (key - first + 0.5) / (last - first + 1)

    def y(value: float) -> float:
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - low) / (high - low))

    title = _("Effect by years since support, with %(level)s confidence intervals") % {"level": "95%"}
    before, axis = escape(_("Before support")), escape(_("Years since support (0 = first year of support)"))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="event-study" data-testid="event-study"><title>{escape(title)}</title>']
    if first < 0:  # the periods before support: the pre-trend's territory
        edge = x(-0.5) if last >= 0 else WIDTH - RIGHT
        parts.append(f'<rect x="{LEFT}" y="{TOP}" width="{edge - LEFT:.1f}" height="{HEIGHT - TOP - BOTTOM}" '
                     f'fill="#f2f2f2" data-testid="pre-periods"><title>{before}</title></rect>'
                     f'<text x="{LEFT + 4}" y="{TOP + 12}" font-size="11" fill="#666">{before}</text>')
    for tick in _ticks(low, high):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e5e5e5"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{escape(number_format(round(tick, 6), use_l10n=True))}</text>')
    parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(0):.1f}" y2="{y(0):.1f}" stroke="#333" '
                 f'data-testid="zero-line"/>')
    for key in range(first, last + 1):
        parts.append(f'<text x="{x(key):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" font-size="11">{key}</text>')
    parts.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.1f}" y="{HEIGHT - 6}" text-anchor="middle" font-size="11">'
                 f'{axis}</text>')
    for r in points:
        cx, colour = x(int(r["key"])), "#999" if r["key"] < 0 else "#1f5fa8"
        label = _("%(key)s: effect %(att)s (95%% CI %(lower)s to %(upper)s)") % {
            "key": int(r["key"]), "att": number_format(r["att"], 2, use_l10n=True),
            "lower": number_format(r["lower"], 2, use_l10n=True), "upper": number_format(r["upper"], 2, use_l10n=True)}
        parts.append(f'<g data-testid="event-point" data-key="{int(r["key"])}"><title>{escape(label)}</title>'
                     f'<line x1="{cx:.1f}" x2="{cx:.1f}" y1="{y(r["lower"]):.1f}" y2="{y(r["upper"]):.1f}" '
                     f'stroke="{colour}" stroke-width="2"/>'
                     f'<line x1="{cx - 5:.1f}" x2="{cx + 5:.1f}" y1="{y(r["lower"]):.1f}" y2="{y(r["lower"]):.1f}" stroke="{colour}"/>'
                     f'<line x1="{cx - 5:.1f}" x2="{cx + 5:.1f}" y1="{y(r["upper"]):.1f}" y2="{y(r["upper"]):.1f}" stroke="{colour}"/>'
                     f'<circle cx="{cx:.1f}" cy="{y(r["att"]):.1f}" r="4" fill="{colour}"/></g>')
    parts.append("</svg>")
    return "".join(parts)
