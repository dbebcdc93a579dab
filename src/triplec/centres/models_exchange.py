"""The subcontracting exchange of a centre: firms post spare capacity and subcontracting needs for a
product or process code (quantity per month, place); matches are computed, never stored."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.registry.models import Enterprise

from .models import Centre


class ExchangePost(models.Model):
    class Kind(models.TextChoices):
        CAPACITY = "capacity", _("Spare capacity")
        NEED = "need", _("Subcontracting need")

    centre = models.ForeignKey(Centre, on_delete=models.CASCADE, related_name="exchange")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="exchange_posts",
                                   verbose_name=_("firm"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    code = models.CharField(_("product or process code"), max_length=40,
                            help_text=_("Dotted codes: 'sewing.leather' is a kind of 'sewing'."))
    description = models.CharField(_("description"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity per month"), validators=[MinValueValidator(1)])
    unit = models.CharField(_("unit"), max_length=20, default="units")
    # The firm's place from the register unless the work is done elsewhere.
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    posted_on = models.DateField(_("posted on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        ordering = ["-posted_on", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(latitude__isnull=True, longitude__isnull=True)
            | Q(latitude__isnull=False, longitude__isnull=False), name="centres_post_place_complete")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.code} · {self.enterprise}"

    @property
    def place(self) -> tuple[float, float] | None:
        if self.latitude is not None:
            return (self.latitude, self.longitude)
        firm = self.enterprise
        return (firm.latitude, firm.longitude) if firm.latitude is not None else None
