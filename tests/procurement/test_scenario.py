"""The Ceará scenario, every balance to the cent against figures computed by hand (below, not by the code).

Ten sawmills S1..S10; 2,000 school desks at R$ 187.35 = R$ 374,700.00; 50% advance = R$ 187,350.00;
the association keeps a 5% fee on what it passes to members (halves rounded up); warranty repairs are
charged to the maker.

- Allocation: 200 desks each. Each allocation is worth 200 x 187.35 = 37,470.00; its advance is
  18,735.00 gross, fee 936.75, net 17,798.25. Held after passing: 187,350 - 10 x 18,735 = 0;
  retained 10 x 936.75 = 9,367.50.
- S10 delivers 80 (accepted), then ceases: 120 undelivered, reallocated to S1. Advance moving:
  0.5 x 120 x 187.35 = 11,241.00 gross, fee 562.05, net 10,678.95. S10's debt: 10,678.95; S10 keeps
  17,798.25 - 10,678.95 = 7,119.30. S1 gets 10,678.95 more (28,477.20). Held -11,241.00; retained
  9,367.50 + 562.05 = 9,929.55.
- S3 delivers 200: 170 accepted, 30 rejected; repaired by S4 (30 accepted).
- Accepted: S1 320, S2 200, S3 170, S4 230, S5-S9 200 each, S10 80 = 2,000.
- Final: the purchaser pays 374,700 - 187,350 = 187,350.00; held 176,109.00. Each member: accepted
  value less the gross advance it kept, less 5%:
    S1  320 x 187.35 = 59,952.00 - 29,976.00 = 29,976.00; fee 1,498.80; net 28,477.20 -> 56,954.40
    S2  37,470.00 - 18,735.00 = 18,735.00; fee 936.75; net 17,798.25 -> 35,596.50 (S5-S9 the same)
    S3  31,849.50 - 18,735.00 = 13,114.50; fee 655.725 -> 655.73; net 12,458.77 -> 30,257.02
    S4  43,090.50 - 18,735.00 = 24,355.50; fee 1,217.775 -> 1,217.78; net 23,137.72 -> 40,935.97
    S10 14,988.00 - 7,494.00 = 7,494.00; fee 374.70; net 7,119.30 -> 14,238.60
  gross out 187,350.00 -> held -11,241.00; fees 9,367.51 -> retained 19,297.06.
- Warranty: 5 of S10's desks crack after S10 ceased; S2 repairs them for 450.00, charged to S10:
  retained 18,847.06; S2 36,046.50; S10 13,788.60; S10 owes 11,128.95.
- S10 pays back 1,000.00: owes 10,128.95; held -10,241.00.
Books: 374,700.00 in = 355,964.99 out + (-10,241.00 + 18,847.06) retained + 10,128.95 owed.
"""

from datetime import date
from decimal import Decimal as D

import pytest
from tests.procurement.conftest import award

from triplec.core.errors import ValidationFailed
from triplec.procurement.models import Contract, ContractStatus
from triplec.procurement.services import allocation, defaults, deliveries, money, programmes, warranty
from triplec.registry.models import Membership

pytestmark = pytest.mark.django_db


def test_ten_sawmills_two_thousand_desks_to_the_cent(desks):
    d = desks
    s = d.members
    programmes.set_rules(d.manager, d.association, fee_share="0.05", warranty_cost_rule="maker")
    contract = award(d)
    line = contract.lines.get()
    allocated = allocation.confirm(d.manager, line, {m: 200 for m in s}, on=date(2027, 3, 2))
    lot = {a.member_id: a for a in allocated}
    money.pay_advance(d.inspector, contract, on=date(2027, 3, 3))
    money.pass_advances(d.manager, contract, on=date(2027, 3, 4))
    b = money.contract_balances(contract)
    assert (b.paid_in, b.held, b.retained, b.paid_out, b.owed) == (
        D("187350.00"), D("0.00"), D("9367.50"), D("177982.50"), D(0))
    assert set(b.received.values()) == {D("17798.25")}

    # S10 delivers 80, then ceases; its 120 undelivered desks go to S1 with their advance.
    first = deliveries.record_delivery(d.manager, allocation=lot[s[9].pk], quantity=80, delivered_on=date(2027, 4, 10))
    deliveries.inspect(d.inspector, first, accepted=80, rejected=0, on=date(2027, 4, 11))
    Membership.objects.filter(enterprise=s[9], association=d.association).update(end_date=date(2027, 4, 20))
    default = defaults.record_default(d.manager, lot[s[9].pk], reason="ceased", remedy="reallocate",
                                      successor=s[0], on=date(2027, 4, 21))
    assert default.units == 120 and default.successor.quantity == 120
    b = money.contract_balances(contract)
    assert b.received[s[9].pk] == D("7119.30") and b.debts[s[9].pk] == D("10678.95")
    assert b.received[s[0].pk] == D("28477.20")
    assert (b.held, b.retained) == (D("-11241.00"), D("9929.55"))

    # S3's batch: 30 rejected, repaired by S4.
    batch = deliveries.record_delivery(d.manager, allocation=lot[s[2].pk], quantity=200, delivered_on=date(2027, 5, 2))
    deliveries.inspect(d.inspector, batch, accepted=170, rejected=30, reasons="Loose joints", on=date(2027, 5, 3))
    repair = deliveries.assign_rework(d.manager, batch, member=s[3], quantity=30, on=date(2027, 5, 4))
    for a in [lot[m.pk] for m in (s[0], s[1], s[3], s[4], s[5], s[6], s[7], s[8])] + [default.successor]:
        shipped = deliveries.record_delivery(d.manager, allocation=a, quantity=a.quantity, delivered_on=date(2027, 5, 20))
        deliveries.inspect(d.inspector, shipped, accepted=a.quantity, rejected=0, on=date(2027, 5, 21))
    with pytest.raises(ValidationFailed, match="whole order"):
        money.pay_final(d.admin, contract, on=date(2027, 5, 22))
    repaired = deliveries.record_delivery(d.manager, rework=repair, quantity=30, delivered_on=date(2027, 5, 25))
    deliveries.inspect(d.inspector, repaired, accepted=30, rejected=0, on=date(2027, 5, 26))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACCEPTED and contract.accepted_on == date(2027, 5, 26)

    money.pay_final(d.admin, contract, on=date(2027, 6, 1))
    b = money.contract_balances(contract)
    expected = {0: "56954.40", 1: "35596.50", 2: "30257.02", 3: "40935.97", 9: "14238.60"}
    expected.update({n: "35596.50" for n in range(4, 9)})
    assert {n: b.received[s[n].pk] for n in range(10)} == {n: D(v) for n, v in expected.items()}
    assert (b.paid_in, b.held, b.retained, b.owed) == (D("374700.00"), D("-11241.00"), D("19297.06"), D("10678.95"))
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.PAID

    warranty.claim(d.manager, line, maker=s[9], units=5, description="Cracked tops", repair_cost="450.00",
                   repairer=s[1], on=date(2027, 9, 10))
    money.settle_debt(d.manager, contract, s[9], "1000.00", "s10-first", on=date(2027, 10, 1))
    b = money.contract_balances(contract)
    assert (b.received[s[1].pk], b.received[s[9].pk], b.debts[s[9].pk]) == (
        D("36046.50"), D("13788.60"), D("10128.95"))
    assert (b.paid_in, b.paid_out, b.held, b.retained, b.owed) == (
        D("374700.00"), D("355964.99"), D("-10241.00"), D("18847.06"), D("10128.95"))
    assert b.paid_in == b.paid_out + b.held + b.retained + b.owed
