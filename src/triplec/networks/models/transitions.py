"""The records of a network's lifecycle: each change of stage (`Transition`, written only by
`lifecycle.transition`) and the evidence (`GateEvidence`) a gate relied on."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .definitions import Gate, GateRequirement, Stage
from .network import Network


def _evidence_path(instance, filename):
    return f"networks/{instance.network_id}/evidence/{filename}"


class GateEvidence(models.Model):
    """Evidence for one requirement of a gate: a document (file or reference), a decision (text and
    date), a date or a number. It counts for its requirement until withdrawn."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="evidence")
    requirement = models.ForeignKey(GateRequirement, on_delete=models.PROTECT, related_name="evidence")
    text = models.TextField(_("text"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    number = models.IntegerField(_("number"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to=_evidence_path, blank=True, max_length=300)
    reference = models.CharField(_("reference"), max_length=500, blank=True,
                                 help_text=_("A URL or an archive reference to the document."))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self):
        return f"{self.requirement.label}: {self.summary}"

    @property
    def summary(self) -> str:
        parts = []
        if self.text:
            parts.append(self.text[:80])
        if self.date:
            parts.append(self.date.isoformat())
        if self.number is not None:
            parts.append(str(self.number))
        if self.document:
            parts.append(self.document.name.rsplit("/", 1)[-1])
        if self.reference:
            parts.append(self.reference)
        return "; ".join(parts)


class TransitionKind(models.TextChoices):
    START = "start", _("Started")
    FORWARD = "forward", _("Passed a gate")
    BACK = "back", _("Went back")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")


class Transition(models.Model):
    """One change of stage (append-only): who, when (recorded and effective), why, and for a gate
    the checklist as it stood and the evidence relied on."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(max_length=16, choices=TransitionKind.choices)
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    gate = models.ForeignKey(Gate, null=True, blank=True, on_delete=models.PROTECT, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    effective_on = models.DateField()
    reason = models.TextField(blank=True)
    evidence = models.ManyToManyField(GateEvidence, blank=True, related_name="transitions")
    checklist = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="forward") | Q(gate__isnull=False), name="transition_forward_has_gate"),
            models.CheckConstraint(condition=Q(kind="forward") | Q(kind="start") | ~Q(reason=""),
                                   name="transition_back_close_reopen_have_reason"),
        ]

    def __str__(self):
        return f"{self.network}: {self.from_stage or '-'} -> {self.to_stage} ({self.kind})"
