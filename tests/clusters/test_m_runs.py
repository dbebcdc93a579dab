"""A mapping run with Marcon & Puech's M beside Kd: asked on the form or through the API, computed by the
task, shown on the run page (M columns, M panel in the plots). The statistics are tested in tests/mapping."""

from __future__ import annotations

import re

import pandas as pd
from django.test import Client
from django.urls import reverse
from django.utils import translation
from tests.clusters.factories import run_data

from triplec.accounts.models import ApiToken
from triplec.clusters.models import MappingRun
from triplec.core.tasks import run_pending


def test_run_with_m_from_the_form_to_the_page(generated, world, client_for):
    officer = client_for(world.users["programme-officer"])
    form = re.sub(r"\s+", " ", officer.get(reverse("clusters:run_create")).content.decode())
    assert 'name="with_m"' in form and "Also Marcon &amp; Puech&#x27;s M" in form
    response = officer.post(reverse("clusters:run_create"), run_data(with_m=True))
    run = MappingRun.objects.get()
    assert response.status_code == 302 and run.with_m
    assert run_pending() == 1
    run.refresh_from_db()
    sectors = pd.read_csv(run.output_path / "sectors.csv", dtype={"sector": str}).set_index("sector")
    curves = pd.read_csv(run.output_path / "curves.csv", dtype={"sector": str})
    assert {"m_localised", "m_p_value", "m_q_value"} <= set(sectors.columns)
    assert {"m", "m_lo", "m_hi"} <= set(curves.columns)
    assert bool(sectors.loc["16", "m_localised"])  # the generated wood cluster
    page = re.sub(r"\s+", " ", officer.get(response.url).content.decode())
    assert 'data-testid="with-m"' in page and "Kd and M curves of the localised sectors" in page
    assert ">M localised</a>" in page and ">M q</a>" in page
    assert re.search(r'data-sector="16">.*?data-testid="m-localised"><span class="badge badge-ok">', page)
    assert "M (ratio)" in page  # the M panel of the localised sectors' plots
    with translation.override("pt-br"):
        plot = officer.get(reverse("clusters:run_plot", args=[run.pk]) + "?sector=16", HTTP_ACCEPT_LANGUAGE="pt-br")
    assert "M (razão)" in plot.content.decode()


def test_kd_only_run_page_has_no_m_columns(done_run, world, client_for):
    page = client_for(world.users["programme-officer"]).get(reverse("clusters:run_detail", args=[done_run.pk]))
    assert "Kd curves of the localised sectors" in page.content.decode()
    assert ">M localised</a>" not in page.content.decode() and 'data-testid="with-m"' not in page.content.decode()


def test_api_starts_a_run_with_m(generated, world):
    _, raw = ApiToken.issue(world.users["programme-officer"], name="m test")
    client = Client(headers={"Authorization": f"Bearer {raw}"})
    data = {k: v for k, v in run_data(with_m=True).items() if k not in ("territory", "source")}
    response = client.post("/api/v1/clusters/runs", data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["parameters"]["with_m"] is True and MappingRun.objects.get().with_m
