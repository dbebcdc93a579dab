"""A brokered network's group stand at a fair (fairs.services.network_stands): who signs it up, which firms
it holds over time, and its costs and subsidies on the ledger, hand-computed to the cent."""

from datetime import date
from decimal import Decimal as D

import pytest

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.fairs import policy
from triplec.fairs.services import money, network_stands, programmes

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 1)


def stand_of(ne, user=None, total="25000.00", **kw):
    return network_stands.sign_up_network(user or ne.broker, ne.expo.international, ne.network,
                                          total_cost=total, on=kw.pop("on", DAY), **kw)


def shares(stand):
    return {p.enterprise.legal_name: p.cost for p in stand.participations.filter(cancelled_on__isnull=True)}


def test_the_broker_signs_the_network_up_with_its_members_of_that_day(network_expo):
    stand = stand_of(network_expo)
    assert stand.network == network_expo.network and stand.association is None
    # R$ 25,000.00 in three equal parts; the cent left goes to the first signed up (by name: Calçados Gama)
    assert shares(stand) == {"Calçados Gama": D("8333.34"), "Marcenaria Beta": D("8333.33"),
                             "Serraria Alfa Ltda": D("8333.33")}
    assert all(p.follow_ups.count() == 3 for p in stand.participations.all())


def test_who_may_sign_the_network_up(network_expo):
    w = network_expo.expo.world
    for who in ("other-broker", "association-manager", "enterprise-user", "evaluator"):
        with pytest.raises(PermissionDenied):
            stand_of(network_expo, w.users[who])
    assert stand_of(network_expo, w.users["programme-officer"]).participations.count() == 3


def test_a_network_has_one_stand_a_fair_and_needs_members(network_expo):
    stand_of(network_expo)
    with pytest.raises(ValidationFailed):
        stand_of(network_expo)
    with pytest.raises(ValidationFailed):  # before anyone joined
        network_stands.sign_up_network(network_expo.broker, network_expo.expo.national, network_expo.network,
                                       total_cost="1000.00", on=date(2025, 12, 31))


def test_later_members_join_and_leavers_keep_their_share(network_expo):
    from triplec.networks.models import NetworkMember

    ne, w = network_expo, network_expo.expo.world
    stand = stand_of(ne, total="9000.00")
    NetworkMember.objects.filter(network=ne.network, enterprise=w.ent_a2).update(left_on=date(2027, 4, 30))
    assert shares(stand)["Marcenaria Beta"] == D("3000.00")  # left the network: still at the stand
    with pytest.raises(ValidationFailed):  # not a member of this network
        programmes.sign_up(ne.broker, ne.expo.international, ne.expo.ent_a3, stand=stand, on=date(2027, 5, 2))
    NetworkMember.objects.create(network=ne.network, enterprise=ne.expo.ent_a3, joined_on=date(2027, 5, 1))
    programmes.sign_up(ne.broker, ne.expo.international, ne.expo.ent_a3, stand=stand, on=date(2027, 5, 2))
    assert sorted(shares(stand).values()) == [D("2250.00")] * 4
    with pytest.raises(PermissionDenied):  # the other network's broker
        programmes.sign_up(w.users["other-broker"], ne.expo.international, ne.expo.ent_a3, stand=stand)


def test_who_sees_and_follows_up_a_network_stand(network_expo):
    ne, w = network_expo, network_expo.expo.world
    stand = stand_of(ne)
    mine = stand.participations.get(enterprise=w.ent_a1)
    assert list(policy.visible_participations(w.users["enterprise-user"])) == [mine]
    assert list(policy.visible_stands(w.users["enterprise-user"])) == [stand]
    assert not policy.visible_stands(w.users["association-manager"]).filter(pk=stand.pk).exists()
    assert not policy.visible_participations(w.users["association-manager"]).filter(stand=stand).exists()
    assert policy.can_follow_up(ne.broker, mine) and policy.can_cancel(ne.broker, mine)
    assert not policy.can_follow_up(w.users["other-broker"], mine)
    assert not policy.can_follow_up(w.users["association-manager"], mine)


def test_costs_and_subsidies_of_a_network_stand_to_the_cent(network_expo):
    """Programme (conftest): 50% micro and small, 20% medium, +10% at a group stand far away, -10% per
    earlier subsidised participation, cap R$ 8,000.00 a year per firm. MICAM is international.
    Serraria Alfa (small) was alone at FENAC in April: 50% of R$ 10,000.00 = 5,000.00 received.
    At the network's MICAM stand (R$ 25,000.00 / 3):
      Calçados Gama (medium)   8,333.34 x (20% + 10%)        = 2,500.002 -> 2,500.00; pays 5,833.34
      Marcenaria Beta (micro)  8,333.33 x (50% + 10%)        = 4,999.998 -> 5,000.00; pays 3,333.33
      Serraria Alfa (small)    8,333.33 x (50% + 10% - 10%)  = 4,166.665 -> 4,166.67,
                               over the cap: 8,000.00 - 5,000.00 left -> 3,000.00; pays 5,333.33
    Subsidies 10,500.00 + firms 14,500.00 = 25,000.00 of exhibition costs."""
    ne, w = network_expo, network_expo.expo.world
    admin = ne.expo.admin
    fenac = programmes.sign_up(admin, ne.expo.national, w.ent_a1, cost="10000.00", on=DAY)
    assert money.pay_costs(admin, fenac).subsidy == D("5000.00")
    stand = stand_of(ne)
    paid = {p.enterprise.legal_name: money.paid_for(p) for p in money.pay_stand(admin, stand)}
    assert {name: (x.subsidy, x.own) for name, x in paid.items()} == {
        "Calçados Gama": (D("2500.00"), D("5833.34")), "Marcenaria Beta": (D("5000.00"), D("3333.33")),
        "Serraria Alfa Ltda": (D("3000.00"), D("5333.33"))}
    alfa = stand.participations.get(enterprise=w.ent_a1)
    assert [s["rule"] for s in alfa.explanation] == ["size", "group", "repeat", "amount", "cap", "result"]
    assert money.subsidy_received(ne.expo.programme, w.ent_a1.pk, 2027) == D("8000.00")
    totals = money.programme_totals(ne.expo.programme)
    assert (totals.costs, totals.subsidies, totals.own) == (D("35000.00"), D("15500.00"), D("19500.00"))
    with pytest.raises(ValidationFailed):  # paid: nobody joins any more
        programmes.sign_up(ne.broker, ne.expo.international, ne.expo.ent_a3, stand=stand)


