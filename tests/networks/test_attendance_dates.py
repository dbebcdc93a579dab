"""Issue 8, item 4: attendance is never silently dropped, and founding members join on the
network's start unless told otherwise (service, page and API)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken
from triplec.core.errors import ValidationFailed
from triplec.networks import services
from triplec.networks.models import Activity, NetworkMember

pytestmark = pytest.mark.django_db

TODAY = date.today()


@pytest.fixture
def late(nets):
    """Metalúrgica Delta joins nets.net today, long after the network's start (2024-01-01)."""
    services.add_member(nets.users["agency-admin"], nets.net, nets.world.ent_none, TODAY)
    return nets.world.ent_none


def test_the_service_names_the_firm_that_had_not_joined_yet_and_why(nets, late):
    with pytest.raises(ValidationFailed) as caught:
        services.record_activity(nets.users["broker"], nets.net, {
            "kind": "meeting", "occurred_on": date(2024, 3, 5), "title": "Kick-off",
            "attendance": [{"enterprise": nets.world.ent_a1}, {"enterprise": late}]})
    message = caught.value.errors["attendance[1].enterprise"][0]
    assert "Metalúrgica Delta" in message and TODAY.isoformat() in message and "2024-03-05" in message
    assert not Activity.objects.exists()


def test_the_service_says_when_a_firm_had_left_or_was_never_a_member(nets):
    admin, w = nets.users["agency-admin"], nets.world
    member = NetworkMember.objects.get(network=nets.net, enterprise=w.ent_a2)
    services.end_member(admin, member, date(2024, 2, 1), "moved away")
    with pytest.raises(ValidationFailed) as caught:
        services.record_activity(admin, nets.net, {
            "kind": "meeting", "occurred_on": date(2024, 3, 5), "title": "M",
            "attendance": [{"enterprise": w.ent_a2}, {"enterprise": w.ent_b1}]})
    left, never = caught.value.errors["attendance[0].enterprise"][0], caught.value.errors["attendance[1].enterprise"][0]
    assert "Marcenaria Beta" in left and "2024-02-01" in left
    assert "Calçados Gama" in never and "not a member" in never


def test_the_page_refuses_a_ticked_firm_that_had_not_joined_instead_of_dropping_it(nets, late, client_for):
    c = client_for(nets.users["broker"])
    url = f"/networks/{nets.net.pk}/activities/"
    a1 = nets.world.ent_a1
    r = c.post(url, {"kind": "meeting", "occurred_on": "2024-03-05", "title": "Kick-off",
                     f"attended_{a1.pk}": "on", f"people_{a1.pk}": "1",
                     f"attended_{late.pk}": "on", f"people_{late.pk}": "2"})
    assert r.status_code == 200, "the activity was saved without the firm that had not joined yet"
    page = r.content.decode()
    assert "Metalúrgica Delta" in page and f"joined the network on {TODAY.isoformat()}" in page
    assert not Activity.objects.exists()


def test_the_api_refuses_a_firm_that_had_not_joined(nets, late):
    _, raw = ApiToken.issue(nets.users["broker"], name="tests")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    r = api.post(f"/api/v1/networks/{nets.net.pk}/activities", content_type="application/json", data={
        "kind": "meeting", "occurred_on": "2024-03-05", "title": "Kick-off",
        "attendance": [{"enterprise_id": late.pk}]})
    assert r.status_code == 422 and "Metalúrgica Delta" in r.json()["errors"]["attendance[0].enterprise"][0]


def _fresh_network(nets):
    return services.create_network(nets.users["broker"], {
        "kind": "brokered", "name": "Fresh network", "currency": "BRL", "started_on": date(2025, 5, 1)})


def test_founding_members_join_on_the_networks_start_by_default(nets):
    net = _fresh_network(nets)
    assert services.default_joined_on(net) == date(2025, 5, 1)
    founder = services.add_member(nets.users["broker"], net, nets.world.ent_a1)
    assert founder.joined_on == date(2025, 5, 1)
    # Once the network has members, a newcomer joins today unless a date is given.
    assert services.default_joined_on(net) == TODAY
    assert services.add_member(nets.users["broker"], net, nets.world.ent_a2).joined_on == TODAY


def test_the_add_members_form_proposes_the_networks_start_for_founding_members(nets, client_for):
    net = _fresh_network(nets)
    c = client_for(nets.users["broker"])
    page = c.get(f"/networks/{net.pk}/").content.decode()
    assert 'name="joined_on" value="2025-05-01"' in page
    page = c.get(f"/networks/{nets.net.pk}/").content.decode()  # members already: today
    assert f'name="joined_on" value="{TODAY.isoformat()}"' in page


def test_the_api_adds_a_founding_member_from_the_networks_start(nets):
    net = _fresh_network(nets)
    _, raw = ApiToken.issue(nets.users["broker"], name="tests")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    r = api.post(f"/api/v1/networks/{net.pk}/members", content_type="application/json",
                 data={"enterprise_id": nets.world.ent_a1.pk})
    assert r.status_code == 201 and r.json()["joined_on"] == "2025-05-01"
    r = api.post(f"/api/v1/networks/{net.pk}/members", content_type="application/json",
                 data={"enterprise_id": nets.world.ent_a2.pk, "joined_on": (TODAY - timedelta(days=3)).isoformat()})
    assert r.status_code == 201 and r.json()["joined_on"] == (TODAY - timedelta(days=3)).isoformat()
