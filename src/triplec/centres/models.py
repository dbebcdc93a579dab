"""Real service centres: what a centre offers and who subscribes.

- `Centre`: a register organisation of kind service-centre, sector or transversal, with its function
  (export promotion, subcontracting exchange, quality certification, technology) and its currency.
- `Service`: one item of its catalogue (reports, bulletins, notes, shared equipment, information,
  training) with the member's and the non-member's price (no non-member price: members only).
- `SubscriptionFee`: the yearly fee by firm size (registry size classes); `Subscription`: one firm's
  year of membership, with the fee it was charged.
- `Publication`: a file of a publication service, served only to entitled members (never a /media URL).

Bookings and usage records are in `models_usage`, the subcontracting exchange in `models_exchange`.
Money is never summed from these rows: it moves on the shared ledger (`services.money`).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.ledger.models import Transaction
from triplec.registry.models import Enterprise, Organisation, SizeClass

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(Decimal(0))]}


class Centre(models.Model):
    class Scope(models.TextChoices):
        SECTOR = "sector", _("Sector centre")
        TRANSVERSAL = "transversal", _("Transversal centre")

    class Function(models.TextChoices):
        SECTOR_SERVICES = "sector-services", _("Sector services")
        EXPORT_PROMOTION = "export-promotion", _("Export promotion")
        SUBCONTRACTING = "subcontracting", _("Subcontracting exchange")
        QUALITY = "quality", _("Quality certification")
        TECHNOLOGY = "technology", _("Technology")

    organisation = models.OneToOneField(Organisation, on_delete=models.PROTECT, related_name="centre",
                                        verbose_name=_("organisation"),
                                        limit_choices_to={"kind": "service-centre"})
    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    function = models.CharField(_("function"), max_length=20, choices=Function.choices)
    sector_code = models.CharField(_("sector code"), max_length=16, blank=True,
                                   help_text=_("The sector a sector centre serves."))
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. BRL."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["organisation__name", "id"]

    def __str__(self):
        return self.organisation.name

    @property
    def name(self) -> str:
        return self.organisation.name


class ServiceKind(models.TextChoices):
    TREND_REPORT = "trend-report", _("Market trend report (half-yearly)")
    PRICE_BULLETIN = "price-bulletin", _("Input price bulletin")
    TECHNICAL_NOTE = "technical-note", _("Technical note")
    MARKET_INFO = "market-info", _("Fashion and market information")
    EQUIPMENT = "equipment", _("Shared equipment")
    TRAINING = "training", _("Training")
    CONSULTING = "consulting", _("Technical assistance")


PUBLICATION_KINDS = (ServiceKind.TREND_REPORT, ServiceKind.PRICE_BULLETIN, ServiceKind.TECHNICAL_NOTE,
                     ServiceKind.MARKET_INFO)


class Service(models.Model):
    """One item of a centre's catalogue. Equipment is priced per hour of booking; the others per use."""

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="catalogue")
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ServiceKind.choices)
    description = models.TextField(_("description"), blank=True)
    member_price = models.DecimalField(_("member price"), **MONEY,
                                       help_text=_("Per hour for equipment, per use otherwise; 0 if included."))
    non_member_price = models.DecimalField(_("non-member price"), null=True, blank=True, **MONEY,
                                           help_text=_("Empty: for members only."))
    active = models.BooleanField(_("offered"), default=True)
    # Equipment's opening hours (local time); no hours: bookable at any time of an open day.
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    open_days = models.CharField(_("open on"), max_length=7, default="1234567",
                                 help_text=_("The weekdays it opens, 1 (Monday) to 7 (Sunday), e.g. 12345."))

    class Meta:
        ordering = ["centre", "kind", "code"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "code"], name="centres_service_unique"),
            models.CheckConstraint(condition=Q(opens_at__isnull=True, closes_at__isnull=True)
                                   | Q(opens_at__isnull=False, closes_at__gt=models.F("opens_at")),
                                   name="centres_service_hours_in_order"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_equipment(self) -> bool:
        return self.kind == ServiceKind.EQUIPMENT

    @property
    def is_publication(self) -> bool:
        return self.kind in PUBLICATION_KINDS


class SubscriptionFee(models.Model):
    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="fees")
    size_class = models.CharField(_("firm size"), max_length=16, choices=SizeClass.choices)
    yearly_fee = models.DecimalField(_("yearly fee"), **MONEY)

    class Meta:
        ordering = ["centre", "yearly_fee"]
        constraints = [models.UniqueConstraint(fields=["centre", "size_class"], name="centres_fee_unique")]


class Subscription(models.Model):
    """A firm's membership of a centre from `starts_on` to `ends_on` (included), at the fee of its size
    class then (kept to explain the ledger posting, which is the truth of what was paid)."""

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="subscriptions")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="centre_subscriptions",
                                   verbose_name=_("firm"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    size_class = models.CharField(_("firm size"), max_length=16, choices=SizeClass.choices)
    fee = models.DecimalField(_("fee"), **MONEY)
    transaction = models.OneToOneField(Transaction, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")

    class Meta:
        ordering = ["centre", "-starts_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="centres_subscription_dates")]

    def __str__(self):
        return f"{self.enterprise} · {self.centre} ({self.starts_on:%Y-%m-%d}–{self.ends_on:%Y-%m-%d})"

    @staticmethod
    def current_q(on, prefix: str = "") -> Q:
        return Q(**{f"{prefix}starts_on__lte": on, f"{prefix}ends_on__gte": on})


def _publication_path(instance, filename):
    return f"centres/{instance.service.centre_id}/publications/{filename}"


class Publication(models.Model):
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="publications",
                                verbose_name=_("service"))
    title = models.CharField(_("title"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    document = models.FileField(_("file"), upload_to=_publication_path, max_length=300)

    class Meta:
        ordering = ["-issued_on", "id"]

    def __str__(self):
        return self.title

    @property
    def centre(self) -> Centre:
        return self.service.centre


from .models_usage import Booking, Usage  # noqa: E402,F401,I001
from .models_exchange import ExchangePost  # noqa: E402,F401,I001
