"""The demo diagnostic study loads on the register's and procurement demos: the Aruaru cluster record
with a completed version 1 (the baseline, a stated employment beside the computed one) and a draft
version 2; loading twice changes nothing."""

import pytest

from triplec.accounts.models import User
from triplec.diagnostics import services
from triplec.diagnostics.demo import CLUSTER, load_demo_diagnostics
from triplec.diagnostics.models import Study

pytestmark = pytest.mark.slow


def test_demo_studies_of_the_aruaru_cluster(db):
    from triplec.procurement.demo import load_demo_procurement
    from triplec.registry.demo import DEMO_PASSWORD, DemoSummary, load_illustrative

    load_illustrative(DemoSummary())
    admin = User.objects.get(username="admin")
    load_demo_procurement(admin, DEMO_PASSWORD)
    assert load_demo_diagnostics(admin, DEMO_PASSWORD) == 2
    assert load_demo_diagnostics(admin, DEMO_PASSWORD) == 0
    studies = list(Study.objects.filter(cluster__name=CLUSTER).order_by("version"))
    assert [(s.version, s.status) for s in studies] == [(1, "completed"), (2, "draft")]
    first = {row.key: row for row in services.indicator_rows(studies[0])}
    from triplec.registry.models import Enterprise

    in_aruaru = Enterprise.objects.filter(territory__code="2301950", sector_code__in=["1610", "3100"])
    assert first["firms"].value == in_aruaru.count() >= 24  # the 24 sawmills and the carpenters there
    assert first["employment"].origin == "stated" and first["employment"].computed.value > 0
    assert first["procurement_contracts"].value >= 1
    base = services.baseline(studies[0].cluster)
    assert base["version"] == 1 and base["attributes"]["trust"] == "weak"
    assert studies[1].attributes["trust"]["assessment"] == "moderate"
