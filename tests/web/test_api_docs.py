"""OpenAPI document and docs page of /api/v1/: published, complete, served without any CDN, and
true to what the endpoints answer."""

import re

from django.test import Client

from triplec.accounts.models import ApiToken
from triplec.registry import services_changes
from triplec.registry.api import router as registry_router
from triplec.registry.models import Membership, Territory

API = "/api/v1"


def test_openapi_document_lists_the_register_and_both_auth_schemes(db):
    response = Client().get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "triplec API"
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/enterprises": {"get", "post"},
        "/api/v1/enterprises/{enterprise_id}": {"get", "patch"},
        "/api/v1/associations": {"get", "post"},
        "/api/v1/associations/{association_id}": {"get", "patch"},
        "/api/v1/organisations": {"get", "post"},
        "/api/v1/organisations/{organisation_id}": {"get", "patch"},
        "/api/v1/memberships": {"get", "post"},
        "/api/v1/memberships/{membership_id}": {"get"},
        "/api/v1/memberships/{membership_id}/end": {"post"},
        "/api/v1/territories": {"get"},
        "/api/v1/territories/{territory_id}": {"get"},
    }.items():
        assert set(paths[path]) == methods, path
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["BearerToken"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
    # Filters and errors are documented, not only the happy path.
    params = {p["name"] for p in paths["/api/v1/enterprises"]["get"]["parameters"]}
    assert {"q", "sector", "classification", "territory", "size", "association", "exporter", "country",
            "sort", "limit", "offset"} <= params
    assert {"201", "401", "403", "422"} <= set(paths["/api/v1/enterprises"]["post"]["responses"])


def test_docs_page_loads_only_local_assets(db):
    client = Client()
    page = client.get(f"{API}/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), f"docs page loads {asset} from outside the platform"
        served = client.get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content) if served.streaming else served.content
        assert len(body) > 100, asset
    assert f'"url": "{API}/openapi.json"' in html


def _resolve(schema, node):
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_every_register_read_answers_exactly_the_documented_fields(world):
    """A small contract check: the JSON of each GET operation of the register's router has exactly
    the properties its OpenAPI schema declares, including the items of paged lists."""
    schema = Client().get(f"{API}/openapi.json").json()
    _, raw = ApiToken.issue(world.users["agency-admin"])
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    ids = {
        "enterprise_id": world.ent_a1.pk, "association_id": world.assoc_a.pk,
        "organisation_id": world.buyer.pk, "membership_id": Membership.objects.filter(
            enterprise=world.ent_a1).get().pk, "territory_id": Territory.objects.get(code="CE").pk,
    }
    services_changes.request_change(world.users["enterprise-user"], world.ent_a1, {"legal_name": "Alfa S.A."})
    checked = 0
    for path, item in schema["paths"].items():
        if "get" not in item or path.removeprefix(API) not in registry_router.path_operations:
            continue
        if "application/json" not in item["get"]["responses"]["200"].get("content", {}):
            continue  # a file (the export), not JSON
        declared = _resolve(schema, item["get"]["responses"]["200"]["content"]["application/json"]["schema"])
        body = client.get(path.format(**ids)).json()
        assert set(body) == set(declared["properties"]), path
        if "items" in declared["properties"]:
            assert body["items"], f"{path} returned no items to check"
            item_schema = _resolve(schema, declared["properties"]["items"]["items"])
            for row in body["items"]:
                assert set(row) == set(item_schema["properties"]), path
        checked += 1
    assert checked == 11
