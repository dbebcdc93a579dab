"""Money: `ManagerContract`, and two append-only ledgers, `CostEntry` (the network's expenses) and
`ContributionEntry` (what member firms paid). Corrections are reversing entries; shares are derived."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .definitions import CostCategory
from .network import Network

MONEY = {"max_digits": 14, "decimal_places": 2}


class ManagerContract(models.Model):
    """The contract of the network's manager/broker: a monthly fee from start to end (inclusive).
    Its monthly costs are written to the cost ledger by `services.accrue_manager_costs`."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="contracts")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="manager_contracts")
    manager_name = models.CharField(_("manager's name"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    monthly_fee = models.DecimalField(_("monthly fee"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fee__gt=0), name="contract_fee_positive"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="contract_end_after_start"),
        ]

    def __str__(self):
        return f"{self.manager_name} ({self.network})"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} is an append-only ledger: record a reversing entry instead.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} is an append-only ledger: record a reversing entry instead.")


class EntryKind(models.TextChoices):
    ORIGINAL = "original", _("Entry")
    REVERSAL = "reversal", _("Reversal")


class LedgerEntry(models.Model):
    """Common shape of the two ledgers: entries are only ever added. A correction is a reversal
    (the negated amount, same effective date, pointing at the entry it reverses, at most one per
    entry), followed by a new entry if needed. `idempotency_key` (unique per network) makes
    recording the same entry twice a no-op."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    entry_kind = models.CharField(max_length=16, choices=EntryKind.choices, default=EntryKind.ORIGINAL)
    note = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The entry's posting on the shared ledger (see `books`); empty only before the data migration.
    ledger_transaction = models.OneToOneField("ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is an append-only ledger: record a reversing entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is an append-only ledger: record a reversing entry instead.")


def _ledger_constraints(prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=["network", "idempotency_key"], name=f"{prefix}_idempotency_key_unique"),
        models.CheckConstraint(
            condition=(Q(entry_kind="original") & Q(amount__gt=0) & Q(reverses__isnull=True))
            | (Q(entry_kind="reversal") & Q(amount__lt=0) & Q(reverses__isnull=False)),
            name=f"{prefix}_sign_matches_kind"),
    ]


class CostEntry(LedgerEntry):
    """An expense of the network (append-only)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="cost_entries")
    category = models.CharField(_("category"), max_length=16, choices=CostCategory.choices)
    incurred_on = models.DateField(_("incurred on"))
    contract = models.ForeignKey(ManagerContract, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="cost_entries")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")

    class Meta:
        ordering = ["incurred_on", "id"]
        constraints = _ledger_constraints("costentry")
        indexes = [models.Index(fields=["network", "incurred_on"])]

    def __str__(self):
        return f"{self.incurred_on} {self.get_category_display()} {self.amount} {self.currency}"


class ContributionEntry(LedgerEntry):
    """Money a member firm paid towards the network's expenses (append-only)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="contribution_entries")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="network_contributions")
    paid_on = models.DateField(_("paid on"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = _ledger_constraints("contributionentry")
        indexes = [models.Index(fields=["network", "paid_on"])]

    def __str__(self):
        return f"{self.paid_on} {self.enterprise} {self.amount} {self.currency}"
