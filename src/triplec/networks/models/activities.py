"""What the network does: `Activity` with `Attendance` per member firm and broker hours."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .network import Network


class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    FACTORY_VISIT = "factory-visit", _("Factory visit")
    GROUP_WORKSHOP = "group-workshop", _("Group workshop")
    GROUP_TRAVEL = "group-travel", _("Group travel")
    JOINT_PURCHASE = "joint-purchase", _("Joint purchase")
    JOINT_MARKETING = "joint-marketing", _("Joint marketing")
    JOINT_PROJECT = "joint-project", _("Joint project")
    SUPPORT_CONTACT = "support-contact", _("Contact with a support body")
    OTHER = "other", _("Other")


# Dini's first criterion: business the firms do together (as opposed to meetings and visits).
COLLECTIVE_BUSINESS_KINDS = (ActivityKind.JOINT_PURCHASE, ActivityKind.JOINT_MARKETING, ActivityKind.JOINT_PROJECT)


class Activity(models.Model):
    """Something the broker/manager and members did, with the firms that took part and the
    broker's hours. A contact with a support body names the body and the service taken up."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    broker_hours = models.DecimalField(_("broker hours"), max_digits=7, decimal_places=2, default=0)
    support_body = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="network_activities", verbose_name=_("support body"))
    service_taken_up = models.CharField(_("service taken up"), max_length=300, blank=True)
    host_enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="hosted_network_activities", verbose_name=_("host firm"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(condition=Q(broker_hours__gte=0), name="activity_hours_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind="support-contact") | (Q(support_body__isnull=False) & ~Q(service_taken_up="")),
                name="activity_support_contact_names_body_and_service"),
        ]
        indexes = [models.Index(fields=["network", "occurred_on"])]

    def __str__(self):
        return f"{self.occurred_on} {self.title}"

    @property
    def is_collective_business(self) -> bool:
        return self.kind in COLLECTIVE_BUSINESS_KINDS


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    participants = models.PositiveSmallIntegerField(_("people attending"), default=1,
                                                    validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["enterprise__legal_name"]
        constraints = [models.UniqueConstraint(fields=["activity", "enterprise"], name="attendance_unique")]
