"""What is measured and paid in a supplier programme: orders and deliveries (the KPIs), the
supplier's sales to other customers (spillover), and which ledger posting paid for which cost."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.ledger.models import Transaction

from .models import MONEY, Diagnostic, Programme, Supplier, TrainingSession


class Order(models.Model):
    """One order of the large buyer to a supplier and its delivery (recorded or imported)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="orders")
    reference = models.CharField(_("order reference"), max_length=60)
    ordered_on = models.DateField(_("order date"))
    promised_on = models.DateField(_("promised delivery date"))
    delivered_on = models.DateField(_("actual delivery date"), null=True, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    defective = models.PositiveIntegerField(_("defective quantity"), default=0)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["supplier", "ordered_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["supplier", "reference"], name="suppliers_order_reference_unique"),
            models.CheckConstraint(condition=Q(defective__lte=models.F("quantity")),
                                   name="suppliers_order_defective_within_quantity"),
            models.CheckConstraint(condition=Q(promised_on__gte=models.F("ordered_on")),
                                   name="suppliers_order_promised_after_order"),
            models.CheckConstraint(condition=Q(delivered_on__isnull=True) | Q(delivered_on__gte=models.F("ordered_on")),
                                   name="suppliers_order_delivered_after_order"),
        ]

    def __str__(self):
        return self.reference

    @property
    def lead_days(self) -> int | None:
        return (self.delivered_on - self.ordered_on).days if self.delivered_on else None

    @property
    def on_time(self) -> bool | None:
        return self.delivered_on <= self.promised_on if self.delivered_on else None


class OtherSales(models.Model):
    """What a supplier sold to customers other than the programme's buyer in one year (spillover)."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="other_sales")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("sales to other customers"), **MONEY)
    customers = models.PositiveIntegerField(_("other customers"), default=0)

    class Meta:
        ordering = ["supplier", "year"]
        constraints = [models.UniqueConstraint(fields=["supplier", "year"], name="suppliers_other_sales_once"),
                       models.CheckConstraint(condition=Q(amount__gte=0), name="suppliers_other_sales_positive")]


class Cost(models.Model):
    """Which ledger posting paid for a diagnostic or a training session, and how it was shared. The
    amounts are the posting's own figures, kept to explain it; balances come from the ledger."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="costs")
    diagnostic = models.OneToOneField(Diagnostic, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="cost_posting")
    session = models.OneToOneField(TrainingSession, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="cost_posting")
    total = models.DecimalField(_("cost"), **MONEY)
    agency = models.DecimalField(_("paid by the agency"), **MONEY)
    buyer = models.DecimalField(_("paid by the large buyer"), **MONEY)
    supplier = models.DecimalField(_("paid by the supplier"), **MONEY)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["programme", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(diagnostic__isnull=True) ^ Q(session__isnull=True),
                                   name="suppliers_cost_of_diagnostic_or_session"),
        ]  # that the parts sum to the total is tested (services.costs.split); SQLite sums decimals as floats
