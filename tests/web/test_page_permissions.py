"""The permission matrix of every page: for each URL and method, the status that anonymous visitors,
each role, and users of another organisation get.

Legend: 200 page shown (or form re-shown), 302 done and redirected, 403 seen but not allowed,
404 not visible to this user, LOGIN redirected to the login page. Anonymous visitors always get LOGIN.

The world (tests/conftest.py): association-manager manages assoc_a (members ent_a1, ent_a2);
other-association-manager manages assoc_b (member ent_b1); enterprise-user works at ent_a1;
other-enterprise-user at ent_b1; ent_none belongs to no association; buyer is a public purchaser.
Each request runs in a savepoint that is rolled back, so every user meets the same world.
"""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, reverse
from tests.permissions import Case, assert_page_permissions, everyone, matrix


def enterprise_form(world, **changes):
    data = dict(legal_name="Nova Serraria", country="BR", national_id="55.555.555/0001-91",
                sector_classification="isic4", sector_code="1610", employees="7")
    data.update(changes)
    return data


def _membership_a1(world):
    return world.ent_a1.memberships.get(association=world.assoc_a).pk


def _pending_request(world):
    from triplec.registry import services_changes

    pending = world.ent_a1.change_requests.filter(status="pending").first()
    return (pending or services_changes.request_change(world.users["enterprise-user"], world.ent_a1,
                                                       {"legal_name": "Serraria Alfa S.A."})).pk


