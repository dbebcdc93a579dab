"""The one transition function, in named steps, and the history it writes.

`transition()` reads as the procedure; each step either returns what the next one needs or raises
the domain error with its message (NotFound, PermissionDenied, ValidationFailed, GateNotPassed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.accounts.roles import Role
from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed

from .. import policy
from ..models import Gate, GateEvidence, Network, Stage, Transition, TransitionKind
from .checklists import Checklist, checklist
from .evidence import store_evidence


class GateNotPassed(ValidationFailed):
    """The gate's checklist is not complete; `checklist` says what is missing and why."""

    def __init__(self, gate: Gate, result: Checklist):
        self.gate = gate
        self.checklist = result
        errors = {f"requirements.{item.requirement.code}": [f"{item.requirement.label}: {item.basis}"]
                  for item in result.missing}
        super().__init__(errors)


def start(actor, network: Network, effective_on: date) -> Transition:
    """The first row of a new network's history (called by services.create_network)."""
    return Transition.objects.create(network=network, kind=TransitionKind.START, to_stage=network.stage,
                                     actor=actor, effective_on=effective_on, reason="Network recorded.")


@transaction.atomic
def transition(actor, network: Network, to_stage, *, reason: str = "",
               evidence: Iterable[Mapping[str, Any]] = (), effective_on: date | None = None) -> Transition:
    """Move `network` to `to_stage` (a Stage or its code): the one way a stage changes.

    evidence: pieces for the gate being passed, each {"requirement": code, "text"?, "date"?,
    "number"?, "document"?, "reference"?}; they are stored with the transition (and dropped with it if
    the gate refuses). effective_on: when it happened (default today; not before the current stage
    began, not in the future). Raises PermissionDenied, ValidationFailed, or GateNotPassed (a
    ValidationFailed listing each unmet requirement and why)."""
    _require_visible(actor, network)
    locked = _lock(network)
    require(policy.can_change_stage, actor, locked)
    current, target = locked.stage, _resolve_stage(locked, to_stage)
    effective_on = _effective_date(locked, effective_on)
    kind = _kind_of_change(locked, current, target)
    reason, evidence = (reason or "").strip(), list(evidence or ())
    if kind != TransitionKind.FORWARD:
        _require_reason_and_no_evidence(kind, reason, evidence)
        row = _record(actor, locked, kind, current, target, None, reason, effective_on, [], [])
    else:
        gate = _gate_between(locked, current, target)
        _require_gate_role(actor, locked, gate)
        _store_gate_evidence(actor, locked, gate, evidence)
        result = _met_checklist(locked, gate, effective_on)
        row = _record(actor, locked, kind, current, target, gate, reason, effective_on,
                      _evidence_relied_on(result), [item.as_dict() for item in result.items])
    network.stage, network.stage_since = locked.stage, locked.stage_since  # the caller's copy follows
    return row


# The steps, in the order transition() takes them ------------------------------------------------------

def _require_visible(actor, network: Network) -> None:
    # A network the actor may not see does not exist for them (no hint that it does).
    if not policy.can_view_network(actor, network):
        raise NotFound(_("No such network."))


def _lock(network: Network) -> Network:
    """The network's row, locked until the transaction ends, so two changes of stage queue up."""
    return Network.objects.select_for_update().select_related("stage", "kind").get(pk=network.pk)


def _resolve_stage(network: Network, to_stage) -> Stage:
    if isinstance(to_stage, Stage):
        if to_stage.kind_id != network.kind_id:
            raise ValidationFailed({"to_stage": [_("%(to_stage)s is a stage of another kind of network.") % {
                "to_stage": to_stage}]})
        return to_stage
    stage = Stage.objects.filter(kind_id=network.kind_id, code=str(to_stage)).first()
    if stage is None:
        codes = ", ".join(network.kind.stages.order_by("order").values_list("code", flat=True))
        raise ValidationFailed({"to_stage": [_("%(to_stage)r is not a stage of %(kind)s; use one of %(codes)s.") % {
            "to_stage": to_stage, "kind": network.kind, "codes": codes}]})
    return stage


def _effective_date(network: Network, effective_on: date | None, today: date | None = None) -> date:
    """`effective_on` (default today), refused in the future or before the current stage began."""
    today = today or date.today()
    effective_on = effective_on or today
    if effective_on > today:
        raise ValidationFailed({"effective_on": [_("The date is in the future.")]})
    if effective_on < network.stage_since:
        raise ValidationFailed({"effective_on": [
            _("The network has been in %(current)s since %(stage_since)s; a change cannot take effect earlier.") % {
                "current": network.stage, "stage_since": network.stage_since}]})
    return effective_on


def _kind_of_change(network: Network, current: Stage, target: Stage) -> TransitionKind:
    """Forward, back, close or reopen; refused when the network is already there, or when a closed
    network would reopen in another stage than the one it was closed from."""
    if target.pk == current.pk:
        raise ValidationFailed({"to_stage": [_("The network is already in %(current)s.") % {
            "current": current}]})
    if current.is_closed:
        _require_reopen_where_closed(network, current, target)
        return TransitionKind.REOPEN
    if target.is_closed:
        return TransitionKind.CLOSE
    if target.order < current.order:
        return TransitionKind.BACK
    return TransitionKind.FORWARD


