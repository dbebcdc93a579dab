"""Orders and deliveries of the large buyer to its suppliers, recorded one by one or imported from a
CSV/XLSX file (all or nothing: one bad row and nothing is written, every problem named by row, field
and reason), and the suppliers' sales to other customers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.records import save_validated
from triplec.registry.importing import cells
from triplec.registry.importing.errors import ImportRejected, RowError
from triplec.registry.importing.reading import decimal_separator, read_table

from .. import policy
from ..models import Order, OtherSales, Programme, Supplier
from .common import cents, money

COLUMNS = ("supplier", "reference", "order_date", "promised_date", "delivered_date", "quantity", "defective",
           "unit_price")
REQUIRED = ("supplier", "reference", "order_date", "promised_date", "quantity", "unit_price")
MAX_QUANTITY = 10**9


def lock(programme: Programme) -> Programme:
    """The programme's row locked until the transaction ends: orders are checked for duplicates and
    written by one writer at a time (PostgreSQL; SQLite serialises writers anyway)."""
    return Programme.objects.select_for_update().get(pk=programme.pk)


def _checked(order: Order) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if order.promised_on < order.ordered_on:
        errors["promised_date"] = [_("The promised delivery date comes after the order date.")]
    if order.delivered_on is not None and order.delivered_on < order.ordered_on:
        errors["delivered_date"] = [_("The delivery comes after the order date.")]
    if order.defective > order.quantity:
        errors["defective"] = [_("No more defective units than the quantity ordered.")]
    if order.unit_price <= 0 or cents(order.unit_price) != order.unit_price:
        errors["unit_price"] = [_("Give a positive price in cents.")]
    return errors


def record_order(user, supplier: Supplier, *, reference: str, ordered_on: date, promised_on: date, quantity: int,
                 unit_price, delivered_on: date | None = None, defective: int = 0) -> Order:
    require(policy.can_run_programme, user, supplier.programme)
    order = Order(supplier=supplier, reference=reference.strip(), ordered_on=ordered_on, promised_on=promised_on,
                  delivered_on=delivered_on, quantity=quantity, defective=defective,
                  unit_price=money("unit_price", unit_price, positive=True))
    if errors := _checked(order):
        raise ValidationFailed(errors)
    with transaction.atomic():
        lock(supplier.programme)
        if Order.objects.filter(supplier=supplier, reference=order.reference).exists():
            raise ValidationFailed({"reference": [_("This supplier already has an order %(ref)s.")
                                                  % {"ref": order.reference}]})
        save_validated(order, user)
    return order


def record_delivery(user, order: Order, *, delivered_on: date, defective: int = 0) -> Order:
    require(policy.can_run_programme, user, order.supplier.programme)
    order.delivered_on, order.defective = delivered_on, defective
    if errors := _checked(order):
        raise ValidationFailed(errors)
    with transaction.atomic():
        save_validated(order, user)
    return order


@dataclass
class OrderImport:
    """What an import file holds: the orders read (not yet saved) and every row's problems."""

    orders: list[Order] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def _supplier_finder(programme: Programme):
    """A cell names a supplier by its id in the programme, its enterprise's national identifier, or
    (a homeworker) its name."""
    suppliers = list(programme.suppliers.select_related("enterprise"))
    by_key: dict[str, list[Supplier]] = {}
    for s in suppliers:
        keys = {str(s.pk)} | ({s.enterprise.national_id.upper()} if s.enterprise_id else {s.person_name.casefold()})
        for key in keys:
            by_key.setdefault(key, []).append(s)

    def find(value: str) -> Supplier:
        found = by_key.get(value) or by_key.get(value.upper()) or by_key.get(value.casefold()) or []
        if not found:
            raise cells.CellError(_("no supplier %(value)s in this programme") % {"value": value})
        if len(found) > 1:
            raise cells.CellError(_("%(value)s names more than one supplier; give its id") % {"value": value})
        return found[0]
    return find


