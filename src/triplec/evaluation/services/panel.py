"""Entering a firm's yearly figures, and the baseline a diagnostic gives.

A diagnostic (a network's first evaluation of the firm, or a supplier programme's diagnostic) scores
practices, not sales: what it gives the panel is the year support started and the firm's employment
in the register on the diagnostic's day (read from the register's history; its first record when
the firm was registered after the diagnostic). The baseline row says so
(`source` diagnostic, `evidence` naming the diagnostic); figures the firm stated for that year are
never overwritten, the year is only marked as the baseline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import refuse
from triplec.core.records import save_validated
from triplec.networks.models import Evaluation
from triplec.suppliers.models import Diagnostic

from .. import policy
from ..models import FirmYear, Source

FIELDS = ("employment", "currency", "sales", "exports", "customers", "main_customer_share", "investment", "wages",
          "certifications")


def record_year(user, enterprise, year: int, *, source: str = Source.STATED, evidence: str = "", **figures) -> FirmYear:
    """Enter (or correct) a firm's figures for `year`: only the fields given change."""
    require(policy.can_enter_panel, user, enterprise)
    unknown = set(figures) - set(FIELDS)
    if unknown:
        refuse("__all__", _("Unknown panel fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        row = FirmYear.objects.select_for_update().filter(enterprise=enterprise, year=year).first()
        row = row or FirmYear(enterprise=enterprise, year=year)
        for name, value in figures.items():
            setattr(row, name, "" if value is None and name in ("currency", "certifications") else value)
        row.currency = (row.currency or "").upper()
        if (row.sales is not None or row.exports is not None or row.investment is not None
                or row.wages is not None) and not row.currency:
            refuse("currency", _("Give the currency of the amounts."))
        row.source, row.evidence = source, evidence or row.evidence
        row.recorded_by = user if getattr(user, "is_authenticated", False) else None
        row.recorded_at = timezone.now()
        save_validated(row, user)
    return row


@dataclass(frozen=True)
class FirstDiagnostic:
    on: date
    evidence: str  # "networks.evaluation:<id>" or "suppliers.diagnostic:<id>"
    label: str


def first_diagnostic(enterprise) -> FirstDiagnostic | None:
    """The firm's earliest diagnostic in any instrument that keeps one."""
    found = []
    evaluation = Evaluation.objects.filter(enterprise=enterprise).order_by("evaluated_on", "id").first()
    if evaluation:
        found.append(FirstDiagnostic(evaluation.evaluated_on, f"networks.evaluation:{evaluation.pk}",
                                     _("Network evaluation of %(date)s") % {"date": evaluation.evaluated_on}))
    diagnostic = Diagnostic.objects.filter(supplier__enterprise=enterprise).order_by("carried_out_on", "id").first()
    if diagnostic:
        found.append(FirstDiagnostic(diagnostic.carried_out_on, f"suppliers.diagnostic:{diagnostic.pk}",
                                     _("Supplier diagnostic of %(date)s") % {"date": diagnostic.carried_out_on}))
    return min(found, key=lambda d: d.on) if found else None


def _employment_on(enterprise, day: date) -> int | None:
    moment = timezone.make_aware(datetime.combine(day, time.max))
    past = enterprise.history.filter(history_date__lte=moment).order_by("-history_date").first()
    # Registered after the diagnostic: the register's first record of the firm is the nearest known.
    past = past or enterprise.history.order_by("history_date").first()
    return past.employees if past is not None else None


def fill_baseline(user, enterprise) -> FirmYear | None:
    """Mark the year of the firm's first diagnostic as its baseline, creating the row from the
    diagnostic when the firm stated nothing for that year. None when the firm has no diagnostic."""
    require(policy.can_import_panel, user)
    diagnostic = first_diagnostic(enterprise)
    if diagnostic is None:
        return None
    with transaction.atomic():
        FirmYear.objects.select_for_update().filter(enterprise=enterprise).exists()
        FirmYear.objects.filter(enterprise=enterprise, baseline=True).exclude(year=diagnostic.on.year).update(
            baseline=False)
        row = FirmYear.objects.filter(enterprise=enterprise, year=diagnostic.on.year).first()
        if row is None:
            row = FirmYear(enterprise=enterprise, year=diagnostic.on.year, source=Source.DIAGNOSTIC,
                           evidence=diagnostic.evidence, employment=_employment_on(enterprise, diagnostic.on),
                           recorded_by=user if getattr(user, "is_authenticated", False) else None)
        row.baseline = True
        save_validated(row, user)
    return row


def change(rows: list[FirmYear], field: str) -> Decimal | int | None:
    """Last year's figure less the baseline's (or the first year's), None when either is missing."""
    if not rows:
        return None
    base = next((r for r in rows if r.baseline), rows[0])
    last = rows[-1]
    before, after = getattr(base, field), getattr(last, field)
    if last is base or before is None or after is None:
        return None
    return after - before
