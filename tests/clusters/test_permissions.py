"""Who may open which clusters page and send which form, beyond the one row a page in
tests/web/test_page_permissions.py (CLUSTER_CASES): every download, a real run started from the form,
fresh footprint links to detach, the navigation link, unknown objects and POST-only pages.

Mapping runs and cluster records are for the agency-wide roles (agency admin, programme officer, broker,
evaluator); only agency admins and programme officers start runs, edit clusters and attach footprints.
Association managers and enterprise users get 403 everywhere; anonymous visitors go to the login page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from tests.clusters.factories import run_data

from triplec.clusters import services

ROLES = ["anonymous", "agency-admin", "programme-officer", "broker", "evaluator", "association-manager",
         "other-association-manager", "enterprise-user", "other-enterprise-user"]
NO_ACCESS = {"association-manager": 403, "other-association-manager": 403, "enterprise-user": 403,
             "other-enterprise-user": 403}
VIEW = {"anonymous": 302, "agency-admin": 200, "programme-officer": 200, "broker": 200, "evaluator": 200,
        **NO_ACCESS}
WRITE = {"anonymous": 302, "agency-admin": 302, "programme-officer": 302, "broker": 403, "evaluator": 403,
         **NO_ACCESS}


def matrix(world, client_for, method: str, make_url, data=None) -> dict:
    """Status code of the request for every role; `make_url()` is called per role (fresh objects)."""
    statuses = {}
    for role in ROLES:
        user = None if role == "anonymous" else world.users[role]
        client = client_for(user)
        url = make_url()
        response = client.get(url) if method == "GET" else client.post(url, data or {})
        statuses[role] = response.status_code
        if role == "anonymous":
            assert response.url.startswith(reverse("login")), url
    return statuses


@pytest.fixture
def cluster(world):
    return services.create_cluster(world.users["agency-admin"], {"name": "Wood cluster"})


DOWNLOADS = ["sectors.csv", "sectors.parquet", "sectors_detail.csv", "curves.csv", "curves_detail.csv",
             "footprints.geojson", "footprints.csv", "footprint_members.csv", "profiles.csv", "report.html"]


def test_downloads_only_for_those_who_may_view_the_run(world, client_for, done_run):
    failures = {}
    for name in DOWNLOADS:
        url = reverse("clusters:run_file", args=[done_run.pk, name])
        got = matrix(world, client_for, "GET", lambda url=url: url)
        if got != VIEW:
            failures[name] = got
    assert failures == {}


def test_start_run_matrix(generated, world, client_for):
    url = reverse("clusters:run_create")
    assert matrix(world, client_for, "POST", lambda: url, run_data()) == WRITE


def test_detach_footprint_matrix(world, client_for, done_run, cluster):
    def fresh_link():
        link = services.attach_footprint(world.users["agency-admin"], done_run, "16-F1",
                                         new_cluster={"name": "Fresh"})
        return reverse("clusters:footprint_detach", args=[link.cluster_id, link.pk])

    assert matrix(world, client_for, "POST", fresh_link) == WRITE


@pytest.mark.parametrize("role,shown", [("agency-admin", True), ("programme-officer", True), ("broker", True),
                                        ("evaluator", True), ("association-manager", False),
                                        ("enterprise-user", False)])
def test_navigation_link_follows_the_policy(world, client_for, role, shown):
    html = client_for(world.users[role]).get(reverse("dashboard")).content.decode()
    assert (reverse("clusters:cluster_list") in html) is shown


def test_unknown_objects_answer_404(world, client_for, done_run):
    client = client_for(world.users["programme-officer"])
    assert client.get(reverse("clusters:run_detail", args=[done_run.pk + 100])).status_code == 404
    assert client.get(reverse("clusters:cluster_detail", args=[999])).status_code == 404
    assert client.get(reverse("clusters:run_file", args=[done_run.pk, "establishments.parquet"])).status_code == 404
    assert client.get(reverse("clusters:run_file", args=[done_run.pk, "..%2Fsecret"])).status_code == 404
    assert client.post(reverse("clusters:footprint_attach", args=[done_run.pk]),
                       {"footprint": "99-F9", "cluster": "new"}).status_code == 404


@pytest.mark.parametrize("name", ["run_cancel", "footprint_attach", "footprint_detach"])
def test_post_only_pages_refuse_get(world, client_for, done_run, cluster, name):
    args = {"run_cancel": [done_run.pk], "footprint_attach": [done_run.pk],
            "footprint_detach": [cluster.pk, 1]}[name]
    assert client_for(world.users["agency-admin"]).get(reverse(f"clusters:{name}", args=args)).status_code == 405
