"""Accounts, transactions and their entries (legs).

- `Account`: belongs to an owner named by a string key ("networks.network:12", see `owner_key`), so
  any app can own accounts without a migration here; one currency; optional `floor` / `ceiling` on
  its balance. Accounts change (a limit may be raised); what moves money does not.
- `Transaction`: one posting, in one currency, with a unique idempotency key; a reversal is a new
  transaction pointing at the one it reverses (one-to-one: at most one reversal each).
- `Entry`: one leg, a signed amount on one account (positive = into the account), kept in `units`. The legs of a
  transaction sum to zero, so the books balance. A balance is the sum of an account's entries:
  nothing stores a running balance that could drift.

Transactions and entries are append-only: the model and queryset refuse update and delete, and the
database refuses them too (migration 0002: triggers on PostgreSQL and SQLite).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

AMOUNT = {"max_digits": 20, "decimal_places": 4}
# Entries store whole ten-thousandths of the currency unit: integer sums are exact on every database
# (SQLite sums decimal columns as floating point: 0.01 + 2.03 - 2.03 came back as 0.00999999999999979).
PLACES = 4
SYSTEM_OWNER = "system"


def to_units(amount: Decimal) -> int:
    """`amount` in ten-thousandths; ValueError if it has finer digits than that."""
    units = amount.scaleb(PLACES)  # exact: scaleb only moves the exponent
    if units != units.to_integral_value():
        raise ValueError(amount)
    return int(units)


def from_units(units: int) -> Decimal:
    return Decimal(units).scaleb(-PLACES)


def owner_key(owner) -> str:
    """The key naming the owner of accounts: "<app_label>.<model>:<pk>" for a model instance, or
    the string itself (e.g. "system" for the world outside, "programme:ccc-2027")."""
    if isinstance(owner, str):
        return owner
    return f"{owner._meta.label_lower}:{owner.pk}"


class AppendOnly(TypeError):
    pass


def _refuse(model) -> None:
    raise AppendOnly(f"{model.__name__} is append-only: post a reversal instead.")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        _refuse(self.model)

    def delete(self):
        _refuse(self.model)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self))


class Account(models.Model):
    owner = models.CharField(_("owner"), max_length=120, db_index=True)
    code = models.CharField(_("account"), max_length=120,
                            help_text=_("What the account holds for its owner, e.g. costs or contributions:17."))
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. CLP, DKK, BRL."))
    name = models.CharField(_("name"), max_length=200, blank=True)
    floor = models.DecimalField(_("lowest balance allowed"), null=True, blank=True, **AMOUNT)
    ceiling = models.DecimalField(_("highest balance allowed"), null=True, blank=True, **AMOUNT)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "code", "currency"], name="ledger_account_unique"),
            models.CheckConstraint(condition=Q(floor__isnull=True) | Q(ceiling__isnull=True)
                                   | Q(floor__lte=models.F("ceiling")), name="ledger_account_floor_below_ceiling"),
        ]

    def __str__(self):
        return f"{self.owner} {self.code} ({self.currency})"


class Transaction(AppendOnlyModel):
    currency = models.CharField(_("currency"), max_length=3)
    idempotency_key = models.CharField(max_length=200, unique=True)
    memo = models.CharField(_("note"), max_length=300, blank=True)
    effective_on = models.DateField(_("date"))
    posted_at = models.DateTimeField(default=timezone.now)
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")
    # The only column that may change after posting: a deleted user leaves the posting in place.
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["effective_on", "id"]

    def __str__(self):
        return f"#{self.pk} {self.effective_on} {self.memo}"


class Entry(AppendOnlyModel):
    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    units = models.BigIntegerField(_("amount in ten-thousandths"))
    currency = models.CharField(_("currency"), max_length=3)

    class Meta:
        ordering = ["id"]
        constraints = [models.CheckConstraint(condition=~Q(units=0), name="ledger_entry_amount_not_zero")]
        indexes = [models.Index(fields=["account", "transaction"])]

    @property
    def amount(self) -> Decimal:
        return from_units(self.units)

    def __str__(self):
        return f"{self.account} {self.amount}"
