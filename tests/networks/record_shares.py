"""The money figures read from the networks' own records (`CostEntry`, `ContributionEntry`), the
way `funding.shares` read them before the shared ledger: kept here only as the independent
reference the ledger reading is checked against."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Sum

from triplec.core.months import months_between
from triplec.networks.funding import CENT, ScheduleRules, agency_part_of, network_year_bounds
from triplec.networks.models import ContributionEntry, CostEntry


def record_figures(network, start: date, end: date) -> dict:
    rules = ScheduleRules.of(network.schedule)
    expenses = agency = Decimal(0)
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    costs = CostEntry.objects.filter(network=network, incurred_on__gte=start, incurred_on__lte=end)
    for category, incurred_on, amount in costs.values_list("category", "incurred_on", "amount"):
        expenses += amount
        by_category[category] += amount
        month = max(0, months_between(network.funding_start_date, incurred_on))
        agency += agency_part_of(amount, rules.agency_share(category, month))
    paid = (ContributionEntry.objects.filter(network=network, paid_on__gte=start, paid_on__lte=end)
            .values("enterprise_id").annotate(total=Sum("amount")).order_by("enterprise_id"))
    by_member = {row["enterprise_id"]: row["total"].quantize(CENT) for row in paid}
    return {"expenses": expenses.quantize(CENT), "agency_due": agency.quantize(CENT),
            "contributions": sum(by_member.values(), Decimal(0)).quantize(CENT), "by_member": by_member,
            "by_category": {k: v.quantize(CENT) for k, v in by_category.items()}}


def last_record_day(network) -> date | None:
    days = [d for d in (
        CostEntry.objects.filter(network=network).order_by("-incurred_on").values_list("incurred_on", flat=True).first(),
        ContributionEntry.objects.filter(network=network).order_by("-paid_on").values_list("paid_on", flat=True).first(),
    ) if d is not None]
    return max(days, default=None)


def record_reading(network, through: date) -> dict:
    """Lifetime and per-network-year figures, from the records."""
    last = max(last_record_day(network) or through, through)
    years = (months_between(network.funding_start_date, last) // 12 + 1) if last >= network.funding_start_date else 0
    return {"lifetime": record_figures(network, date(1900, 1, 1), through),
            "years": [record_figures(network, *network_year_bounds(network, y)) for y in range(1, years + 1)]}


def _figures(shares) -> dict:
    return {"expenses": shares.expenses, "agency_due": shares.agency_due, "contributions": shares.contributions,
            "by_member": shares.by_member, "by_category": shares.by_category}


def ledger_reading(network, through: date) -> dict:
    """The same figures as `funding` reads them now, from the shared ledger."""
    from triplec.networks import funding

    return {"lifetime": _figures(funding.lifetime_shares(network, through)),
            "years": [_figures(s) for _y, s in funding.shares_by_year(network, through)]}
