"""The home page of each role shows its work; the register's figures are right at the root (one row
per section, shares with decimals, firms without employee counts apart)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from tests.conftest import make_enterprise

pytestmark = pytest.mark.django_db


def _page(world, who, language="en"):
    c = Client(headers={"accept-language": language})
    c.force_login(world.users[who])
    return c.get("/").content.decode()


def test_one_row_per_section_across_isic_and_nace(world):
    from triplec.registry import selectors

    make_enterprise(legal_name="Usine", country="FR", national_id="FR1", sector_classification="nace2",
                    sector_code="25.11", sector_section="C")
    rows = selectors.register_summary(world.users["programme-officer"])["by_sector"]
    assert [(r["sector_section"], r["n"]) for r in rows] == [("C", 5)]
    page = _page(world, "programme-officer")
    assert page.count("<code>C</code>") == 1


def test_exporter_share_has_decimals_and_unknown_sizes_stand_apart(world):
    from triplec.registry import selectors

    for i in range(200):
        make_enterprise(legal_name=f"Sem dados {i}", national_id=f"X{i}", employees=None)
    world.ent_a1.exporter = True
    world.ent_a1.save()
    summary = selectors.register_summary(world.users["programme-officer"])
    assert summary["exporter_share"] == round(100 / 204, 1) == 0.5
    assert summary["size_unknown"] == 200
    assert "Unknown" not in [label for label, _n in summary["by_size"]]
    page = _page(world, "programme-officer", "pt-br")
    assert 'data-testid="exporter-share">0,5%' in page
    assert "200 empresas sem número de empregados" in page


def test_officer_home_shows_networks_by_stage_gates_runs_clusters_and_imports(world):
    from triplec.networks import services

    services.create_network(world.users["programme-officer"], {
        "kind": "brokered", "name": "Rede de móveis escolares", "currency": "BRL", "started_on": date(2024, 1, 1)})
    page = _page(world, "programme-officer")
    for panel in ("home-stages", "home-overdue", "home-gates", "home-runs", "home-clusters", "home-imports"):
        assert f'data-testid="{panel}"' in page, panel
    assert "Networks by stage" in page and 'data-testid="total-enterprises"' in page


@pytest.mark.parametrize("who,panels,absent", [
    ("broker", ["home-overdue", "networks-panel"], ["home-runs", "home-imports"]),
    ("evaluator", ["home-portfolio", "home-stages"], ["home-runs", "home-imports"]),
    ("association-manager", ["home-association", "home-imports", "home-member-networks"],
     ["home-runs", "total-enterprises"]),
    ("enterprise-user", ["home-firm", "home-associations", "home-member-networks"],
     ["home-runs", "total-enterprises", "home-imports"]),
])
def test_each_role_sees_its_own_work(world, who, panels, absent):
    page = _page(world, who)
    for panel in panels:
        assert f'data-testid="{panel}"' in page, panel
    for panel in absent:
        assert f'data-testid="{panel}"' not in page, panel
    if who == "association-manager":
        assert world.assoc_a.name in page and world.assoc_b.name not in page