def test_pages_a_broker_signs_the_network_up_and_a_member_sees_its_share(network_expo, client_for):
    from django.urls import reverse

    ne, w = network_expo, network_expo.expo.world
    fair = ne.expo.international
    broker = client_for(ne.broker)
    page = broker.get(reverse("fairs:fair_detail", args=[fair.pk])).content.decode()
    assert reverse("fairs:network_stand_add", args=[fair.pk]) in page
    response = broker.post(reverse("fairs:network_stand_add", args=[fair.pk]),
                           {"network": ne.network.pk, "total_cost": "25000.00", "subsidy_requested": "on"})
    assert response.status_code == 302
    mine = ne.network.fair_stands.get().participations.get(enterprise=w.ent_a1)
    page = client_for(w.users["enterprise-user"]).get(reverse("fairs:participation_detail", args=[mine.pk]))
    assert "Aruaru furniture network" in page.content.decode() and "8,333.33" in page.content.decode()
    assert client_for(w.users["association-manager"]).get(
        reverse("fairs:participation_detail", args=[mine.pk])).status_code == 404


def test_api_a_broker_signs_the_network_up_and_a_member_sees_its_share(network_expo):
    from django.test import Client

    from triplec.accounts.models import ApiToken

    ne, w = network_expo, network_expo.expo.world

    def client(user):
        return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user)[1]}"})

    response = client(ne.broker).post(
        f"/api/v1/fairs/fairs/{ne.expo.international.pk}/network-stands", content_type="application/json",
        data={"network_id": ne.network.pk, "total_cost": "9000.00", "cost_sharing": "share",
              "shares": {str(w.ent_b1.pk): "0.5", str(w.ent_a2.pk): "0.3", str(w.ent_a1.pk): "0.2"}})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["network"], body["association"], body["holder_name"]) == (
        ne.network.pk, None, "Aruaru furniture network")
    assert len(body["participations"]) == 3
    mine = client(w.users["enterprise-user"]).get("/api/v1/fairs/participations").json()["items"]
    assert [(p["enterprise"], p["network"], p["cost"]) for p in mine] == [(w.ent_a1.pk, ne.network.pk, "1800.00")]
    stands = client(w.users["enterprise-user"]).get("/api/v1/fairs/stands").json()
    assert [(s["id"], s["participations"]) for s in stands["items"]] == [(body["id"], [mine[0]["id"]])]
    theirs = client(w.users["association-manager"]).get("/api/v1/fairs/stands").json()["items"]
    assert [s["id"] for s in theirs] == [ne.expo.stand.pk]  # its association's own stand, not the network's


def test_the_network_broker_is_reminded_of_follow_ups(network_expo):
    from triplec.fairs.tasks import recipients

    ne, w = network_expo, network_expo.expo.world
    for who, email in (("broker", "broker@example.org"), ("other-broker", "other@example.org"),
                       ("enterprise-user", "alfa@example.org"), ("association-manager", "assoc@example.org")):
        w.users[who].email = email
        w.users[who].save(update_fields=["email"])
    mine = stand_of(ne).participations.get(enterprise=w.ent_a1)
    assert recipients(mine.follow_ups.get(months=3)) == ["alfa@example.org", "broker@example.org"]


def test_pages_the_broker_adds_a_later_member_to_the_stand(network_expo, client_for):
    from django.urls import reverse

    from triplec.networks.models import NetworkMember

    ne = network_expo
    fair, gama = ne.expo.international, ne.expo.ent_a3
    stand = stand_of(ne, total="9000.00")
    url = reverse("fairs:fair_detail", args=[fair.pk])
    broker, other = client_for(ne.broker), client_for(ne.expo.world.users["other-broker"])
    assert other.post(url, {"firm": gama.national_id, "stand": stand.pk}).status_code == 403
    refused = broker.post(url, {"firm": gama.national_id, "stand": stand.pk})
    assert refused.status_code == 200 and not stand.participations.filter(enterprise=gama).exists()  # not a member
    NetworkMember.objects.create(network=ne.network, enterprise=gama, joined_on=date(2026, 6, 1))
    assert broker.post(url, {"firm": gama.national_id, "stand": stand.pk, "subsidy_requested": "on"}).status_code == 302
    assert sorted(shares(stand).values()) == [D("2250.00")] * 4