# Pages that only need a login show the same page to everyone (scoped content is tested elsewhere).
CASES = [
    Case("dashboard", "get", lambda w: reverse("dashboard"), everyone(200)),
    Case("password change", "get", lambda w: reverse("password_change"), everyone(200)),
    Case("enterprise list", "get", lambda w: reverse("enterprise_list"), everyone(200)),
    Case("enterprise list htmx", "get", lambda w: reverse("enterprise_list") + "?sector=C", everyone(200)),
    Case("enterprise map", "get", lambda w: reverse("enterprise_map"), everyone(200)),
    Case("map data", "get", lambda w: reverse("enterprise_map_data"), everyone(200)),
    Case("territory select", "get", lambda w: reverse("territory_select") + "?territory=1", everyone(200)),
    Case("organisation list", "get", lambda w: reverse("organisation_list"), everyone(200)),
    # Enterprise A1 (member of association A, enterprise-user's own).
    Case("enterprise detail", "get", lambda w: reverse("enterprise_detail", args=[w.ent_a1.pk]),
         matrix(200, other_association_manager=404, other_enterprise_user=404)),
    Case("map popup", "get", lambda w: reverse("enterprise_popup", args=[w.ent_a1.pk]),
         matrix(200, other_association_manager=404, other_enterprise_user=404)),
    Case("enterprise detail, no association", "get", lambda w: reverse("enterprise_detail", args=[w.ent_none.pk]),
         matrix(200, association_manager=404, other_association_manager=404, enterprise_user=404,
                other_enterprise_user=404)),
    Case("enterprise create form", "get", lambda w: reverse("enterprise_create"),
         matrix(200, broker=403, evaluator=403, enterprise_user=403, other_enterprise_user=403)),
    Case("enterprise create", "post", lambda w: reverse("enterprise_create"),
         matrix(302, broker=403, evaluator=403, enterprise_user=403, other_enterprise_user=403),
         data=enterprise_form),
    Case("enterprise edit form", "get", lambda w: reverse("enterprise_edit", args=[w.ent_a1.pk]),
         matrix(200, broker=403, evaluator=403, other_association_manager=404, other_enterprise_user=404)),
    Case("enterprise edit", "post", lambda w: reverse("enterprise_edit", args=[w.ent_a1.pk]),
         matrix(302, broker=403, evaluator=403, other_association_manager=404, other_enterprise_user=404),
         data=lambda w: enterprise_form(w, national_id=w.ent_a1.national_id, legal_name="Serraria Alfa S.A.")),
    Case("contact add", "post", lambda w: reverse("contact_add", args=[w.ent_a1.pk]),
         matrix(302, broker=403, evaluator=403, other_association_manager=404, other_enterprise_user=404),
         data=lambda w: {"name": "Ana", "email": "ana@example.org"}),
    # Change requests: the firm's own user asks; the agency's register editors decide.
    Case("change request form", "get", lambda w: reverse("change_request_create", args=[w.ent_a1.pk]),
         matrix(403, enterprise_user=200, other_association_manager=404, other_enterprise_user=404)),
    Case("change request", "post", lambda w: reverse("change_request_create", args=[w.ent_a1.pk]),
         matrix(403, enterprise_user=302, other_association_manager=404, other_enterprise_user=404),
         data=lambda w: {"legal_name": "Serraria Alfa S.A.", "country": "BR", "national_id": w.ent_a1.national_id,
                         "sector_classification": "isic4", "sector_code": "1610"}),
    Case("change request list", "get", lambda w: reverse("change_request_list"),
         matrix(403, agency_admin=200, programme_officer=200)),
    Case("change request decision", "post", lambda w: reverse("change_request_decide", args=[_pending_request(w)]),
         matrix(403, agency_admin=302, programme_officer=302, other_association_manager=404,
                other_enterprise_user=404),
         data=lambda w: {"decision": "approve"}),
    # Association A (managed by association-manager; enterprise-user's firm is a member).
    Case("association detail", "get", lambda w: reverse("organisation_detail", args=[w.assoc_a.pk]),
         matrix(200, other_association_manager=404, other_enterprise_user=404)),
    Case("buyer detail", "get", lambda w: reverse("organisation_detail", args=[w.buyer.pk]),
         matrix(200, association_manager=404, other_association_manager=404, enterprise_user=404,
                other_enterprise_user=404)),
    Case("organisation create form", "get", lambda w: reverse("organisation_create"),
         matrix(403, agency_admin=200, programme_officer=200)),
    Case("organisation create", "post", lambda w: reverse("organisation_create"),
         matrix(403, agency_admin=302, programme_officer=302),
         data=lambda w: {"kind": "business-association", "name": "New Group", "country": "BR"}),
    Case("association edit form", "get", lambda w: reverse("organisation_edit", args=[w.assoc_a.pk]),
         matrix(200, broker=403, evaluator=403, other_association_manager=404, enterprise_user=403,
                other_enterprise_user=404)),
    Case("association edit", "post", lambda w: reverse("organisation_edit", args=[w.assoc_a.pk]),
         matrix(302, broker=403, evaluator=403, other_association_manager=404, enterprise_user=403,
                other_enterprise_user=404),
         data=lambda w: {"kind": "producers-association", "name": "Sawmills Association", "country": "BR"}),
    # Adding ent_none to association A: the association manager may manage members but cannot see
    # ent_none (not a member), so the form answers "no enterprise you can see" (200).
    Case("membership add", "post", lambda w: reverse("membership_add", args=[w.assoc_a.pk]),
         matrix(302, broker=403, evaluator=403, association_manager=200, other_association_manager=404,
                enterprise_user=403, other_enterprise_user=404),
         data=lambda w: {"enterprise": w.ent_none.national_id, "start_date": "2024-01-01"}),
    Case("membership add, own member", "post", lambda w: reverse("membership_add", args=[w.assoc_a.pk]),
         matrix(302, broker=403, evaluator=403, other_association_manager=404, enterprise_user=403,
                other_enterprise_user=404),
         data=lambda w: {"enterprise": w.ent_a2.national_id, "start_date": "2010-01-01",
                         "end_date": "2010-12-31"}),
    Case("membership add to a non-association", "post", lambda w: reverse("membership_add", args=[w.buyer.pk]),
         matrix(404), data=lambda w: {"enterprise": w.ent_none.national_id, "start_date": "2024-01-01"}),
    Case("membership end", "post", lambda w: reverse("membership_end", args=[_membership_a1(w)]),
         matrix(302, broker=403, evaluator=403, other_association_manager=404, enterprise_user=403,
                other_enterprise_user=404),
         data=lambda w: {"end_date": "2025-12-31"}),
]


