"""The API tests' world: `two_contracts` (C1 of the sawmills, C2 of assoc_a for another purchaser) plus
contracts in every state an endpoint can act on, so that each write of the permission matrix succeeds
for whoever may make it. Import the `books` fixture into a test module to use it.

- C1 (in progress): S1 and S2 make 10 desks each, advances passed, 5 delivered each; S2's delivery
  inspected (3 accepted, 2 rejected: repairable); S1's not yet (inspectable); S1 has 5 to deliver.
- C3 (open): 30 desks; S3 took 5, was advanced and defaulted (repaid: it owes 25.00); S1 has 10 whose
  advance is not passed yet; 15 are unallocated.
- C4 (whole order accepted, not paid): S1 made all 4 desks.
- C5 (paid, retention 10%, warranty 1 month): S2 made both desks, accepted on DAY.
- The sawmills' outcomes of 2020 are entered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from tests.procurement.conftest import DAY, award

RETENTION_DUE_ON = date(2027, 5, 1)


@dataclass
class Books:
    desks: object
    c1: object
    c2: object
    c3: object
    c4: object
    c5: object

    @property
    def world(self):
        return self.desks.world

    def member(self, n: int):
        """Sawmill S<n>."""
        return self.desks.members[n - 1]

    def allocation(self, contract, n: int):
        return contract.lines.get().allocations.get(member=self.member(n), defaulted_on__isnull=True)

    def delivery(self, contract, n: int):
        return contract.lines.get().deliveries.get(maker=self.member(n))


@pytest.fixture
def books(desks, two_contracts):
    from triplec.procurement.services import allocation, defaults, deliveries, money, programmes

    d = desks
    admin, manager, inspector = d.admin, d.manager, d.inspector
    c1, c2 = two_contracts
    deliveries.inspect(inspector, c1.lines.get().deliveries.get(maker=d.members[1]), accepted=3, rejected=2,
                       reasons="Cracked top", on=DAY)

    c3 = award(d, quantity=30, price="10.00", reference="CE-OPEN")
    (s3,) = allocation.confirm(manager, c3.lines.get(), {d.members[2]: 5}, on=DAY)
    money.pay_advance(admin, c3, on=DAY)
    money.pass_advances(manager, c3, on=DAY)
    defaults.record_default(manager, s3, reason="withdrew", remedy="repay", on=DAY)
    allocation.confirm(manager, c3.lines.get(), {d.members[0]: 10}, on=DAY)

    c4 = award(d, quantity=4, price="10.00", reference="CE-DONE")
    (s1,) = allocation.confirm(manager, c4.lines.get(), {d.members[0]: 4}, on=DAY)
    money.pay_advance(admin, c4, on=DAY)
    money.pass_advances(manager, c4, on=DAY)
    deliveries.inspect(inspector, deliveries.record_delivery(manager, allocation=s1, quantity=4, delivered_on=DAY),
                       accepted=4, rejected=0, on=DAY)

    kept = programmes.create_programme(admin, name="Carteiras com retenção", purchaser=d.world.buyer,
                                       currency="BRL", advance_share="0.5", retention_share="0.1", warranty_months=1)
    desk = programmes.add_product(admin, kept, code="desk", name="School desk", reference_price="10.00")
    c5 = programmes.award_contract(admin, kept, association=d.association, reference="CE-KEPT", awarded_on=DAY,
                                   lines=[{"product": desk, "quantity": 2, "unit_price": "10.00", "deadline": DAY}])
    (s2,) = allocation.confirm(manager, c5.lines.get(), {d.members[1]: 2}, on=DAY)
    money.pay_advance(admin, c5, on=DAY)
    money.pass_advances(manager, c5, on=DAY)
    deliveries.inspect(inspector, deliveries.record_delivery(manager, allocation=s2, quantity=2, delivered_on=DAY),
                       accepted=2, rejected=0, on=DAY)
    money.pay_final(admin, c5, on=DAY)

    programmes.record_outcome(admin, d.association, year=2020, members=10, workers=40)
    for c in (c1, c2, c3, c4, c5):
        c.refresh_from_db()
    return Books(d, c1, c2, c3, c4, c5)
