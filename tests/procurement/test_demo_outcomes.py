"""The demo's Aruaru trajectory (the paper's figures) is labelled as an illustration on the chart of the
association's outcomes page, in the reader's language."""

import pytest
from django.urls import reverse

from triplec.accounts.models import User
from triplec.procurement.demo import load_demo_procurement
from triplec.procurement.models import Contract

pytestmark = pytest.mark.slow


def test_the_demo_trajectory_is_labelled_an_illustration_on_the_chart(db, client_for):
    from triplec.registry.demo import DEMO_PASSWORD, DemoSummary, load_illustrative

    load_illustrative(DemoSummary())
    load_demo_procurement(User.objects.get(username="admin"), DEMO_PASSWORD)
    association = Contract.objects.get(reference="SEDUC-CE-2025-014").association
    page = client_for(User.objects.get(username="association")).get(
        reverse("procurement:outcomes", args=[association.pk]), HTTP_ACCEPT_LANGUAGE="pt-br")
    chart = page.content.decode().split('data-testid="outcome-chart"')[1].split("</svg>")[0]
    assert page.status_code == 200
    assert "Ilustração, não medida (pontos vazados, linhas tracejadas): 1990, 1995" in chart
    assert ">350<" in chart and ">70%<" in chart
