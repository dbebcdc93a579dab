"""The read API of cluster mapping (/api/v1/clusters): the permission matrix and what it returns."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from triplec.accounts.models import ApiToken
from triplec.clusters import services
from triplec.clusters.api import router
from triplec.clusters.selectors import sector_rows

API = "/api/v1/clusters"
ROLES = ["agency-admin", "programme-officer", "broker", "evaluator", "association-manager",
         "other-association-manager", "enterprise-user", "other-enterprise-user"]
VIEW = {"anonymous": 401, "bad-token": 401, "agency-admin": 200, "programme-officer": 200, "broker": 200,
        "evaluator": 200, "association-manager": 403, "other-association-manager": 403, "enterprise-user": 403,
        "other-enterprise-user": 403}


@pytest.fixture
def clients(world):
    out = {"anonymous": Client(), "bad-token": Client(headers={"Authorization": "Bearer tc_not-a-token"})}
    for role in ROLES:
        _, raw = ApiToken.issue(world.users[role], name="clusters api test")
        out[role] = Client(headers={"Authorization": f"Bearer {raw}"})
    return out


@pytest.fixture
def cluster(world, done_run):
    link = services.attach_footprint(world.users["programme-officer"], done_run, "16-F1",
                                     new_cluster={"name": "Leiria wood"})
    return link.cluster


PATHS = ["/runs", "/runs/{run}", "/runs/{run}/sectors", "/runs/{run}/footprints", "", "/{cluster}"]


@pytest.mark.parametrize("template", PATHS)
def test_api_matrix(clients, done_run, cluster, template):
    path = API + template.format(run=done_run.pk, cluster=cluster.pk)
    assert {who: c.get(path).status_code for who, c in clients.items()} == VIEW


def test_matrix_covers_every_read():
    """(The writes and the reads again, with their states: test_api_writes.)"""
    reads = {path for path, view in router.path_operations.items()
             for op in view.operations if "GET" in op.methods}
    assert reads == {"/runs", "/runs/{int:run_id}", "/runs/{int:run_id}/sectors",
                     "/runs/{int:run_id}/footprints", "", "/{int:cluster_id}"}


def test_api_returns_the_run_and_the_cluster(clients, done_run, cluster):
    client = clients["evaluator"]
    run = client.get(f"{API}/runs/{done_run.pk}").json()
    assert run["status"] == "done" and run["percent"] == 100 and run["summary"] == done_run.summary
    assert run["files"]["sectors.csv"] == f"/clusters/runs/{done_run.pk}/files/sectors.csv"
    sectors = client.get(f"{API}/runs/{done_run.pk}/sectors").json()
    assert [s["sector"] for s in sectors] == [r["sector"] for r in sector_rows(done_run)]
    assert sectors[0]["sector"] == "16" and sectors[0]["localised"] is True
    geo = client.get(f"{API}/runs/{done_run.pk}/footprints").json()
    assert geo == json.loads((done_run.output_path / "footprints.geojson").read_text())
    page = client.get(API).json()
    assert page["count"] == 1 and page["items"][0]["name"] == "Leiria wood"
    detail = client.get(f"{API}/{cluster.pk}").json()
    assert detail["sector_codes"] == ["16"] and len(detail["footprints"]) == 1
    assert detail["footprints"][0]["footprint_id"] == "16-F1"
    assert detail["current_establishments"] == detail["footprints"][0]["establishments"]
    assert client.get(f"{API}/{cluster.pk + 1}").status_code == 404
    assert client.get(f"{API}/runs/{done_run.pk + 1}").status_code == 404
