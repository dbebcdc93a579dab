"""`IndependenceAssessment` + `CriterionJudgement`: Dini's twelve criteria; the seven that data can
answer are computed from the records in `networks/independence.py`, the five others are judged here."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .network import Network


class IndependenceAssessment(models.Model):
    """An assessment of a network against Dini's twelve criteria on a date. The five judged criteria
    are stored as `CriterionJudgement`s; the seven others are computed from the records as of
    `assessed_on` over the `window_months` before it (see `independence.py`). `snapshot` keeps the
    result as computed when recorded, for the history."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    window_months = models.PositiveSmallIntegerField(_("window (months)"), default=12,
                                                     validators=[MinValueValidator(1)])
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessed_on", "id"]

    def __str__(self):
        return f"{self.network} on {self.assessed_on}"


class CriterionJudgement(models.Model):
    assessment = models.ForeignKey(IndependenceAssessment, on_delete=models.CASCADE, related_name="judgements")
    criterion = models.CharField(max_length=40)
    met = models.BooleanField()
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="judgement_one_per_criterion"),
            models.CheckConstraint(condition=Q(met=False) | ~Q(evidence=""), name="judgement_met_has_evidence"),
        ]
