"""An association's own rules for its contracts and its yearly outcomes."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from triplec.registry.models import Organisation

from .models import MONEY, SHARE


class WarrantyCostRule(models.TextChoices):
    MAKER = "maker", _("The maker pays (a debt if it has gone)")
    ASSOCIATION = "association", _("The association pays")
    SHARED = "shared", _("Half each")


class AssociationRules(models.Model):
    association = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="procurement_rules")
    fee_share = models.DecimalField(_("association fee"), default=Decimal(0), **SHARE,
                                    help_text=_("Share of each payment to a member the association keeps."))
    warranty_cost_rule = models.CharField(_("who pays warranty repairs"), max_length=16,
                                          choices=WarrantyCostRule.choices, default=WarrantyCostRule.MAKER)


class AssociationOutcome(models.Model):
    """One year of an association's trajectory, entered or imported; changes are kept (history)."""

    association = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="procurement_outcomes")
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(1900), MaxValueValidator(2200)])
    members = models.PositiveIntegerField(_("members"))
    workers = models.PositiveIntegerField(_("workers"))
    equipment_bought = models.DecimalField(_("equipment bought"), default=0, **MONEY)
    share_sold_elsewhere = models.DecimalField(
        _("share sold to other buyers"), default=Decimal(0), **SHARE,
        help_text=_("Share of the members' output sold to buyers other than the programme."))
    illustration = models.BooleanField(_("illustration"), default=False,
                                       help_text=_("Figures shown as an example, not measured."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["association", "year"]
        constraints = [models.UniqueConstraint(fields=["association", "year"], name="procurement_outcome_unique")]
