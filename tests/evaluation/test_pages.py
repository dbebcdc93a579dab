"""The evaluation pages' wiring: a scorecard's evidence one click away, the list's filters, entering a
panel year, an import refused with its errors shown and nothing written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from tests.conftest import cnpj

from triplec.evaluation.models import FirmYear

pytestmark = pytest.mark.django_db


def test_scorecards_and_their_evidence(expo, signed_up, client_for):
    from triplec.fairs.services import money

    alone = money.pay_costs(expo.admin, signed_up[0])
    client = client_for(expo.world.users["evaluator"])
    listing = client.get(reverse("evaluation:scorecard_list"), {"instrument": "fair-participation", "year": 2027})
    assert listing.status_code == 200
    detail_url = reverse("evaluation:scorecard_detail", args=["fair-participation", "intervention", alone.pk])
    assert detail_url in listing.content.decode()
    page = client.get(detail_url).content.decode()
    assert 'data-testid="figure-public_cost"' in page and "R$5,000.00" in page and "50.0%" in page
    assert f'href="/fairs/participations/{alone.pk}/"' in page
    assert client.get(reverse("evaluation:scorecard_list"), {"year": 2026}).context["count"] == 0


def test_a_firm_enters_a_year_and_an_import_is_refused_whole(world, client_for):
    client = client_for(world.users["enterprise-user"])
    url = reverse("evaluation:firm_panel", args=[world.ent_a1.pk])
    refused = client.post(url, {"year": 2026, "sales": "100.00"})
    assert refused.status_code == 422 and "currency" in refused.context["form"].errors
    assert client.post(url, {"year": 2026, "employment": 13, "currency": "BRL", "sales": "100.00"}).status_code == 302
    assert FirmYear.objects.get(enterprise=world.ent_a1, year=2026).sales == Decimal("100.00")
    admin = client_for(world.users["agency-admin"])
    data = f"national_id,year,employment\n{cnpj(11111111)},2025,3\n{cnpj(22222222)},20x5,4\n".encode()
    answer = admin.post(reverse("evaluation:import_panel"),
                        {"file": SimpleUploadedFile("p.csv", data), "country": "BR"})
    assert answer.status_code == 422
    assert "row 3, year" in answer.content.decode()
    assert not FirmYear.objects.filter(year=2025).exists()
