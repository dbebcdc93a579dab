"""The firm panel: one `FirmYear` per enterprise and calendar year.

The figures are what the firm reported (stated on a page), what a survey file held (imported), or a
baseline taken from a diagnostic (the register's employment when the firm's first diagnostic was
carried out, `evidence` naming the diagnostic). They describe the firm; they are not money that moved
(which is on the ledger), so they are kept here as reported, in the firm's `currency`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.model_fields import MONEY
from triplec.registry.models import Enterprise

# A year's figure a firm may not know: an amount (core.model_fields.MONEY), never negative, or empty.
FIGURE = {**MONEY, "null": True, "blank": True, "validators": [MinValueValidator(Decimal(0))]}


class Source(models.TextChoices):
    STATED = "stated", _("Stated by the firm")
    IMPORTED = "imported", _("Imported from a survey file")
    DIAGNOSTIC = "diagnostic", _("Baseline from a diagnostic")


class FirmYear(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="panel_years",
                                   verbose_name=_("firm"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)])
    employment = models.PositiveIntegerField(_("employment"), null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. BRL."))
    sales = models.DecimalField(_("sales"), **FIGURE)
    exports = models.DecimalField(_("exports"), **FIGURE)
    customers = models.PositiveIntegerField(_("number of customers"), null=True, blank=True)
    main_customer_share = models.DecimalField(
        _("share of sales to the main customer"), max_digits=5, decimal_places=4, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))], help_text=_("Between 0 and 1."))
    investment = models.DecimalField(_("investment"), **FIGURE)
    wages = models.DecimalField(_("wages"), **FIGURE)
    certifications = models.CharField(_("quality certifications"), max_length=300, blank=True,
                                      help_text=_("Names separated by commas, e.g. ISO 9001."))
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.STATED)
    baseline = models.BooleanField(_("baseline"), default=False,
                                   help_text=_("The year before support, against which later years are read."))
    evidence = models.CharField(_("evidence"), max_length=120, blank=True,
                                help_text=_("The record the figures came from, e.g. a diagnostic or a survey's submission."))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["enterprise", "year"]
        # The dashboard's outcome sums per year and currency read this index alone, in its order (no
        # sort, no table rows): services/dashboard_outcomes.py.
        indexes = [models.Index(fields=["year", "currency", "employment", "customers", "sales", "exports"],
                                name="evaluation_firmyear_sums")]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year"], name="evaluation_firmyear_unique"),
            models.CheckConstraint(condition=Q(main_customer_share__isnull=True)
                                   | Q(main_customer_share__gte=0, main_customer_share__lte=1),
                                   name="evaluation_firmyear_share_0_to_1"),
            models.CheckConstraint(condition=Q(exports__isnull=True) | Q(sales__isnull=True)
                                   | Q(exports__lte=models.F("sales")), name="evaluation_firmyear_exports_within_sales"),
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.year}"


from .models_impact import ImpactRun  # noqa: E402,F401,I001
