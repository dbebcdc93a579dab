"""Printable reports as PDF: a report is a title and a list of plain blocks (headings, paragraphs,
label/value facts, tables, charts), laid out by ReportLab's platypus on A4.

Every printable report (the evaluation dashboard, a cluster's diagnostic study) is written as blocks,
so they all read alike and the page that shows the figures stays their only source: a view builds the
blocks from what it shows. Numbers are formatted in the active language (Django's number formats), so
a Portuguese reader gets "1.234,5". The text uses Bitstream Vera, shipped inside ReportLab, embedded
as a subset: it covers Portuguese and Spanish and the text can be searched and copied from the PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import KeepTogether, LongTable, SimpleDocTemplate, Spacer, TableStyle
from reportlab.platypus import PageBreak as _PageBreak
from reportlab.platypus import Paragraph as _Paragraph

FONT, BOLD = "TriplecVera", "TriplecVera-Bold"
PALETTE = ("#1f6f8b", "#e07b39", "#5b8c5a", "#8e6c8a", "#c9a227", "#6b7b8c")
WIDTH = A4[0] - 36 * mm


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1  # 1 or 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Facts:
    """Label and value pairs, e.g. the filters a report was made with."""

    rows: Sequence[tuple[str, object]]  # values as text_of writes them: give years and codes as str


@dataclass(frozen=True)
class Table:
    """Rows of values; numbers are right-aligned and grouped (give years and codes as str)."""

    header: Sequence[str]
    rows: Sequence[Sequence[object]]
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    """Series over categories (e.g. years), drawn as lines or grouped bars; None leaves a gap."""

    title: str
    categories: Sequence[str]
    series: dict[str, Sequence[float | None]] = field(default_factory=dict)
    kind: str = "line"  # or "bar"


@dataclass(frozen=True)
class PageBreak:
    pass


@cache
def _fonts() -> None:
    pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))
    pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache
def _styles() -> dict[str, ParagraphStyle]:
    _fonts()
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9, leading=12)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=BOLD, fontSize=17, leading=21),
        "subtitle": ParagraphStyle("subtitle", parent=body, textColor=colors.HexColor("#555555")),
        "h1": ParagraphStyle("h1", parent=base["Heading2"], fontName=BOLD, fontSize=13, leading=16),
        "h2": ParagraphStyle("h2", parent=base["Heading3"], fontName=BOLD, fontSize=10.5, leading=13),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "number": ParagraphStyle("number", parent=body, fontSize=8, leading=10, alignment=2),
        "head": ParagraphStyle("head", parent=body, fontName=BOLD, fontSize=8, leading=10),
        "caption": ParagraphStyle("caption", parent=body, fontSize=8, textColor=colors.HexColor("#555555")),
    }


def text_of(value: object) -> str:
    """A value as the reader's language writes it (numbers grouped, dates short); empty for None."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | Decimal):
        return formats.number_format(value, use_l10n=True, force_grouping=True)
    if isinstance(value, date | datetime):
        return formats.date_format(value, "SHORT_DATE_FORMAT", use_l10n=True)
    return str(value)


def _para(value: object, style: str) -> _Paragraph:
    return _Paragraph(escape(text_of(value)).replace("\n", "<br/>"), _styles()[style])


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _table(header: Sequence[str], rows: Sequence[Sequence[object]], widths=None, numbers_right: bool = True
           ) -> LongTable:
    styles = _styles()
    numeric = [numbers_right and any(_is_number(row[i]) for row in rows)
               and all(_is_number(row[i]) or row[i] is None for row in rows) for i in range(len(header))]
    head = ParagraphStyle("head-right", parent=styles["head"], alignment=2)
    cells = [[_Paragraph(escape(str(h)), head if numeric[i] else styles["head"]) for i, h in enumerate(header)]]
    for row in rows:
        cells.append([_para(v, "number" if numbers_right and _is_number(v) else "cell") for v in row])
    table = LongTable(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#333333")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#cccccc")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    return table


def _chart(chart: Chart) -> Drawing:
    _fonts()
    height = 62 * mm
    drawing = Drawing(WIDTH, height)
    plot = VerticalBarChart() if chart.kind == "bar" else HorizontalLineChart()
    plot.x, plot.y, plot.width, plot.height = 14 * mm, 16 * mm, WIDTH - 60 * mm, height - 24 * mm
    names = list(chart.series)
    plot.data = [tuple(v for v in chart.series[n]) for n in names] or [(0,) * len(chart.categories)]
    plot.categoryAxis.categoryNames = [str(c) for c in chart.categories]
    plot.categoryAxis.labels.fontName = plot.valueAxis.labels.fontName = FONT
    plot.categoryAxis.labels.fontSize = plot.valueAxis.labels.fontSize = 7
    plot.valueAxis.labelTextFormat = lambda v: text_of(round(v, 6))
    values = [v for series in plot.data for v in series if v is not None]
    plot.valueAxis.valueMin = min(0, *values) if values else 0
    for i, _name in enumerate(names):
        colour = colors.HexColor(PALETTE[i % len(PALETTE)])
        if chart.kind == "bar":
            plot.bars[i].fillColor = colour
            plot.bars[i].strokeColor = None
        else:
            plot.lines[i].strokeColor = colour
            plot.lines[i].strokeWidth = 1.6
    drawing.add(plot)
    legend = Legend()
    legend.x, legend.y = WIDTH - 42 * mm, height - 10 * mm
    legend.fontName, legend.fontSize, legend.dy, legend.dx = FONT, 7, 6, 6
    legend.colorNamePairs = [(colors.HexColor(PALETTE[i % len(PALETTE)]), n) for i, n in enumerate(names)]
    drawing.add(legend)
    return drawing


def _flowables(block) -> list:
    if isinstance(block, Heading):
        return [_para(block.text, "h1" if block.level <= 1 else "h2")]
    if isinstance(block, Paragraph):
        return [_para(block.text, "body")]
    if isinstance(block, Facts):
        return [_table([_("Item"), _("Value")], block.rows, widths=[55 * mm, WIDTH - 55 * mm], numbers_right=False),
                Spacer(1, 3 * mm)]
    if isinstance(block, Table):
        parts = [_table(block.header, block.rows)]
        if block.caption:
            parts.insert(0, _para(block.caption, "caption"))
        return [*parts, Spacer(1, 4 * mm)]
    if isinstance(block, Chart):
        return [KeepTogether([_para(block.title, "h2"), _chart(block)]), Spacer(1, 3 * mm)]
    if isinstance(block, PageBreak):
        return [_PageBreak()]
    raise TypeError(f"not a report block: {block!r}")


def document(title: str, blocks: Sequence[object], *, subtitle: str = "", author: str = "") -> bytes:
    """The PDF of a report, its pages numbered, its metadata naming the title and the author."""
    story = [_para(title, "title")]
    if subtitle:
        story += [_para(subtitle, "subtitle"), Spacer(1, 4 * mm)]
    for block in blocks:
        story += _flowables(block)

    def number_page(canvas, doc):
        canvas.saveState()
        canvas.setFont(FONT, 7)
        canvas.setFillColor(colors.HexColor("#777777"))
        canvas.drawString(18 * mm, 10 * mm, f"triplec · {title}"[:120])
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, _("Page %(number)s") % {"number": doc.page})
        canvas.restoreState()

    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=title, author=author, creator="triplec", leftMargin=18 * mm,
                      rightMargin=18 * mm, topMargin=16 * mm, bottomMargin=16 * mm).build(
        story, onFirstPage=number_page, onLaterPages=number_page)
    return out.getvalue()
