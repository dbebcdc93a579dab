"""A gate's checklist: each requirement of the gate, met or not on a date, on what basis and with
which evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils.translation import gettext as _

from ..models import Gate, GateEvidence, GateRequirement, Network, RequirementType
from .checks import CONDITION_CHECKS, COUNT_SOURCES


@dataclass
class RequirementStatus:
    requirement: GateRequirement
    met: bool
    basis: str
    evidence: list[GateEvidence] = field(default_factory=list)

    def as_dict(self) -> dict:
        r = self.requirement
        return {"requirement_id": r.pk, "code": r.code, "label": r.label, "type": r.type, "check": r.check_name,
                "minimum": r.minimum, "met": self.met, "basis": self.basis,
                "evidence_ids": [e.pk for e in self.evidence]}


@dataclass
class Checklist:
    gate: Gate
    items: list[RequirementStatus]

    @property
    def passable(self) -> bool:
        return all(item.met for item in self.items)

    @property
    def missing(self) -> list[RequirementStatus]:
        return [item for item in self.items if not item.met]


def current_evidence(network: Network, requirement: GateRequirement) -> list[GateEvidence]:
    return list(GateEvidence.objects.filter(network=network, requirement=requirement, withdrawn_at__isnull=True)
                .order_by("added_at", "id"))


def requirement_status(network: Network, requirement: GateRequirement, on: date | None = None) -> RequirementStatus:
    """Whether `requirement` is met for `network` on `on` (default today), and on what basis."""
    on = on or date.today()
    kind, check = requirement.type, requirement.check_name
    if kind == RequirementType.CONDITION:
        met, basis = CONDITION_CHECKS[check].func(network, on, requirement.minimum)
        return RequirementStatus(requirement, bool(met), basis)
    evidence = current_evidence(network, requirement)
    if kind == RequirementType.COUNT and check != "evidence":
        value, basis = COUNT_SOURCES[check].func(network, on, requirement.minimum)
        return RequirementStatus(requirement, value >= (requirement.minimum or 0), basis)
    if kind == RequirementType.COUNT:
        latest = evidence[-1] if evidence else None
        if latest is None:
            return RequirementStatus(requirement, False, _("No number given (at least %(minimum)s needed).") % {
                "minimum": requirement.minimum})
        return RequirementStatus(requirement, latest.number >= (requirement.minimum or 0),
                                 _("Given: %(number)s (at least %(minimum)s needed).") % {
                                     "number": latest.number, "minimum": requirement.minimum}, [latest])
    if not evidence:
        what = str(RequirementType(kind).label).split(" (")[0].lower()
        return RequirementStatus(requirement, False, _("No %(what)s given.") % {"what": what})
    return RequirementStatus(requirement, True, "; ".join(e.summary for e in evidence), evidence)


def checklist(network: Network, gate: Gate | None = None, on: date | None = None) -> Checklist | None:
    """The checklist of `gate` (default: the gate out of the network's current stage), or None when
    the network is in a final or closed stage."""
    gate = gate or next_gate(network)
    if gate is None:
        return None
    return Checklist(gate, [requirement_status(network, r, on) for r in gate.requirements.order_by("order", "id")])


def next_gate(network: Network) -> Gate | None:
    return Gate.objects.filter(from_stage_id=network.stage_id).prefetch_related("requirements").first()