def _optional(name: str, method: str, url_name: str, expected: dict[str, int]) -> list[Case]:
    """Pages of the import/export module, when it is installed."""
    try:
        reverse(url_name)
    except NoReverseMatch:
        return []
    return [Case(name, method, lambda w: reverse(url_name), expected)]


CASES += _optional("import page", "get", "enterprise_import",
                   matrix(200, broker=403, evaluator=403, enterprise_user=403, other_enterprise_user=403))
CASES += _optional("export", "get", "enterprise_export", everyone(200))


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_page_permission_matrix(world, client_for, case):
    assert_page_permissions(world, client_for, case)


@pytest.mark.parametrize("url_name,args", [
    ("contact_add", "ent_a1"), ("membership_add", "assoc_a"), ("membership_end", None)])
def test_post_only_pages_refuse_get(world, client_for, url_name, args):
    pk = _membership_a1(world) if args is None else getattr(world, args).pk
    client = client_for(world.users["agency-admin"])
    assert client.get(reverse(url_name, args=[pk])).status_code == 405


def test_every_registry_page_is_in_the_matrix():
    """A new page without a row here fails this test."""
    from triplec.registry import urls

    covered = {"enterprise_list", "enterprise_create", "enterprise_map", "enterprise_map_data", "enterprise_detail",
               "enterprise_edit", "enterprise_popup", "contact_add", "organisation_list", "organisation_create",
               "organisation_detail", "organisation_edit", "membership_add", "membership_end", "territory_select",
               "change_request_create", "change_request_list", "change_request_decide"}
    names = {p.name for p in urls.urlpatterns if getattr(p, "name", None)}
    assert names == covered


# Cluster mapping and cluster records (issue 3) ------------------------------------------------------
# Runs and cluster records are for the agency-wide roles; agency admins and programme officers start,
# cancel and delete runs, edit clusters and attach footprints. Association managers and enterprise users
# (of any organisation) get 403 on every page. `world.clusters` (fixture below): a finished run with
# small output files, a queued run, and a cluster record holding one footprint of the finished run.

CLUSTER_VIEW = matrix(403, agency_admin=200, programme_officer=200, broker=200, evaluator=200)
CLUSTER_FORM = matrix(403, agency_admin=200, programme_officer=200)
CLUSTER_WRITE = matrix(403, agency_admin=302, programme_officer=302)


def _mapping_run_form(world):
    """A register run over the world's enterprises with coordinates (ent_a1 and ent_b1: two of them)."""
    return {"title": "Everything", "source": "register", "classification": "isic4", "sector_level": "",
            "r_max": "60", "r_step": "2", "sims": "19", "alpha": "0.1", "min_n": "2", "seed": "1"}


def _cl(name: str, *objects: str, query: str = ""):
    """URL of clusters page `name` with the pks of world.clusters' `objects` as arguments."""
    return lambda w: reverse(f"clusters:{name}", args=[getattr(w.clusters, o) for o in objects]) + query