def _price(value, comma: bool) -> Decimal:
    raw = value if isinstance(value, int | Decimal) and not isinstance(value, bool) else cells.text(value)
    try:
        amount = Decimal(str(raw).replace(",", ".") if comma else str(raw))
    except (InvalidOperation, ValueError) as exc:
        raise cells.CellError(_("%(value)s is not a price") % {"value": repr(str(raw)[:40])}) from exc
    if isinstance(value, float):  # XLSX numbers: keep the cents the sheet shows
        amount = cents(Decimal(str(value)))
    if not amount.is_finite() or amount <= 0 or cents(amount) != amount:
        raise cells.CellError(_("give a positive price in cents"))
    return amount


def read_orders(programme: Programme, source, *, filename: str | None = None) -> OrderImport:
    """Read and check every row of an order file against the programme; saves nothing."""
    table = read_table(source, filename=filename)
    result = OrderImport(errors=list(table.errors))
    if table.errors and not table.rows:
        return result
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        result.errors.append(RowError(1, "", _("missing columns: %(columns)s") % {"columns": ", ".join(missing)}))
        return result
    comma = decimal_separator(table, None) == ","
    find = _supplier_finder(programme)
    seen: set[tuple[int, str]] = set()
    for number, values in table.rows:
        row = dict(zip(table.columns, values, strict=False))
        problems: list[RowError] = []

        def cell(name, parse, default=None, row=row, number=number, problems=problems):
            value = row.get(name)
            if cells.is_blank(value):
                if name in REQUIRED:
                    problems.append(RowError(number, name, _("missing required field")))
                return default
            try:
                return parse(value)
            except cells.CellError as exc:
                problems.append(RowError(number, name, str(exc)))
                return default

        supplier = cell("supplier", lambda v: find(cells.text(v)))
        reference = cell("reference", lambda v: cells.text(v, 60))
        order = Order(supplier=supplier, reference=reference or "", ordered_on=cell("order_date", cells.iso_date),
                      promised_on=cell("promised_date", cells.iso_date),
                      delivered_on=cell("delivered_date", cells.iso_date),
                      quantity=cell("quantity", lambda v: cells.whole_number(v, 1, MAX_QUANTITY, comma)),
                      defective=cell("defective", lambda v: cells.whole_number(v, 0, MAX_QUANTITY, comma), 0),
                      unit_price=cell("unit_price", lambda v: _price(v, comma)))
        if not problems:
            for name, messages in _checked(order).items():
                problems.extend(RowError(number, name, m) for m in messages)
            key = (supplier.pk, reference)
            if key in seen or Order.objects.filter(supplier=supplier, reference=reference).exists():
                problems.append(RowError(number, "reference", _("this supplier already has an order %(ref)s")
                                         % {"ref": reference}))
            seen.add(key)
        result.errors.extend(problems)
        if not problems:
            result.orders.append(order)
    return result


def import_orders(user, programme: Programme, source, *, filename: str | None = None) -> list[Order]:
    """All the file's orders, or none: any row error rejects the whole file (ImportRejected names them)."""
    require(policy.can_run_programme, user, programme)
    with transaction.atomic():
        lock(programme)  # checked and written under the lock: the same file sent twice at once imports once
        checked = read_orders(programme, source, filename=filename)
        if checked.errors:
            raise ImportRejected(checked, _("Nothing was imported: correct the rows named and send the file again."))
        if not checked.orders:
            raise ValidationFailed({"__all__": [_("The file holds no orders.")]})
        return Order.objects.bulk_create(checked.orders)


def record_other_sales(user, supplier: Supplier, *, year: int, amount, customers: int = 0) -> OtherSales:
    """What the supplier sold to other customers in `year` (recorded again: the figure is replaced)."""
    require(policy.can_update_supplier, user, supplier)
    amount = money("amount", amount)
    with transaction.atomic():
        sales = OtherSales.objects.filter(Q(supplier=supplier) & Q(year=year)).first() or OtherSales(
            supplier=supplier, year=year)
        sales.amount, sales.customers = amount, customers
        save_validated(sales, user)
    return sales
