"""Every write about networks goes through these functions: they check permission (in
`networks.policy`), validate, and save inside one transaction, raising `triplec.core.errors`
(ValidationFailed with field errors, PermissionDenied, NotFound). Pages, API, demo and tests call
them; none re-implements a rule. The stage changes only through `transition` (from `lifecycle`).

One module per job: kinds, networks (and members), evidence, activities, money, evaluations,
independence; this package re-exports their public names (`services.record_cost(...)`).
"""

from __future__ import annotations

from ..lifecycle import GateNotPassed, transition
from .activities import ACTIVITY_FIELDS, SUPPORT_BODY_KINDS, not_a_member_on, record_activity
from .evaluations import record_evaluation
from .evidence import add_gate_evidence, requirement_of, withdraw_gate_evidence
from .independence import record_assessment
from .kinds import KIND_SPEC_FIELDS, define_kind, get_kind, redefine_kind
from .money import (
    accrue_manager_costs,
    create_contract,
    end_contract,
    record_contribution,
    record_cost,
    reverse_contribution,
    reverse_cost,
)
from .networks import (
    LEDGER_BOUND_FIELDS,
    NETWORK_FIELDS,
    TEXT_FIELDS,
    add_member,
    create_network,
    default_joined_on,
    end_member,
    get_network,
    update_network,
)

__all__ = [
    "ACTIVITY_FIELDS", "KIND_SPEC_FIELDS", "LEDGER_BOUND_FIELDS", "NETWORK_FIELDS", "SUPPORT_BODY_KINDS", "TEXT_FIELDS",
    "GateNotPassed", "accrue_manager_costs", "add_gate_evidence", "add_member", "create_contract", "create_network",
    "default_joined_on", "define_kind", "end_contract", "end_member", "get_kind", "get_network", "not_a_member_on",
    "record_activity", "record_assessment", "record_contribution", "record_cost", "record_evaluation",
    "redefine_kind", "requirement_of", "reverse_contribution", "reverse_cost", "transition", "update_network",
    "withdraw_gate_evidence",
]
