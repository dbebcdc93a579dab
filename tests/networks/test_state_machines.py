"""Hypothesis state machines: no sequence of actions skips a gate, passes the idea gate without a
target customer or market, or makes the ledgers disagree with the derived shares.

Each machine keeps its own model of the world, written independently of the code under test, and
predicts the outcome of every action (success or refusal); the real services must agree, and the
invariants are checked after every step.
"""

import itertools
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tests.conftest import make_enterprise

from triplec.core.errors import ValidationFailed
from triplec.networks import funding, lifecycle, services
from triplec.networks.models import (
    ContributionEntry,
    CostEntry,
    GateEvidence,
    GateRequirement,
    Network,
    NetworkMember,
    RequirementType,
)

TODAY = date.today()
START = date(2022, 1, 1)
COUNTER = itertools.count()
MACHINE_SETTINGS = settings(max_examples=10, stateful_step_count=25, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
# Longer runs for the lifecycle: with these, runs reach every stage, go back and close (measured).
LIFECYCLE_SETTINGS = settings(MACHINE_SETTINGS, max_examples=15, stateful_step_count=50)
pytestmark = pytest.mark.slow


@dataclass
class Context:
    admin: object
    broker: object
    buyer: object
    firms: list


CTX: Context | None = None


@pytest.fixture
def context(nets):
    global CTX
    firms = [make_enterprise(legal_name=f"Machine firm {i}", national_id=f"MF-{i}", country="DK") for i in range(5)]
    CTX = Context(nets.users["agency-admin"], nets.users["broker"], nets.world.buyer, firms)
    yield CTX
    CTX = None


# The lifecycle ---------------------------------------------------------------------------------------

OPEN = ["interest", "viable-idea", "group-ownership", "feasibility-study", "implementation", "operating"]
EVIDENCE = {"network-idea": {"reference": "ref"}, "group-decision": {"text": "We go", "date": START},
            "study-terms": {"reference": "tor"}, "study-start": {"date": START},
            "study-report": {"reference": "report"}, "go-decision": {"text": "Go", "date": START},
            "cooperation-agreement": {"reference": "agreement"}}


class DanishLifecycle(RuleBasedStateMachine):
    """A brokered network driven by random actions; the model predicts every transition's outcome
    from the Box 2 hurdles as listed in the shipped definition."""

    def __init__(self):
        super().__init__()
        c = CTX
        self.broker = c.broker
        self.network = services.create_network(c.admin, {
            "kind": "brokered", "name": f"Machine network {next(COUNTER)}", "currency": "DKK", "started_on": START,
            "broker": c.broker})
        self.requirements = {r.code: r.pk for r in GateRequirement.objects.filter(gate__kind=self.network.kind)}
        self.stage = "interest"
        self.closed_from = None
        self.buyer = False
        self.market = {"market_product": False, "market_volume": False, "market_quality": False}
        self.goals = {"short_term_goals": False, "medium_term_goals": False}
        self.firm_state = {i: "never" for i in range(len(c.firms))}
        self.collective = 0
        self.evidence = dict.fromkeys(EVIDENCE, 0)

    # the model's view of each gate
    def has_market(self) -> bool:
        return self.buyer or all(self.market.values())

    def members(self) -> int:
        return sum(1 for s in self.firm_state.values() if s == "member")

    def gate_met(self, index: int) -> bool:
        e = self.evidence
        return [
            self.has_market() and e["network-idea"] > 0,
            e["group-decision"] > 0 and self.members() >= 3 and all(self.goals.values()),
            e["study-terms"] > 0 and e["study-start"] > 0,
            e["study-report"] > 0 and e["go-decision"] > 0,
            self.collective >= 1 and e["cooperation-agreement"] > 0,
        ][index]

    @rule(code=st.sampled_from(sorted(EVIDENCE)))
    def attach_evidence(self, code):
        services.add_gate_evidence(self.broker, self.network, self.requirements[code], **EVIDENCE[code])
        self.evidence[code] += 1

    @rule(code=st.sampled_from(sorted(EVIDENCE)))
    def withdraw_evidence(self, code):
        piece = GateEvidence.objects.filter(network=self.network, requirement__code=code,
                                            withdrawn_at__isnull=True).first()
        assert (piece is not None) == (self.evidence[code] > 0)
        if piece is not None:
            services.withdraw_gate_evidence(self.broker, piece, "withdrawn by the machine")
            self.evidence[code] -= 1

    def set_buyer(self, on):
        services.update_network(self.broker, self.network, {"target_buyers": [CTX.buyer] if on else []})
        self.buyer = on

    def set_market(self, field, on):
        services.update_network(self.broker, self.network, {field: "described" if on else ""})
        self.market[field] = on

    def set_goals(self, field, on):
        services.update_network(self.broker, self.network, {field: "a goal" if on else ""})
        self.goals[field] = on

    def join(self, i):
        firm = CTX.firms[i]
        if self.stage == "closed" or self.firm_state[i] != "never":
            with pytest.raises(ValidationFailed):
                services.add_member(self.broker, self.network, firm, START)
            return
        services.add_member(self.broker, self.network, firm, START)
        self.firm_state[i] = "member"

    def leave(self, i):
        if self.firm_state[i] != "member":
            return
        member = NetworkMember.objects.get(network=self.network, enterprise=CTX.firms[i], left_on__isnull=True)
        services.end_member(self.broker, member, TODAY - timedelta(days=1))
        self.firm_state[i] = "left"

    def joint_purchase(self):
        data = {"kind": "joint-purchase", "occurred_on": TODAY, "title": "Bought together"}
        if self.stage == "closed":
            with pytest.raises(ValidationFailed):
                services.record_activity(self.broker, self.network, data)
            return
        services.record_activity(self.broker, self.network, data)
        self.collective += 1

    @rule(data=st.data())
    def change_a_fact(self, data):
        """Any change to the records a gate reads: buyer, described market, goals, members, activity."""
        kind = data.draw(st.sampled_from(["buyer", "market", "goals", "join", "leave", "activity"]))
        if kind == "buyer":
            self.set_buyer(data.draw(st.booleans()))
        elif kind == "market":
            self.set_market(data.draw(st.sampled_from(sorted(self.market))), data.draw(st.booleans()))
        elif kind == "goals":
            self.set_goals(data.draw(st.sampled_from(sorted(self.goals))), data.draw(st.booleans()))
        elif kind == "join":
            self.join(data.draw(st.integers(0, 4)))
        elif kind == "leave":
            self.leave(data.draw(st.integers(0, 4)))
        else:
            self.joint_purchase()

    # Goal-directed rules, so that random runs get past the first gates: fix one thing the model says
    # the next gate lacks, or try the next stage. The random rules above and below undo and skip.
    def missing_for_next_gate(self) -> list[str]:
        if self.stage not in OPEN[:-1]:
            return []
        e, index = self.evidence, OPEN.index(self.stage)
        wanted = [
            ([] if self.has_market() else ["buyer", "described-market"]) + ["ev:network-idea"],
            ["ev:group-decision"] + (["join"] if self.members() < 3 else []) + (
                [] if all(self.goals.values()) else ["goals"]),
            ["ev:study-terms", "ev:study-start"],
            ["ev:study-report", "ev:go-decision"],
            (["activity"] if self.collective < 1 else []) + ["ev:cooperation-agreement"],
        ][index]
        return [w for w in wanted if not (w.startswith("ev:") and e[w[3:]] > 0)]

    @rule(data=st.data())
    def fix_one_missing_thing(self, data):
        missing = self.missing_for_next_gate()
        if not missing:
            return
        self.fix(data.draw(st.sampled_from(missing)))

    def fix(self, what: str) -> None:
        if what.startswith("ev:"):
            self.attach_evidence(what[3:])
        elif what == "buyer":
            self.set_buyer(True)
        elif what == "described-market":
            for field in self.market:
                self.set_market(field, True)
        elif what == "goals":
            for field in self.goals:
                self.set_goals(field, True)
        elif what == "join":
            newcomers = [i for i, state in self.firm_state.items() if state == "never"]
            if newcomers:
                self.join(newcomers[0])
        elif what == "activity":
            self.joint_purchase()

    @rule()
    def prepare_the_next_gate(self):
        for _ in range(3):  # joining may take several firms
            for what in self.missing_for_next_gate():
                self.fix(what)

    @rule()
    def try_the_next_stage(self):
        if self.stage in OPEN[:-1]:
            self.move(OPEN[OPEN.index(self.stage) + 1], False)

    @rule(to=st.sampled_from([*OPEN, "closed"]), with_reason=st.booleans())
    def move(self, to, with_reason):
        target = to
        reason = "the machine says so" if with_reason else ""
        current = self.stage
        if target == current:
            allowed = False
        elif current == "closed":
            allowed = target == self.closed_from and with_reason
        elif target == "closed":
            allowed = with_reason
        elif OPEN.index(target) < OPEN.index(current):
            allowed = with_reason
        elif OPEN.index(target) == OPEN.index(current) + 1:
            allowed = self.gate_met(OPEN.index(current))
        else:
            allowed = False  # skipping
        if not allowed:
            with pytest.raises(ValidationFailed):
                services.transition(self.broker, self.network, target, reason=reason)
            return
        services.transition(self.broker, self.network, target, reason=reason)
        if target == "closed":
            self.closed_from = current
        self.stage = target

    @invariant()
    def stage_matches_the_model_and_the_history(self):
        network = Network.objects.select_related("stage").get(pk=self.network.pk)
        assert network.stage.code == self.stage
        rows = lifecycle.history(network)
        assert rows[-1].to_stage == network.stage
        for previous, row in zip(rows, rows[1:], strict=False):
            assert row.from_stage == previous.to_stage
            if row.kind == "forward":
                assert row.gate.from_stage == row.from_stage and row.gate.to_stage == row.to_stage
                assert row.to_stage.order == row.from_stage.order + 1  # never skipped
                assert all(item["met"] for item in row.checklist)
            if row.to_stage.code == "viable-idea" and row.kind == "forward":
                market = next(i for i in row.checklist if i["code"] == "target-market")
                assert market["met"]
            if row.kind in ("back", "close", "reopen"):
                assert row.reason


def test_no_sequence_of_actions_skips_a_gate_or_passes_the_idea_gate_without_a_market(context):
    assert {r.type for r in GateRequirement.objects.filter(code__in=EVIDENCE)} <= {
        RequirementType.DOCUMENT, RequirementType.DECISION, RequirementType.DATE, RequirementType.PLANNED_DATE}
    run_state_machine_as_test(DanishLifecycle, settings=LIFECYCLE_SETTINGS)


# The ledgers -------------------------------------------------------------------------------------------

KEYS = [f"k{i}" for i in range(6)]
CATEGORIES = ["manager", "travel", "consultant"]
days = st.integers(0, (TODAY - START).days).map(lambda n: START + timedelta(days=n))
cents = st.integers(1, 5_000_000).map(lambda n: Decimal(n) / 100)


def export_profo_agency_share(category: str, day: date) -> Decimal:
    """The export PROFO rule, written again for the model: 70% of the manager in months 0-35
    counted from 1 January 2022, nothing otherwise."""
    month = (day.year - START.year) * 12 + (day.month - START.month)
    return Decimal("0.70") if category == "manager" and month < 36 else Decimal(0)


class Ledgers(RuleBasedStateMachine):
    """Random payments, costs, replays, key clashes and reversals on an export PROFO; the shares
    derived by the code must equal the model's sums over every period checked."""

    def __init__(self):
        super().__init__()
        c = CTX
        self.actor = c.admin
        self.network = services.create_network(c.admin, {
            "kind": "export-profo", "name": f"Ledger machine {next(COUNTER)}", "currency": "CLP", "started_on": START})
        for firm in c.firms:
            services.add_member(c.admin, self.network, firm, START)
        self.contributions = {}  # key -> (firm index, amount, day)
        self.costs = {}          # key -> (category, amount, day)
        self.reversed_contributions = set()
        self.reversed_costs = set()

    @rule(key=st.sampled_from(KEYS), i=st.integers(0, 4), amount=cents, day=days)
    def pay(self, key, i, amount, day):
        call = dict(enterprise=CTX.firms[i], amount=amount, paid_on=day, idempotency_key=key)
        known = self.contributions.get(key)
        if known is not None and known != (i, amount, day):
            with pytest.raises(ValidationFailed):
                services.record_contribution(self.actor, self.network, **call)
            return
        entry, created = services.record_contribution(self.actor, self.network, **call)
        assert created == (known is None)
        self.contributions[key] = (i, amount, day)

    @rule(key=st.sampled_from(KEYS), category=st.sampled_from(CATEGORIES), amount=cents, day=days)
    def spend(self, key, category, amount, day):
        call = dict(category=category, amount=amount, incurred_on=day, idempotency_key=key)
        known = self.costs.get(key)
        if known is not None and known != (category, amount, day):
            with pytest.raises(ValidationFailed):
                services.record_cost(self.actor, self.network, **call)
            return
        entry, created = services.record_cost(self.actor, self.network, **call)
        assert created == (known is None)
        self.costs[key] = (category, amount, day)

    @precondition(lambda self: self.contributions)
    @rule(data=st.data())
    def reverse_payment(self, data):
        key = data.draw(st.sampled_from(sorted(self.contributions)))
        entry = ContributionEntry.objects.get(network=self.network, idempotency_key=key)
        reversal, created = services.reverse_contribution(self.actor, entry, "machine correction")
        assert created == (key not in self.reversed_contributions)
        self.reversed_contributions.add(key)

    @precondition(lambda self: self.costs)
    @rule(data=st.data())
    def reverse_cost(self, data):
        key = data.draw(st.sampled_from(sorted(self.costs)))
        entry = CostEntry.objects.get(network=self.network, idempotency_key=key)
        reversal, created = services.reverse_cost(self.actor, entry, "machine correction")
        assert created == (key not in self.reversed_costs)
        self.reversed_costs.add(key)

    def model(self, start: date, end: date):
        expenses = agency = contributions = Decimal(0)
        by_member = {}
        for key, (category, amount, day) in self.costs.items():
            if start <= day <= end and key not in self.reversed_costs:
                expenses += amount
                # each entry's agency part is rounded to the cent on its own (banker's rounding), so years add
                # up to the lifetime figures exactly
                agency += (amount * export_profo_agency_share(category, day)).quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN)
        for key, (i, amount, day) in self.contributions.items():
            if start <= day <= end:
                firm = CTX.firms[i].pk
                net = Decimal(0) if key in self.reversed_contributions else amount
                by_member[firm] = by_member.get(firm, Decimal(0)) + net
                contributions += net
        return expenses, agency, contributions, by_member

    @invariant()
    def ledgers_agree_with_the_derived_shares(self):
        years = funding.shares_by_year(self.network, through=TODAY)
        life = funding.lifetime_shares(self.network, through=TODAY)
        assert [y for y, _ in years] == list(range(1, len(years) + 1)) and years[0][1].start == START
        for s in [life] + [s for _, s in years]:
            expenses, agency, contributions, by_member = self.model(s.start, s.end)
            assert (s.expenses, s.agency_due, s.contributions) == (expenses, agency, contributions)
            assert s.members_due == expenses - agency
            assert s.by_member == by_member
            if expenses > 0:
                assert s.member_share == (contributions / expenses).quantize(Decimal("0.0001"))
            else:
                assert s.member_share is None
        assert sum((s.expenses for _, s in years), Decimal(0)) == life.expenses
        assert sum((s.contributions for _, s in years), Decimal(0)) == life.contributions
        assert ContributionEntry.objects.filter(network=self.network).count() == (
            len(self.contributions) + len(self.reversed_contributions))
        assert CostEntry.objects.filter(network=self.network).count() == len(self.costs) + len(self.reversed_costs)


def test_no_sequence_of_ledger_actions_makes_the_ledgers_disagree_with_the_shares(context):
    run_state_machine_as_test(Ledgers, settings=MACHINE_SETTINGS)
