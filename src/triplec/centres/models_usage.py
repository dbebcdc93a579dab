"""Equipment bookings and the usage record of every download, booking and paid use.

A booking never overlaps another live booking of the same equipment: the service locks the
equipment's row and checks, and on PostgreSQL an exclusion constraint on the time range (btree_gist,
migration 0002) refuses an overlapping row whoever writes it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.ledger.models import Transaction
from triplec.registry.models import Enterprise

from .models import MONEY, Centre, Publication, Service


class Booking(models.Model):
    """`equipment` reserved for `enterprise` from `starts_at` to `ends_at` (end excluded)."""

    equipment = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="bookings",
                                  verbose_name=_("equipment"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="centre_bookings",
                                   verbose_name=_("firm"))
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    price = models.DecimalField(_("price"), **MONEY)
    member_rate = models.BooleanField(_("member rate"), default=False)
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    booked_at = models.DateTimeField(default=timezone.now, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    transaction = models.OneToOneField(Transaction, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="centres_booking_ends_after_start")]

    def __str__(self):
        return f"{self.equipment} · {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def live(self) -> bool:
        return self.cancelled_at is None


class Usage(models.Model):
    """One use of a centre's service: a download, a booking, a paid use. `charge` is what the posting
    (if any) took from the firm."""

    class Kind(models.TextChoices):
        DOWNLOAD = "download", _("Download")
        BOOKING = "booking", _("Booking")
        USE = "use", _("Use")

    centre = models.ForeignKey(Centre, on_delete=models.PROTECT, related_name="usage")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="usage")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="centre_usage", verbose_name=_("firm"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    publication = models.ForeignKey(Publication, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=10, decimal_places=2, default=1)
    charge = models.DecimalField(_("charge"), **MONEY, default=0)
    transaction = models.OneToOneField(Transaction, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
