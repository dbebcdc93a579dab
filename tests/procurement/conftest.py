"""Procurement fixtures on top of the shared `world`: the purchaser's inspectors and an association of
sawmills with a programme for school desks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest
from tests.conftest import PASSWORD, cnpj, make_enterprise

DAY = date(2027, 3, 2)


def add_user(world, name, role, **kw):
    from triplec.accounts.models import User

    user = User(username=name, role=role, **kw)
    user.set_password(PASSWORD)
    user.save()
    world.users[name] = user
    return user


@dataclass
class Desks:
    world: object
    programme: object
    desk: object
    association: object
    members: list = field(default_factory=list)

    @property
    def admin(self):
        return self.world.users["agency-admin"]

    @property
    def manager(self):
        return self.world.users["aruaru-manager"]

    @property
    def inspector(self):
        return self.world.users["inspector"]


@pytest.fixture
def desks(world):
    """An association of ten sawmills S1..S10 (members since 2020) with its manager and a user of S1; a
    programme of the state's purchaser (50% advance) with one product, school desks; an inspector of
    that purchaser and one of another purchaser. The world's assoc_a and assoc_b are other associations."""
    from triplec.procurement.services import programmes
    from triplec.registry.models import Membership, Organisation, OrganisationKind

    add_user(world, "inspector", "purchaser-inspector", organisation=world.buyer)
    other_buyer = Organisation.objects.create(kind=OrganisationKind.BUYER_PUBLIC, name="Other Purchasing",
                                              country="BR")
    add_user(world, "other-inspector", "purchaser-inspector", organisation=other_buyer)
    world.other_buyer = other_buyer
    association = Organisation.objects.create(kind=OrganisationKind.PRODUCERS_ASSOCIATION, country="BR",
                                              name="Associação dos Serradores de Aruaru")
    add_user(world, "aruaru-manager", "association-manager", organisation=association)
    members = []
    for n in range(1, 11):
        firm = make_enterprise(legal_name=f"Serraria S{n:02d}", national_id=cnpj(70000000 + n))
        Membership.objects.create(enterprise=firm, association=association, start_date=date(2020, 1, 1))
        members.append(firm)
    add_user(world, "s1-user", "enterprise-user", enterprise=members[0])
    admin = world.users["agency-admin"]
    programme = programmes.create_programme(admin, name="Carteiras escolares", purchaser=world.buyer,
                                            currency="BRL", advance_share="0.5")
    desk = programmes.add_product(admin, programme, code="desk", name="School desk", reference_price="190.00",
                                  specification="Solid wood, ABNT NBR 14006")
    return Desks(world, programme, desk, association, members)


def award(d: Desks, quantity=2000, price="187.35", reference="CE-2027-001", on=date(2027, 3, 1),
          deadline=date(2027, 5, 31)):
    from triplec.procurement.services import programmes

    return programmes.award_contract(d.admin, d.programme, association=d.association, reference=reference,
                                     awarded_on=on, lines=[{"product": d.desk, "quantity": quantity,
                                                            "unit_price": price, "deadline": deadline}])


@pytest.fixture
def two_contracts(desks):
    """C1: the state's order to the sawmills (S1 and S2 make it). C2: another purchaser's order to
    assoc_a (ent_a1, the world's enterprise-user, makes it)."""
    from triplec.procurement.services import allocation, deliveries, money, programmes

    d, w = desks, desks.world
    add_user(w, "s2-user", "enterprise-user", enterprise=d.members[1])
    add_user(w, "misplaced-inspector", "purchaser-inspector", organisation=d.association)
    c1 = award(d, quantity=20, price="10.00")
    for_s1, for_s2 = allocation.confirm(d.manager, c1.lines.get(), {d.members[0]: 10, d.members[1]: 10}, on=DAY)
    money.pay_advance(d.admin, c1, on=DAY)
    money.pass_advances(d.manager, c1, on=DAY)
    for a in (for_s1, for_s2):
        deliveries.record_delivery(d.manager, allocation=a, quantity=5)
    other = programmes.create_programme(d.admin, name="Other", purchaser=w.other_buyer, currency="BRL")
    chair = programmes.add_product(d.admin, other, code="c", name="Chair", reference_price="5.00")
    c2 = programmes.award_contract(d.admin, other, association=w.assoc_a, reference="C2", awarded_on=DAY,
                                   lines=[{"product": chair, "quantity": 5, "unit_price": "5.00", "deadline": DAY}])
    allocation.confirm(d.admin, c2.lines.get(), {w.ent_a1: 5}, on=DAY)
    return c1, c2
