"""The writes of the cluster mapping API (/api/v1/clusters): start (register JSON or multipart upload),
cancel and delete runs; create and change cluster records; attach and detach footprints. The permission
matrix of every endpoint, reads included, then what each write does and how it refuses bad input."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from tests.clusters.factories import register_points, run_data

from triplec.accounts.models import ApiToken
from triplec.clusters import services
from triplec.clusters.api import router
from triplec.clusters.models import Cluster, ClusterFootprint, MappingRun
from triplec.core.models import BackgroundTask
from triplec.core.tasks import run_pending

API = "/api/v1/clusters"
ROLES = ["agency-admin", "programme-officer", "broker", "evaluator", "association-manager",
         "other-association-manager", "enterprise-user", "other-enterprise-user"]
EDITORS = {"agency-admin", "programme-officer"}
READERS = EDITORS | {"broker", "evaluator"}


@pytest.fixture
def clients(world):
    out = {"anonymous": Client(), "bad-token": Client(headers={"Authorization": "Bearer tc_not-a-token"})}
    for role in ROLES:
        _, raw = ApiToken.issue(world.users[role], name="clusters api test")
        out[role] = Client(headers={"Authorization": f"Bearer {raw}"})
    return out


def register_run_json(**overrides) -> dict:
    data = {k: v for k, v in run_data().items() if k not in ("territory", "source")}
    data.update(overrides)
    return data


def upload_form(**overrides) -> dict:
    frame = register_points().rename(columns={"key": "id", "division": "sector"})
    data = {"title": "Uploaded firms", "id_col": "id", "sector_col": "sector", "lon_col": "lon", "lat_col": "lat",
            "r_max": "60", "r_step": "2", "sims": "19", "alpha": "0.1", "min_n": "30", "fdr": "false",
            "file": SimpleUploadedFile("firms.csv", frame.to_csv(index=False).encode(), content_type="text/csv")}
    data.update(overrides)
    return data


@pytest.fixture
def ctx(generated, world, done_run):
    """A finished run with one footprint attached to a cluster, a queued run, a bare cluster."""
    officer = world.users["programme-officer"]
    link = services.attach_footprint(officer, done_run, "16-F1", new_cluster={"name": "Leiria wood"})
    queued = services.start_run(officer, run_data(title="Queued"))
    bare = services.create_cluster(officer, {"name": "Footwear"})
    return {"done": done_run.pk, "queued": queued.pk, "cluster": link.cluster_id, "link": link.pk,
            "bare": bare.pk, "missing": done_run.pk + 1000}


# The permission matrix ---------------------------------------------------------------------------------------

@dataclass
class Endpoint:
    method: str
    path: str
    access: str  # read: the agency-wide roles; write: agency admins and programme officers
    ok: int = 200
    body: object = None  # dict, or callable() -> dict for a fresh upload each time
    multipart: bool = False


ENDPOINTS = [
    Endpoint("get", "/runs", "read"),
    Endpoint("get", "/runs/{done}", "read"),
    Endpoint("get", "/runs/{done}/sectors", "read"),
    Endpoint("get", "/runs/{done}/footprints", "read"),
    Endpoint("get", "", "read"),
    Endpoint("get", "/{cluster}", "read"),
    Endpoint("post", "/runs", "write", 201, register_run_json),
    Endpoint("post", "/runs/upload", "write", 201, upload_form, multipart=True),
    Endpoint("post", "/runs/{queued}/cancel", "write", 200),
    Endpoint("delete", "/runs/{done}", "write", 204),
    Endpoint("post", "", "write", 201, {"name": "Sinos footwear", "sector_classification": "isic4",
                                        "sector_codes": ["1520"]}),
    Endpoint("patch", "/{cluster}", "write", 200, {"notes": "Visited in March"}),
    Endpoint("post", "/{bare}/footprints", "write", 201, lambda c: {"run_id": c["done"], "footprint_id": "16-F1"}),
    Endpoint("post", "/runs/{done}/footprints/16-F1/attach", "write", 201, {"name": "Wood again"}),
    Endpoint("delete", "/{cluster}/footprints/{link}", "write", 204),
]
# Refusals that depend on the object's state or existence, for those who may write (others: 403).
STATE_CASES = [
    Endpoint("post", "/runs/{done}/cancel", "write", 422),
    Endpoint("delete", "/runs/{queued}", "write", 422),
    Endpoint("delete", "/runs/{missing}", "write", 404),
    Endpoint("post", "/runs/{missing}/cancel", "write", 404),
    Endpoint("patch", "/{missing}", "write", 404, {"notes": "x"}),
    Endpoint("delete", "/{bare}/footprints/{link}", "write", 404),
    Endpoint("post", "/runs/{done}/footprints/99-F9/attach", "write", 404, {}),
    Endpoint("post", "/runs/{queued}/footprints/16-F1/attach", "write", 422, {}),
]


def expected(endpoint: Endpoint, who: str) -> int:
    if who in ("anonymous", "bad-token"):
        return 401
    if who not in READERS:
        return 403  # cluster mapping is closed to them, whatever the object
    if endpoint.access == "read":
        return endpoint.ok
    if who in EDITORS or endpoint.ok == 404:  # an unknown object is unknown to every reader
        return endpoint.ok
    return 403


def call(client: Client, endpoint: Endpoint, c: dict):
    path = API + endpoint.path.format(**c)
    body = endpoint.body
    if callable(body):  # lambda c: ... (needs the ids), or a maker of a fresh body (uploads)
        body = body(c) if body.__code__.co_argcount else body()
    if endpoint.method == "get":
        return client.get(path)
    if endpoint.multipart:
        return client.post(path, data=body)
    if endpoint.method == "delete":
        return client.delete(path)
    return getattr(client, endpoint.method)(path, data=body or {}, content_type="application/json")


def test_every_endpoint_is_in_the_matrix():
    routes = {(method.lower(), path) for path, view in router.path_operations.items()
              for op in view.operations for method in op.methods}
    names = {"{done}": "{int:run_id}", "{queued}": "{int:run_id}", "{cluster}": "{int:cluster_id}",
             "{bare}": "{int:cluster_id}", "{link}": "{int:link_id}", "16-F1": "{footprint_id}"}
    listed = set()
    for e in ENDPOINTS:
        path = e.path
        for placeholder, name in names.items():
            path = path.replace(placeholder, name)
        listed.add((e.method, path))
    assert routes == listed


def test_permission_matrix(clients, ctx):
    """Every endpoint for anonymous, a bad token, each role and the other organisations' users; each
    request rolled back, so all meet the same state. Mismatches reported together."""
    mismatches = {}
    for endpoint in ENDPOINTS + STATE_CASES:
        for who, client in clients.items():
            with transaction.atomic():
                response = call(client, endpoint, ctx)
                transaction.set_rollback(True)
            want = expected(endpoint, who)
            if response.status_code != want:
                mismatches.setdefault(f"{endpoint.method.upper()} {endpoint.path}", {})[who] = (
                    response.status_code, want, response.content[:120])
    assert mismatches == {}
    assert MappingRun.objects.count() == 2 and Cluster.objects.count() == 2  # nothing leaked


def test_refused_writes_change_nothing(clients, ctx):
    before = (list(MappingRun.objects.values_list("id", "cancel_requested_at")), list(Cluster.objects.values()),
              list(ClusterFootprint.objects.values_list("id", flat=True)), BackgroundTask.objects.count())
    for who in ("broker", "evaluator", "association-manager", "enterprise-user"):
        for endpoint in ENDPOINTS:
            if endpoint.access == "write":
                assert call(clients[who], endpoint, ctx).status_code == 403
    after = (list(MappingRun.objects.values_list("id", "cancel_requested_at")), list(Cluster.objects.values()),
             list(ClusterFootprint.objects.values_list("id", flat=True)), BackgroundTask.objects.count())
    assert after == before


# Mapping runs ---------------------------------------------------------------------------------------------

def test_start_a_register_run_and_follow_it_to_the_results(generated, clients):
    client = clients["programme-officer"]
    response = client.post(f"{API}/runs", register_run_json(), content_type="application/json")
    assert response.status_code == 201, response.content
    run = response.json()
    assert run["status"] == "queued" and run["source"] == "register" and run["parameters"]["sims"] == 19
    assert run["created_by"] == "programme-officer" and run["files"] == {}
    assert run_pending() == 1
    run = client.get(f"{API}/runs/{run['id']}").json()
    assert run["status"] == "done" and run["percent"] == 100
    assert run["summary"]["establishments"] == 360 and run["summary"]["sectors_screened"] == 3
    assert "footprints.geojson" in run["files"]


def test_defaults_of_a_register_run_are_the_form_s(generated, clients):
    response = clients["agency-admin"].post(f"{API}/runs", {"title": "Defaults", "classification": "isic4",
                                                            "sector_level": "division"},
                                            content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["parameters"] == {"r_max": 100.0, "r_step": 2.0, "sims": 999, "alpha": 0.05,
                                             "seed": 1, "min_n": 30, "weighted": False, "fdr": True,
                                             "with_m": False}


@pytest.mark.parametrize("body,field,message", [
    (register_run_json(sims=19, alpha=0.05), "sims", "use at least 20 simulations"),
    (register_run_json(title=""), "title", "Give the run a title"),
    (register_run_json(territory_id=999999), "territory_id", "No such territory."),
    (register_run_json(classification=""), "classification", "Choose the classification"),
    (register_run_json(source="upload"), "source", "multipart/form-data to /runs/upload"),
    (register_run_json(simulations=99), "simulations", "Extra inputs are not permitted"),
    (register_run_json(r_max="far"), "r_max", "valid number"),
])
def test_bad_register_runs_answer_422_naming_the_field(generated, clients, body, field, message):
    response = clients["programme-officer"].post(f"{API}/runs", body, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert field in errors and message in " ".join(errors[field]), errors
    assert not MappingRun.objects.exists()


def test_start_an_upload_run(world, clients):
    client = clients["agency-admin"]
    response = client.post(f"{API}/runs/upload", upload_form())
    assert response.status_code == 201, response.content
    run = MappingRun.objects.get(pk=response.json()["id"])
    assert run.source == "upload" and run.input_name == "firms.csv" and run.fdr is False
    assert run.columns == {"id": "id", "sector": "sector", "lon": "lon", "lat": "lat"}
    assert (run.output_path / "input" / "firms.csv").is_file()
    run_pending()
    assert client.get(f"{API}/runs/{run.pk}").json()["status"] == "done"


def test_bad_upload_names_the_file_s_columns(world, clients):
    response = clients["agency-admin"].post(f"{API}/runs/upload", upload_form(lon_col="longitude"))
    assert response.status_code == 422
    assert response.json()["errors"]["lon_col"] == [
        "The file has no column 'longitude'; its columns are: id, sector, code, lat, lon, employees."]
    missing = clients["agency-admin"].post(f"{API}/runs/upload", {"title": "No file", "sector_col": "sector"})
    assert missing.status_code == 422 and "file" in missing.json()["errors"]


def test_cancel_then_delete(generated, clients, django_capture_on_commit_callbacks):
    client = clients["programme-officer"]
    run_id = client.post(f"{API}/runs", register_run_json(), content_type="application/json").json()["id"]
    refused = client.delete(f"{API}/runs/{run_id}")
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"__all__": ["The run is queued: cancel it first, then delete it."]}
    response = client.post(f"{API}/runs/{run_id}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    assert "before it started" in response.json()["message"]
    again = client.post(f"{API}/runs/{run_id}/cancel")
    assert again.status_code == 422 and "already finished (cancelled)" in again.json()["detail"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{API}/runs/{run_id}").status_code == 204
    assert client.get(f"{API}/runs/{run_id}").status_code == 404


def test_a_running_run_answers_running_until_it_stops(generated, clients):
    client = clients["agency-admin"]
    run_id = client.post(f"{API}/runs", register_run_json(), content_type="application/json").json()["id"]
    BackgroundTask.objects.filter(mapping_run__pk=run_id).update(status="running")
    response = client.post(f"{API}/runs/{run_id}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "running"
    assert response.json()["cancel_requested_at"] is not None  # stopping
    assert client.delete(f"{API}/runs/{run_id}").status_code == 422


def test_deleting_a_run_keeps_its_footprint_in_the_cluster(clients, ctx):
    client = clients["agency-admin"]
    assert client.delete(f"{API}/runs/{ctx['done']}").status_code == 204
    cluster = client.get(f"{API}/{ctx['cluster']}").json()
    [footprint] = cluster["footprints"]
    assert footprint["run_id"] is None and footprint["run_title"] == "Finished run"
    assert footprint["footprint_id"] == "16-F1" and footprint["geometry"]["type"] == "Polygon"
    assert cluster["current_establishments"] == footprint["establishments"] > 0


# Cluster records ------------------------------------------------------------------------------------------

def test_create_and_change_a_cluster(world, clients):
    client = clients["programme-officer"]
    from triplec.registry.models import Territory

    ceara = Territory.objects.get(code="CE")
    response = client.post(API, {"name": "Sinos footwear", "sector_classification": "isic4",
                                 "sector_codes": ["1520", "15"], "territory_id": ceara.pk,
                                 "description": "Shoes"}, content_type="application/json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["sector_codes"] == ["1520", "15"] and created["territory_id"] == ceara.pk
    assert created["footprints"] == [] and created["n_footprints"] == 0
    path = f"{API}/{created['id']}"
    changed = client.patch(path, {"description": None, "sector_codes": "1520", "notes": "Visited"},
                           content_type="application/json")
    assert changed.status_code == 200
    body = changed.json()
    assert body["description"] == "" and body["sector_codes"] == ["1520"] and body["notes"] == "Visited"
    assert body["name"] == "Sinos footwear" and body["territory_id"] == ceara.pk  # untouched
    cluster = Cluster.objects.get(pk=created["id"])
    assert cluster.history.count() == 2 and cluster.history.first().history_user == world.users["programme-officer"]


@pytest.mark.parametrize("body,field,message", [
    ({"name": ""}, "name", "Give the cluster a name."),
    ({"name": "x", "sector_classification": "isic4", "sector_codes": ["99999"]}, "sector_codes", "99999"),
    ({"name": "x", "territory_id": 999999}, "territory_id", "No such territory."),
    ({"name": "x", "sector_classification": "sic"}, "sector_classification", "Unknown classification"),
    ({"name": "x", "colour": "red"}, "colour", "Extra inputs are not permitted"),
])
def test_bad_cluster_records_answer_422(world, clients, body, field, message):
    response = clients["agency-admin"].post(API, body, content_type="application/json")
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert field in errors and message in " ".join(errors[field]), errors
    assert not Cluster.objects.exists()


def test_attach_to_a_cluster_and_detach(clients, ctx):
    client = clients["programme-officer"]
    response = client.post(f"{API}/{ctx['bare']}/footprints", {"run_id": ctx["done"], "footprint_id": "16-F1"},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    link = response.json()
    assert link["cluster_id"] == ctx["bare"] and link["run_id"] == ctx["done"] and link["sector"] == "16"
    same = ClusterFootprint.objects.get(pk=ctx["link"])  # the other cluster's copy of the same footprint
    assert link["establishments"] == same.establishments and link["geometry"] == same.geometry
    assert client.get(f"{API}/{ctx['bare']}").json()["sector_codes"] == []  # no classification: codes untouched

    twice = client.post(f"{API}/{ctx['bare']}/footprints", {"run_id": ctx["done"], "footprint_id": "16-F1"},
                        content_type="application/json")
    assert twice.status_code == 422 and "already attached to Footwear" in twice.json()["errors"]["cluster_id"][0]
    for body, field in (({"run_id": ctx["missing"], "footprint_id": "16-F1"}, "run_id"),
                        ({"run_id": ctx["done"], "footprint_id": "99-F9"}, "footprint_id"),
                        ({"run_id": ctx["done"]}, "footprint_id")):
        response = client.post(f"{API}/{ctx['bare']}/footprints", body, content_type="application/json")
        assert response.status_code == 422 and field in response.json()["errors"], (body, response.content)

    assert client.delete(f"{API}/{ctx['bare']}/footprints/{link['id']}").status_code == 204
    assert client.get(f"{API}/{ctx['bare']}").json()["footprints"] == []
    assert client.delete(f"{API}/{ctx['bare']}/footprints/{link['id']}").status_code == 404


def test_attach_from_the_run_to_a_new_or_an_existing_cluster(clients, ctx):
    client = clients["agency-admin"]
    path = f"{API}/runs/{ctx['done']}/footprints/16-F1/attach"
    new = client.post(path, {}, content_type="application/json")
    assert new.status_code == 201, new.content
    cluster = Cluster.objects.get(pk=new.json()["cluster_id"])
    # Named as on the run page: the sector's ISIC name and, the run's establishments having no place
    # names, the city the footprint is in.
    assert cluster.name == ("Manufacture of wood and of products of wood and cork, except furniture; "
                            "manufacture of articles of straw and plaiting materials — Leiria, Leiria")
    assert cluster.sector_codes == "16" and cluster.sector_classification == "isic4"
    named = client.post(path, {"name": "Leiria sawmills"}, content_type="application/json")
    assert Cluster.objects.get(pk=named.json()["cluster_id"]).name == "Leiria sawmills"
    existing = client.post(path, {"cluster_id": ctx["bare"]}, content_type="application/json")
    assert existing.status_code == 201 and existing.json()["cluster_id"] == ctx["bare"]
    unknown = client.post(path, {"cluster_id": ctx["missing"]}, content_type="application/json")
    assert unknown.status_code == 422 and unknown.json()["errors"] == {"cluster_id": ["No such cluster."]}


def test_openapi_documents_the_writes(db):
    paths = Client().get("/api/v1/openapi.json").json()["paths"]
    assert set(paths["/api/v1/clusters/runs/{run_id}"]) == {"get", "delete"}
    assert set(paths["/api/v1/clusters/{cluster_id}"]) == {"get", "patch"}
    assert set(paths["/api/v1/clusters/{cluster_id}/footprints/{link_id}"]) == {"delete"}
    upload = paths["/api/v1/clusters/runs/upload"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"201", "401", "403", "422"} <= set(upload["responses"])
    assert {"204", "404", "422"} <= set(paths["/api/v1/clusters/runs/{run_id}"]["delete"]["responses"])
