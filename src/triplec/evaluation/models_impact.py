"""Impact runs: one estimate of what a programme changed for the supported firms against matched
never-supported firms (services/impact_runs.py), computed by a background task whose progress the
run's page polls. The results are kept as JSON: the tables are small (cells, aggregations, balance)
and are shown and downloaded as they were computed, even if the panel changes later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.models import BackgroundTask

CANCELLED = "cancelled"  # a run's status beyond the task queue's own (see ImpactRun.status)


class Outcome(models.TextChoices):
    EMPLOYMENT = "employment", _("employment")
    SALES = "sales", _("sales")
    EXPORTS = "exports", _("exports")
    CUSTOMERS = "customers", _("number of customers")
    MAIN_CUSTOMER_SHARE = "main_customer_share", _("share of sales to the main customer")
    INVESTMENT = "investment", _("investment")
    WAGES = "wages", _("wages")


class Control(models.TextChoices):
    NEVER = "never", _("matched firms never supported")
    NOT_YET = "not-yet", _("matched firms, and supported firms not yet supported")


class ImpactRun(models.Model):
    instrument = models.CharField(_("instrument"), max_length=32, blank=True,
                                  help_text=_("Empty: every instrument's support."))
    programme = models.PositiveIntegerField(_("programme"), null=True, blank=True,
                                            help_text=_("A programme of the instrument; empty: all of them."))
    outcome = models.CharField(_("outcome"), max_length=32, choices=Outcome.choices)
    control = models.CharField(_("comparison"), max_length=16, choices=Control.choices, default=Control.NEVER)
    neighbours = models.PositiveSmallIntegerField(_("neighbours per supported firm"), default=3)
    caliper = models.FloatField(_("caliper (standard deviations)"), default=0.5)
    task = models.OneToOneField(BackgroundTask, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="impact_run")
    results = models.JSONField(null=True, blank=True)
    # Cancellation is cooperative: a queued run leaves the queue at once; a running one stops at its
    # next progress report (the task checks this flag) and ends "cancelled".
    cancel_requested_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                            on_delete=models.SET_NULL, related_name="+",
                                            verbose_name=_("cancelled by"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("asked by"))
    created_at = models.DateTimeField(_("asked at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(caliper__gt=0), name="evaluation_impactrun_caliper_positive"),
            models.CheckConstraint(condition=Q(neighbours__gte=1), name="evaluation_impactrun_neighbours_1"),
        ]

    def __str__(self):
        return f"{self.get_outcome_display()} · {self.instrument or '*'} {self.programme or ''}".strip()

    @property
    def status(self) -> str:
        """queued, running, done, failed, or cancelled (the task ended without results after a
        cancellation was asked for; a run that stored its results first stays done)."""
        if not self.task_id:
            return BackgroundTask.Status.FAILED
        status = self.task.status
        if status == BackgroundTask.Status.FAILED and self.cancel_requested_at is not None:
            return CANCELLED
        return status

    @property
    def percent(self) -> int:
        return self.task.percent if self.task_id else 0

    @property
    def message(self) -> str:
        return self.task.message if self.task_id else ""

    @property
    def finished(self) -> bool:
        return self.status in (BackgroundTask.Status.DONE, BackgroundTask.Status.FAILED, CANCELLED)

    @property
    def is_stopping(self) -> bool:
        """Cancellation asked for, but the task has not stopped yet."""
        return self.cancel_requested_at is not None and not self.finished
