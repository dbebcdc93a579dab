"""Hypothesis state machine of a contract: under any sequence of allocations, advances, deliveries,
inspections with rejections, repairs, defaults with reallocation or repayment, warranty claims,
settlements and final payments, checked against a model kept here independently of the code:

- the books balance: money in = money out + retained (held and fees) + owed, and every posting sums to zero;
- no unit is allocated twice (a line's allocations never exceed what is ordered) or to a non-member;
- the final payment never precedes the acceptance of the whole order;
- no member is paid for a rejected unit: once paid, each member's gross pay is exactly the value of
  the units it had accepted.
"""

import itertools
from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from tests.conftest import cnpj, make_enterprise

from triplec.core.errors import ValidationFailed
from triplec.ledger.models import Entry
from triplec.procurement.models import Payment
from triplec.procurement.services import allocation, defaults, deliveries, money, programmes, warranty
from triplec.registry.models import Membership, Organisation, OrganisationKind

RUN = itertools.count()
MACHINE_SETTINGS = settings(max_examples=20, stateful_step_count=30, deadline=None,
                            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
PRICES = (Decimal("33.33"), Decimal("12.35"))
MEMBERS = 4


class ContractMachine(RuleBasedStateMachine):
    desks = None  # set by the test

    def __init__(self):
        super().__init__()
        d, n = self.desks, next(RUN)
        self.association = Organisation.objects.create(kind=OrganisationKind.PRODUCERS_ASSOCIATION, country="BR",
                                                       name=f"Machine association {n}")
        self.manager = d.admin  # agency staff run the contract for the association here
        self.members = []
        for i in range(MEMBERS):
            firm = make_enterprise(legal_name=f"M{n}-{i}", national_id=cnpj(80000000 + n * 10 + i))
            Membership.objects.create(enterprise=firm, association=self.association, start_date=date(2020, 1, 1))
            self.members.append(firm)
        self.outsider = d.world.ent_b1
        programmes.set_rules(d.admin, self.association, fee_share="0.05", warranty_cost_rule="shared")
        self.contract = programmes.award_contract(
            d.admin, d.programme, association=self.association, reference=f"M{n}",
            lines=[{"product": d.desk, "quantity": q, "unit_price": p, "deadline": date(2099, 1, 1)}
                   for q, p in zip((7, 5), PRICES, strict=True)])
        self.lines = list(self.contract.lines.order_by("id"))
        self.ordered = {line.pk: line.quantity for line in self.lines}
        self.allocations = []  # [allocation, line index]
        self.delivered = {}  # allocation pk -> units delivered
        self.rejected = []  # deliveries with rejections not all assigned
        self.reworks = []
        self.accepted = {}  # (member pk, line index) -> units
        self.advance_paid = self.final_paid = False

    def _line(self, index):
        return self.lines[index]

    def _allocated(self, index):
        return sum(a.quantity for a, i in self.allocations if i == index)

    def _complete(self):
        return all(sum(u for (m, i), u in self.accepted.items() if i == k) >= self.ordered[line.pk]
                   for k, line in enumerate(self.lines))

    @rule(member=st.integers(0, MEMBERS), index=st.integers(0, 1), units=st.integers(1, 6))
    def allocate(self, member, index, units):
        firm = self.members[member] if member < MEMBERS else self.outsider
        line = self._line(index)
        if member == MEMBERS or self._allocated(index) + units > self.ordered[line.pk] or self._complete():
            with pytest.raises(ValidationFailed):
                allocation.confirm(self.manager, line, {firm: units})
            return
        (made,) = allocation.confirm(self.manager, line, {firm: units})
        self.allocations.append([made, index])
        self.delivered[made.pk] = 0

    @rule()
    def pay_advance(self):
        if self.final_paid and not self.advance_paid:
            with pytest.raises(ValidationFailed):
                money.pay_advance(self.desks.admin, self.contract)
            return
        money.pay_advance(self.desks.admin, self.contract)
        self.advance_paid = True

    @rule()
    def pass_advances(self):
        if not self.advance_paid or self.final_paid:
            with pytest.raises(ValidationFailed):
                money.pass_advances(self.manager, self.contract)
            return
        money.pass_advances(self.manager, self.contract)

    def _inspect(self, delivery, rejected):
        deliveries.inspect(self.desks.inspector, delivery, accepted=delivery.quantity - rejected, rejected=rejected,
                           reasons="Faulty" if rejected else "")
        index = next(i for i, line in enumerate(self.lines) if line.pk == delivery.line_id)
        key = (delivery.maker_id, index)
        self.accepted[key] = self.accepted.get(key, 0) + delivery.quantity - rejected
        if rejected:
            self.rejected.append([delivery, rejected])

    @precondition(lambda self: self.allocations)
    @rule(data=st.data())
    def deliver_and_inspect(self, data):
        """Deliver units of an allocation (more than it has left is refused) and inspect them."""
        made, _index = data.draw(st.sampled_from(self.allocations))
        made.refresh_from_db()
        left = made.quantity - self.delivered[made.pk]
        units = data.draw(st.integers(1, 4))
        if units > left:
            with pytest.raises(ValidationFailed):
                deliveries.record_delivery(self.manager, allocation=made, quantity=units)
            return
        delivery = deliveries.record_delivery(self.manager, allocation=made, quantity=units)
        self.delivered[made.pk] += units
        self._inspect(delivery, data.draw(st.integers(0, units)))

    @precondition(lambda self: self.rejected)
    @rule(data=st.data(), member=st.integers(0, MEMBERS - 1))
    def assign_rework(self, data, member):
        entry = data.draw(st.sampled_from(self.rejected))
        units = data.draw(st.integers(1, entry[1]))
        rework = deliveries.assign_rework(self.manager, entry[0], member=self.members[member], quantity=units)
        self.reworks.append([rework, 0])
        entry[1] -= units
        if entry[1] == 0:
            self.rejected.remove(entry)

    @precondition(lambda self: any(r.quantity > done for r, done in self.reworks))
    @rule(data=st.data())
    def deliver_rework(self, data):
        entry = data.draw(st.sampled_from([e for e in self.reworks if e[0].quantity > e[1]]))
        units = data.draw(st.integers(1, entry[0].quantity - entry[1]))
        delivery = deliveries.record_delivery(self.manager, rework=entry[0], quantity=units)
        entry[1] += units
        self._inspect(delivery, data.draw(st.integers(0, units)))

    @precondition(lambda self: any(a.defaulted_on is None and a.quantity > self.delivered[a.pk]
                                   for a, _i in self.allocations))
    @rule(data=st.data(), reallocate=st.booleans(), successor=st.integers(0, MEMBERS - 1))
    def default(self, data, reallocate, successor):
        entry = data.draw(st.sampled_from([e for e in self.allocations
                                           if e[0].defaulted_on is None and e[0].quantity > self.delivered[e[0].pk]]))
        made, index = entry
        if reallocate and self.members[successor].pk == made.member_id:
            successor = (successor + 1) % MEMBERS
        units = made.quantity - self.delivered[made.pk]
        record = defaults.record_default(self.manager, made, reason="withdrew",
                                         remedy="reallocate" if reallocate else "repay",
                                         successor=self.members[successor] if reallocate else None)
        entry[0] = record.allocation
        if reallocate:
            self.allocations.append([record.successor, index])
            self.delivered[record.successor.pk] = 0
        else:
            self.ordered[self.lines[index].pk] -= units
        # Repairs the defaulter had not delivered are closed: their units can be assigned again.
        for rework_entry in self.reworks:
            rework = rework_entry[0]
            if rework.member_id == made.member_id and rework.quantity > rework_entry[1]:
                undone = rework.quantity - rework_entry[1]
                rework.refresh_from_db()
                source = next((e for e in self.rejected if e[0].pk == rework.delivery_id), None)
                if source is None:
                    self.rejected.append([rework.delivery, undone])
                else:
                    source[1] += undone

    @rule(member=st.integers(0, MEMBERS - 1))
    def finish_the_order(self, member):
        """Allocate what is left to one member, reassign open rejections, deliver everything and
        accept it all: makes the whole-order acceptance (and so the final payment) common."""
        firm = self.members[member]
        if not self._complete():
            for index, line in enumerate(self.lines):
                left = self.ordered[line.pk] - self._allocated(index)
                if left > 0:
                    self.allocate(member, index, left)
        for entry in list(self.rejected):
            rework = deliveries.assign_rework(self.manager, entry[0], member=firm, quantity=entry[1])
            self.reworks.append([rework, 0])
            self.rejected.remove(entry)
        for made, _index in self.allocations:
            made.refresh_from_db()
            left = made.quantity - self.delivered[made.pk]
            if left > 0:
                self._inspect(deliveries.record_delivery(self.manager, allocation=made, quantity=left), 0)
                self.delivered[made.pk] += left
        for entry in self.reworks:
            entry[0].refresh_from_db()
            if entry[0].quantity > entry[1]:
                self._inspect(deliveries.record_delivery(self.manager, rework=entry[0],
                                                         quantity=entry[0].quantity - entry[1]), 0)
                entry[1] = entry[0].quantity
        assert self._complete()

    @rule()
    def pay_final(self):
        if not self._complete():
            with pytest.raises(ValidationFailed, match="whole order"):
                money.pay_final(self.desks.admin, self.contract)
            return
        money.pay_final(self.desks.admin, self.contract)
        self.final_paid = True

    @precondition(lambda self: self._complete() and self.accepted)
    @rule(data=st.data(), cents=st.integers(0, 5000))
    def warranty_claim(self, data, cents):
        (maker, index), units = data.draw(st.sampled_from([kv for kv in self.accepted.items() if kv[1] > 0]))
        warranty.claim(self.desks.inspector, self.lines[index], maker=next(m for m in self.members if m.pk == maker),
                       units=data.draw(st.integers(1, units)), description="Fault",
                       repair_cost=Decimal(cents) / 100)

    @rule(data=st.data())
    def settle(self, data):
        debts = {k: v for k, v in money.contract_balances(self.contract).debts.items() if v > 0}
        if not debts:
            return
        member = data.draw(st.sampled_from(sorted(debts)))
        amount = data.draw(st.integers(1, int(debts[member] * 100))) / Decimal(100)
        money.settle_debt(self.manager, self.contract, next(m for m in self.members if m.pk == member), amount,
                          f"s{data.draw(st.integers(0, 10 ** 9))}")

    @invariant()
    def books_balance(self):
        b = money.contract_balances(self.contract)
        assert b.paid_in == b.paid_out + b.held + b.retained + b.owed
        # Every posting stays within the contract's accounts: their entries sum to zero.
        total = Entry.objects.filter(account__code__startswith=f"procurement:{self.contract.pk}:").aggregate(
            s=Sum("units"))["s"]
        assert (total or 0) == 0

    @invariant()
    def never_over_allocated_nor_to_a_non_member(self):
        for line in self.lines:
            line.refresh_from_db()
            assert line.ordered == self.ordered[line.pk]
            assert sum(a.quantity for a in line.allocations.all()) <= line.ordered
            assert set(line.allocations.values_list("member_id", flat=True)) <= {m.pk for m in self.members}

    @invariant()
    def final_payment_only_after_whole_acceptance_and_only_for_accepted_units(self):
        paid = Payment.objects.filter(contract=self.contract, kind__in=(
            Payment.Kind.FINAL, Payment.Kind.FINAL_TO_MEMBER, Payment.Kind.SHORTFALL_DEBT)).exists()
        if paid:
            assert self.final_paid and self._complete()
        if self.final_paid:
            for member in self.members:
                earned = sum(units * PRICES[i] for (m, i), units in self.accepted.items() if m == member.pk)
                kinds = Payment.objects.filter(contract=self.contract, member=member)

                def gross(kind, kinds=kinds):
                    return sum((p.gross for p in kinds.filter(kind=kind)), Decimal(0))
                pay = (gross(Payment.Kind.ADVANCE_TO_MEMBER) + gross(Payment.Kind.FINAL_TO_MEMBER)
                       - gross(Payment.Kind.DEFAULT_DEBT) - gross(Payment.Kind.SHORTFALL_DEBT))
                assert pay == earned, member


@pytest.mark.django_db
def test_no_sequence_of_contract_events_breaks_the_books_or_the_rules(desks):
    ContractMachine.desks = desks
    run_state_machine_as_test(ContractMachine, settings=MACHINE_SETTINGS)
