"""Assessing a network against Dini's twelve criteria of independence."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.records import save_validated

from .. import policy
from ..independence import BY_CODE, JUDGED, evaluate_assessment
from ..models import CriterionJudgement, IndependenceAssessment, Network
from ._common import _network_day, _visible


@transaction.atomic
def record_assessment(actor, network: Network, assessed_on, judgements: Mapping[str, Mapping[str, Any]],
                      *, window_months: int = 12, notes: str = "") -> IndependenceAssessment:
    """Assess `network` against Dini's twelve criteria. `judgements` answers the five judged ones:
    {code: {"met": bool, "evidence": text}} (evidence required when met); the seven others are
    computed from the records. The result as computed now is kept in `snapshot`."""
    _visible(actor, network)
    require(policy.can_assess_independence, actor, network)
    errors: dict[str, list[str]] = {}
    day = _network_day(network, assessed_on, "assessed_on", errors)
    if not isinstance(window_months, int) or isinstance(window_months, bool) or not 1 <= window_months <= 60:
        errors["window_months"] = [_("Give a window of 1 to 60 months.")]
    for code, answer in (judgements or {}).items():
        if code not in BY_CODE:
            errors[f"judgements.{code}"] = [_("Unknown criterion; the judged ones are %(choices)s.") % {
                "choices": ', '.join(JUDGED)}]
        elif code not in JUDGED:
            errors[f"judgements.{code}"] = [_("This criterion is computed from the records, not judged.")]
        elif not isinstance(answer, Mapping) or not isinstance(answer.get("met"), bool):
            errors[f"judgements.{code}"] = [_('Answer {"met": true or false, "evidence": "..."}.')]
        elif answer["met"] and not str(answer.get("evidence") or "").strip():
            errors[f"judgements.{code}"] = [_("Give the evidence for a criterion judged as met.")]
    for code in JUDGED:
        if code not in (judgements or {}):
            errors[f"judgements.{code}"] = [_("Judge this criterion: %(question)s") % {
                "question": _(BY_CODE[code].question)}]
    if errors:
        raise ValidationFailed(errors)
    assessment = IndependenceAssessment(network=network, assessed_on=day, window_months=window_months,
                                        assessor=actor, notes=(notes or "").strip())
    save_validated(assessment, actor)
    for code in JUDGED:
        answer = judgements[code]
        save_validated(CriterionJudgement(assessment=assessment, criterion=code, met=answer["met"],
                                 evidence=str(answer.get("evidence") or "").strip()), actor)
    assessment.snapshot = evaluate_assessment(assessment).as_dict()
    assessment.save(update_fields=["snapshot"])
    return assessment
