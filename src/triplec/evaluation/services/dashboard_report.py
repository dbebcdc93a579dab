"""The dashboard's tables as charts (inline SVG on the page, Chart blocks in the PDF), as a PDF report
(core.pdf: title, date, the filters as facts, every table and chart) and as an Excel workbook (one
sheet per table, the same rows). All are built from the same `Table`s the page shows."""

from __future__ import annotations

from collections import Counter
from html import escape

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from triplec.core import pdf
from triplec.core.spreadsheets import xlsx_bytes

from .dashboard import Filters, Table

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 16, 40
COLOURS = ("#1f6f8b", "#e07b39", "#5b8c5a", "#8e6c8a")


def cell_text(value, kind: str) -> str:
    """A cell as the page, the PDF and the tests read it: numbers in the reader's language, years plain."""
    if value is None:
        return "—"
    if kind == "year":
        return str(value)
    if kind == "money":
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    if kind in ("count", "number"):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def chart_points(table: Table) -> tuple[str, list[str], dict[str, list[float | None]]]:
    """(caption, categories, {series label: values}) of a table's chart: one currency when several."""
    rows = table.rows
    caption = table.title
    if rows and "currency" in rows[0]:
        currency = Counter(r["currency"] for r in rows).most_common(1)[0][0]
        rows = [r for r in rows if r["currency"] == currency]
        caption = f"{table.title} ({currency})"
    x = table.chart["x"]
    categories = [str(r[x]) for r in rows]
    series = {str(label): [None if r.get(key) is None else float(r[key]) for r in rows]
              for key, label in table.chart["series"].items()}
    return caption, categories, series


def svg(table: Table) -> str:
    """An inline SVG chart of the table (no script; the table beside it holds the same figures).
    Coordinates are written with '.' whatever the reader's language."""
    caption, categories, series = chart_points(table)
    values = [v for vs in series.values() for v in vs if v is not None]
    if not categories or not values:
        return ""
    top = max(max(values), 0) * 1.1 or 1.0
    bottom = min(min(values), 0)
    span = top - bottom
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(categories)

    def y(value: float) -> float:
        return TOP + plot_h * (1 - (value - bottom) / span)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
             f'class="dashboard-chart" data-testid="chart-{table.id}"><title>{escape(caption)}</title>']
    for tick in (bottom, (bottom + top) / 2, top):
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#ddd"/>'
                     f'<text x="{LEFT - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">'
                     f'{escape(number_format(round(tick), use_l10n=True, force_grouping=True))}</text>')
    for i, category in enumerate(categories):
        parts.append(f'<text x="{LEFT + slot * (i + 0.5):.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
                     f'font-size="11">{escape(category)}</text>')
    width = slot * 0.8 / max(len(series), 1)
    for n, (label, vs) in enumerate(series.items()):
        colour = COLOURS[n % len(COLOURS)]
        parts.append(f'<g><title>{escape(label)}</title>'
                     f'<text x="{LEFT + 8 + 180 * n}" y="{HEIGHT - 6}" font-size="11" fill="{colour}">'
                     f'■ {escape(label)}</text>')
        if table.chart["kind"] == "bar":
            for i, v in enumerate(vs):
                if v is not None:
                    x0 = LEFT + slot * i + slot * 0.1 + width * n
                    top_y, base_y = min(y(v), y(0)), max(y(v), y(0))
                    parts.append(f'<rect x="{x0:.1f}" y="{top_y:.1f}" width="{width:.1f}" '
                                 f'height="{base_y - top_y:.1f}" fill="{colour}"><title>{escape(categories[i])}: '
                                 f'{escape(number_format(v, 2, use_l10n=True, force_grouping=True))}</title></rect>')
        else:
            known = [(i, v) for i, v in enumerate(vs) if v is not None]
            points = " ".join(f"{LEFT + slot * (i + 0.5):.1f},{y(v):.1f}" for i, v in known)
            parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2"/>')
            parts += [f'<circle cx="{LEFT + slot * (i + 0.5):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}">'
                      f'<title>{escape(categories[i])}: {escape(number_format(v, 1, use_l10n=True))}</title></circle>'
                      for i, v in known]
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def filter_facts(filters: Filters, names: dict) -> list[tuple[str, str]]:
    """The filters as (label, value) text; `names` gives the instrument's, programme's and territory's names."""
    if filters.year_from is None and filters.year_to is None:
        years = _("All years")
    elif filters.year_from == filters.year_to:
        years = str(filters.year_from)
    else:
        years = f"{filters.year_from or '…'}–{filters.year_to or '…'}"
    return [(_("Years"), years), (_("Instrument"), names.get("instrument") or _("All")),
            (_("Programme"), names.get("programme") or _("All")),
            (_("Territory"), names.get("territory") or _("All")), (_("Sector"), filters.sector or _("All"))]


def pdf_report(tables: list[Table], facts: list[tuple[str, str]], author: str = "") -> bytes:
    today = timezone.localdate()
    blocks: list = [pdf.Facts([(_("Date"), pdf.text_of(today)), *facts])]
    for table in tables:
        blocks.append(pdf.Heading(table.title, 2))
        if table.note:
            blocks.append(pdf.Paragraph(table.note))
        if table.chart and table.rows:
            caption, categories, series = chart_points(table)
            blocks.append(pdf.Chart(caption, categories, series, kind=table.chart["kind"]))
        blocks.append(pdf.Table([label for _k, label, _kind in table.columns],
                                [[cell_text(row.get(key), kind) for key, _l, kind in table.columns]
                                 for row in table.rows] or [[_("Nothing to show.")] + [""] * (len(table.columns) - 1)]))
    return pdf.document(_("Programme dashboard"), blocks, subtitle=_("Triple C evaluation"), author=author)


def xlsx_report(tables: list[Table], facts: list[tuple[str, str]]) -> bytes:
    """One sheet per table (its id names it), numbers as numbers; a first sheet lists the filters."""
    sheets = {"filters": (["item", "value"], [{"item": k, "value": v} for k, v in facts])}
    for table in tables:
        labels = [str(label) for _k, label, _kind in table.columns]
        rows = [{str(label): row.get(key) for key, label, _kind in table.columns} for row in table.rows]
        sheets[table.id[:31]] = (labels, rows)
    return xlsx_bytes(sheets)
