"""Trade fairs and buyer links.

- `Programme`: the agency's fairs programme, in one currency, with its subsidy rules (share of the
  exhibition cost by firm size, a yearly cap per firm, an extra share for group stands at distant or
  international fairs, a share that declines with each earlier subsidised participation).
- `Fair`: organiser, place, dates, sectors, national or international, distant or not.
- `GroupStand`: an association's or a brokered network's stand at a fair, its cost shared among its
  firms by a rule.
- `Participation`: one firm at one fair, alone or at a group stand, with its part of the cost; the
  subsidy and its explanation are recorded when the costs are paid (on the ledger).
- Buyers met, orders and follow-ups are in `models_links`.

Balances are never stored: the costs and who paid them are postings on `triplec.ledger`
(services.money); a participation keeps the amounts its posting caused.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.model_fields import MONEY, SHARE
from triplec.registry.models import Enterprise, Organisation, SizeClass


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. BRL."))
    share_micro = models.DecimalField(_("share for micro firms"), default=Decimal("0.5"), **SHARE)
    share_small = models.DecimalField(_("share for small firms"), default=Decimal("0.5"), **SHARE)
    share_medium = models.DecimalField(_("share for medium firms"), default=Decimal(0), **SHARE)
    share_large = models.DecimalField(_("share for large firms"), default=Decimal(0), **SHARE)
    yearly_cap = models.DecimalField(_("yearly cap per firm"), null=True, blank=True, **MONEY,
                                     help_text=_("Most the programme pays one firm in a calendar year; empty: no cap."))
    group_extra_share = models.DecimalField(
        _("extra share for group stands far away"), default=Decimal(0), **SHARE,
        help_text=_("Added for a firm at a group stand at a distant or international fair."))
    repeat_step = models.DecimalField(
        _("decline per earlier subsidised participation"), default=Decimal(0), **SHARE,
        help_text=_("Taken off the share for each earlier participation the programme subsidised (never below 0)."))
    distant_km = models.PositiveIntegerField(
        _("distant beyond (km)"), null=True, blank=True,
        help_text=_("A fair this far or farther from the firm's or association's place is distant, where both "
                    "have coordinates; empty: the fair's own flag decides."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def share_for(self, size_class: str) -> Decimal:
        return {SizeClass.MICRO: self.share_micro, SizeClass.SMALL: self.share_small,
                SizeClass.MEDIUM: self.share_medium, SizeClass.LARGE: self.share_large}.get(size_class, Decimal(0))


class Scope(models.TextChoices):
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")


class Fair(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="fairs",
                                  verbose_name=_("programme"))
    name = models.CharField(_("name"), max_length=200)
    organiser = models.CharField(_("organiser"), max_length=200)
    place = models.CharField(_("place"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    sectors = models.CharField(_("sectors"), max_length=300, blank=True,
                               help_text=_("Sector codes or names, separated by commas."))
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices, default=Scope.NATIONAL)
    distant = models.BooleanField(_("distant"), default=False,
                                  help_text=_("Far from the firms' region (travel and freight cost more); used "
                                              "where the distance cannot be computed from coordinates."))
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])

    class Meta:
        ordering = ["-starts_on", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name", "starts_on"], name="fairs_fair_unique"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="fairs_fair_dates_in_order"),
            models.CheckConstraint(condition=Q(latitude__isnull=True, longitude__isnull=True)
                                   | Q(latitude__isnull=False, longitude__isnull=False),
                                   name="fairs_fair_both_coordinates"),
        ]

    def __str__(self):
        return f"{self.name} {self.starts_on.year}"

    @property
    def far_away(self) -> bool:
        return self.distant or self.scope == Scope.INTERNATIONAL

    @property
    def coordinates(self) -> tuple[float, float] | None:
        return (self.latitude, self.longitude) if self.latitude is not None and self.longitude is not None else None


class CostSharing(models.TextChoices):
    EQUAL = "equal", _("Equal parts")
    AREA = "area", _("By stand area")
    SHARE = "share", _("By an agreed share")


class GroupStand(models.Model):
    """A stand held by an association (its member firms) or by a brokered network (its member firms,
    signed up by its broker): exactly one of the two."""

    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="group_stands", verbose_name=_("fair"))
    association = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="fair_stands", verbose_name=_("association"))
    network = models.ForeignKey("networks.Network", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="fair_stands", verbose_name=_("network"))
    total_cost = models.DecimalField(_("exhibition cost of the stand"), **MONEY)
    cost_sharing = models.CharField(_("cost sharing"), max_length=8, choices=CostSharing.choices,
                                    default=CostSharing.EQUAL)

    class Meta:
        ordering = ["fair", "association__name", "network__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "association"], name="fairs_stand_unique"),
            models.UniqueConstraint(fields=["fair", "network"], name="fairs_network_stand_unique"),
            models.CheckConstraint(condition=Q(association__isnull=True, network__isnull=False)
                                   | Q(association__isnull=False, network__isnull=True),
                                   name="fairs_stand_one_holder"),
        ]

    def __str__(self):
        return f"{self.holder} · {self.fair}"

    @property
    def holder(self):
        """The association or network whose stand it is."""
        return self.association if self.association_id else self.network


class Participation(models.Model):
    """A firm at a fair. `cost` is its exhibition cost (its part of the group stand's, computed by the
    services). `subsidy`, `explanation` and `transaction` are set once, when the costs are paid."""

    fair = models.ForeignKey(Fair, on_delete=models.PROTECT, related_name="participations", verbose_name=_("fair"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="fair_participations",
                                   verbose_name=_("firm"))
    stand = models.ForeignKey(GroupStand, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="participations", verbose_name=_("group stand"))
    area_m2 = models.DecimalField(_("stand area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    agreed_share = models.DecimalField(_("agreed share of the stand's cost"), null=True, blank=True, **SHARE)
    cost = models.DecimalField(_("exhibition cost"), default=Decimal(0), **MONEY)
    subsidy_requested = models.BooleanField(_("subsidy requested"), default=True)
    signed_up_on = models.DateField(_("signed up on"), default=timezone.localdate)
    subsidy = models.DecimalField(_("subsidy"), null=True, blank=True, **MONEY)
    explanation = models.JSONField(_("how the subsidy was computed"), default=list, blank=True)
    transaction = models.OneToOneField("ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    cancel_reason = models.CharField(_("why it was cancelled"), max_length=300, blank=True)

    class Meta:
        ordering = ["-fair__starts_on", "enterprise__legal_name", "id"]
        # One live participation per firm and fair; a firm that cancelled may sign up again.
        constraints = [models.UniqueConstraint(
            fields=["fair", "enterprise"], condition=Q(cancelled_on__isnull=True), name="fairs_participation_unique",
            violation_error_message=_("This firm is already signed up for this fair."))]

    def __str__(self):
        return f"{self.enterprise} · {self.fair}"

    @property
    def paid(self) -> bool:
        return self.transaction_id is not None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_on is not None


from .models_links import Contact, FollowUp, Order, PaymentReversal  # noqa: E402,F401,I001
