"""Fairs fixtures on top of the shared `world`: a SEBRAE-like fairs programme with a national and an
international fair, assoc_a's group stand at the international one, a buyer's agent, and the users the
permission matrix needs beyond the world's (a third member's user, a large buyer's staff, a centre's staff).

Firm sizes (world): ent_a1 12 employees (small), ent_a2 3 (micro), ent_a3 5 (micro, added here),
ent_b1 80 (medium), ent_none 300 (large).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from tests.conftest import PASSWORD, cnpj, make_enterprise


def add_user(world, name, role, **kw):
    from triplec.accounts.models import User

    user = User(username=name, role=role, **kw)
    user.set_password(PASSWORD)
    user.save()
    world.users[name] = user
    return user


@dataclass
class Expo:
    world: object
    programme: object
    national: object
    international: object
    stand: object
    agent: object
    ent_a3: object

    @property
    def admin(self):
        return self.world.users["agency-admin"]

    @property
    def manager(self):
        return self.world.users["association-manager"]


@pytest.fixture
def expo(world):
    """Programme "Feiras 2027" (BRL): 50% for micro and small firms, 20% medium, 0 large; cap R$ 8,000.00
    a year per firm; +10% at a group stand far away; -10% per earlier subsidised participation.
    FENAC (Novo Hamburgo, national, 6-9 April 2027) and MICAM (Milan, international, 19-22 September
    2027, where assoc_a has a group stand costing R$ 10,000.00 shared equally)."""
    from triplec.fairs.services import programmes
    from triplec.registry.models import Membership, Organisation, OrganisationKind

    admin = world.users["agency-admin"]
    ent_a3 = make_enterprise(legal_name="Móveis Gama", national_id=cnpj(55555555), employees=5)
    Membership.objects.create(enterprise=ent_a3, association=world.assoc_a, start_date=date(2022, 1, 1))
    add_user(world, "a2-user", "enterprise-user", enterprise=world.ent_a2)
    large = Organisation.objects.create(kind=OrganisationKind.BUYER_LARGE_FIRM, name="Big Shoes SA", country="BR")
    centre = Organisation.objects.create(kind=OrganisationKind.SERVICE_CENTRE, name="CITER", country="BR")
    add_user(world, "buyer-staff", "buyer-staff", organisation=large)
    add_user(world, "centre-staff", "centre-staff", organisation=centre)
    agent = Organisation.objects.create(kind=OrganisationKind.BUYER_AGENT, name="Milano Export Agents", country="IT")
    programme = programmes.create_programme(
        admin, name="Feiras 2027", currency="BRL", yearly_cap="8000.00", share_micro="0.5", share_small="0.5",
        share_medium="0.2", share_large="0", group_extra_share="0.1", repeat_step="0.1")
    national = programmes.add_fair(admin, programme, name="FENAC", organiser="FENAC SA", place="Novo Hamburgo",
                                   country="BR", starts_on=date(2027, 4, 6), ends_on=date(2027, 4, 9),
                                   sectors="1520, 1610")
    international = programmes.add_fair(admin, programme, name="MICAM", organiser="Fiera Milano", place="Milan",
                                        country="IT", starts_on=date(2027, 9, 19), ends_on=date(2027, 9, 22),
                                        sectors="1520", scope="international")
    stand = programmes.add_group_stand(admin, international, association=world.assoc_a, total_cost="10000.00")
    return Expo(world, programme, national, international, stand, agent, ent_a3)


@pytest.fixture
def signed_up(expo):
    """ent_a1 alone at FENAC (R$ 10,000.00), and ent_a1, ent_a2, ent_a3 at assoc_a's MICAM stand; ent_b1
    alone at MICAM (R$ 6,000.00), signed up by the agency."""
    from triplec.fairs.services import programmes

    w, day = expo.world, date(2027, 3, 1)
    alone = programmes.sign_up(w.users["enterprise-user"], expo.national, w.ent_a1, cost="10000.00", on=day)
    at_stand = [programmes.sign_up(expo.manager, expo.international, firm, stand=expo.stand, on=day)
                for firm in (w.ent_a1, w.ent_a2, expo.ent_a3)]
    other = programmes.sign_up(expo.admin, expo.international, w.ent_b1, cost="6000.00", on=day)
    for p in at_stand:  # the later sign-ups shared the stand's cost again
        p.refresh_from_db()
    return alone, at_stand, other


@dataclass
class NetworkExpo:
    expo: Expo
    network: object
    other: object

    @property
    def broker(self):
        return self.expo.world.users["broker"]


@pytest.fixture
def network_expo(expo):
    """A brokered network (broker: world's "broker") of ent_b1 (medium), ent_a2 (micro) and ent_a1 (small),
    members since 1 January 2026, and another network brokered by "other-broker" (member ent_none)."""
    from triplec.networks import services

    w = expo.world
    start = date(2026, 1, 1)
    other_broker = add_user(w, "other-broker", "broker", organisation=w.agency)
    network = services.create_network(w.users["broker"], {
        "kind": "brokered", "name": "Aruaru furniture network", "currency": "BRL", "started_on": start})
    for firm in (w.ent_b1, w.ent_a2, w.ent_a1):
        services.add_member(expo.admin, network, firm, start)
    other = services.create_network(expo.admin, {"kind": "profo", "name": "Sinos PROFO", "currency": "BRL",
                                                 "started_on": start, "broker": other_broker})
    services.add_member(expo.admin, other, w.ent_none, start)
    network.refresh_from_db()
    return NetworkExpo(expo, network, other)
