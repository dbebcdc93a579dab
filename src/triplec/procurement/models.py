"""Procurement through associations: what the purchaser orders and who makes it.

- `Programme`: a public purchaser's buying programme (product lines with specification and reference
  price, territory, currency, advance share, retention).
- `Contract` awarded to one association (producers' association or cooperative) with its `ContractLine`s.
- `Allocation`: a line's quantity shared out to one member, with the lot code printed on its labels.
- Deliveries, inspections, repair/replacement assignments, defaults, warranty claims and payments are
  in `models_records`; rules and yearly outcomes of an association in `models_association`.

Money is never stored here: every amount moves on the shared ledger (`triplec.ledger`); `Payment`
rows only say which posting paid what, to whom, for which allocation.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.model_fields import MONEY, SHARE
from triplec.registry.models import Enterprise, Organisation, Territory


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    purchaser = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="procurement_programmes",
                                  verbose_name=_("purchasing body"), limit_choices_to={"kind": "buyer-public"})
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("territory"))
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. BRL."))
    advance_share = models.DecimalField(_("advance share"), default=Decimal("0.5"), **SHARE,
                                        help_text=_("Share of the contract value paid with the order."))
    retention_share = models.DecimalField(
        _("retention share"), default=Decimal(0), **SHARE,
        help_text=_("Share of the contract value the purchaser keeps until the warranty period ends."))
    warranty_months = models.PositiveSmallIntegerField(_("warranty period (months)"), default=12)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["purchaser", "name"], name="procurement_programme_unique")]

    def __str__(self):
        return self.name


class ProductLine(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="products")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("product"), max_length=200)
    specification = models.TextField(_("specification"), blank=True)
    reference_price = models.DecimalField(_("reference price"), **MONEY)

    class Meta:
        ordering = ["programme", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="procurement_product_unique")]

    def __str__(self):
        return self.name


class ContractStatus(models.TextChoices):
    AWARDED = "awarded", _("Awarded")
    IN_PROGRESS = "in-progress", _("In progress")
    ACCEPTED = "accepted", _("Whole order accepted")
    PAID = "paid", _("Paid")


class Contract(models.Model):
    """An order of the programme's purchaser, awarded to one association. `status` is set by the
    services as the contract moves on; whether the whole order is accepted is always computed from the
    inspections (services.deliveries.completion)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="contracts")
    association = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="procurement_contracts",
                                    verbose_name=_("association"))
    reference = models.CharField(_("reference"), max_length=60)
    awarded_on = models.DateField(_("awarded on"))
    status = models.CharField(_("status"), max_length=16, choices=ContractStatus.choices,
                              default=ContractStatus.AWARDED)
    accepted_on = models.DateField(_("whole order accepted on"), null=True, blank=True)

    class Meta:
        ordering = ["-awarded_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "reference"], name="procurement_contract_unique")]

    def __str__(self):
        return self.reference


class ContractLine(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="lines")
    product = models.ForeignKey(ProductLine, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"))
    specification = models.TextField(_("specification"), blank=True)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    # Units taken off the order when the association repaid a defaulting member's advance instead of
    # reallocating: the purchaser got its money back and will not receive them.
    cancelled = models.PositiveIntegerField(_("cancelled quantity"), default=0)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    deadline = models.DateField(_("delivery deadline"))

    class Meta:
        ordering = ["contract", "id"]
        constraints = [models.CheckConstraint(condition=Q(cancelled__lte=models.F("quantity")),
                                              name="procurement_line_cancelled_within_quantity")]

    def __str__(self):
        return f"{self.contract} · {self.product}"

    @property
    def ordered(self) -> int:
        """The quantity the purchaser still wants."""
        return self.quantity - self.cancelled


class Allocation(models.Model):
    """`quantity` units of a line made by one member. A default takes the member's undelivered units
    off (`quantity` drops to what it delivered; `defaulted_on` set)."""

    line = models.ForeignKey(ContractLine, on_delete=models.PROTECT, related_name="allocations")
    member = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="procurement_allocations",
                               verbose_name=_("member"))
    quantity = models.PositiveIntegerField(_("quantity"))
    lot_code = models.CharField(_("lot code"), max_length=40, unique=True,
                                help_text=_("Printed on the labels of every unit: names the maker."))
    confirmed_on = models.DateField(_("confirmed on"))
    defaulted_on = models.DateField(_("defaulted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["line", "id"]

    def __str__(self):
        return self.lot_code


class Capacity(models.Model):
    """What a member declares it can make of a product for one contract (units per order)."""

    association = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="procurement_capacities")
    product = models.ForeignKey(ProductLine, on_delete=models.CASCADE, related_name="+")
    units = models.PositiveIntegerField(_("units per order"))
    declared_on = models.DateField(_("declared on"), default=timezone.localdate)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["association", "member", "product"],
                                               name="procurement_capacity_unique")]


from .models_records import Default, Delivery, Payment, Rework, WarrantyClaim  # noqa: E402,F401,I001
from .models_association import AssociationOutcome, AssociationRules  # noqa: E402,F401,I001
