"""The lifecycle engine: stages and gates as data per kind, and the one transition function.

A kind's lifecycle is a declarative structure (a dict, below for the shipped ones) installed into
the `Stage`, `Gate` and `GateRequirement` tables, so an agency can define its own kinds with the
same shape (`services.define_kind`). The shape:

    {"stages": [{"code", "name", "description"?, "evaluations_due"?, "closed"?}, ...],   # in order
     "gates":  [{"from", "to", "name", "description"?, "roles": [role, ...],
                 "requirements": [{"code", "type", "label", "help"?, "check"?, "minimum"?}, ...]}, ...]}

Rules of a valid definition (`validate_definition`): at least two open stages and exactly one
closed stage; exactly one gate from each open stage to the next one in order (so a gate can never be
skipped: there is no gate from a stage to any later one); requirement types and checks known; roles
known; and at least one gate requires a target customer or market (customer orientation is
enforced, not advised).

`transition(actor, network, to_stage, ...)` is the only way a network's stage changes:
- forward: only to the next stage, through its gate, by a role the gate allows, with every
  requirement met (evidence given now or attached earlier); the checklist is stored with the row;
- back: to any earlier open stage, with a reason;
- close: from any open stage, with a reason; reopen: from closed back to the stage it was closed
  from, with a reason.
Every change is a `Transition` row (who, when recorded, effective date, why, evidence).

Shipped lifecycles: the Danish hurdles (Box 2: create interest, identify a viable network idea,
convince a group to take ownership, convince it to do a feasibility study, then implement) and the
PROFO stages (s.4.5: preparation, consolidation, independence), with "graduated" for a PROFO that
has become independent of subsidy.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from triplec.accounts.policy import require
from triplec.accounts.roles import Role
from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed
from triplec.core.money_format import format_money, format_share

from . import policy
from .models import (
    COLLECTIVE_BUSINESS_KINDS,
    Activity,
    Gate,
    GateEvidence,
    GateRequirement,
    Network,
    NetworkKind,
    NetworkMember,
    RequirementType,
    Stage,
    Transition,
    TransitionKind,
    active_members_q,
)

AGENCY = ["agency-admin", "programme-officer"]
BROKER_OR_AGENCY = ["broker", *AGENCY]

TARGET_MARKET = {
    "code": "target-market", "type": "condition", "check": "target-market",
    "label": gettext_noop("A target customer or market: a named buyer, or a described market (product, volume and quality)"),
}

DANISH_HURDLES: dict[str, Any] = {
    "stages": [
        {"code": "interest", "name": gettext_noop("Interest"),
         "description": gettext_noop("The broker creates interest in networking with examples that strike a chord with local firms.")},
        {"code": "viable-idea", "name": gettext_noop("Viable network idea"),
         "description": gettext_noop("A network idea built around a market opportunity has been identified.")},
        {"code": "group-ownership", "name": gettext_noop("Group ownership"),
         "description": gettext_noop("A group of firms has decided to pursue the idea and owns its progress.")},
        {"code": "feasibility-study", "name": gettext_noop("Feasibility study"),
         "description": gettext_noop("The group has commissioned a feasibility study before pushing ahead.")},
        {"code": "implementation", "name": gettext_noop("Implementation"), "evaluations_due": True,
         "description": gettext_noop("The group implements the network idea.")},
        {"code": "operating", "name": gettext_noop("Operating"), "evaluations_due": True,
         "description": gettext_noop("The network does business together.")},
        {"code": "closed", "name": gettext_noop("Closed"), "closed": True, "description": gettext_noop("The network has stopped.")},
    ],
    "gates": [
        {"from": "interest", "to": "viable-idea", "name": gettext_noop("Identify a viable network idea"), "roles": BROKER_OR_AGENCY,
         "description": gettext_noop("The next critical gate is that of identifying a viable network idea (Box 2)."),
         "requirements": [
             TARGET_MARKET,
             {"code": "network-idea", "type": "document", "label": gettext_noop("The network idea, written down (file or reference)")},
         ]},
        {"from": "viable-idea", "to": "group-ownership", "name": gettext_noop("A group takes ownership"), "roles": BROKER_OR_AGENCY,
         "description": gettext_noop("Convincing a group of firms to pursue the idea and take ownership of its progress (Box 2)."),
         "requirements": [
             {"code": "group-decision", "type": "decision",
              "label": gettext_noop("The firms' decision to pursue the idea (what was decided, and when)")},
             {"code": "member-firms", "type": "count", "check": "members", "minimum": 3,
              "label": gettext_noop("At least 3 member firms")},
             {"code": "goals", "type": "condition", "check": "goals",
              "label": gettext_noop("Short- and medium-term goals written down")},
         ]},
        {"from": "group-ownership", "to": "feasibility-study", "name": gettext_noop("The group commissions a feasibility study"),
         "roles": BROKER_OR_AGENCY,
         "description": gettext_noop("Convincing firms that they need a feasibility study before they push ahead (Box 2)."),
         "requirements": [
             {"code": "study-terms", "type": "document", "label": gettext_noop("Terms of reference of the feasibility study")},
             {"code": "study-start", "type": "planned-date", "label": gettext_noop("Date the study starts")},
         ]},
        {"from": "feasibility-study", "to": "implementation", "name": gettext_noop("Feasibility shown; the group decides to go ahead"),
         "roles": BROKER_OR_AGENCY,
         "requirements": [
             {"code": "study-report", "type": "document", "label": gettext_noop("Feasibility study report")},
             {"code": "go-decision", "type": "decision", "label": gettext_noop("The group's decision to implement")},
         ]},
        {"from": "implementation", "to": "operating", "name": gettext_noop("The network operates"), "roles": BROKER_OR_AGENCY,
         "requirements": [
             {"code": "collective-business", "type": "count", "check": "collective-activities", "minimum": 1,
              "label": gettext_noop("At least one collective business activity logged (joint purchase, marketing or project)")},
             {"code": "cooperation-agreement", "type": "document",
              "label": gettext_noop("The cooperation agreement signed by the firms")},
         ]},
    ],
}

PROFO_LIFECYCLE: dict[str, Any] = {
    "stages": [
        {"code": "preparation", "name": gettext_noop("Preparation"),
         "description": gettext_noop("The agency identifies firms, diagnoses their problems and establishes its credibility.")},
        {"code": "consolidation", "name": gettext_noop("Consolidation"), "evaluations_due": True,
         "description": gettext_noop("A manager is appointed, improves take-up of support services and builds relations "
                                     "between the firms; bi-annual evaluations direct the work.")},
        {"code": "independence", "name": gettext_noop("Independence"), "evaluations_due": True,
         "description": gettext_noop("The firms take over the manager's cost and sustain the group themselves.")},
        {"code": "graduated", "name": gettext_noop("Graduated"),
         "description": gettext_noop("The group carries on without subsidy.")},
        {"code": "closed", "name": gettext_noop("Closed"), "closed": True, "description": gettext_noop("The PROFO has stopped.")},
    ],
    "gates": [
        {"from": "preparation", "to": "consolidation", "name": gettext_noop("Admission as a PROFO"), "roles": AGENCY,
         "description": gettext_noop("The agency must be convinced that a basis for collaboration exists and that there are "
                                     "clear short-term and medium-term goals which might be met (s.4.5)."),
         "requirements": [
             {"code": "basis", "type": "condition", "check": "basis-for-collaboration",
              "label": gettext_noop("A basis for collaboration exists (written down)")},
             {"code": "goals", "type": "condition", "check": "goals",
              "label": gettext_noop("Clear short- and medium-term goals")},
             TARGET_MARKET,
             {"code": "diagnosis", "type": "document", "label": gettext_noop("Diagnosis of the firms' problems")},
             {"code": "admission-decision", "type": "decision", "label": gettext_noop("The agency's admission decision")},
         ]},
        {"from": "consolidation", "to": "independence", "name": gettext_noop("Ready for independence"), "roles": AGENCY,
         "requirements": [
             {"code": "manager", "type": "condition", "check": "manager", "label": gettext_noop("A manager has been appointed")},
             {"code": "evaluations", "type": "count", "check": "evaluations-per-member", "minimum": 2,
              "label": gettext_noop("Every current member firm evaluated at least twice (baseline and a follow-up)")},
             {"code": "collective-business", "type": "count", "check": "collective-activities", "minimum": 1,
              "label": gettext_noop("At least one collective business activity logged")},
             {"code": "takeover-plan", "type": "document",
              "label": gettext_noop("The firms' plan to take over the manager's cost")},
         ]},
        {"from": "independence", "to": "graduated", "name": gettext_noop("Independent of subsidy"), "roles": AGENCY,
         "requirements": [
             {"code": "independence-score", "type": "condition", "check": "independence-score", "minimum": 6,
              "label": gettext_noop("The latest independence assessment meets at least 6 of Dini's 12 criteria")},
             {"code": "members-pay-majority", "type": "condition", "check": "members-pay-majority",
              "label": gettext_noop("Members paid more than half of the network's expenses in the last 12 months")},
             {"code": "graduation-decision", "type": "decision", "label": gettext_noop("The agency's graduation decision")},
         ]},
    ],
}


def _supplier_lifecycle() -> dict[str, Any]:
    """The Danish hurdles around a named large buyer (s.4.4: entry through a large customer)."""
    definition = copy.deepcopy(DANISH_HURDLES)
    definition["gates"][0]["requirements"].insert(1, {
        "code": "named-buyer", "type": "condition", "check": "named-buyer",
        "label": gettext_noop("The large buyer whose suppliers the network upgrades is named")})
    return definition


LIFECYCLES = {"danish-hurdles": DANISH_HURDLES, "profo": PROFO_LIFECYCLE, "supplier": _supplier_lifecycle()}

SHIPPED_KINDS: list[dict[str, Any]] = [
    {"code": "brokered", "name": gettext_noop("Brokered network (Danish model)"), "lifecycle": "danish-hurdles",
     "size_min": 5, "size_max": 10, "funding": "fully-subsidised",
     "description": gettext_noop("Usually 5-10 firms from one region making similar or complementary products, formed around "
                                 "a market opportunity; a network broker takes the group over the hurdles (Box 2).")},
    {"code": "brokered-uk", "name": gettext_noop("Brokered network (UK model, paid by the firms)"), "lifecycle": "danish-hurdles",
     "size_min": 5, "size_max": 10, "funding": "firms-pay",
     "description": gettext_noop("The Danish process with the broker's services paid for by the participating firms (Box 2).")},
    {"code": "profo", "name": gettext_noop("PROFO"), "lifecycle": "profo", "size_min": 10, "size_max": 30, "funding": "profo",
     "description": gettext_noop("Proyecto de Fomento (SERCOTEC, Chile): 10-30 firms through preparation, consolidation and "
                                 "independence (s.4.5).")},
    {"code": "export-profo", "name": gettext_noop("Export PROFO"), "lifecycle": "profo", "size_min": 10, "size_max": 30,
     "funding": "export-profo",
     # xgettext:no-python-format  (a percentage, not a placeholder)
     "description": gettext_noop("A PROFO aimed at export markets; the agency pays 70% of the manager for three years (s.4.5).")},
    {"code": "supplier-network", "name": gettext_noop("Supplier network (large buyer)"), "lifecycle": "supplier",
     "funding": "shared-half",
     "description": gettext_noop("Small suppliers of a large customer upgraded together; cost shared about half agency, half "
                                 "firms (s.4.4).")},
]


# Checks a requirement can name ----------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """A predicate (condition) or a number (count) read from a network's records on a date."""

    description: str
    func: Any  # (network, on: date, minimum: int | None) -> (bool | int, basis: str)


