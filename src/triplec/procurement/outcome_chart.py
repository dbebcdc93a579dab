"""The trajectory of an association's yearly outcomes as a server-side SVG (the pages' CSP allows no
script and no style attribute; SVG presentation attributes are allowed): three small panels over the same
years (members, workers, share sold to other buyers). Years entered as an illustration are drawn hollow
and dashed, and the chart says so in its own text."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

WIDTH, PANEL_HEIGHT, LEFT, RIGHT, TOP, BOTTOM = 720, 150, 64, 24, 28, 26
COLOURS = {"members": "#1f6f8b", "workers": "#b0582b", "share_sold_elsewhere": "#4b7d2a"}


def _nice_top(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above `value` (an axis end a reader can read)."""
    if value <= 0:
        return 1.0
    scale = 10 ** (len(str(int(value))) - 1) if value >= 1 else 1
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * scale:
            return step * scale
    return 10.0 * scale


def _label(name: str, value) -> str:
    if name == "share_sold_elsewhere":
        return number_format(Decimal(value) * 100, decimal_pos=0) + "%"
    return number_format(value, use_l10n=True, force_grouping=True)


def _panel(outcomes: Sequence, name: str, title: str, top_y: int, x_of) -> list[str]:
    values = [float(getattr(o, name)) for o in outcomes]
    top = 1.0 if name == "share_sold_elsewhere" else _nice_top(max(values, default=0))
    inner = PANEL_HEIGHT - TOP - BOTTOM
    base = top_y + PANEL_HEIGHT - BOTTOM

    def y_of(v: float) -> float:
        return base - inner * v / top

    colour = COLOURS[name]
    parts = [f'<g class="outcome-panel" data-series="{name}">',
             f'<text x="{LEFT}" y="{top_y + 16}" font-size="13" font-weight="bold" fill="#222">{escape(title)}</text>',
             f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999" stroke-width="1"/>',
             f'<text x="{LEFT - 6}" y="{y_of(top) + 4:.1f}" font-size="11" text-anchor="end" fill="#555">'
             f'{escape(_label(name, int(top) if float(top).is_integer() else top))}</text>',
             f'<text x="{LEFT - 6}" y="{base + 4}" font-size="11" text-anchor="end" fill="#555">0</text>']
    points = [(x_of(o.year), y_of(v), o, v) for o, v in zip(outcomes, values, strict=True)]
    for (x1, y1, a, _v1), (x2, y2, b, _v2) in zip(points, points[1:], strict=False):
        dashed = ' stroke-dasharray="5 4"' if a.illustration or b.illustration else ""
        parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" '
                     f'stroke-width="2"{dashed}/>')
    for x, y, outcome, _value in points:
        fill = "#fff" if outcome.illustration else colour
        text = _label(name, getattr(outcome, name))
        note = f" ({_('illustration')})" if outcome.illustration else ""
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}" stroke="{colour}" stroke-width="2">'
                     f'<title>{outcome.year}: {escape(text)}{escape(note)}</title></circle>')
        parts.append(f'<text x="{x:.1f}" y="{y - 8:.1f}" font-size="11" text-anchor="middle" fill="#222">'
                     f'{escape(text)}</text>')
    parts.append("</g>")
    return parts


def trajectory_svg(outcomes: Sequence) -> str:
    """The chart of `outcomes` (AssociationOutcome rows, any order); empty text when there is none."""
    outcomes = sorted(outcomes, key=lambda o: o.year)
    if not outcomes:
        return ""
    first, last = outcomes[0].year, outcomes[-1].year
    span = max(last - first, 1)

    def x_of(year: int) -> float:
        if first == last:
            return (LEFT + WIDTH - RIGHT) / 2
        return LEFT + 20 + (WIDTH - LEFT - RIGHT - 40) * (year - first) / span

    panels = [("members", _("Members")), ("workers", _("Workers")),
              ("share_sold_elsewhere", _("Share of output sold to other buyers"))]
    illustrated = any(o.illustration for o in outcomes)
    height = PANEL_HEIGHT * len(panels) + 28 + (22 if illustrated else 0)
    title = _("The association's trajectory, %(first)s to %(last)s") % {"first": first, "last": last}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'aria-labelledby="outcome-chart-title" class="outcome-chart" data-testid="outcome-chart">',
             f'<title id="outcome-chart-title">{escape(title)}</title>']
    for index, (name, label) in enumerate(panels):
        parts.extend(_panel(outcomes, name, label, index * PANEL_HEIGHT, x_of))
    axis_y = PANEL_HEIGHT * len(panels) + 14
    for outcome in outcomes:
        parts.append(f'<text x="{x_of(outcome.year):.1f}" y="{axis_y}" font-size="11" text-anchor="middle" '
                     f'fill="#555">{outcome.year}</text>')
    if illustrated:
        years = ", ".join(str(o.year) for o in outcomes if o.illustration)
        caption = _("Illustration, not measured (hollow points, dashed lines): %(years)s") % {"years": years}
        parts.append(f'<text x="{LEFT}" y="{axis_y + 24}" font-size="12" font-style="italic" fill="#8a4b00" '
                     f'data-testid="illustration-caption">{escape(caption)}</text>')
    parts.append("</svg>")
    return "".join(parts)
