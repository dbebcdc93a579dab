"""The shipped lifecycles and kinds, as declarative definitions (see the package docstring for the shape).

Shipped lifecycles: the Danish hurdles (Box 2: create interest, identify a viable network idea,
convince a group to take ownership, convince it to do a feasibility study, then implement) and the
PROFO stages (s.4.5: preparation, consolidation, independence), with "graduated" for a PROFO that
has become independent of subsidy.
"""

from __future__ import annotations

import copy
from typing import Any

from django.utils.translation import gettext_noop

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