def _target_market(network: Network, on: date, minimum) -> tuple[bool, str]:
    buyers = [o.name for o in network.target_buyers.order_by("name")]
    if buyers:
        return True, _("Named buyers: %(names)s.") % {"names": ", ".join(buyers)}
    if network.has_described_market:
        return True, _("Described market: %(product)s; volume %(volume)s; quality %(quality)s.") % {
            "product": network.market_product, "volume": network.market_volume, "quality": network.market_quality}
    partial = [label for label, value in ((_("product"), network.market_product), (_("volume"), network.market_volume),
                                          (_("quality"), network.market_quality)) if not value.strip()]
    if len(partial) < 3:
        return False, _("No named buyer, and the described market lacks its %(parts)s.") % {
            "parts": _(" and ").join(partial)}
    return False, _("No named buyer and no described market.")


def _named_buyer(network: Network, on: date, minimum) -> tuple[bool, str]:
    buyers = [o.name for o in network.target_buyers.order_by("name")]
    if buyers:
        return True, _("Named buyers: %(names)s.") % {"names": ", ".join(buyers)}
    return False, _("No named buyer.")


def _goals(network: Network, on: date, minimum) -> tuple[bool, str]:
    short, medium = not network.short_term_goals.strip(), not network.medium_term_goals.strip()
    if short and medium:
        return False, _("No short-term or medium-term goals written down.")
    if short:
        return False, _("No short-term goals written down.")
    if medium:
        return False, _("No medium-term goals written down.")
    return True, _("Short- and medium-term goals written down.")


