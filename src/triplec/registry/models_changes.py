"""Changes an enterprise's own user asks for in what identifies the firm (legal name, country,
national identifier, sector), which the agency confirms or rejects (registry.services_changes)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

# The fields of an enterprise's record that its own user may not change directly.
CONFIRMED_FIELDS = ("legal_name", "country", "national_id", "sector_classification", "sector_code")


class EnterpriseChangeRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the agency")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.CASCADE, related_name="change_requests",
                                   verbose_name=_("enterprise"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("requested on"), default=timezone.now, editable=False)
    # {field: value} as they would be stored (identifier normalised, sector code canonical); `previous`
    # holds the record's values when the request was made, to show "old -> new".
    changes = models.JSONField(_("changes"))
    previous = models.JSONField(_("previous values"))
    reason = models.TextField(_("reason given"), blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise"], condition=Q(status="pending"),
                                    name="enterprise_one_pending_change_request"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.enterprise}"

    @property
    def rows(self) -> list[tuple[str, str, str]]:
        """(field label, old, new) for each changed field, identifiers in the country's format."""
        from .identifiers import display
        from .models import Enterprise

        out = []
        for name in CONFIRMED_FIELDS:
            if name not in self.changes:
                continue
            old, new = self.previous.get(name, ""), self.changes[name]
            if name == "national_id":
                old = display(self.previous.get("country", ""), old)
                new = display(self.changes.get("country", self.previous.get("country", "")), new)
            out.append((str(Enterprise._meta.get_field(name).verbose_name), old, new))
        return out
