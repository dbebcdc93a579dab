"""A `Network`: kind, stage, members over time (`NetworkMember`), target buyers (`TargetBuyer`) or a
described market, goals, broker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .definitions import FundingSchedule, NetworkKind, Stage


class Network(models.Model):
    """A group of firms with a broker or manager, formed around a market; the network is the client."""

    kind = models.ForeignKey(NetworkKind, on_delete=models.PROTECT, related_name="networks", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=200)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="networks", verbose_name=_("stage"),
                              help_text=_("Changed only by the transition function."))
    stage_since = models.DateField(_("in this stage since"))
    sectors = models.JSONField(_("sectors"), default=list, blank=True,
                               help_text=_('[{"classification": "isic4", "code": "1610"}, ...]'))
    territory = models.ForeignKey("registry.Territory", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="networks", verbose_name=_("territory"))
    broker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="brokered_networks", verbose_name=_("broker / manager"))
    lead_firm = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="led_networks", verbose_name=_("lead firm"))
    target_buyers = models.ManyToManyField("registry.Organisation", through="TargetBuyer", blank=True,
                                           related_name="target_of_networks", verbose_name=_("target buyers"))
    market_product = models.CharField(_("market: product"), max_length=300, blank=True)
    market_volume = models.CharField(_("market: volume"), max_length=300, blank=True)
    market_quality = models.CharField(_("market: quality"), max_length=300, blank=True)
    basis_for_collaboration = models.TextField(_("basis for collaboration"), blank=True)
    short_term_goals = models.TextField(_("short-term goals"), blank=True)
    medium_term_goals = models.TextField(_("medium-term goals"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. CLP, DKK, BRL."))
    funding_schedule = models.ForeignKey(
        FundingSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="networks",
        verbose_name=_("funding schedule"), help_text=_("Empty: the kind's schedule."))
    started_on = models.DateField(_("first contact"))
    funding_start = models.DateField(_("funding starts"), null=True, blank=True,
                                     help_text=_("Month 0 of the funding schedule; empty: first contact."))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="network_name_unique_in_kind"),
        ]
        indexes = [models.Index(fields=["kind", "stage"]), models.Index(fields=["broker"])]

    def __str__(self):
        return self.name

    @property
    def schedule(self) -> FundingSchedule | None:
        return self.funding_schedule or self.kind.funding_schedule

    @property
    def funding_start_date(self):
        return self.funding_start or self.started_on

    @property
    def has_described_market(self) -> bool:
        return all(v.strip() for v in (self.market_product, self.market_volume, self.market_quality))


class TargetBuyer(models.Model):
    """A named buyer (a registry organisation of a buyer kind) the network is formed around."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="buyer_links")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["network", "organisation"], name="targetbuyer_unique")]

    def __str__(self):
        return f"{self.network} -> {self.organisation}"


class NetworkMember(models.Model):
    """An enterprise's membership of a network, from joined_on to left_on (the last day), if any."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="network_memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["network", "enterprise", "joined_on"], name="networkmember_unique_start"),
            models.UniqueConstraint(fields=["network", "enterprise"], condition=Q(left_on__isnull=True),
                                    name="networkmember_one_open_membership"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                                   name="networkmember_left_after_joined"),
        ]

    def __str__(self):
        return f"{self.enterprise} in {self.network}"

    def is_active_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


def active_members_q(day, prefix: str = "") -> Q:
    """Members in the network on `day` (joined on or before, not left before)."""
    return Q(**{f"{prefix}joined_on__lte": day}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": day}))