def _basis(network: Network, on: date, minimum) -> tuple[bool, str]:
    if network.basis_for_collaboration.strip():
        return True, _("Basis for collaboration: %(text)s") % {"text": network.basis_for_collaboration.strip()[:200]}
    return False, _("No basis for collaboration written down.")


def _manager(network: Network, on: date, minimum) -> tuple[bool, str]:
    if network.broker_id and network.broker.is_active:
        return True, _("Manager: %(name)s.") % {"name": network.broker.get_full_name() or network.broker.username}
    return False, _("No manager appointed.")


def _independence_score(network: Network, on: date, minimum) -> tuple[bool, str]:
    from .independence import evaluate_assessment

    needed = minimum if minimum is not None else 6
    latest = network.assessments.filter(assessed_on__lte=on).order_by("-assessed_on", "-id").first()
    if latest is None:
        return False, _("No independence assessment yet.")
    result = evaluate_assessment(latest)
    return result.met_count >= needed, _("Assessment of %(day)s: %(met)s of 12 criteria met (%(needed)s needed).") % {
        "day": latest.assessed_on, "met": result.met_count, "needed": needed}


def _members_pay_majority(network: Network, on: date, minimum) -> tuple[bool, str]:
    from .funding import shares
    from .months import window_start

    s = shares(network, window_start(on, 12), on)
    if s.member_share is None:
        return False, _("No expenses recorded in the last 12 months.")
    return s.members_pay_majority, _("Members paid %(paid)s of %(expenses)s of expenses (%(share)s) in the 12 months "
                                     "to %(day)s.") % {"paid": format_money(s.contributions, s.currency),
                                                        "expenses": format_money(s.expenses, s.currency),
                                                        "share": format_share(s.member_share, places=1), "day": on}


