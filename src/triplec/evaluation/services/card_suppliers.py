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

from decimal import Decimal

from django.db.models import Count, Max
from django.urls import reverse
from django.utils.translation import gettext as _

from triplec.ledger.models import Entry
from triplec.suppliers.models import Order, OtherSales, Supplier, TrainingSession
from triplec.suppliers.services.costs import account, programme_balances

from .cards import Evidence, Figure, firms_reached, money_figures, per_firm, share


def _page(programme) -> tuple[Evidence, ...]:
    return (Evidence(str(programme), reverse("suppliers:programme_detail", args=[programme.pk])),)


def reached(groups: list[list]) -> list[Figure]:
    """The firms reached (suppliers enrolled) of each programme (one per group), in one query."""
    enrolled = dict(Supplier.objects.filter(programme__in=[programmes[0].pk for programmes in groups])
                    .values("programme").annotate(n=Count("pk")).values_list("programme", "n"))
    return [firms_reached(enrolled.get(programmes[0].pk, 0), _page(programmes[0])) for programmes in groups]


def figures(programmes: list, single: bool) -> tuple[list, list, list]:
    programme = programmes[0]  # one programme per scorecard
    page = _page(programme)
    currency = programme.currency
    orders = list(Order.objects.filter(supplier__programme=programme))
    customer = [
        Figure("named_customer", _("Named customer"), programme.buyer.name, "text", evidence=page),
        Figure("orders_traced_count", _("Orders traced"), len(orders), evidence=page),
        *money_figures("orders_traced", _("Value of orders traced"),
                       {currency: sum((o.quantity * o.unit_price for o in orders), Decimal(0))}, page),
    ]
    suppliers = Supplier.objects.filter(programme=programme).count()
    balances = programme_balances(programme)
    joint = TrainingSession.objects.filter(programme=programme).count()
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
    agency_last = (Entry.objects.filter(account=account(programme, "agency"), units__lt=0)
                   .aggregate(last=Max("transaction__effective_on"))["last"])
    spill = OtherSales.objects.filter(supplier__programme=programme)
    cumulative = [
        Figure("cost_share_by_firms", _("Share of the costs paid by the firms"),
               share(balances.buyer + balances.suppliers, balances.spent), "share", currency, page,
               _("The large buyer and the suppliers.")),
        Figure("activity_after_subsidy", _("Orders placed after the agency's last payment"),
               sum(1 for o in orders if agency_last and o.ordered_on > agency_last), evidence=page),
        *money_figures("sales_beyond", _("Sales to customers beyond the programme"),
                       {currency: sum((s.amount for s in spill), Decimal(0))}, page),
        Figure("suppliers_selling_beyond", _("Suppliers reporting sales to other customers"),
               spill.filter(amount__gt=0).values("supplier_id").distinct().count(), evidence=page),
    ]
    return customer, collective, cumulative