CLUSTER_CASES = [
    Case("cluster list", "get", _cl("cluster_list"), CLUSTER_VIEW),
    Case("cluster export", "get", _cl("cluster_export", query="?format=xlsx"), CLUSTER_VIEW),
    Case("cluster page", "get", _cl("cluster_detail", "cluster"), CLUSTER_VIEW),
    Case("cluster create form", "get", _cl("cluster_create"), CLUSTER_FORM),
    Case("cluster create", "post", _cl("cluster_create"), CLUSTER_WRITE, data=lambda w: {"name": "Shoes"}),
    Case("cluster edit form", "get", _cl("cluster_edit", "cluster"), CLUSTER_FORM),
    Case("cluster edit", "post", _cl("cluster_edit", "cluster"), CLUSTER_WRITE, data=lambda w: {"name": "Wood"}),
    Case("footprint detach", "post", _cl("footprint_detach", "cluster", "link"), CLUSTER_WRITE),
    Case("run list", "get", _cl("run_list"), CLUSTER_VIEW),
    Case("run create form", "get", _cl("run_create"), CLUSTER_FORM),
    Case("run create", "post", _cl("run_create"), CLUSTER_WRITE, data=_mapping_run_form),
    Case("run page", "get", _cl("run_detail", "done"), CLUSTER_VIEW),
    Case("run page, queued", "get", _cl("run_detail", "queued"), CLUSTER_VIEW),
    Case("run progress", "get", _cl("run_progress", "queued"), CLUSTER_VIEW),
    Case("run map data", "get", _cl("run_map_data", "done"), CLUSTER_VIEW),
    Case("run plot", "get", lambda w: reverse("clusters:run_plot", args=[w.clusters.done]) + "?sector=16", CLUSTER_VIEW),
    Case("run file", "get", lambda w: reverse("clusters:run_file", args=[w.clusters.done, "sectors.csv"]),
         CLUSTER_VIEW),
    Case("footprint attach", "post", lambda w: reverse("clusters:footprint_attach", args=[w.clusters.done]),
         CLUSTER_WRITE, data=lambda w: {"footprint": "16-F1", "cluster": "new", "name": "Again"}),
    Case("run cancel", "post", _cl("run_cancel", "queued"), CLUSTER_WRITE),
    Case("run delete form", "get", _cl("run_delete", "done"), CLUSTER_FORM),
    Case("run delete", "post", _cl("run_delete", "done"), CLUSTER_WRITE),
]


@pytest.fixture
def cluster_world(world, settings, tmp_path):
    """The world plus `world.clusters`: pks of a finished run (files under a temporary MEDIA_ROOT), a
    queued run, a cluster and its footprint link."""
    import json
    from types import SimpleNamespace

    from django.utils import timezone

    from triplec.clusters import services
    from triplec.clusters.models import MappingRun
    from triplec.core.models import BackgroundTask

    settings.MEDIA_ROOT = tmp_path / "media"
    admin = world.users["agency-admin"]
    now = timezone.now()
    done = MappingRun.objects.create(
        title="Finished", classification="isic4", sims=19, alpha=0.1, min_n=2, created_by=admin,
        task=BackgroundTask.objects.create(name="triplec.clusters.tasks.mapping_run", status="done", started_at=now, finished_at=now))
    folder = done.output_path
    folder.mkdir(parents=True)
    (folder / "sectors.csv").write_text("sector,n,employment,gamma,psi,localised,p_value,q_value,peak_distance\n"
                                        "16,2,,0.5,0.0,True,0.05,0.05,2.0\n")
    (folder / "curves.csv").write_text("sector,r,kd,lo,hi\n16,0,0.1,0.0,0.05\n16,2,0.3,0.0,0.1\n16,4,0.0,0.0,0.1\n")
    ring = [[-38.95, -4.35], [-38.85, -4.35], [-38.85, -4.25], [-38.95, -4.35]]
    (folder / "footprints.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [{
        "type": "Feature", "id": "16-F1", "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": {"sector": "16", "count": 1, "establishments": [str(world.ent_a1.pk)], "centroid_lon": -38.9,
                       "centroid_lat": -4.3, "regions": ["São João do Aruaru"], "area_km2": 12.0, "eps_km": 2.0}}]}))
    queued = MappingRun.objects.create(title="Waiting", classification="isic4", created_by=admin,
                                       task=BackgroundTask.objects.create(name="triplec.clusters.tasks.mapping_run"))
    link = services.attach_footprint(admin, done, "16-F1", new_cluster={"name": "Aruaru sawmills"})
    world.clusters = SimpleNamespace(done=done.pk, queued=queued.pk, cluster=link.cluster_id, link=link.pk)
    return world


@pytest.mark.parametrize("case", CLUSTER_CASES, ids=[c.name for c in CLUSTER_CASES])
def test_clusters_page_permission_matrix(cluster_world, client_for, case):
    assert_page_permissions(cluster_world, client_for, case)


