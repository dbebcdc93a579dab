"""Maker labels (issue 10, item 2): every unit or batch of an allocation carries its maker's identity,
printed on A4 sheets of labels with the allocation's lot code as text and as a Code 128 barcode (what
a USB scanner reads and types); and the inspector's look-up of a scanned or typed lot code.

Labels are laid out for the common 2 x 7 sheet of 99.1 x 38.1 mm labels. The text uses the PDF's
standard Helvetica, whose encoding covers Portuguese and Spanish names."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from io import BytesIO

from django.db.models import Q
from django.utils.translation import gettext as _
from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from triplec.registry.identifiers import display as identifier_display

from .. import policy
from ..models import Allocation
from .common import refuse

# One file stays printable and quick to make; a larger order is printed per batch or per line.
MAX_LABELS = 5000
COLUMNS, ROWS = 2, 7
LABEL_W, LABEL_H = 99.1 * mm, 38.1 * mm
LEFT, TOP, GAP = 4.65 * mm, 15.15 * mm, 2.5 * mm
PAD = 3 * mm


@dataclass(frozen=True)
class Label:
    contract: str
    product: str
    maker: str
    maker_id: str
    lot_code: str
    which: str  # "Unit 3 of 200", "Batch 2 of 10 (units 21-40)"


def count_labels(allocations: Iterable[Allocation], batch: int | None) -> int:
    return sum(a.quantity if not batch else -(-a.quantity // batch) for a in allocations)


def labels_for(allocations: Iterable[Allocation], batch: int | None = None) -> list[Label]:
    """One label per unit of each allocation, or per batch of `batch` units (the last batch smaller).
    `allocations` should come with line__contract, line__product and member selected."""
    allocations = list(allocations)
    if batch is not None and batch < 1:
        refuse("batch", _("A batch has at least one unit."))
    if (n := count_labels(allocations, batch)) > MAX_LABELS:
        refuse("batch", _("That is %(n)s labels, more than %(max)s in one file: print them in batches of "
                          "several units, or line by line.") % {"n": n, "max": MAX_LABELS})
    labels = []
    for a in allocations:
        maker = a.member
        head = {"contract": a.line.contract.reference, "product": a.line.product.name, "maker": maker.legal_name,
                "maker_id": identifier_display(maker.country, maker.national_id), "lot_code": a.lot_code}
        if not batch:
            labels += [Label(**head, which=_("Unit %(n)s of %(total)s") % {"n": n, "total": a.quantity})
                       for n in range(1, a.quantity + 1)]
            continue
        batches = -(-a.quantity // batch)
        for n in range(1, batches + 1):
            first, last = (n - 1) * batch + 1, min(n * batch, a.quantity)
            labels.append(Label(**head, which=_("Batch %(n)s of %(total)s (units %(first)s-%(last)s)") % {
                "n": n, "total": batches, "first": first, "last": last}))
    return labels


def _fit(canvas: Canvas, text: str, font: str, size: float, width: float) -> str:
    """`text` cut with an ellipsis to fit `width` (a long firm name must not run into the next label)."""
    if canvas.stringWidth(text, font, size) <= width:
        return text
    while text and canvas.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _draw(canvas: Canvas, label: Label, x: float, y: float) -> None:
    """One label with its bottom-left corner at (x, y)."""
    inner = LABEL_W - 2 * PAD
    top = y + LABEL_H - PAD
    lines = [
        ("Helvetica-Bold", 9, _("Contract %(reference)s") % {"reference": label.contract}),
        ("Helvetica", 8, label.product),
        ("Helvetica-Bold", 9, _("Made by %(maker)s") % {"maker": label.maker}),
        ("Helvetica", 8, label.maker_id),
    ]
    for font, size, text in lines:
        top -= size + 1
        canvas.setFont(font, size)
        canvas.drawString(x + PAD, top, _fit(canvas, text, font, size, inner))
    barcode = Code128(label.lot_code, barHeight=9 * mm, barWidth=0.3 * mm, quiet=0)
    if barcode.width > inner:  # a long code gets thinner bars rather than leaving the label
        barcode = Code128(label.lot_code, barHeight=9 * mm, barWidth=0.3 * mm * inner / barcode.width, quiet=0)
    barcode.drawOn(canvas, x + PAD, y + PAD + 4 * mm)
    canvas.setFont("Courier-Bold", 9)
    canvas.drawString(x + PAD, y + PAD, label.lot_code)
    canvas.setFont("Helvetica", 7)
    canvas.drawRightString(x + LABEL_W - PAD, y + PAD, _fit(canvas, label.which, "Helvetica", 7, inner / 2))


def render_pdf(labels: list[Label], title: str) -> bytes:
    """The labels on A4 sheets, left to right and top to bottom."""
    out = BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("triplec")
    _width, height = A4
    per_page = COLUMNS * ROWS
    for i, label in enumerate(labels):
        if i and i % per_page == 0:
            canvas.showPage()
        slot = i % per_page
        col, row = slot % COLUMNS, slot // COLUMNS
        _draw(canvas, label, LEFT + col * (LABEL_W + GAP), height - TOP - (row + 1) * LABEL_H)
    if not labels:
        canvas.setFont("Helvetica", 11)
        canvas.drawString(20 * mm, height - 30 * mm, _("Nothing allocated: no label to print."))
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def find_lot(user, code: str) -> Allocation | None:
    """The allocation whose lot code was scanned or typed, among the contracts `user` may inspect;
    None for an unknown code and for one of a contract the user may not inspect alike (so the answer
    tells nothing about other purchasers' contracts)."""
    code = "".join(code.split())
    if not code:
        return None
    found = (Allocation.objects.filter(lot_code__iexact=code, line__contract__in=policy.visible_contracts(user))
             .select_related("line__contract__programme", "member").first())
    if found is None or not policy.can_inspect(user, found.line.contract):
        return None
    return found


def lot_deliveries_q(allocation: Allocation) -> Q:
    """Deliveries of the lot: the maker's own, and the repaired or replaced units sent back for them."""
    return Q(allocation=allocation) | Q(rework__delivery__allocation=allocation)
