"""`Evaluation` + `EvaluationScore`: each member firm scored in each area, every six months."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .definitions import EvaluationArea
from .network import Network

SCORE_MIN, SCORE_MAX = 1, 5
# What each score means, the same in every area (shown beside the number on forms and pages).
SCORE_LABELS = {
    1: _("weak: the practice is missing or improvised"),
    2: _("basic: started, not applied regularly"),
    3: _("fair: applied in most of the firm's work"),
    4: _("good: applied regularly and checked"),
    5: _("good practice: a model for other firms"),
}


def score_label(score) -> str:
    """The meaning of a score 1-5 in the reader's language ("" for anything else)."""
    label = SCORE_LABELS.get(score)
    return str(label) if label is not None else ""


class Evaluation(models.Model):
    """A member firm's evaluation on a date: a score per area. The firm's first score in an area
    is its baseline; change = latest score - baseline."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="evaluations")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="network_evaluations")
    evaluated_on = models.DateField(_("evaluated on"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluated_on", "id"]
        constraints = [models.UniqueConstraint(fields=["network", "enterprise", "evaluated_on"],
                                               name="evaluation_one_per_firm_and_day")]
        indexes = [models.Index(fields=["network", "enterprise", "evaluated_on"])]

    def __str__(self):
        return f"{self.enterprise} on {self.evaluated_on}"


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(EvaluationArea, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("1 = weak practice ... 5 = good practice."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "area"], name="score_one_per_area"),
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX),
                                   name="score_in_scale"),
        ]