def test_every_clusters_page_is_in_the_matrix():
    """A new clusters page without a row in CLUSTER_CASES fails this test."""
    from triplec.clusters import urls

    covered = {"cluster_list", "cluster_export", "cluster_detail", "cluster_create", "cluster_edit",
               "footprint_detach", "run_list", "run_create", "run_detail", "run_progress", "run_map_data",
               "run_plot", "run_file", "footprint_attach", "run_cancel", "run_delete"}
    names = {p.name for p in urls.urlpatterns if getattr(p, "name", None)}
    assert names == covered


# Enterprise import pages (one upload's pages: preview, re-check, confirm, background progress) ------
# An upload is seen by its uploader only: other users who may import get 404, those who may not 403.
# `world.batch` (fixture below): programme-officer's checked upload of a small valid file; `big`:
# the same officer's big upload, being imported by a background task.

def own_upload(status: int) -> dict[str, int]:
    return matrix(403, agency_admin=404, association_manager=404, other_association_manager=404,
                  programme_officer=status)


def _upload_url(name: str, batch: str = "batch"):
    return lambda w: reverse(name, args=[getattr(w.uploads, batch)])


IMPORT_CASES = [  # the upload page and the export have their rows in CASES
    Case("import template", "get", lambda w: reverse("enterprise_import_template"),
         matrix(200, broker=403, evaluator=403, enterprise_user=403, other_enterprise_user=403)),
    Case("import preview", "get", _upload_url("enterprise_import_preview"), own_upload(200)),
    Case("import re-check", "post", _upload_url("enterprise_import_preview"), own_upload(302),
         data=lambda w: {"col_0": "legal_name", "col_1": "country", "col_2": "national_id",
                         "col_3": "sector_classification", "col_4": "sector_code"}),
    Case("import confirm", "post", _upload_url("enterprise_import_confirm"), own_upload(302)),
    Case("import progress", "get", _upload_url("enterprise_import_progress"), own_upload(200)),
    # the uploader gets 404 here only because this upload left no rejected rows; the others never see it
    Case("import rejected rows", "get", _upload_url("enterprise_import_rejected"), own_upload(404)),
    Case("import page, background import", "get", _upload_url("enterprise_import_preview", "big"), own_upload(200)),
    Case("import progress, background import", "get", _upload_url("enterprise_import_progress", "big"),
         own_upload(200)),
]


@pytest.fixture
def import_world(world, settings, tmp_path):
    from types import SimpleNamespace

    from django.core.files.base import ContentFile

    from triplec.registry.importing import batches
    from triplec.registry.models_import import ImportBatch

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRIPLEC_IMPORT_BACKGROUND_ROWS = 5
    officer = world.users["programme-officer"]
    header = "legal_name,country,national_id,sector_classification,sector_code\n"

    def uploaded(rows: int) -> ImportBatch:
        text = header + "".join(f"Firma {i},BR,PM-{i},isic4,1610\n" for i in range(rows))
        batch = ImportBatch(uploaded_by=officer, original_name="firms.csv")
        batch.file.save("firms.csv", ContentFile(text.encode()), save=False)
        batches.check(batch, officer)
        batch.save()
        return batch

    small, big = uploaded(2), uploaded(8)
    batches.queue_commit(big, officer)
    world.uploads = SimpleNamespace(batch=small.pk, big=big.pk)
    return world


@pytest.mark.parametrize("case", IMPORT_CASES, ids=[c.name for c in IMPORT_CASES])
def test_import_page_permission_matrix(import_world, client_for, case):
    assert_page_permissions(import_world, client_for, case)


def test_every_import_page_is_in_the_matrix():
    """A new import or export page without a row in IMPORT_CASES fails this test."""
    from triplec.registry import urls_import

    covered = {"enterprise_import", "enterprise_import_template", "enterprise_import_preview",
               "enterprise_import_confirm", "enterprise_import_progress", "enterprise_export",
               "enterprise_import_rejected"}
    names = {p.name for p in urls_import.urlpatterns if getattr(p, "name", None)}
    assert names == covered
