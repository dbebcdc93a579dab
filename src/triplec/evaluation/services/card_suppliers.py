"""Scorecards of supplier programmes, from the programme's records and its postings on the shared
ledger (suppliers.services.costs reads them). A supplier programme is both the intervention and its
programme: it has one scorecard.

- customer-oriented: the named large buyer; its orders traced (count and value, quantity x unit price).
- collective: firms reached (suppliers enrolled, homeworkers included); training sessions held for
  several suppliers at once (joint actions); public cost = what the agency paid (ledger), per supplier.
- cumulative: share of the costs paid by the firms (the buyer and the suppliers); orders placed after
  the agency's last payment; the suppliers' sales to other customers (spillover) and how many
  suppliers reported some.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.ledger.models import Entry
from triplec.suppliers.models import Order, OtherSales, Supplier, TrainingSession
from triplec.suppliers.services.costs import AGENCY_OWNER, programme_balances_many

from .cards import Evidence, Figure, firms_reached, money_figures, per_firm, share


def _page(programme) -> tuple[Evidence, ...]:
    return (Evidence(str(programme), reverse("suppliers:programme_detail", args=[programme.pk])),)


def reached(groups: list[list]) -> list[Figure]:
    """The firms reached (suppliers enrolled) of each programme (one per group), in one query."""
    enrolled = dict(Supplier.objects.filter(programme__in=[programmes[0].pk for programmes in groups])
                    .values("programme").annotate(n=Count("pk")).values_list("programme", "n"))
    return [firms_reached(enrolled.get(programmes[0].pk, 0), _page(programmes[0])) for programmes in groups]


def figures(programmes: list, single: bool) -> tuple[list, list, list]:
    return figures_many([programmes], [single])[0]


def figures_many(groups: list[list], singles: list[bool]) -> list[tuple[list, list, list]]:
    """The figures of each programme (one per group), from one read of all of them: a fixed number of
    queries however many."""
    programmes = list({programmes[0].pk: programmes[0] for programmes in groups}.values())
    ids = [p.pk for p in programmes]
    orders, spill = defaultdict(list), defaultdict(list)
    for order in Order.objects.filter(supplier__programme_id__in=ids).select_related("supplier"):
        orders[order.supplier.programme_id].append(order)
    for programme_id, supplier_id, amount in OtherSales.objects.filter(supplier__programme_id__in=ids).values_list(
            "supplier__programme_id", "supplier_id", "amount"):
        spill[programme_id].append((supplier_id, amount))
    suppliers = dict(Supplier.objects.filter(programme_id__in=ids).order_by().values_list("programme_id")
                     .annotate(n=Count("pk")))
    sessions = dict(TrainingSession.objects.filter(programme_id__in=ids).order_by().values_list("programme_id")
                    .annotate(n=Count("pk")))
    # the agency's last payment: its "paid" account of each programme (costs.account(programme, "agency"))
    agency_last = dict(Entry.objects.filter(account__owner=AGENCY_OWNER, account__code__in=[
        f"suppliers:{pk}:paid" for pk in ids], units__lt=0).order_by().values_list("account__code")
        .annotate(last=Max("transaction__effective_on")))
    balances = programme_balances_many(programmes)
    return [_figures(programme, orders[programme.pk], spill[programme.pk], suppliers.get(programme.pk, 0),
                     sessions.get(programme.pk, 0), agency_last.get(f"suppliers:{programme.pk}:paid"),
                     balances[programme.pk]) for programme in (programmes[0] for programmes in groups)]


def _figures(programme, orders: list, spill: list, suppliers: int, joint: int, agency_last, balances
             ) -> tuple[list, list, list]:
    page = _page(programme)
    currency = programme.currency
    customer = [
        Figure("named_customer", _("Named customer"), programme.buyer.name, "text", evidence=page),
        Figure("orders_traced_count", _("Orders traced"), len(orders), evidence=page),
        *money_figures("orders_traced", _("Value of orders traced"),
                       {currency: sum((o.quantity * o.unit_price for o in orders), Decimal(0))}, page),
    ]
    collective = [
        firms_reached(suppliers, page),
        Figure("delivery", _("Group or individual"), "group", "text", evidence=page,
               note=_("Diagnostics one by one; training for the suppliers together.")),
        *money_figures("public_cost", _("Public cost"), {currency: balances.agency}, page,
                       _("What the agency paid, from the ledger.")),
        Figure("public_cost_per_firm", _("Public cost per firm reached"), per_firm(balances.agency, suppliers),
               "money", currency, page),
        Figure("joint_actions", _("Training sessions held"), joint, evidence=page),
    ]
    cumulative = [
        Figure("cost_share_by_firms", _("Share of the costs paid by the firms"),
               share(balances.buyer + balances.suppliers, balances.spent), "share", currency, page,
               _("The large buyer and the suppliers.")),
        Figure("activity_after_subsidy", _("Orders placed after the agency's last payment"),
               sum(1 for o in orders if agency_last and o.ordered_on > agency_last), evidence=page),
        *money_figures("sales_beyond", _("Sales to customers beyond the programme"),
                       {currency: sum((amount for _supplier, amount in spill), Decimal(0))}, page),
        Figure("suppliers_selling_beyond", _("Suppliers reporting sales to other customers"),
               len({supplier for supplier, amount in spill if amount > 0}), evidence=page),
    ]
    return customer, collective, cumulative