def _members(network: Network, on: date, minimum) -> tuple[int, str]:
    n = NetworkMember.objects.filter(active_members_q(on), network=network).count()
    return n, _("%(n)s member firms on %(day)s.") % {"n": n, "day": on}


def _activities(network: Network, on: date, minimum) -> tuple[int, str]:
    n = Activity.objects.filter(network=network, occurred_on__lte=on).count()
    return n, _("%(n)s activities logged.") % {"n": n}


def _collective_activities(network: Network, on: date, minimum) -> tuple[int, str]:
    n = Activity.objects.filter(network=network, occurred_on__lte=on, kind__in=COLLECTIVE_BUSINESS_KINDS).count()
    return n, _("%(n)s collective business activities logged.") % {"n": n}


def _evaluations_per_member(network: Network, on: date, minimum) -> tuple[int, str]:
    from django.db.models import Count, Q

    from triplec.registry.models import Enterprise

    members = NetworkMember.objects.filter(active_members_q(on), network=network).values("enterprise_id")
    counts = list(Enterprise.objects.filter(pk__in=members).annotate(n=Count(
        "network_evaluations", filter=Q(network_evaluations__network=network,
                                        network_evaluations__evaluated_on__lte=on))).values_list("n", flat=True))
    if not counts:
        return 0, _("No member firms.")
    least = min(counts)
    short = sum(1 for c in counts if minimum is not None and c < minimum)
    if short:
        return least, _("Fewest evaluations of a member firm: %(least)s (%(short)s of %(firms)s firms below "
                        "%(minimum)s).") % {"least": least, "short": short, "firms": len(counts), "minimum": minimum}
    return least, _("Fewest evaluations of a member firm: %(least)s.") % {"least": least}


CONDITION_CHECKS: dict[str, Check] = {
    "target-market": Check("A named buyer or a described market (product, volume, quality).", _target_market),
    "named-buyer": Check("At least one named buyer.", _named_buyer),
    "goals": Check("Short- and medium-term goals written down.", _goals),
    "basis-for-collaboration": Check("A basis for collaboration written down.", _basis),
    "manager": Check("A broker/manager is assigned.", _manager),
    "independence-score": Check("The latest independence assessment meets at least `minimum` criteria.",
                                _independence_score),
    "members-pay-majority": Check("Members paid more than half of the expenses in the last 12 months.",
                                  _members_pay_majority),
}

COUNT_SOURCES: dict[str, Check] = {
    "members": Check("Member firms on the date.", _members),
    "activities": Check("Activities logged.", _activities),
    "collective-activities": Check("Joint purchases, joint marketing and joint projects logged.",
                                   _collective_activities),
    "evaluations-per-member": Check("The fewest evaluations of any current member firm.", _evaluations_per_member),
    "evidence": Check("A number given as evidence.", None),
}


# Validating and installing definitions --------------------------------------------------------------

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def validate_definition(definition: Mapping[str, Any]) -> dict[str, list[str]]:
    """Errors of a lifecycle definition by location ("stages[2].code", "gates[0].requirements[1]");
    empty when it is valid (see the module docstring for the rules)."""
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
        from .models import FundingSchedule
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
    from .evaluations import install_areas
    from .funding import install_schedules

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


# Checklists ----------------------------------------------------------------------------------------

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


# Evidence ------------------------------------------------------------------------------------------

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


