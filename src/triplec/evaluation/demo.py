"""Demo panel (on top of the other instruments' demos): yearly figures 2021-2026 for every demo firm an
instrument supported, so the scorecards and the panel pages show before and after, and for
never-supported firms of the same sector division, region and size (the comparison candidates, and
the programme dashboard's "other firms"); the year of a firm's first diagnostic marked as its
baseline. One impact run (sales, all support) is computed at load and stored finished, so its page
shows at once.

The figures are made up (said so in each row's evidence), deterministic, and grow faster after support
only to give the pages something to show; they prove nothing. Loaded through the services; loading
twice changes nothing."""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from triplec.accounts.models import User
from triplec.centres.models import Subscription
from triplec.fairs.models import Participation
from triplec.networks.models import NetworkMember
from triplec.procurement.models import Allocation
from triplec.registry.models import Enterprise
from triplec.suppliers.models import Supplier

from .models import FirmYear, Source
from .services import panel

FIRST_YEAR, LAST_YEAR = 2021, 2026
EVIDENCE = "demo (made-up figures)"
SUPPORTED_SHOWN = 100  # supported firms with panel years
COMPARISON_SHOWN = 120  # never-supported firms with panel years, in the supported firms' strata


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
    firms = list(Enterprise.objects.filter(pk__in=supported).order_by("pk")[:SUPPORTED_SHOWN])
    strata = {_stratum(firm) for firm in firms}
    never = [firm for firm in Enterprise.objects.exclude(pk__in=supported).order_by("pk") if _stratum(firm) in strata]
    for firm in [*firms, *never[:COMPARISON_SHOWN]]:
        rng = random.Random(firm.pk)
        start = min(supported.get(firm.pk, LAST_YEAR + 1), LAST_YEAR + 1)
        employment = firm.employees or rng.randint(3, 40)
        sales = Decimal(rng.randint(200, 2000) * 1000)
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            growth = Decimal("1.08") if year >= start else Decimal("1.02")
            sales = (sales * growth * Decimal(rng.randint(970, 1030)) / 1000).quantize(Decimal("1"))
            employment += 1 if year >= start and rng.random() < 0.5 else 0
            panel.record_year(
                admin, firm, year, source=Source.STATED, evidence=EVIDENCE, employment=employment, currency="BRL",
                sales=sales, exports=(sales * Decimal("0.1") if firm.exporter else Decimal(0)).quantize(Decimal("1")),
                customers=rng.randint(2, 6) + (year - start if year >= start else 0),
                main_customer_share=Decimal(rng.randint(30, 70)) / 100, investment=Decimal(rng.randint(5, 50) * 1000),
                wages=(sales * Decimal("0.25")).quantize(Decimal("1")), certifications="")
            written += 1
        if firm.pk in supported:
            panel.fill_baseline(admin, firm)
    _finished_run(admin)
    return written


def _stratum(firm) -> tuple:
    from .services.comparison import stratum_sector

    return stratum_sector(firm.sector_code), firm.territory_id, firm.size_class


def _finished_run(admin) -> None:
    """The demo's impact run, computed here (a few seconds) and stored as a finished task, so that
    no worker needs to be running when the demo's pages are first opened."""
    from django.utils import timezone

    from triplec.core.models import BackgroundTask
    from triplec.core.tasks import call_now

    from . import tasks
    from .models_impact import ImpactRun

    evaluator = User.objects.filter(username="evaluator").first() or admin
    run = ImpactRun.objects.create(created_by=evaluator, instrument="", outcome="sales", neighbours=3,
                                   caliper=1.0)
    result = call_now(tasks.impact_run, run_id=run.pk)
    run.task = BackgroundTask.objects.create(
        name=tasks.impact_run.module_path, arguments={"run_id": run.pk}, status=BackgroundTask.Status.DONE,
        progress_done=100, progress_total=100, message="Done", result=result, created_by=evaluator,
        started_at=run.created_at, finished_at=timezone.now())
    run.save(update_fields=["task"])
