"""A notice of something due, per recipient. `key` names the due thing (e.g. the gate of a network),
unique per recipient: the same thing is never notified twice. The title is rendered when shown, in
the reader's language, from the kind and the record's name (`subject`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    EVALUATION_OVERDUE = "evaluation-overdue", _("Evaluation overdue")
    CONTRIBUTION_GAP = "contribution-gap", _("Member paying no contributions")
    GATE_WAITING = "gate-waiting", _("Gate waiting for a decision")
    FOLLOW_UP_DUE = "follow-up-due", _("Follow-up with buyers due")
    ACTION_DUE = "action-due", _("Improvement action due")
    FAIR_PAYMENT = "fair-payment", _("Fair costs waiting to be paid")
    MEMBER_PAYMENT = "member-payment", _("Advances waiting to be passed to members")


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    key = models.CharField(max_length=200)
    subject = models.CharField(_("about"), max_length=300)
    url = models.CharField(max_length=500)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True,
                                       help_text="When a refresh found the thing no longer due.")

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once_per_recipient")]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread",
                                condition=Q(resolved_at__isnull=True))]

    def __str__(self):
        return self.title

    @property
    def title(self) -> str:
        return gettext("%(kind)s: %(subject)s") % {"kind": self.get_kind_display(), "subject": self.subject}

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
