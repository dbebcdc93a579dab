"""What happens to an allocation after it is confirmed: deliveries and their inspection, rejected
units sent back for repair or replacement, defaults, warranty claims, and the ledger postings that
paid for it all (`Payment`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.ledger.models import Transaction
from triplec.registry.models import Enterprise

from .models import MONEY, Allocation, Contract, ContractLine


class Rework(models.Model):
    """Rejected units of a delivery sent back: repaired or replaced by the maker or another member.
    A default or a later change may shorten `quantity` to what was delivered (`closed_on` set)."""

    class Kind(models.TextChoices):
        REPAIR = "repair", _("Repair")
        REPLACEMENT = "replacement", _("Replacement")

    delivery = models.ForeignKey("Delivery", on_delete=models.PROTECT, related_name="reworks")
    member = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("member"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    assigned_on = models.DateField(_("assigned on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["delivery", "id"]


class Delivery(models.Model):
    """Units of a line handed to the purchaser by one maker, from its allocation or from a rework;
    the purchaser's inspector then accepts and rejects them (`inspected_on` set)."""

    line = models.ForeignKey(ContractLine, on_delete=models.PROTECT, related_name="deliveries")
    maker = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("maker"))
    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="deliveries")
    rework = models.ForeignKey(Rework, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries")
    quantity = models.PositiveIntegerField(_("quantity"))
    delivered_on = models.DateField(_("delivered on"))
    accepted = models.PositiveIntegerField(_("accepted"), null=True, blank=True)
    rejected = models.PositiveIntegerField(_("rejected"), null=True, blank=True)
    reasons = models.TextField(_("reasons for rejection"), blank=True)
    inspected_on = models.DateField(_("inspected on"), null=True, blank=True)
    inspected_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    class Meta:
        ordering = ["line", "delivered_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(allocation__isnull=True) ^ Q(rework__isnull=True),
                                   name="procurement_delivery_from_allocation_or_rework"),
            models.CheckConstraint(
                condition=Q(inspected_on__isnull=True, accepted__isnull=True, rejected__isnull=True)
                | Q(inspected_on__isnull=False, accepted__isnull=False, rejected__isnull=False,
                    accepted__lte=models.F("quantity")),
                name="procurement_delivery_inspection_complete"),
        ]


class Default(models.Model):
    """A member failed on an allocation: its undelivered units were reallocated (to `successor`'s new
    allocation) or taken off the order with the advance repaid to the purchaser."""

    class Reason(models.TextChoices):
        DEADLINE = "deadline", _("Deadline passed")
        WITHDREW = "withdrew", _("Withdrew")
        CEASED = "ceased", _("Ceased trading")

    class Remedy(models.TextChoices):
        REALLOCATE = "reallocate", _("Quantity reallocated")
        REPAY = "repay", _("Advance repaid to the contract")

    allocation = models.OneToOneField(Allocation, on_delete=models.PROTECT, related_name="default")
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    remedy = models.CharField(_("remedy"), max_length=16, choices=Remedy.choices)
    units = models.PositiveIntegerField(_("units not delivered"))
    successor = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    recorded_on = models.DateField(_("recorded on"))


class WarrantyClaim(models.Model):
    """A fault found after acceptance: repaired by the maker, or by `repairer` when the maker has gone;
    the cost is charged as the association's rule says."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="warranty_claims")
    line = models.ForeignKey(ContractLine, on_delete=models.PROTECT, related_name="+")
    maker = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+", verbose_name=_("maker"))
    repairer = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("repaired by"))
    units = models.PositiveIntegerField(_("units"))
    description = models.TextField(_("fault"))
    claimed_on = models.DateField(_("claimed on"))
    repair_cost = models.DecimalField(_("repair cost"), **MONEY)
    maker_charged = models.DecimalField(_("charged to the maker"), **MONEY)

    class Meta:
        ordering = ["contract", "claimed_on", "id"]


class Payment(models.Model):
    """Which ledger posting paid what on a contract. Amounts here are the posting's own figures, kept
    to explain it (gross before the association's fee, the fee); balances come from the ledger."""

    class Kind(models.TextChoices):
        ADVANCE = "advance", _("Advance from the purchaser")
        ADVANCE_TO_MEMBER = "advance-member", _("Advance passed to a member")
        DEFAULT_DEBT = "default-debt", _("Member's advance turned into a debt")
        REPAID = "repaid", _("Advance repaid to the purchaser")
        FINAL = "final", _("Final payment from the purchaser")
        FINAL_TO_MEMBER = "final-member", _("Final payment to a member")
        SHORTFALL_DEBT = "shortfall-debt", _("Advance beyond accepted units, owed by a member")
        RETENTION = "retention", _("Retention released by the purchaser")
        WARRANTY = "warranty", _("Warranty repair")
        SETTLEMENT = "settlement", _("Member's debt settled")

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    member = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    allocation = models.ForeignKey(Allocation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    gross = models.DecimalField(_("amount"), **MONEY)
    fee = models.DecimalField(_("association fee"), default=0, **MONEY)
    transaction = models.OneToOneField(Transaction, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["contract", "id"]
