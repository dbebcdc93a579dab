"""Sector codes of an uploaded file are whatever its users typed: `/`, `?`, `#`, spaces, accents. The run
page, its plots, the footprint anchors and attaching a footprint work with any of them (issue 8, item 5:
`Food/Drink` made the run page answer 500, NoReverseMatch)."""

from __future__ import annotations

import re
import shutil
from html import unescape

import pytest
from django.urls import reverse
from tests.clusters.factories import register_points

from triplec.clusters.models import Cluster

# division of the generated register -> the code a user gave it in an uploaded file
AWKWARD = {"16": "Madeira/Móveis #1", "25": "Metal? ação & co", "10": "Food/Drink"}


@pytest.fixture(scope="module")
def awkward_outputs(tmp_path_factory):
    from triplec.clusters.registers import PreparedInput
    from triplec.mapping.pipeline import run_map

    frame = register_points().rename(columns={"key": "id", "division": "sector"})
    frame["sector"] = frame["sector"].map(AWKWARD)
    folder = tmp_path_factory.mktemp("awkward-outputs")
    outputs = run_map(frame, folder, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat",
                      weight_col="employees", r_max=60, r_step=2, sims=99, alpha=0.05, min_n=30,
                      title="Awkward codes")
    frame.to_parquet(folder / "establishments.parquet", index=False)
    prepared = PreparedInput(frame=frame, columns={}, counts={"matched": len(frame), "used": len(frame)})
    return folder, prepared, outputs


@pytest.fixture
def awkward_run(world, awkward_outputs):
    from django.utils import timezone

    from triplec.clusters.models import MappingRun
    from triplec.clusters.tasks import _summary
    from triplec.core.models import BackgroundTask

    folder, prepared, outputs = awkward_outputs
    officer = world.users["programme-officer"]
    task = BackgroundTask.objects.create(name="triplec.clusters.tasks.mapping_run", status=BackgroundTask.Status.DONE,
                                         created_by=officer, started_at=timezone.now(), finished_at=timezone.now())
    run = MappingRun.objects.create(title="Uploaded run", classification="", sector_level="", sims=99,
                                    alpha=0.05, r_max=60, r_step=2, weighted=True, task=task, created_by=officer)
    run.output_dir = f"mapping/{run.pk}"
    shutil.copytree(folder, run.output_path)
    run.summary = _summary(run, prepared, outputs, dict(outputs.seconds))
    run.save()
    return run


def test_run_page_plots_and_attach_work_with_any_sector_code(awkward_run, world, client_for):
    client = client_for(world.users["programme-officer"])
    response = client.get(reverse("clusters:run_detail", args=[awkward_run.pk]))
    assert response.status_code == 200
    page = response.content.decode()

    # Every plot the page asks for (drawn later, on request) answers with that sector's plot.
    plot_urls = [unescape(u) for u in re.findall(r'hx-get="([^"]*plot[^"]*)"', page)]
    assert plot_urls
    asked = set()
    for url in plot_urls:
        plot = client.get(url)
        assert plot.status_code == 200 and plot.content.decode().lstrip().startswith("<svg"), url
        asked.add(next(code for code in AWKWARD.values() if code in unescape(plot.content.decode())))
    assert asked == set(AWKWARD.values())

    # Anchors of the footprint rows are valid HTML ids (no space) and the page links match them.
    ids = re.findall(r'<tr id="([^"]*)" data-testid="footprint-row"', page)
    assert ids and all(" " not in i for i in ids)

    # Attaching the wood footprint (code with '/' and '#') to a new cluster.
    footprint = f"{AWKWARD['16']}-F1"
    form_action = re.search(r'<form method="post" action="([^"]*)" class="attach-form">', page).group(1)
    response = client.post(unescape(form_action), {"footprint": footprint, "cluster": "new", "name": ""})
    cluster = Cluster.objects.get()
    assert response.status_code == 302 and response.url == reverse("clusters:cluster_detail", args=[cluster.pk])
    assert cluster.footprints.get().footprint_id == footprint
    detail = client.get(response.url).content.decode()
    link = re.search(r'href="([^"]*#footprint-[^"]*)"', detail).group(1)
    assert link.split("#", 1)[1] in ids


def test_a_sector_without_a_curve_is_a_404_not_a_500(awkward_run, world, client_for):
    client = client_for(world.users["programme-officer"])
    url = reverse("clusters:run_plot", args=[awkward_run.pk])
    for code in ("No/such", "?", "#", " ", "ç/ã", ""):
        assert client.get(url, {"sector": code}).status_code == 404
