"""Evidence attached to a gate requirement, and its withdrawal."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import ValidationFailed
from triplec.core.records import save_validated

from .. import lifecycle, policy
from ..models import GateEvidence, GateRequirement, Network
from ._common import _visible


def requirement_of(network: Network, requirement) -> GateRequirement:
    """A requirement of the network's kind, given as an object, an id, or a code of the next gate."""
    if isinstance(requirement, GateRequirement):
        found = requirement if requirement.gate.kind_id == network.kind_id else None
    elif isinstance(requirement, int):
        found = GateRequirement.objects.filter(pk=requirement, gate__kind_id=network.kind_id).first()
    else:
        gate = lifecycle.next_gate(network)
        found = gate.requirements.filter(code=str(requirement)).first() if gate else None
    if found is None:
        raise ValidationFailed({"requirement": [_("%(requirement)r is not a requirement of this kind of network.") % {
            "requirement": requirement}]})
    return found


@transaction.atomic
def add_gate_evidence(actor, network: Network, requirement, **values) -> GateEvidence:
    """Attach evidence for a requirement (counted from now on, until withdrawn). `values`: text,
    date, number, document (an uploaded file) and/or reference, as the requirement's type needs."""
    _visible(actor, network)
    require(policy.can_add_evidence, actor, network)
    network = Network.objects.select_related("stage").get(pk=network.pk)
    requirement = requirement_of(network, requirement)
    return lifecycle.store_evidence(actor, network, requirement, values)


@transaction.atomic
def withdraw_gate_evidence(actor, evidence: GateEvidence, reason: str) -> GateEvidence:
    from django.utils import timezone

    _visible(actor, evidence.network)
    require(policy.can_change_evidence, actor, evidence.network)
    e = GateEvidence.objects.select_for_update().get(pk=evidence.pk)
    if e.withdrawn_at is not None:
        raise ValidationFailed({"__all__": [_("This evidence was already withdrawn.")]})
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_("Say why the evidence is withdrawn.")]})
    e.withdrawn_at, e.withdrawn_by, e.withdrawn_reason = timezone.now(), actor, reason.strip()
    save_validated(e, actor)
    return e