def _require_reopen_where_closed(network: Network, closed: Stage, target: Stage) -> None:
    closed_from = (Transition.objects.filter(network=network, to_stage=closed).order_by("-recorded_at", "-id")
                   .values_list("from_stage_id", flat=True).first())
    if target.pk != closed_from:
        raise ValidationFailed({"to_stage": [
            _("A closed network can only be reopened in the stage it was closed from (%(stage)s).") % {
                "stage": Stage.objects.get(pk=closed_from)} if closed_from
            else _("A closed network can only be reopened in the stage it was closed from.")]})


def _require_reason_and_no_evidence(kind: TransitionKind, reason: str, evidence: list) -> None:
    """Going back, closing and reopening pass no gate: they take a reason and no evidence."""
    if evidence:
        raise ValidationFailed({"evidence": [_("Evidence is given only when passing a gate forward.")]})
    if not reason:
        why = {TransitionKind.BACK: _("Say why the network is going back."),
               TransitionKind.CLOSE: _("Say why the network is closing."),
               TransitionKind.REOPEN: _("Say why the network is reopening.")}
        raise ValidationFailed({"reason": [why[kind]]})


def _gate_between(network: Network, current: Stage, target: Stage) -> Gate:
    """The gate from `current` to `target`; refused, naming the gates on the way, when `target` is
    further than the next stage."""
    gate = Gate.objects.filter(from_stage=current, to_stage=target).first()
    if gate is None:
        skipped = _gates_on_the_way(network.kind_id, current, target)
        names = _("; then ").join(f"'{g.name}'" for g in skipped) or _("(none defined)")
        raise ValidationFailed({"to_stage": [
            _("%(target)s cannot be reached from %(current)s in one step: pass the gates one at a time: %(names)s.") % {
                "target": target, "current": current, "names": names}]})
    return gate


def _gates_on_the_way(kind_id: int, from_stage: Stage, to_stage: Stage) -> list[Gate]:
    return list(Gate.objects.filter(kind_id=kind_id, from_stage__order__gte=from_stage.order,
                                    to_stage__order__lte=to_stage.order, from_stage__is_closed=False)
                .order_by("from_stage__order"))


def _require_gate_role(actor, network: Network, gate: Gate) -> None:
    if not policy.can_pass_gate(actor, network, gate):
        raise PermissionDenied(gate_role_refusal(gate))


def gate_role_refusal(gate: Gate) -> str:
    """Who may pass `gate`, as the refusal tells it to someone who may not."""
    allowed = ", ".join(str(Role(r).label) for r in gate.allowed_roles if r in Role.values)
    values = {"name": gate.name, "allowed": allowed}
    if "broker" in gate.allowed_roles:
        return _("Only these roles may pass '%(name)s': %(allowed)s (a broker only for their own networks).") % values
    return _("Only these roles may pass '%(name)s': %(allowed)s.") % values


def _store_gate_evidence(actor, network: Network, gate: Gate, evidence: list[Mapping[str, Any]]) -> None:
    """Store each piece for the requirement it names; errors are placed at `evidence[i].<field>`."""
    by_code = {r.code: r for r in gate.requirements.all()}
    for i, piece in enumerate(evidence):
        piece = dict(piece)
        code = piece.pop("requirement", None)
        requirement = by_code.get(code)
        if requirement is None:
            raise ValidationFailed({f"evidence[{i}].requirement": [
                _("%(code)r is not a requirement of '%(name)s'; use one of %(choices)s.") % {
                    "code": code, "name": gate.name, "choices": ', '.join(by_code)}]})
        try:
            store_evidence(actor, network, requirement, piece)
        except ValidationFailed as exc:
            raise ValidationFailed({f"evidence[{i}].{k}": v for k, v in exc.errors.items()}) from exc


def _met_checklist(network: Network, gate: Gate, on: date) -> Checklist:
    result = checklist(network, gate, on=on)
    if not result.passable:
        raise GateNotPassed(gate, result)
    return result


def _evidence_relied_on(result: Checklist) -> list[GateEvidence]:
    return [e for item in result.items for e in item.evidence]


def _record(actor, network: Network, kind, current: Stage, target: Stage, gate: Gate | None, reason: str,
            effective_on: date, evidence: list[GateEvidence], snapshot: list[dict]) -> Transition:
    row = Transition.objects.create(network=network, kind=kind, from_stage=current, to_stage=target, gate=gate,
                                    actor=actor, recorded_at=timezone.now(), effective_on=effective_on,
                                    reason=reason, checklist=snapshot)
    if evidence:
        row.evidence.set(evidence)
    network.stage = target
    network.stage_since = effective_on
    network._history_user = actor
    network._change_reason = f"stage: {current.code} -> {target.code}"
    network.save(update_fields=["stage", "stage_since", "updated_at"])
    return row


def history(network: Network) -> list[Transition]:
    """Every change of stage, oldest first, with stages, gate, actor and evidence loaded."""
    return list(network.transitions.select_related("from_stage", "to_stage", "gate", "actor")
                .prefetch_related("evidence__requirement").order_by("recorded_at", "id"))
