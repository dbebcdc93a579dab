"""Validating a lifecycle definition, installing it into the Stage, Gate and GateRequirement tables,
and reading a kind's lifecycle back as a definition."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from triplec.accounts.roles import Role

from ..models import Gate, GateRequirement, NetworkKind, RequirementType, Stage
from .checks import CONDITION_CHECKS, COUNT_SOURCES
from .shipped import LIFECYCLES, SHIPPED_KINDS

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def validate_definition(definition: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors of a lifecycle definition by location ("stages[2].code", "gates[0].requirements[1]");
    empty when it is valid (see the package docstring for the rules)."""
    errors: dict[str, list[str]] = {}

    def err(where, message):
        errors.setdefault(where, []).append(message)

    stages = definition.get("stages")
    gates = definition.get("gates")
    if not isinstance(stages, list) or not stages:
        err("stages", _("Give the stages as a list, in order."))
        return errors
    if not isinstance(gates, list):
        err("gates", _("Give the gates as a list."))
        return errors
    codes = []
    for i, stage in enumerate(stages):
        code = str(stage.get("code", ""))
        if not _SLUG.match(code):
            err(f"stages[{i}].code", _("%(code)r is not a code (lower-case letters, digits and dashes).") % {
                "code": code})
        if not str(stage.get("name", "")).strip():
            err(f"stages[{i}].name", _("A stage needs a name."))
        if code in codes:
            err(f"stages[{i}].code", _("Stage %(code)r appears twice.") % {"code": code})
        codes.append(code)
    open_codes = [s["code"] for s in stages if not s.get("closed")]
    closed = [s for s in stages if s.get("closed")]
    if len(open_codes) < 2:
        err("stages", _("A lifecycle needs at least two stages besides the closed one."))
    if len(closed) != 1:
        err("stages", _("A lifecycle needs exactly one closed stage (any stage may close with a reason)."))
    expected = list(zip(open_codes, open_codes[1:], strict=False))
    found = []
    has_market = False
    valid_roles = set(Role.values)
    for g, gate in enumerate(gates):
        pair = (gate.get("from"), gate.get("to"))
        found.append(pair)
        if pair not in expected:
            err(f"gates[{g}]", _("A gate must lead from an open stage to the next one; %(from)r -> %(to)r "
                                 "does not (gates cannot skip stages or lead to the closed stage).") % {
                "from": pair[0], "to": pair[1]})
        if not str(gate.get("name", "")).strip():
            err(f"gates[{g}].name", _("A gate needs a name."))
        roles = gate.get("roles")
        if not isinstance(roles, list) or not roles:
            err(f"gates[{g}].roles", _("Name the roles that may pass this gate."))
        else:
            unknown = [r for r in roles if r not in valid_roles]
            if unknown:
                err(f"gates[{g}].roles", _("Unknown roles %(roles)s; use %(choices)s.") % {
                    "roles": unknown, "choices": sorted(valid_roles)})
        requirement_codes = set()
        for r, req in enumerate(gate.get("requirements") or []):
            where = f"gates[{g}].requirements[{r}]"
            code, kind, check = str(req.get("code", "")), req.get("type"), req.get("check", "")
            if not _SLUG.match(code):
                err(where, _("%(code)r is not a code.") % {"code": code})
            elif code in requirement_codes:
                err(where, _("Requirement %(code)r appears twice in this gate.") % {"code": code})
            requirement_codes.add(code)
            if not str(req.get("label", "")).strip():
                err(where, _("A requirement needs a label."))
            if kind not in RequirementType.values:
                err(where, _("Unknown type %(kind)r; use %(values)s.") % {
                    "kind": kind, "values": RequirementType.values})
            elif kind == RequirementType.CONDITION and check not in CONDITION_CHECKS:
                err(where, _("Unknown condition %(check)r; use %(choices)s.") % {
                    "check": check, "choices": sorted(CONDITION_CHECKS)})
            elif kind == RequirementType.COUNT:
                if check not in COUNT_SOURCES:
                    err(where, _("Unknown count %(check)r; use %(choices)s.") % {
                        "check": check, "choices": sorted(COUNT_SOURCES)})
                if not isinstance(req.get("minimum"), int) or req["minimum"] < 0:
                    err(where, _("A count needs a minimum (a whole number, 0 or more)."))
            if kind == RequirementType.CONDITION and check == "target-market":
                has_market = True
    missing = [p for p in expected if p not in found]
    if missing:
        err("gates", _("Every stage needs a gate to the next one; missing: %(pairs)s.") % {
            "pairs": ", ".join(f"{a} -> {b}" for a, b in missing)})
    if len(found) != len(set(found)):
        err("gates", _("Two gates between the same stages."))
    if not has_market:
        err("gates", _("Some gate must require a target customer or market (a condition 'target-market'): "
                       "customer orientation is enforced."))
    return errors


