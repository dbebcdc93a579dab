"""Members paying no contributions (networks record payments, never pledges): a current member of three
months or more that paid nothing in the last three months while another member paid goes to the
network's broker, once per gap, linking to the network's money page where contributions are recorded."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from triplec.notifications.models import Kind
from triplec.notifications.services.due import Run, due_for

from .conftest import who_gets

pytestmark = pytest.mark.django_db


def _pay(nets, firm, day, amount="100.00"):
    from triplec.networks import services

    entry, _created = services.record_contribution(nets.users["broker"], nets.net, enterprise=firm, amount=amount,
                                                   paid_on=day, idempotency_key=f"{firm.pk}:{day}")
    return entry


def test_a_member_paying_nothing_while_others_pay_goes_to_the_broker(nets):
    from triplec.networks import services

    a1, a2, extras = nets.world.ent_a1, nets.world.ent_a2, nets.extra
    _pay(nets, a1, date(2024, 2, 1))
    _pay(nets, a2, date(2024, 2, 1))
    late = _pay(nets, a1, date(2024, 5, 1))
    subject = lambda firm: f"{nets.net.name} · {firm}"  # noqa: E731
    # Members since 1 January: nobody has been one for three months by 15 March.
    assert who_gets(nets.users, Run(on=date(2024, 3, 15)), Kind.CONTRIBUTION_GAP) == {}
    # 2 April: the four firms that never paid, while Alfa and Beta did; the broker only (PROFO: one member).
    assert who_gets(nets.users, Run(on=date(2024, 4, 2)), Kind.CONTRIBUTION_GAP) == {
        "broker": sorted(subject(f) for f in extras)}
    # 15 May: Beta's last payment (1 February) is over three months old; Alfa paid on 1 May.
    found = {d.subject: d for d in due_for(nets.users["broker"], Run(on=date(2024, 5, 15)))
             if d.kind == Kind.CONTRIBUTION_GAP}
    assert sorted(found) == sorted([subject(a2), *(subject(f) for f in extras)])
    beta = found[subject(a2)]
    assert beta.key == f"contribution-gap:{nets.net.pk}:{a2.pk}:2024-02-01" and beta.due_on == date(2024, 5, 1)
    assert beta.url == reverse("networks:money", args=[nets.net.pk])
    assert found[subject(extras[0])].due_on == date(2024, 4, 1)
    # Alfa's May payment reversed: nobody paid in the last three months, so no member stands out.
    services.reverse_contribution(nets.users["broker"], late, "bounced cheque")
    assert who_gets(nets.users, Run(on=date(2024, 5, 15)), Kind.CONTRIBUTION_GAP) == {}
    # Beta pays again: its gap ends; a new gap would be a new notice (the key names its start).
    _pay(nets, a1, date(2024, 5, 20))
    _pay(nets, a2, date(2024, 5, 20))
    assert who_gets(nets.users, Run(on=date(2024, 5, 25)), Kind.CONTRIBUTION_GAP) == {
        "broker": sorted(subject(f) for f in extras)}


def test_without_an_active_broker_the_agencys_editors_get_it(nets):
    _pay(nets, nets.world.ent_a1, date(2024, 3, 1))
    broker = nets.users["broker"]
    broker.is_active = False
    broker.save()
    got = who_gets(nets.users, Run(on=date(2024, 4, 2)), Kind.CONTRIBUTION_GAP)
    assert set(got) == {"agency-admin", "programme-officer"} and len(got["agency-admin"]) == 5
