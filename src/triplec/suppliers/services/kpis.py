"""KPIs from real orders: on-time delivery share, defect rate, mean lead time and price, before and
after the supplier's first diagnostic (before = orders placed before it), per supplier and for the
programme; price by year (the trend); the supplier's sales to other customers (spillover).

Only delivered orders count for on-time, defects and lead time; every order counts for price (its
quantity-weighted mean unit price)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from ..models import Order, OtherSales, Programme, Supplier
from .common import ZERO

PRICE_PLACES = Decimal("0.0001")


@dataclass(frozen=True)
class Kpis:
    orders: int
    delivered: int
    on_time_share: float | None
    defect_rate: float | None
    mean_lead_days: float | None
    mean_price: Decimal | None  # quantity-weighted mean unit price
    value: Decimal  # quantity x unit price of every order

    @classmethod
    def of(cls, orders: Iterable[Order]) -> Kpis:
        orders = list(orders)
        done = [o for o in orders if o.delivered_on is not None]
        quantity = sum(o.quantity for o in orders)
        value = sum((o.quantity * o.unit_price for o in orders), ZERO)
        delivered_units = sum(o.quantity for o in done)
        return cls(
            orders=len(orders), delivered=len(done),
            on_time_share=sum(1 for o in done if o.on_time) / len(done) if done else None,
            defect_rate=sum(o.defective for o in done) / delivered_units if delivered_units else None,
            mean_lead_days=sum(o.lead_days for o in done) / len(done) if done else None,
            mean_price=(value / quantity).quantize(PRICE_PLACES, ROUND_HALF_UP) if quantity else None,
            value=value)


@dataclass(frozen=True)
class BeforeAfter:
    since: date | None  # the first diagnostic's date (None: not diagnosed yet, every order is "before")
    before: Kpis
    after: Kpis


def first_diagnostic_dates(suppliers: Iterable[Supplier]) -> dict[int, date]:
    from ..models import Diagnostic

    out: dict[int, date] = {}
    for supplier_id, day in (Diagnostic.objects.filter(supplier__in=[s.pk for s in suppliers])
                             .order_by("supplier_id", "carried_out_on").values_list("supplier_id", "carried_out_on")):
        out.setdefault(supplier_id, day)
    return out


def _split(orders: Iterable[Order], since: dict[int, date]) -> tuple[list[Order], list[Order]]:
    before, after = [], []
    for order in orders:
        day = since.get(order.supplier_id)
        (after if day is not None and order.ordered_on >= day else before).append(order)
    return before, after


def supplier_kpis(supplier: Supplier) -> BeforeAfter:
    since = first_diagnostic_dates([supplier])
    before, after = _split(supplier.orders.all(), since)
    return BeforeAfter(since.get(supplier.pk), Kpis.of(before), Kpis.of(after))


def programme_kpis(programme: Programme, suppliers: Iterable[Supplier] | None = None) -> BeforeAfter:
    """Every supplier's orders, each split at its own first diagnostic."""
    suppliers = list(programme.suppliers.all() if suppliers is None else suppliers)
    since = first_diagnostic_dates(suppliers)
    before, after = _split(Order.objects.filter(supplier__in=[s.pk for s in suppliers]), since)
    return BeforeAfter(min(since.values(), default=None), Kpis.of(before), Kpis.of(after))


def price_by_year(orders: Iterable[Order]) -> dict[int, Decimal]:
    """Year of the order -> quantity-weighted mean unit price: the price trend."""
    by_year: dict[int, list[Order]] = defaultdict(list)
    for order in orders:
        by_year[order.ordered_on.year].append(order)
    return {year: Kpis.of(rows).mean_price for year, rows in sorted(by_year.items())}


@dataclass(frozen=True)
class Spillover:
    year: int
    to_buyer: Decimal  # value of the year's orders from the programme's buyer
    to_others: Decimal
    customers: int

    @property
    def others_share(self) -> float | None:
        total = self.to_buyer + self.to_others
        return float(self.to_others / total) if total else None


def spillover(supplier: Supplier) -> list[Spillover]:
    """Per year: the buyer's orders and the sales to other customers, and the others' share."""
    to_buyer: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for order in supplier.orders.all():
        to_buyer[order.ordered_on.year] += order.quantity * order.unit_price
    others = {s.year: s for s in OtherSales.objects.filter(supplier=supplier)}
    return [Spillover(year, to_buyer.get(year, ZERO), others[year].amount if year in others else ZERO,
                      others[year].customers if year in others else 0)
            for year in sorted(set(to_buyer) | set(others))]