def install_kind(spec: Mapping[str, Any], definition: Mapping[str, Any], *, shipped: bool, apps=None):
    """Create or refresh a kind and its stages, gates and requirements from a definition. Existing
    rows are updated in place by code (so networks keep their stages); nothing is deleted."""
    if apps is None:
        models = {m.__name__: m for m in (NetworkKind, Stage, Gate, GateRequirement)}
        from ..models import FundingSchedule
        models["FundingSchedule"] = FundingSchedule
    else:
        models = {name: apps.get_model("networks", name)
                  for name in ("NetworkKind", "Stage", "Gate", "GateRequirement", "FundingSchedule")}
    schedule = None
    if spec.get("funding"):
        schedule = models["FundingSchedule"].objects.get(code=spec["funding"])
    kind, _ = models["NetworkKind"].objects.update_or_create(code=spec["code"], defaults={
        "name": spec["name"], "description": spec.get("description", ""), "lifecycle": spec.get("lifecycle", ""),
        "size_min": spec.get("size_min"), "size_max": spec.get("size_max"), "funding_schedule": schedule,
        "evaluation_interval_months": spec.get("evaluation_interval_months", 6), "shipped": shipped})
    stages = {}
    StageModel = models["Stage"]
    # Park existing orders out of the way so re-ordering never trips the unique (kind, order).
    existing = list(StageModel.objects.filter(kind=kind))
    for offset, stage in enumerate(existing):
        StageModel.objects.filter(pk=stage.pk).update(order=1000 + offset)
    for order, s in enumerate(definition["stages"]):
        stages[s["code"]], _ = StageModel.objects.update_or_create(kind=kind, code=s["code"], defaults={
            "name": s["name"], "description": s.get("description", ""), "order": order,
            "is_closed": bool(s.get("closed")), "evaluations_due": bool(s.get("evaluations_due"))})
    for g in definition["gates"]:
        gate, _ = models["Gate"].objects.update_or_create(
            kind=kind, from_stage=stages[g["from"]],
            defaults={"to_stage": stages[g["to"]], "name": g["name"], "description": g.get("description", ""),
                      "allowed_roles": list(g["roles"])})
        for order, r in enumerate(g.get("requirements") or []):
            models["GateRequirement"].objects.update_or_create(gate=gate, code=r["code"], defaults={
                "label": r["label"], "help_text": r.get("help", ""), "type": r["type"],
                "check_name": r.get("check", ""), "minimum": r.get("minimum"), "order": order})
    return kind


def install_shipped(apps=None, *, refresh: bool = True) -> None:
    """Install the shipped schedules, evaluation areas and kinds. Idempotent. refresh=True (the
    data migration) brings existing shipped rows back to their definitions; refresh=False (after
    every migrate or flush, see apps.py) only creates what is missing, keeping an agency's edits."""
    from ..evaluations import install_areas
    from ..funding import install_schedules

    install_schedules(apps, refresh=refresh)
    install_areas(apps, refresh=refresh)
    Kind = NetworkKind if apps is None else apps.get_model("networks", "NetworkKind")
    for spec in SHIPPED_KINDS:
        if refresh or not Kind.objects.filter(code=spec["code"]).exists():
            install_kind(spec, LIFECYCLES[spec["lifecycle"]], shipped=True, apps=apps)


def definition_of(kind: NetworkKind) -> dict[str, Any]:
    """A kind's lifecycle as the declarative structure (what `validate_definition` checks)."""
    stages = list(kind.stages.order_by("order"))
    gates = kind.gates.select_related("from_stage", "to_stage").prefetch_related("requirements")
    return {
        "stages": [{"code": s.code, "name": s.name, "description": s.description,
                    "evaluations_due": s.evaluations_due, "closed": s.is_closed} for s in stages],
        "gates": [{"from": g.from_stage.code, "to": g.to_stage.code, "name": g.name, "description": g.description,
                   "roles": list(g.allowed_roles),
                   "requirements": [{"code": r.code, "type": r.type, "label": r.label, "help": r.help_text,
                                     "check": r.check_name, "minimum": r.minimum} for r in g.requirements.all()]}
                  for g in sorted(gates, key=lambda g: g.from_stage.order)],
    }
