"""A supplier's spillover as a server-side SVG (the pages' CSP allows no script and no style attribute;
SVG presentation attributes are allowed): per year, a bar of the buyer's orders and one of the sales to
other customers on the same scale, with the others' share written above."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext as _

WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM, BAR = 560, 200, 16, 16, 40, 40, 22
COLOURS = {"to_buyer": "#1f6f8b", "to_others": "#4b7d2a"}


def spillover_svg(rows: Sequence, currency: str) -> str:
    """`rows`: kpis.Spillover, by year; empty text when there is nothing to draw."""
    if not rows:
        return ""
    top = max(max(r.to_buyer, r.to_others) for r in rows) or 1
    inner, base = HEIGHT - TOP - BOTTOM, HEIGHT - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / len(rows)
    title = _("Orders from the buyer and sales to other customers by year (%(currency)s)") % {"currency": currency}
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
             f'aria-labelledby="spillover-title" data-testid="spillover-chart">',
             f'<title id="spillover-title">{escape(title)}</title>',
             f'<rect x="{LEFT}" y="6" width="12" height="12" fill="{COLOURS["to_buyer"]}"/>',
             f'<text x="{LEFT + 18}" y="16" font-size="12" fill="#222">{escape(_("Orders from the buyer"))}</text>',
             f'<rect x="{LEFT + 220}" y="6" width="12" height="12" fill="{COLOURS["to_others"]}"/>',
             f'<text x="{LEFT + 238}" y="16" font-size="12" fill="#222">{escape(_("Sales to others"))}</text>',
             f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#999" stroke-width="1"/>']
    for index, row in enumerate(rows):
        middle = LEFT + slot * index + slot / 2
        for offset, name in ((-BAR, "to_buyer"), (0, "to_others")):
            value = getattr(row, name)
            height = float(inner * value / top)
            label = f"{row.year}: {number_format(value, 2, force_grouping=True)} {currency}"
            parts.append(f'<rect x="{middle + offset:.1f}" y="{base - height:.1f}" width="{BAR}" height="{height:.1f}" '
                         f'fill="{COLOURS[name]}" data-series="{name}"><title>{escape(label)}</title></rect>')
        share = "—" if row.others_share is None else number_format(row.others_share * 100, 0) + "%"
        parts.append(f'<text x="{middle:.1f}" y="{base + 16}" font-size="11" text-anchor="middle" fill="#555">'
                     f'{row.year}</text>')
        parts.append(f'<text x="{middle:.1f}" y="{base + 30}" font-size="11" text-anchor="middle" fill="#222" '
                     f'data-testid="others-share">{escape(share)}</text>')
    parts.append("</svg>")
    return "".join(parts)
