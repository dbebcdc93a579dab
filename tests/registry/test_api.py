"""The register's REST API: reads, filters, pagination, writes and validation through /api/v1/.

The permission matrix (every endpoint x every role) is in tests/web/test_api_permissions.py; this
module checks what the endpoints do, with the `world` fixture of tests/conftest.py:
  ent_a1 Serraria Alfa (ISIC 1610, 12 employees, Aruaru, member of assoc_a since 2020),
  ent_a2 Marcenaria Beta (1610, 3 employees, Aruaru, member of assoc_a since 2021),
  ent_b1 Calcados Gama (1520, 80 employees, member of assoc_b since 2019),
  ent_none Metalurgica Delta (2511, 300 employees, no association).
"""

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken
from triplec.registry.models import Enterprise, Membership, Organisation, Territory

API = "/api/v1"


def token_client(user) -> Client:
    _, raw = ApiToken.issue(user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def api(world):
    """api(role) -> a client authenticated with a fresh bearer token of that world user."""
    return lambda name: token_client(world.users[name])


def names(response) -> list[str]:
    return [item["legal_name"] for item in response.json()["items"]]


NEW_ENTERPRISE = {
    "legal_name": "Serralheria Nova Ltda",
    "trade_name": "Nova",
    "country": "br",
    "national_id": "55.555.555/0001-91",
    "sector_classification": "isic4",
    "sector_code": "2511",
    "employees": 9,
    "latitude": -4.2,
    "longitude": -38.8,
}


# Reading enterprises -------------------------------------------------------------------------------

def test_enterprise_list_gives_total_page_and_derived_fields(world, api):
    response = api("programme-officer").get(f"{API}/enterprises")
    assert response.status_code == 200
    body = response.json()
    assert (body["count"], body["limit"], body["offset"]) == (4, 50, 0)
    assert names(response) == ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta", "Serraria Alfa Ltda"]
    alfa = next(item for item in body["items"] if item["id"] == world.ent_a1.pk)
    assert alfa["size_class"] == "small"  # 12 employees: 10 <= n < 50
    assert alfa["sector_code"] == "1610"
    assert alfa["sector_section"] == "C"
    assert alfa["sector_label"] == "Sawmilling and planing of wood"
    assert alfa["territory"]["path"] == "Brazil > Ceará > São João do Aruaru"
    assert alfa["territory"]["level"] == "municipality"
    assert (alfa["latitude"], alfa["longitude"]) == (-4.3, -38.9)
    delta = next(item for item in body["items"] if item["id"] == world.ent_none.pk)
    assert delta["size_class"] == "large" and delta["territory"] is None


def test_enterprise_list_paginates_with_limit_and_offset(world, api):
    client = api("evaluator")
    first = client.get(f"{API}/enterprises", {"limit": 3, "sort": "-employees"}).json()
    second = client.get(f"{API}/enterprises", {"limit": 3, "offset": 3, "sort": "-employees"}).json()
    assert first["count"] == second["count"] == 4
    assert [i["employees"] for i in first["items"]] == [300, 80, 12]
    assert [i["employees"] for i in second["items"]] == [3]
    beyond = client.get(f"{API}/enterprises", {"offset": 10}).json()
    assert beyond["count"] == 4 and beyond["items"] == []


@pytest.mark.parametrize("params, field", [
    ({"limit": 0}, "limit"), ({"limit": 501}, "limit"), ({"offset": -1}, "offset"),
    ({"sort": "national_id"}, "sort"), ({"size": "huge"}, "size"), ({"territory": "x"}, "territory"),
])
def test_enterprise_list_refuses_bad_parameters(world, api, params, field):
    response = api("evaluator").get(f"{API}/enterprises", params)
    assert response.status_code == 422
    assert field in response.json()["errors"]


@pytest.mark.parametrize("params, expected", [
    ({"q": "serraria"}, ["Serraria Alfa Ltda"]),
    ({"q": "33.333.333/0001-91"}, ["Calçados Gama"]),
    ({"sector": "C"}, ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta", "Serraria Alfa Ltda"]),
    ({"sector": "16"}, ["Marcenaria Beta", "Serraria Alfa Ltda"]),       # division
    ({"sector": "152"}, ["Calçados Gama"]),                              # group
    ({"sector": "2511"}, ["Metalúrgica Delta"]),                         # class
    ({"sector": "A"}, []),
    ({"classification": "isic4", "sector": "16"}, ["Marcenaria Beta", "Serraria Alfa Ltda"]),
    ({"classification": "nace2"}, []),
    ({"size": "micro"}, ["Marcenaria Beta"]),
    ({"size": "small"}, ["Serraria Alfa Ltda"]),
    ({"size": "medium"}, ["Calçados Gama"]),
    ({"size": "large"}, ["Metalúrgica Delta"]),
    ({"size": "unknown"}, []),
    ({"country": "br", "exporter": "false"}, ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta",
                                              "Serraria Alfa Ltda"]),
    ({"exporter": "true"}, []),
    ({"country": "FR"}, []),
])
def test_enterprise_list_filters(world, api, params, expected):
    assert names(api("broker").get(f"{API}/enterprises", params)) == expected


def test_enterprise_list_filters_by_territory_at_any_level_and_by_association(world, api):
    client = api("agency-admin")
    brazil = Territory.objects.get(code="BR")
    ceara = Territory.objects.get(code="CE")
    both = ["Marcenaria Beta", "Serraria Alfa Ltda"]
    assert names(client.get(f"{API}/enterprises", {"territory": brazil.pk})) == both
    assert names(client.get(f"{API}/enterprises", {"territory": ceara.pk})) == both
    assert names(client.get(f"{API}/enterprises", {"association": world.assoc_a.pk})) == both
    assert names(client.get(f"{API}/enterprises", {"association": world.assoc_b.pk})) == ["Calçados Gama"]


def test_enterprise_list_is_scoped_to_what_the_caller_may_see(world, api):
    manager = api("association-manager")
    assert names(manager.get(f"{API}/enterprises")) == ["Marcenaria Beta", "Serraria Alfa Ltda"]
    # Filtering by another association does not reveal its members.
    assert manager.get(f"{API}/enterprises", {"association": world.assoc_b.pk}).json()["count"] == 0
    assert names(api("enterprise-user").get(f"{API}/enterprises")) == ["Serraria Alfa Ltda"]


def test_enterprise_list_query_count_does_not_grow_with_rows(world, api, django_assert_max_num_queries):
    aruaru = world.ent_a1.territory
    for i in range(30):
        Enterprise.objects.create(legal_name=f"Extra {i:02d}", country="BR", national_id=f"X{i}",
                                  sector_classification="isic4", sector_code="1610", sector_section="C",
                                  territory=aruaru)
    client = api("programme-officer")
    # token lookup + last-used update + count + page (territory chain joined): no query per row.
    with django_assert_max_num_queries(6):
        response = client.get(f"{API}/enterprises", {"limit": 40})
    assert len(response.json()["items"]) == 34


def test_enterprise_read_and_out_of_scope_is_404(world, api):
    response = api("enterprise-user").get(f"{API}/enterprises/{world.ent_a1.pk}")
    assert response.status_code == 200
    assert response.json()["display_name"] == "Serraria Alfa Ltda"
    hidden = api("enterprise-user").get(f"{API}/enterprises/{world.ent_b1.pk}")
    missing = api("enterprise-user").get(f"{API}/enterprises/999999")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()  # same answer: existence is not revealed


# Creating and updating enterprises -----------------------------------------------------------------

def test_create_enterprise_normalises_and_records_who(world, api):
    aruaru = world.ent_a1.territory
    response = api("programme-officer").post(
        f"{API}/enterprises", {**NEW_ENTERPRISE, "territory_id": aruaru.pk}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["country"] == "BR"
    assert body["sector_section"] == "C"
    assert body["sector_label"] == "Manufacture of structural metal products"
    assert body["size_class"] == "micro"
    assert body["territory"]["path"] == "Brazil > Ceará > São João do Aruaru"
    saved = Enterprise.objects.get(pk=body["id"])
    assert saved.history.first().history_user == world.users["programme-officer"]
    assert not saved.memberships.exists()


def test_create_enterprise_normalises_a_nace_code(world, api):
    payload = {**NEW_ENTERPRISE, "country": "FR", "national_id": "732 829 320", "sector_classification": "nace2",
               "sector_code": "2511"}
    response = api("agency-admin").post(f"{API}/enterprises", payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["sector_code"] == "25.11"


def test_association_manager_creates_a_member_of_their_association(world, api):
    response = api("association-manager").post(f"{API}/enterprises", NEW_ENTERPRISE,
                                               content_type="application/json")
    assert response.status_code == 201, response.content
    membership = Membership.objects.get(enterprise_id=response.json()["id"])
    assert membership.association == world.assoc_a
    assert membership.start_date == date.today() and membership.end_date is None


@pytest.mark.parametrize("change, field, words", [
    ({"sector_code": "9999"}, "sector_code", "not in the official"),
    ({"sector_classification": "sic87"}, "sector_classification", "isic4"),
    ({"latitude": 95.0}, "latitude", "less than or equal to 90"),
    ({"longitude": -181.0}, "longitude", "greater than or equal to -180"),
    ({"latitude": 10.0, "longitude": None}, "longitude", "both latitude and longitude"),
    ({"national_id": "11.111.111/0001-91"}, "national_id", "already has the identifier"),  # ent_a1's identifier in BR
    ({"legal_name": None}, "legal_name", ""),
    ({"employees": "many"}, "employees", "integer"),
    ({"email": "not-an-address"}, "email", "valid email"),
    ({"territory_id": 999999}, "territory_id", "Unknown territory"),
    ({"colour": "red"}, "colour", "Extra inputs"),
])
def test_create_enterprise_validation_errors_name_the_field(world, api, change, field, words):
    payload = {**NEW_ENTERPRISE, **change}
    payload = {k: v for k, v in payload.items() if not (k == "legal_name" and v is None)}
    before = Enterprise.objects.count()
    response = api("programme-officer").post(f"{API}/enterprises", payload, content_type="application/json")
    assert response.status_code == 422, response.content
    body = response.json()
    assert field in body["errors"], body
    assert words in " ".join(body["errors"][field])
    assert isinstance(body["detail"], str) and body["detail"]
    assert Enterprise.objects.count() == before


@pytest.mark.parametrize("raw", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_coordinates_are_refused(world, api, raw):
    # Python's JSON parser accepts NaN; a NaN latitude would pass the model's range validators.
    body = json.dumps({**NEW_ENTERPRISE, "longitude": 1.0})[:-1] + f', "latitude": {raw}}}'
    response = api("programme-officer").post(f"{API}/enterprises", body, content_type="application/json")
    assert response.status_code == 422 and "latitude" in response.json()["errors"]
    assert not Enterprise.objects.filter(national_id="55555555000191").exists()


def test_create_enterprise_reports_every_missing_field(world, api):
    response = api("programme-officer").post(f"{API}/enterprises", {}, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert set(errors) == {"legal_name", "country", "national_id", "sector_classification", "sector_code"}
    assert errors["legal_name"] == ["Field required"]


def test_malformed_json_is_refused(world, api):
    response = api("programme-officer").post(f"{API}/enterprises", "{not json",
                                             content_type="application/json")
    assert response.status_code == 400
    not_an_object = api("programme-officer").post(f"{API}/enterprises", [1, 2], content_type="application/json")
    assert not_an_object.status_code == 422 and "__all__" in not_an_object.json()["errors"]
    assert Enterprise.objects.count() == 4


def test_patch_changes_only_the_fields_sent(world, api):
    client = api("association-manager")
    response = client.patch(f"{API}/enterprises/{world.ent_a1.pk}", {"employees": 60, "trade_name": "Alfa"},
                            content_type="application/json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["employees"] == 60 and body["size_class"] == "medium"
    assert body["trade_name"] == "Alfa" and body["legal_name"] == "Serraria Alfa Ltda"
    assert (body["latitude"], body["longitude"]) == (-4.3, -38.9)
    # null clears an optional text or number field
    cleared = client.patch(f"{API}/enterprises/{world.ent_a1.pk}", {"trade_name": None, "employees": None},
                           content_type="application/json").json()
    assert cleared["trade_name"] == "" and cleared["size_class"] == "unknown"
    world.ent_a1.refresh_from_db()
    assert world.ent_a1.history.first().history_user == world.users["association-manager"]


def test_patch_revalidates_the_sector_and_writes_nothing_on_error(world, api):
    client = api("programme-officer")
    bad = client.patch(f"{API}/enterprises/{world.ent_a1.pk}", {"sector_code": "1699", "employees": 1},
                       content_type="application/json")
    assert bad.status_code == 422 and "sector_code" in bad.json()["errors"]
    world.ent_a1.refresh_from_db()
    assert (world.ent_a1.sector_code, world.ent_a1.employees) == ("1610", 12)
    moved = client.patch(f"{API}/enterprises/{world.ent_a1.pk}", {"sector_code": "1520"},
                         content_type="application/json").json()
    assert (moved["sector_code"], moved["sector_label"]) == ("1520", "Manufacture of footwear")


def test_patch_null_on_a_required_field_is_a_field_error(world, api):
    response = api("programme-officer").patch(f"{API}/enterprises/{world.ent_a1.pk}", {"legal_name": None},
                                              content_type="application/json")
    assert response.status_code == 422 and "legal_name" in response.json()["errors"]


def test_patch_duplicate_identifier_is_refused(world, api):
    response = api("programme-officer").patch(
        f"{API}/enterprises/{world.ent_a2.pk}", {"national_id": world.ent_a1.national_id},
        content_type="application/json")
    assert response.status_code == 422
    assert "already has the identifier" in " ".join(response.json()["errors"]["national_id"])


# Organisations and associations --------------------------------------------------------------------

def test_organisation_list_filters_by_kind_country_and_name(world, api):
    client = api("broker")
    everything = client.get(f"{API}/organisations").json()
    assert everything["count"] == 4
    buyers = client.get(f"{API}/organisations", {"kind": "buyer-public"}).json()
    assert [o["name"] for o in buyers["items"]] == ["State Purchasing"]
    assert buyers["items"][0]["kind_label"] == "Buyer: public purchaser"
    assert buyers["items"][0]["is_association"] is False
    assert client.get(f"{API}/organisations", {"q": "assoc"}).json()["count"] == 2
    assert client.get(f"{API}/organisations", {"country": "pt"}).json()["count"] == 0
    assert client.get(f"{API}/organisations", {"kind": "guild"}).status_code == 422


def test_association_endpoints_only_show_associations(world, api):
    client = api("agency-admin")
    listed = client.get(f"{API}/associations").json()
    assert [o["name"] for o in listed["items"]] == ["Sawmills Assoc", "Shoe Assoc"]
    assert listed["items"][0]["territory"]["path"] == "Brazil > Ceará > São João do Aruaru"
    assert client.get(f"{API}/associations", {"kind": "business-association"}).json()["count"] == 1
    assert client.get(f"{API}/associations/{world.assoc_a.pk}").status_code == 200
    # A buyer exists and is visible to an admin, but is not an association.
    assert client.get(f"{API}/associations/{world.buyer.pk}").status_code == 404
    assert client.get(f"{API}/organisations/{world.buyer.pk}").status_code == 200


def test_create_organisation_and_association(world, api):
    client = api("programme-officer")
    buyer = client.post(f"{API}/organisations", {"kind": "buyer-large-firm", "name": "Big Steel SA",
                                                 "country": "br", "website": "https://bigsteel.example"},
                        content_type="application/json")
    assert buyer.status_code == 201, buyer.content
    assert buyer.json()["country"] == "BR" and buyer.json()["kind_label"] == "Buyer: large firm"
    coop = client.post(f"{API}/associations", {"kind": "producers-association", "name": "Cooperativa Couro",
                                               "country": "BR", "territory_id": world.ent_a1.territory_id},
                       content_type="application/json")
    assert coop.status_code == 201, coop.content
    assert coop.json()["is_association"] is True
    assert Organisation.objects.get(pk=coop.json()["id"]).history.first().history_user \
        == world.users["programme-officer"]


def test_association_endpoint_refuses_other_kinds(world, api):
    response = api("programme-officer").post(
        f"{API}/associations", {"kind": "buyer-public", "name": "X", "country": "BR"},
        content_type="application/json")
    assert response.status_code == 422 and "kind" in response.json()["errors"]
    patch = api("programme-officer").patch(f"{API}/associations/{world.assoc_a.pk}", {"kind": "buyer-public"},
                                           content_type="application/json")
    assert patch.status_code == 422
    world.assoc_a.refresh_from_db()
    assert world.assoc_a.kind == "producers-association"


def test_duplicate_organisation_name_is_a_validation_error(world, api):
    response = api("programme-officer").post(
        f"{API}/associations", {"kind": "producers-association", "name": "Sawmills Assoc", "country": "BR"},
        content_type="application/json")
    assert response.status_code == 422
    assert "already exists" in " ".join(response.json()["errors"]["__all__"])


def test_association_manager_edits_own_association_but_not_its_kind(world, api):
    client = api("association-manager")
    ok = client.patch(f"{API}/associations/{world.assoc_a.pk}", {"phone": "+55 85 3333-0000"},
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["phone"] == "+55 85 3333-0000"
    kind = client.patch(f"{API}/associations/{world.assoc_a.pk}", {"kind": "business-association"},
                        content_type="application/json")
    assert kind.status_code == 403
    world.assoc_a.refresh_from_db()
    assert world.assoc_a.kind == "producers-association"


# Memberships ---------------------------------------------------------------------------------------

def test_membership_list_filters(world, api):
    client = api("evaluator")
    everything = client.get(f"{API}/memberships").json()
    assert everything["count"] == 3
    assert [m["start_date"] for m in everything["items"]] == ["2021-01-01", "2020-01-01", "2019-01-01"]
    first = everything["items"][0]
    assert (first["enterprise_name"], first["association_name"], first["active"]) == \
        ("Marcenaria Beta", "Sawmills Assoc", True)
    by_assoc = client.get(f"{API}/memberships", {"association": world.assoc_a.pk}).json()
    assert {m["enterprise_id"] for m in by_assoc["items"]} == {world.ent_a1.pk, world.ent_a2.pk}
    by_ent = client.get(f"{API}/memberships", {"enterprise": world.ent_b1.pk}).json()
    assert [m["association_id"] for m in by_ent["items"]] == [world.assoc_b.pk]
    on_day = client.get(f"{API}/memberships", {"active_on": "2020-06-30"}).json()
    assert {m["enterprise_id"] for m in on_day["items"]} == {world.ent_a1.pk, world.ent_b1.pk}
    assert client.get(f"{API}/memberships", {"active_on": "2018-12-31"}).json()["count"] == 0
    assert client.get(f"{API}/memberships", {"active_on": "30/06/2020"}).status_code == 422


def test_add_and_end_a_membership(world, api):
    client = api("programme-officer")
    created = client.post(f"{API}/memberships", {"enterprise_id": world.ent_none.pk,
                                                 "association_id": world.assoc_b.pk, "start_date": "2024-03-01"},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["active"], body["end_date"]) == (True, None)
    overlapping = client.post(f"{API}/memberships", {"enterprise_id": world.ent_none.pk,
                                                     "association_id": world.assoc_b.pk,
                                                     "start_date": "2025-01-01"},
                              content_type="application/json")
    assert overlapping.status_code == 422 and "start_date" in overlapping.json()["errors"]
    yesterday = date.today() - timedelta(days=1)
    ended = client.post(f"{API}/memberships/{body['id']}/end", {"end_date": yesterday.isoformat()},
                        content_type="application/json")
    assert ended.status_code == 200, ended.content
    assert (ended.json()["end_date"], ended.json()["active"]) == (yesterday.isoformat(), False)
    again = client.post(f"{API}/memberships/{body['id']}/end", {"end_date": yesterday.isoformat()},
                        content_type="application/json")
    assert again.status_code == 422 and "end_date" in again.json()["errors"]


def test_membership_cannot_end_before_it_starts(world, api):
    membership = Membership.objects.get(enterprise=world.ent_b1)
    response = api("agency-admin").post(f"{API}/memberships/{membership.pk}/end", {"end_date": "2018-01-01"},
                                        content_type="application/json")
    assert response.status_code == 422
    membership.refresh_from_db()
    assert membership.end_date is None


def test_membership_refuses_non_associations_and_invisible_references(world, api):
    admin = api("agency-admin")
    buyer = admin.post(f"{API}/memberships", {"enterprise_id": world.ent_none.pk,
                                              "association_id": world.buyer.pk, "start_date": "2024-01-01"},
                       content_type="application/json")
    assert buyer.status_code == 422 and buyer.json()["errors"] == {"association_id": ["No such association."]}
    # An association manager cannot pull a non-member into their association (it would then see the
    # enterprise's record): the enterprise is outside their scope, and missing or hidden read the same.
    manager = api("association-manager")
    for enterprise_id in (world.ent_none.pk, 999999):
        response = manager.post(f"{API}/memberships", {"enterprise_id": enterprise_id,
                                                       "association_id": world.assoc_a.pk,
                                                       "start_date": "2024-01-01"},
                                content_type="application/json")
        assert response.status_code == 422
        assert response.json()["errors"] == {"enterprise_id": ["No such enterprise."]}
    assert not Membership.objects.filter(enterprise=world.ent_none).exists()


# Territories ---------------------------------------------------------------------------------------

def test_territories_list_filters_and_read(world, api):
    client = api("enterprise-user")
    everything = client.get(f"{API}/territories").json()
    assert everything["count"] == 3
    brazil = Territory.objects.get(code="BR")
    ceara = Territory.objects.get(code="CE")
    regions = client.get(f"{API}/territories", {"level": "region"}).json()["items"]
    assert [(t["code"], t["parent_id"], t["path"]) for t in regions] == [("CE", brazil.pk, "Brazil > Ceará")]
    children = client.get(f"{API}/territories", {"parent": ceara.pk}).json()["items"]
    assert [t["name"] for t in children] == ["São João do Aruaru"]
    assert client.get(f"{API}/territories", {"q": "aruaru"}).json()["count"] == 1
    assert client.get(f"{API}/territories", {"code": "BR"}).json()["items"][0]["id"] == brazil.pk
    one = client.get(f"{API}/territories/{ceara.pk}")
    assert one.status_code == 200 and one.json()["level"] == "region"
    assert client.get(f"{API}/territories/999999").status_code == 404
    assert client.get(f"{API}/territories", {"level": "province"}).status_code == 422


# Authentication ------------------------------------------------------------------------------------

def test_no_bad_or_revoked_token_is_401(world):
    assert Client().get(f"{API}/enterprises").status_code == 401
    bad = Client(headers={"Authorization": "Bearer tc_not-a-real-token"})
    assert bad.get(f"{API}/enterprises").status_code == 401
    token, raw = ApiToken.issue(world.users["agency-admin"])
    good = Client(headers={"Authorization": f"Bearer {raw}"})
    assert good.get(f"{API}/enterprises").status_code == 200
    token.revoked_at = token.created_at
    token.save()
    assert good.get(f"{API}/enterprises").status_code == 401
    world.users["broker"].is_active = False
    world.users["broker"].save()
    assert token_client(world.users["broker"]).get(f"{API}/enterprises").status_code == 401


def test_token_printed_by_the_cli_authenticates(world):
    from typer.testing import CliRunner

    from triplec.cli import app

    result = CliRunner().invoke(app, ["token", "enterprise-user"])
    assert result.exit_code == 0, result.output
    raw = result.output.strip().splitlines()[-1]
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    assert names(client.get(f"{API}/enterprises")) == ["Serraria Alfa Ltda"]


def test_writes_without_credentials_are_401_even_under_csrf_enforcement(world):
    # A client with no session must learn it is unauthenticated, not that a CSRF check failed.
    for headers in ({}, {"Authorization": "Bearer tc_wrong"}):
        client = Client(enforce_csrf_checks=True, headers=headers)
        response = client.post(f"{API}/enterprises", NEW_ENTERPRISE, content_type="application/json")
        assert response.status_code == 401


def test_bearer_writes_need_no_csrf_token(world):
    _, raw = ApiToken.issue(world.users["programme-officer"])
    client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    response = client.post(f"{API}/enterprises", NEW_ENTERPRISE, content_type="application/json")
    assert response.status_code == 201


def test_session_auth_reads_and_writes_with_csrf(world):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.users["programme-officer"])
    assert browser.get(f"{API}/enterprises").json()["count"] == 4
    refused = browser.post(f"{API}/enterprises", NEW_ENTERPRISE, content_type="application/json")
    assert refused.status_code == 403
    assert not Enterprise.objects.filter(national_id="55555555000191").exists()
    # The docs page hands the browser a CSRF token (and sets the cookie) for "try it out".
    browser.get(f"{API}/docs")
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post(f"{API}/enterprises", NEW_ENTERPRISE, content_type="application/json",
                            headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 201, accepted.content
