"""Fixtures of the diagnostic-study tests, on top of `world` (tests/conftest.py).

`wood` is a cluster record "Aruaru wood" (ISIC codes 16, territory Ceará) over a register made by hand:
  in São João do Aruaru (Ceará): ent_a1 (1610, 12 employees), ent_a2 (1610, 3), "Serraria Grande" (1622,
  260), "Serraria Sem Dados" (1629, employees unknown), "Mercado Aruaru" (4711, 100; not wood);
  elsewhere in Brazil (no territory): ent_b1 (1520, 80), ent_none (2511, 300).
So its firms are 4, employment 12 + 3 + 260 = 275, SME share 2 of the 3 with a number = 66.7 %;
location quotient (275 / 375) / (275 / 755) = 755 / 375 = 2.013 (employment, Brazil: 755 in all);
association assoc_a ("Sawmills Assoc") holds ent_a1 and ent_a2: 1 association, 2 member firms.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from tests.conftest import make_enterprise
from tests.networks.conftest import nets  # noqa: F401  (a fixture some tests here use)

from triplec.clusters.models import Cluster


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Evidence files and mapping runs' folders in a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Wood:
    world: object
    cluster: Cluster
    big: object
    unknown: object

    @property
    def officer(self):
        return self.world.users["programme-officer"]


@pytest.fixture
def wood(world):
    from triplec.registry.models import Territory

    ce = Territory.objects.get(code="CE")
    aruaru = Territory.objects.get(code="2301950")
    big = make_enterprise(legal_name="Serraria Grande", national_id="55555555000155", sector_code="1622",
                          employees=260, territory=aruaru)
    unknown = make_enterprise(legal_name="Serraria Sem Dados", national_id="66666666000166", sector_code="1629",
                              employees=None, territory=aruaru)
    make_enterprise(legal_name="Mercado Aruaru", national_id="77777777000177", sector_code="4711",
                    sector_section="G", employees=100, territory=aruaru)
    cluster = Cluster.objects.create(name="Aruaru wood", sector_classification="isic4", sector_codes="16",
                                     territory=ce)
    return Wood(world, cluster, big, unknown)
