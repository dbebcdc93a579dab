"""The lifecycle engine: stages and gates as data per kind, and the one transition function.

A kind's lifecycle is a declarative structure (a dict, `shipped.py` for the shipped ones) installed
into the `Stage`, `Gate` and `GateRequirement` tables, so an agency can define its own kinds with the
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

The modules, by job: `shipped` (the shipped definitions), `checks` (what a requirement can check),
`definitions` (validating, installing and reading back a definition), `checklists` (a gate's
requirements met or not), `evidence` (validating and storing evidence) and `transitions` (the
transition function and the history). Every public name is importable from this package.
"""

from .checklists import (
    Checklist,
    RequirementStatus,
    checklist,
    current_evidence,
    next_gate,
    requirement_status,
)
from .checks import CONDITION_CHECKS, COUNT_SOURCES, Check
from .definitions import _SLUG, definition_of, install_kind, install_shipped, validate_definition
from .evidence import EVIDENCE_FIELDS, store_evidence
from .shipped import (
    AGENCY,
    BROKER_OR_AGENCY,
    DANISH_HURDLES,
    LIFECYCLES,
    PROFO_LIFECYCLE,
    SHIPPED_KINDS,
    TARGET_MARKET,
)
from .transitions import GateNotPassed, gate_role_refusal, history, start, transition

__all__ = [
    "AGENCY", "BROKER_OR_AGENCY", "CONDITION_CHECKS", "COUNT_SOURCES", "DANISH_HURDLES", "EVIDENCE_FIELDS",
    "LIFECYCLES", "PROFO_LIFECYCLE", "SHIPPED_KINDS", "TARGET_MARKET", "_SLUG", "Check", "Checklist",
    "GateNotPassed", "RequirementStatus", "checklist", "current_evidence", "definition_of", "gate_role_refusal",
    "history", "install_kind", "install_shipped", "next_gate", "requirement_status", "start", "store_evidence",
    "transition", "validate_definition",
]
