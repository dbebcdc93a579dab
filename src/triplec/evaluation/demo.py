"""Demo panel (on top of the other instruments' demos): yearly figures for every demo firm an
instrument supported, three years before its first support and up to 2026, so the scorecards and the
panel pages show before and after; the year of a firm's first diagnostic marked as its baseline. And
2020-2026 for 40 firms no instrument supported: the programme dashboard's other firms.

The figures are made up (said so in each row's evidence), deterministic, and grow faster after support
only to give the pages something to show; they prove nothing. Loaded through the services; loading
twice changes nothing."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from triplec.centres.models import Subscription
from triplec.fairs.models import Participation
from triplec.networks.models import NetworkMember
from triplec.procurement.models import Allocation
from triplec.registry.models import Enterprise
from triplec.suppliers.models import Supplier

from .models import FirmYear, Source
from .services import panel

LAST_YEAR = 2026
EVIDENCE = "demo (made-up figures)"


def _first_support_years() -> dict[int, int]:
    years: dict[int, int] = {}
    for firm, day in [*NetworkMember.objects.values_list("enterprise_id", "joined_on"),
                      *Allocation.objects.values_list("member_id", "confirmed_on"),
                      *Participation.objects.values_list("enterprise_id", "fair__starts_on"),
                      *Supplier.objects.filter(enterprise__isnull=False).values_list("enterprise_id", "enrolled_on"),
                      *Subscription.objects.values_list("enterprise_id", "starts_on")]:
        years[firm] = min(years.get(firm, day.year), day.year)
    return years


@transaction.atomic
def load_demo_evaluation(admin, password: str) -> int:
    """Panel years of the supported demo firms (how many written); 0 when already loaded. `password`
    is unused: the register's demo logins act."""
    if FirmYear.objects.filter(evidence=EVIDENCE).exists():
        return 0
    written = 0
    supported = _first_support_years()
    for firm in Enterprise.objects.filter(pk__in=supported).order_by("pk")[:40]:
        rng = random.Random(firm.pk)
        start = min(supported[firm.pk], LAST_YEAR)
        employment = firm.employees or rng.randint(3, 40)
        sales = Decimal(rng.randint(200, 2000) * 1000)
        for year in range(start - 3, LAST_YEAR + 1):
            growth = Decimal("1.08") if year >= start else Decimal("1.02")
            sales = (sales * growth).quantize(Decimal("1"))
            employment += 1 if year >= start and rng.random() < 0.5 else 0
            panel.record_year(
                admin, firm, year, source=Source.STATED, evidence=EVIDENCE, employment=employment, currency="BRL",
                sales=sales, exports=(sales * Decimal("0.1") if firm.exporter else Decimal(0)).quantize(Decimal("1")),
                customers=rng.randint(2, 6) + (year - start if year >= start else 0),
                main_customer_share=Decimal(rng.randint(30, 70)) / 100, investment=Decimal(rng.randint(5, 50) * 1000),
                wages=(sales * Decimal("0.25")).quantize(Decimal("1")), certifications="")
            written += 1
        panel.fill_baseline(admin, firm)
    written += _comparison_firms(admin, supported)
    return written


COMPARISON_FIRMS = 40


def _comparison_firms(admin, supported: dict[int, int]) -> int:
    """Panel years 2020-2026 of demo firms no instrument supported, so that the programme dashboard has
    other firms to set beside the supported ones (made up as above, growing at 2% a year)."""
    written = 0
    for firm in Enterprise.objects.exclude(pk__in=supported).order_by("pk")[:COMPARISON_FIRMS]:
        rng = random.Random(-firm.pk)
        employment, sales = firm.employees or rng.randint(3, 40), Decimal(rng.randint(200, 2000) * 1000)
        for year in range(LAST_YEAR - 6, LAST_YEAR + 1):
            sales = (sales * Decimal("1.02")).quantize(Decimal("1"))
            panel.record_year(admin, firm, year, source=Source.STATED, evidence=EVIDENCE, employment=employment,
                              currency="BRL", sales=sales, customers=rng.randint(2, 6), certifications="")
            written += 1
    return written
