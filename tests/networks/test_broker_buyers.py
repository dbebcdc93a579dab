"""Issue 8, item 9 (the broker's part): a broker forming a network around a buyer that is not in the
register adds it there, directly, as a buyer only; the agency keeps control of the register (only
agency staff change it afterwards). Service, page and API."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken
from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.networks import services
from triplec.registry import policy as registry_policy
from triplec.registry import services as registry_services
from triplec.registry.models import Organisation

pytestmark = pytest.mark.django_db

NEW_BUYER = {"name": "Rede Escolar Municipal de Fortaleza", "kind": "buyer-public", "country": "BR"}


def test_a_broker_forms_a_network_around_a_buyer_it_adds(nets):
    broker = nets.users["broker"]
    network = services.create_network(broker, {"kind": "brokered", "name": "School desks for Fortaleza",
                                               "currency": "BRL", "started_on": date(2025, 1, 1),
                                               "new_buyers": [NEW_BUYER]})
    buyer = Organisation.objects.get(name=NEW_BUYER["name"])
    assert buyer.kind == "buyer-public" and list(network.target_buyers.all()) == [buyer]
    assert buyer.history.first().history_user == broker  # who added it, for the agency to see
    # The agency keeps control of the register: the broker cannot change it afterwards.
    assert not registry_policy.can_edit_organisation(broker, buyer)
    with pytest.raises(PermissionDenied):
        registry_services.update_organisation(broker, buyer, {"name": "Renamed"})


def test_a_broker_adds_only_buyers_and_never_a_duplicate(nets):
    broker = nets.users["broker"]
    data = {"kind": "brokered", "name": "Another network", "currency": "BRL", "started_on": date(2025, 1, 1)}
    with pytest.raises(ValidationFailed) as caught:
        services.create_network(broker, {**data, "new_buyers": [{**NEW_BUYER, "kind": "producers-association"}]})
    assert "new_buyers[0].kind" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        services.create_network(broker, {**data, "new_buyers": [{"name": "State Purchasing", "kind": "buyer-public",
                                                                 "country": "br"}]})
    assert "already in the register" in caught.value.errors["new_buyers[0].name"][0]
    assert not Organisation.objects.filter(name=NEW_BUYER["name"]).exists()
    assert Organisation.objects.filter(name="State Purchasing").count() == 1


@pytest.mark.parametrize("name, allowed", [("agency-admin", True), ("programme-officer", True), ("broker", True),
                                           ("evaluator", False), ("association-manager", False),
                                           ("enterprise-user", False)])
def test_who_may_add_a_buyer(nets, name, allowed):
    user = nets.users[name]
    assert registry_policy.can_add_buyer_organisation(user) is allowed
    if allowed:
        assert registry_services.create_buyer_organisation(user, {**NEW_BUYER, "name": f"Buyer of {name}"}).pk
    else:
        with pytest.raises(PermissionDenied):
            registry_services.create_buyer_organisation(user, {**NEW_BUYER, "name": f"Buyer of {name}"})


def test_the_page_adds_the_buyer_with_the_network(nets, client_for):
    c = client_for(nets.users["broker"])
    form = c.get("/networks/new/").content.decode()
    assert 'name="new_buyer_name"' in form
    r = c.post("/networks/new/", {"kind": "brokered", "name": "Desks for Fortaleza", "currency": "BRL",
                                  "started_on": "2025-01-01", "sector_classification": "isic4",
                                  "new_buyer_name": NEW_BUYER["name"], "new_buyer_kind": "buyer-public",
                                  "new_buyer_country": "BR"})
    assert r.status_code == 302, r.content.decode()[:3000]
    network = nets.net.__class__.objects.get(name="Desks for Fortaleza")
    assert [o.name for o in network.target_buyers.all()] == [NEW_BUYER["name"]]


def test_the_api_adds_the_buyer_with_the_network(nets):
    _, raw = ApiToken.issue(nets.users["broker"], name="tests")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    r = api.post("/api/v1/networks", content_type="application/json", data={
        "kind": "brokered", "name": "Desks for Fortaleza", "currency": "BRL", "started_on": "2025-01-01",
        "new_buyers": [NEW_BUYER]})
    assert r.status_code == 201, r.content
    assert [b["name"] for b in r.json()["target_buyers"]] == [NEW_BUYER["name"]]
    r = api.post("/api/v1/networks", content_type="application/json", data={
        "kind": "brokered", "name": "Desks again", "currency": "BRL", "started_on": "2025-01-01",
        "new_buyers": [{**NEW_BUYER, "kind": "service-centre"}]})
    assert r.status_code == 422 and "new_buyers[0].kind" in r.json()["errors"]
