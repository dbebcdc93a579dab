"""Evidence for a gate requirement: validated by the requirement's type, then stored."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from triplec.core.errors import ValidationFailed

from ..models import GateEvidence, GateRequirement, Network, RequirementType

EVIDENCE_FIELDS = ("text", "date", "number", "document", "reference")


def _validate_evidence(requirement: GateRequirement, values: Mapping[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    unknown = set(values) - set(EVIDENCE_FIELDS)
    for name in sorted(unknown):
        errors[name] = [_("Unknown field.")]
    if not requirement.takes_evidence:
        errors["requirement"] = [_("'%(label)s' is checked from the records; it takes no evidence.") % {
            "label": requirement.label}]
        return errors
    text = str(values.get("text") or "").strip()
    day, number = values.get("date"), values.get("number")
    kind = requirement.type
    if day is not None and day > date.today() and kind != RequirementType.PLANNED_DATE:
        errors["date"] = [_("The date is in the future.")]
    if kind == RequirementType.DOCUMENT and not (values.get("document") or str(values.get("reference") or "").strip()):
        errors["document"] = [_("Upload the document or give a reference to it.")]
    if kind == RequirementType.DECISION:
        if not text:
            errors["text"] = [_("Say what was decided.")]
        if day is None:
            errors["date"] = [_("Give the date of the decision.")]
    if kind in (RequirementType.DATE, RequirementType.PLANNED_DATE) and day is None:
        errors["date"] = [_("Give the date.")]
    if kind == RequirementType.COUNT and (not isinstance(number, int) or isinstance(number, bool) or number < 0):
        errors["number"] = [_("Give a whole number, 0 or more.")]
    return errors


def store_evidence(actor, network: Network, requirement: GateRequirement, values: Mapping[str, Any]) -> GateEvidence:
    """Validate and save one piece of evidence (permission already checked by the caller)."""
    if requirement.gate.kind_id != network.kind_id:
        raise ValidationFailed({"requirement": [_("This requirement belongs to another kind of network.")]})
    errors = _validate_evidence(requirement, values)
    if errors:
        raise ValidationFailed(errors)
    evidence = GateEvidence(network=network, requirement=requirement, added_by=actor,
                            text=str(values.get("text") or "").strip(), date=values.get("date"),
                            number=values.get("number"), reference=str(values.get("reference") or "").strip())
    if values.get("document"):
        evidence.document = values["document"]
    evidence._history_user = actor
    evidence.save()
    return evidence
