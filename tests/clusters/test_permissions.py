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
from tests.permissions import ANONYMOUS, LOGIN, assert_matrix, matrix, matrix_failures, page_requests

from triplec.clusters import services
from triplec.mapping.geo import geopandas_available

VIEW = {ANONYMOUS: LOGIN, **matrix(403, agency_admin=200, programme_officer=200, broker=200, evaluator=200)}
WRITE = {ANONYMOUS: LOGIN, **matrix(403, agency_admin=302, programme_officer=302)}


@pytest.fixture
def cluster(world):
    return services.create_cluster(world.users["agency-admin"], {"name": "Wood cluster"})


DOWNLOADS = ["sectors.csv", "sectors.parquet", "sectors_detail.csv", "curves.csv", "curves_detail.csv",
             "footprints.geojson", "footprints.csv", "footprint_members.csv", "profiles.csv", "report.html"]
# GeoParquet footprints are written when geopandas (the [geo] extra) is installed
DOWNLOADS += ["footprints.parquet"] if geopandas_available() else []


def test_downloads_only_for_those_who_may_view_the_run(world, client_for, done_run):
    failures = {}
    for name in DOWNLOADS:
        url = reverse("clusters:run_file", args=[done_run.pk, name])
        got = matrix_failures(page_requests(world.users, client_for, "get", url, rollback=False), VIEW)
        if got:
            failures[name] = got
    assert failures == {}


def test_start_run_matrix(generated, world, client_for):
    url = reverse("clusters:run_create")
    assert_matrix(page_requests(world.users, client_for, "post", url, run_data(), rollback=False), WRITE, url)


def test_detach_footprint_matrix(world, client_for, done_run, cluster):
    def fresh_link():
        link = services.attach_footprint(world.users["agency-admin"], done_run, "16-F1",
                                         new_cluster={"name": "Fresh"})
        return reverse("clusters:footprint_detach", args=[link.cluster_id, link.pk])

    assert_matrix(page_requests(world.users, client_for, "post", fresh_link, rollback=False), WRITE, "detach")


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
