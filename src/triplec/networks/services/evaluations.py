"""Scoring member firms' practices (evaluation areas, 1 to 5)."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.records import save_validated
from triplec.registry.models import Enterprise

from .. import policy
from ..models import Evaluation, EvaluationArea, EvaluationScore, Network, NetworkMember, active_members_q
from ._common import _as_date, _lookup, _not_closed, _not_future, _visible


@transaction.atomic
def record_evaluation(actor, network: Network, enterprise: Enterprise, evaluated_on, scores: Mapping[str, int],
                      notes: str = "") -> Evaluation:
    """Score a member firm on `evaluated_on`: scores = {area code: 1..5}. The firm's first score in an
    area is its baseline."""
    _visible(actor, network)
    require(policy.can_record_evaluation, actor, network)
    network = Network.objects.select_related("stage").get(pk=network.pk)
    _not_closed(network, _("recording evaluations"))
    day = _as_date(evaluated_on, "evaluated_on")
    enterprise = _lookup(Enterprise, enterprise, "enterprise", "enterprise")
    errors: dict[str, list[str]] = {}
    if day is None:
        errors["evaluated_on"] = [_("Give the date.")]
    else:
        _not_future(day, "evaluated_on", errors)
        if enterprise is not None and not NetworkMember.objects.filter(
                active_members_q(day), network=network, enterprise=enterprise).exists():
            errors["enterprise"] = [_("%(enterprise)s was not a member of the network on %(day)s.") % {
                "enterprise": enterprise, "day": day}]
        if Evaluation.objects.filter(network=network, enterprise=enterprise, evaluated_on=day).exists():
            errors.setdefault("evaluated_on", []).append(_("%(enterprise)s already has an evaluation on %(day)s.") % {
                "enterprise": enterprise, "day": day})
    areas = {a.code: a for a in EvaluationArea.objects.filter(active=True)}
    if not scores:
        errors["scores"] = [_("Score at least one area.")]
    for code, value in (scores or {}).items():
        if code not in areas:
            errors[f"scores.{code}"] = [_("Unknown area; use %(choices)s.") % {"choices": ', '.join(areas)}]
        elif not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
            errors[f"scores.{code}"] = [_("Give a score from 1 (weak practice) to 5 (good practice).")]
    if errors:
        raise ValidationFailed(errors)
    evaluation = Evaluation(network=network, enterprise=enterprise, evaluated_on=day, evaluator=actor,
                            notes=(notes or "").strip())
    save_validated(evaluation, actor)
    for code, value in scores.items():
        save_validated(EvaluationScore(evaluation=evaluation, area=areas[code], score=value), actor)
    return evaluation
