"""Networks of firms and everything that happens to them, one module per job; every model and name
is importable from this package (Django, callers and migrations see `triplec.networks.models`).

- `definitions`: held as data so an agency can add its own kinds: `NetworkKind` with its `Stage`s,
  the `Gate` between each stage and the next, and each gate's `GateRequirement`s (the evidence it
  needs); `FundingSchedule` + `FundingRule` (who pays which share of which cost, by network age);
  `EvaluationArea` (what the bi-annual evaluations score).
- `network`: a `Network`: kind, stage, members over time (`NetworkMember`), target buyers
  (`TargetBuyer`) or a described market, goals, broker.
- `transitions`: its stage changes only through `lifecycle.transition`, which writes a `Transition`
  row with the evidence (`GateEvidence`) it relied on.
- `activities`: what the network does: `Activity` with `Attendance` per member firm and broker hours.
- `money`: `ManagerContract`, and two append-only ledgers, `CostEntry` (the network's expenses) and
  `ContributionEntry` (what member firms paid). Corrections are reversing entries; shares are derived.
- `evaluations`: `Evaluation` + `EvaluationScore` (each member firm, each area, every six months).
- `independence`: `IndependenceAssessment` + `CriterionJudgement` (Dini's twelve criteria; the seven
  that data can answer are computed from the records in `networks/independence.py`, the five others
  are judged here).
"""

# In this order, not sorted: Django registers the models as they are imported (the order dumpdata follows).
# ruff: noqa: I001
from .definitions import (
    ALL_CATEGORIES,
    CostCategory,
    EvaluationArea,
    FundingRule,
    FundingSchedule,
    Gate,
    GateRequirement,
    NetworkKind,
    RequirementType,
    Stage,
)
from .network import Network, NetworkMember, TargetBuyer, active_members_q
from .transitions import GateEvidence, Transition, TransitionKind, _evidence_path
from .activities import COLLECTIVE_BUSINESS_KINDS, Activity, ActivityKind, Attendance
from .money import (
    MONEY,
    AppendOnlyQuerySet,
    ContributionEntry,
    CostEntry,
    EntryKind,
    LedgerEntry,
    ManagerContract,
    _ledger_constraints,
)
from .evaluations import SCORE_LABELS, SCORE_MAX, SCORE_MIN, Evaluation, EvaluationScore, score_label
from .independence import CriterionJudgement, IndependenceAssessment

# simple_history sets each Historical<Model> on the module that defines <Model>; here as before the split.
from .definitions import (
    HistoricalEvaluationArea,
    HistoricalFundingRule,
    HistoricalFundingSchedule,
    HistoricalGate,
    HistoricalGateRequirement,
    HistoricalNetworkKind,
    HistoricalStage,
)
from .network import HistoricalNetwork, HistoricalNetworkMember, HistoricalTargetBuyer
from .transitions import HistoricalGateEvidence
from .activities import HistoricalActivity
from .money import HistoricalManagerContract
from .evaluations import HistoricalEvaluation, HistoricalEvaluationScore
from .independence import HistoricalCriterionJudgement, HistoricalIndependenceAssessment

__all__ = [
    "ALL_CATEGORIES", "COLLECTIVE_BUSINESS_KINDS", "MONEY", "SCORE_LABELS", "SCORE_MAX", "SCORE_MIN",
    "Activity", "ActivityKind", "AppendOnlyQuerySet", "Attendance", "ContributionEntry", "CostCategory",
    "CostEntry", "CriterionJudgement", "EntryKind", "Evaluation", "EvaluationArea", "EvaluationScore",
    "FundingRule", "FundingSchedule", "Gate", "GateEvidence", "GateRequirement", "IndependenceAssessment",
    "LedgerEntry", "ManagerContract", "Network", "NetworkKind", "NetworkMember", "RequirementType", "Stage",
    "TargetBuyer", "Transition", "TransitionKind", "_evidence_path", "_ledger_constraints", "active_members_q",
    "score_label",
    "HistoricalActivity", "HistoricalCriterionJudgement", "HistoricalEvaluation", "HistoricalEvaluationArea",
    "HistoricalEvaluationScore", "HistoricalFundingRule", "HistoricalFundingSchedule", "HistoricalGate",
    "HistoricalGateEvidence", "HistoricalGateRequirement", "HistoricalIndependenceAssessment",
    "HistoricalManagerContract", "HistoricalNetwork", "HistoricalNetworkKind", "HistoricalNetworkMember",
    "HistoricalStage", "HistoricalTargetBuyer",
]