# The one transition function ------------------------------------------------------------------------

class GateNotPassed(ValidationFailed):
    """The gate's checklist is not complete; `checklist` says what is missing and why."""

    def __init__(self, gate: Gate, result: Checklist):
        self.gate = gate
        self.checklist = result
        errors = {f"requirements.{item.requirement.code}": [f"{item.requirement.label}: {item.basis}"]
                  for item in result.missing}
        super().__init__(errors)


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


def _gates_between(kind_id: int, from_stage: Stage, to_stage: Stage) -> list[Gate]:
    return list(Gate.objects.filter(kind_id=kind_id, from_stage__order__gte=from_stage.order,
                                    to_stage__order__lte=to_stage.order, from_stage__is_closed=False)
                .order_by("from_stage__order"))


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
    if not policy.can_view_network(actor, network):
        raise NotFound(_("No such network."))
    locked = Network.objects.select_for_update().select_related("stage", "kind").get(pk=network.pk)
    require(policy.can_change_stage, actor, locked)
    target = _resolve_stage(locked, to_stage)
    current = locked.stage
    reason = (reason or "").strip()
    today = date.today()
    effective_on = effective_on or today
    if effective_on > today:
        raise ValidationFailed({"effective_on": [_("The date is in the future.")]})
    if effective_on < locked.stage_since:
        raise ValidationFailed({"effective_on": [
            _("The network has been in %(current)s since %(stage_since)s; a change cannot take effect earlier.") % {
                "current": current, "stage_since": locked.stage_since}]})
    if target.pk == current.pk:
        raise ValidationFailed({"to_stage": [_("The network is already in %(current)s.") % {
            "current": current}]})
    evidence = list(evidence or ())
    gate = None
    if current.is_closed:
        closed_from = (Transition.objects.filter(network=locked, to_stage=current).order_by("-recorded_at", "-id")
                       .values_list("from_stage_id", flat=True).first())
        if target.pk != closed_from:
            raise ValidationFailed({"to_stage": [
                _("A closed network can only be reopened in the stage it was closed from (%(stage)s).") % {
                    "stage": Stage.objects.get(pk=closed_from)} if closed_from
                else _("A closed network can only be reopened in the stage it was closed from.")]})
        kind = TransitionKind.REOPEN
    elif target.is_closed:
        kind = TransitionKind.CLOSE
    elif target.order < current.order:
        kind = TransitionKind.BACK
    else:
        kind = TransitionKind.FORWARD
        gate = Gate.objects.filter(from_stage=current, to_stage=target).first()
        if gate is None:
            skipped = _gates_between(locked.kind_id, current, target)
            names = _("; then ").join(f"'{g.name}'" for g in skipped) or _("(none defined)")
            raise ValidationFailed({"to_stage": [
                _("%(target)s cannot be reached from %(current)s in one step: pass the gates one at a time: %(names)s.") % {
                    "target": target, "current": current, "names": names}]})
    if kind != TransitionKind.FORWARD:
        if evidence:
            raise ValidationFailed({"evidence": [_("Evidence is given only when passing a gate forward.")]})
        if not reason:
            why = {TransitionKind.BACK: _("Say why the network is going back."),
                   TransitionKind.CLOSE: _("Say why the network is closing."),
                   TransitionKind.REOPEN: _("Say why the network is reopening.")}
            raise ValidationFailed({"reason": [why[kind]]})
        row = _record(actor, locked, kind, current, target, None, reason, effective_on, [], [])
        network.stage, network.stage_since = locked.stage, locked.stage_since  # the caller's copy follows
        return row
    if not policy.can_pass_gate(actor, locked, gate):
        allowed = ", ".join(str(Role(r).label) for r in gate.allowed_roles if r in Role.values)
        values = {"name": gate.name, "allowed": allowed}
        raise PermissionDenied(
            _("Only these roles may pass '%(name)s': %(allowed)s (a broker only for their own networks).") % values
            if "broker" in gate.allowed_roles else _("Only these roles may pass '%(name)s': %(allowed)s.") % values)
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
            store_evidence(actor, locked, requirement, piece)
        except ValidationFailed as exc:
            raise ValidationFailed({f"evidence[{i}].{k}": v for k, v in exc.errors.items()}) from exc
    result = checklist(locked, gate, on=effective_on)
    if not result.passable:
        raise GateNotPassed(gate, result)
    used = [e for item in result.items for e in item.evidence]
    row = _record(actor, locked, kind, current, target, gate, reason, effective_on, used,
                  [item.as_dict() for item in result.items])
    network.stage, network.stage_since = locked.stage, locked.stage_since  # the caller's copy follows
    return row


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
