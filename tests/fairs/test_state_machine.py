"""Hypothesis state machine of a fairs programme: under any sequence of sign-ups (alone or at a group
stand shared by area) and payments of costs, in any order, checked against a model kept here:

- fees and subsidies on the ledger always balance: every posting sums to zero, and the exhibition costs
  paid at the fairs equal the programme's subsidies plus what the firms paid themselves;
- each paid participation's recorded subsidy is what the ledger shows, and the model's own computation
  of the rules (size share, group share far away, decline on repeat, yearly cap) gives the same cents;
- no firm gets more than the yearly cap in a year; a group stand's parts add up to its cost exactly.
"""

import itertools
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from tests.conftest import cnpj, make_enterprise

from triplec.core.errors import ValidationFailed
from triplec.fairs.models import Participation
from triplec.fairs.services import money, programmes
from triplec.ledger.models import Entry
from triplec.registry.models import Membership, Organisation, OrganisationKind

RUN = itertools.count()
MACHINE_SETTINGS = settings(max_examples=15, stateful_step_count=25, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
SHARES = {"micro": Decimal("0.5"), "small": Decimal("0.5"), "medium": Decimal("0.2"), "large": Decimal(0)}
EXTRA, STEP, CAP = Decimal("0.15"), Decimal("0.1"), Decimal("2500.00")
EMPLOYEES = (3, 20, 120, 400)  # micro, small, medium, large
CENT = Decimal("0.01")
costs = st.integers(min_value=1, max_value=400_000).map(lambda c: Decimal(c) * CENT)


class FairsMachine(RuleBasedStateMachine):
    world = None  # set by the test

    def __init__(self):
        super().__init__()
        w, n = self.world, next(RUN)
        self.admin = w.users["agency-admin"]
        self.programme = programmes.create_programme(
            self.admin, name=f"Machine {n}", currency="BRL", yearly_cap=str(CAP), group_extra_share=str(EXTRA),
            repeat_step=str(STEP), **{f"share_{k}": str(v) for k, v in SHARES.items()})
        association = Organisation.objects.create(kind=OrganisationKind.PRODUCERS_ASSOCIATION, country="BR",
                                                  name=f"Machine association {n}")
        self.firms = []
        for i, employees in enumerate(EMPLOYEES):
            firm = make_enterprise(legal_name=f"F{n}-{i}", national_id=cnpj(60000000 + n * 10 + i), employees=employees)
            Membership.objects.create(enterprise=firm, association=association, start_date=date(2020, 1, 1))
            self.firms.append(firm)
        days = (date(2027, 3, 1), date(2027, 6, 1), date(2027, 11, 1), date(2028, 4, 1))
        self.fairs = [programmes.add_fair(self.admin, self.programme, name=f"Fair {i}", organiser="O", place="P",
                                          country="BR", starts_on=d, ends_on=d, scope="international" if i % 2 else
                                          "national") for i, d in enumerate(days)]
        self.stands = [programmes.add_group_stand(self.admin, fair, association=association, total_cost="9999.99",
                                                  cost_sharing="area") for fair in self.fairs]
        self.used = defaultdict(Decimal)  # (firm id, year) -> subsidy the model says was paid
        self.subsidised = defaultdict(list)  # firm id -> start days of its subsidised participations

    @rule(firm=st.integers(0, 3), fair=st.integers(0, 3), cost=costs)
    def sign_up_alone(self, firm, fair, cost):
        try:
            programmes.sign_up(self.admin, self.fairs[fair], self.firms[firm], cost=cost)
        except ValidationFailed:  # already at that fair
            assert Participation.objects.filter(fair=self.fairs[fair], enterprise=self.firms[firm]).exists()

    @rule(firm=st.integers(0, 3), fair=st.integers(0, 3), area=st.integers(1, 40))
    def sign_up_at_stand(self, firm, fair, area):
        try:
            programmes.sign_up(self.admin, self.fairs[fair], self.firms[firm], stand=self.stands[fair], area_m2=area)
        except ValidationFailed:  # already at that fair, or the stand has been paid
            assert (Participation.objects.filter(fair=self.fairs[fair], enterprise=self.firms[firm]).exists()
                    or programmes.stand_paid(self.stands[fair]))

    def _expected(self, p: Participation) -> Decimal:
        share = SHARES[p.enterprise.size_class]
        if p.stand_id and p.fair.scope == "international":
            share += EXTRA
        earlier = len([d for d in self.subsidised[p.enterprise_id] if d < p.fair.starts_on])
        share = max(share - STEP * earlier, Decimal(0))
        amount = (p.cost * share).quantize(CENT, rounding=ROUND_HALF_UP)
        return min(amount, max(CAP - self.used[(p.enterprise_id, p.fair.starts_on.year)], Decimal(0)))

    @rule(pick=st.integers(0, 10_000))
    def pay_one(self, pick):
        unpaid = list(Participation.objects.filter(fair__programme=self.programme, transaction__isnull=True)
                      .select_related("fair", "enterprise").order_by("id"))
        if not unpaid:
            return
        p = unpaid[pick % len(unpaid)]
        expected = self._expected(p)
        paid = money.pay_costs(self.admin, p)
        assert paid.subsidy == expected, (paid.explanation, expected)
        self.used[(p.enterprise_id, p.fair.starts_on.year)] += expected
        if expected > 0:
            self.subsidised[p.enterprise_id].append(p.fair.starts_on)

    @invariant()
    def the_books_balance(self):
        totals = money.programme_totals(self.programme)
        assert totals.costs == totals.subsidies + totals.own
        paid = Participation.objects.filter(fair__programme=self.programme, transaction__isnull=False)
        assert totals.costs == sum((p.cost for p in paid), Decimal(0))
        for p in paid:
            on_ledger = money.paid_for(p)
            assert on_ledger.subsidy == p.subsidy and on_ledger.total == p.cost
            assert p.transaction.entries.aggregate(s=Sum("units"))["s"] == 0
        assert Entry.objects.aggregate(s=Sum("units"))["s"] in (0, None)

    @invariant()
    def caps_hold_and_stands_add_up(self):
        for firm in self.firms:
            for year in (2027, 2028):
                assert money.subsidy_received(self.programme, firm.pk, year) <= CAP
        for stand in self.stands:
            parts = [p.cost for p in stand.participations.all()]
            assert not parts or sum(parts, Decimal(0)) == stand.total_cost


@pytest.mark.django_db
def test_no_sequence_of_sign_ups_and_payments_unbalances_the_books_or_breaks_the_cap(world):
    FairsMachine.world = world
    run_state_machine_as_test(FairsMachine, settings=MACHINE_SETTINGS)
