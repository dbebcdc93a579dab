"""Fixtures for the networks tests, on top of `world` (tests/conftest.py).

`nets` adds to the world:
  users["other-broker"]     a second broker, who brokers `nets.other` only;
  nets.extra                four more sawmills (enterprises with no association), for sizes;
  nets.centre               a service centre (a support body);
  nets.net                  a Danish brokered network brokered by world.users["broker"], started
                            2024-01-01, members ent_a1 (lead), ent_a2 and the four extra firms,
                            named buyer world.buyer, in stage "interest";
  nets.other                a PROFO brokered by "other-broker", started 2024-01-01, member ent_b1.

So for `nets.net`: association-manager (assoc_a holds ent_a1, ent_a2) and enterprise-user (ent_a1)
see it read-only; other-association-manager (assoc_b: ent_b1) and other-enterprise-user (ent_b1)
see `nets.other` but not `nets.net`; other-broker sees only `nets.other`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from tests.conftest import PASSWORD, make_enterprise

START = date(2024, 1, 1)


@dataclass
class Nets:
    world: object
    users: dict
    net: object
    other: object
    extra: list
    centre: object


@pytest.fixture
def nets(world):
    from triplec.accounts.models import User
    from triplec.networks import services
    from triplec.registry.models import Organisation, OrganisationKind

    other_broker = User(username="other-broker", role="broker", organisation=world.agency)
    other_broker.set_password(PASSWORD)
    other_broker.save()
    world.users["other-broker"] = other_broker
    admin = world.users["agency-admin"]
    extra = [make_enterprise(legal_name=f"Serraria Extra {i}", national_id=f"90.000.00{i}/0001-0{i}")
             for i in range(1, 5)]
    centre = Organisation.objects.create(kind=OrganisationKind.SERVICE_CENTRE, name="Wood Technology Centre",
                                         country="BR")
    net = services.create_network(world.users["broker"], {
        "kind": "brokered", "name": "Aruaru school furniture network", "currency": "BRL", "started_on": START,
        "target_buyers": [world.buyer], "sectors": [{"classification": "isic4", "code": "1610"}],
        "short_term_goals": "Quote for 500 school desks", "medium_term_goals": "Supply the state every year"})
    for ent in [world.ent_a1, world.ent_a2, *extra]:
        services.add_member(admin, net, ent, START, lead=(ent == world.ent_a1))
    other = services.create_network(admin, {
        "kind": "profo", "name": "Sinos footwear PROFO", "currency": "BRL", "started_on": START,
        "broker": other_broker})
    services.add_member(admin, other, world.ent_b1, START)
    net.refresh_from_db()
    return Nets(world=world, users=world.users, net=net, other=other, extra=extra, centre=centre)
