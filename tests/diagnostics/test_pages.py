"""The study pages' wiring on the `wood` cluster: the cluster page's button, the study page prefilled
from the register, the edit form, stating a value, completing, the print view, PDF (read back with pypdf),
XLSX (openpyxl) and JSON downloads, and the comparison of two versions."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from triplec.diagnostics import services
from triplec.diagnostics.models import Study

pytestmark = pytest.mark.django_db


def filled_form(**more) -> dict:
    return {"title": "Aruaru wood 2026", "period": "2025-2026", "study_date": "2026-11-30", "authors": "P. Officer",
            "attr-trust-assessment": "weak", "attr-trust-text": "Little joint action",
            "attr-trust-source": "Interviews with 12 firms", "competitive_path": "low", "governance": "producer",
            "buyer-0-name": "State school board", "buyer-0-market": "Ceará",
            "problem-0-kind": "problem", "problem-0-text": "No drying kiln", "problem-0-priority": "high",
            "problem-1-kind": "", "problem-1-text": "", "problem-1-priority": "medium",
            "instrument-0-instrument": "procurement", "instrument-0-reason": "School desks through the association",
            **more}


def test_from_the_cluster_page_to_a_completed_study(wood, client_for):
    client = client_for(wood.officer)
    cluster_page = client.get(reverse("clusters:cluster_detail", args=[wood.cluster.pk])).content.decode()
    start = reverse("diagnostics:study_start", args=[wood.cluster.pk])
    assert start in cluster_page and 'data-testid="start-diagnostic"' in cluster_page
    page = client.post(start, follow=True)
    study = Study.objects.get(cluster=wood.cluster)
    assert page.redirect_chain[-1][0] == reverse("diagnostics:study_detail", args=[study.pk])
    html = page.content.decode()
    assert 'data-testid="value-firms">4 firms' in html and 'data-testid="value-employment">275 employees' in html
    assert 'data-testid="value-sme_share">66.7 %' in html and 'data-testid="value-lq">2.013' in html
    edit = reverse("diagnostics:study_edit", args=[study.pk])
    refused = client.post(edit, filled_form(**{"attr-trust-link": "not a link"}))
    assert refused.status_code == 200 and "Give a web address" in refused.content.decode()
    assert 'value="Aruaru wood 2026"' in refused.content.decode()  # what was typed is shown again
    assert client.post(edit, filled_form()).status_code == 302
    study.refresh_from_db()
    assert study.attributes["trust"] == {"assessment": "weak", "text": "Little joint action",
                                         "source": "Interviews with 12 firms", "link": ""}
    assert study.problems == [{"kind": "problem", "text": "No drying kiln", "priority": "high"}]
    assert study.buyers == [{"name": "State school board", "market": "Ceará", "note": ""}]
    client.post(reverse("diagnostics:indicator_state", args=[study.pk]),
                {"key": "employment", "value": "310", "source": "Association survey"})
    html = client.get(reverse("diagnostics:study_detail", args=[study.pk])).content.decode()
    history = html.split('data-testid="study-history"')[1]
    assert "district attributes" in history and "problems and opportunities" in history and "created" in history
    assert 'data-testid="origin-employment">stated' in html and 'data-testid="computed-employment">computed: 275' in html
    client.post(reverse("diagnostics:study_complete", args=[study.pk]))
    study.refresh_from_db()
    assert study.status == "completed"
    html = client.get(reverse("diagnostics:study_detail", args=[study.pk])).content.decode()
    assert 'data-testid="study-form"' not in html and 'data-testid="new-version"' in html
    assert client.post(edit, filled_form(title="Late")).status_code == 200
    study.refresh_from_db()
    assert study.title == "Aruaru wood 2026"


@pytest.fixture
def completed(wood):
    study = services.start_study(wood.officer, wood.cluster, {"title": "Estudo de Aruaru"})
    services.update_study(wood.officer, study, {
        "attributes": {"trust": {"assessment": "weak", "text": "Pouca ação conjunta"}},
        "problems": [{"kind": "problem", "text": "Falta de estufa de secagem", "priority": "high"}],
        "instruments": [{"instrument": "procurement", "reason": "Carteiras escolares"}]})
    services.state_indicator(wood.officer, study, "employment", {"value": 310, "source": "Pesquisa"})
    return services.complete_study(wood.officer, study)


def test_pdf_xlsx_json_and_print_view(wood, completed, client_for):
    client = client_for(wood.world.users["evaluator"])
    url = lambda fmt: reverse("diagnostics:study_download", args=[completed.pk, fmt])  # noqa: E731
    pdf = client.get(url("pdf"))
    assert pdf["Content-Type"] == "application/pdf" and "diagnostic-aruaru-wood-v1.pdf" in pdf["Content-Disposition"]
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf.content)).pages)
    for expected in ("Estudo de Aruaru", "Falta de estufa de secagem", "Trust and joint action", "Weak",
                     "Public procurement through associations", "stated by", "275", "310"):
        assert expected in text, expected
    assert "310.0" not in text and "computed: 275\n" in text.replace(" ·", "\n")  # whole numbers as on the page
    book = load_workbook(BytesIO(client.get(url("xlsx")).content))
    assert book.sheetnames == ["Study", "Indicators", "Attributes", "Buyers", "Problems", "Instruments", "Evidence"]
    indicators = {row[0]: row for row in book["Indicators"].iter_rows(min_row=2, values_only=True)}
    assert indicators["employment"][2] == 310 and indicators["firms"][2] == 4
    assert [c.value for c in book["Problems"][2]] == ["Problem", "Falta de estufa de secagem", "High"]
    data = json.loads(client.get(url("json")).content)
    assert data["status"] == "completed" and data["instruments"][0]["instrument"] == "procurement"
    printed = client.get(reverse("diagnostics:study_print", args=[completed.pk])).content.decode()
    assert "Falta de estufa de secagem" in printed and "diagnostics.css" in printed
    assert client.get(url("doc")).status_code == 404


def test_the_comparison_highlights_what_changed(wood, completed, client_for):
    second = services.start_study(wood.officer, wood.cluster)
    services.update_study(wood.officer, second, {"attributes": {"trust": {"assessment": "moderate"}}})
    services.withdraw_stated(wood.officer, second, "employment")
    html = client_for(wood.officer).get(reverse("diagnostics:study_compare", args=[second.pk, completed.pk])).content.decode()
    assert 'data-testid="changed-trust"' in html and 'data-testid="changed-skills"' not in html
    assert 'data-testid="change-employment">-35' in html and 'data-testid="change-firms">0' in html
    other = services.start_study(wood.officer, type(wood.cluster).objects.create(name="Other", sector_codes="15"))
    assert client_for(wood.officer).get(
        reverse("diagnostics:study_compare", args=[other.pk, completed.pk])).status_code == 404


def test_the_cluster_page_shows_the_evaluation_baseline(wood, client_for):
    """An evaluator opening the cluster sees the latest completed study's figures; a draft is not a baseline."""
    client = client_for(wood.world.users["evaluator"])
    url = reverse("clusters:cluster_detail", args=[wood.cluster.pk])
    draft = services.start_study(wood.officer, wood.cluster)
    html = client.get(url).content.decode()
    assert 'data-testid="no-baseline"' in html and 'data-testid="baseline-employment"' not in html
    services.update_study(wood.officer, draft, {"attributes": {"trust": {"assessment": "weak"}}})
    services.state_indicator(wood.officer, draft, "employment", {"value": 310, "source": "Survey"})
    services.complete_study(wood.officer, draft)
    services.start_study(wood.officer, wood.cluster)  # a newer draft does not replace the baseline
    box = client.get(url).content.decode().split('data-testid="cluster-baseline"')[1].split("</article>")[0]
    assert reverse("diagnostics:study_detail", args=[draft.pk]) in box and "version 1" in box
    employment = box.split('data-testid="baseline-employment"')[1].split("</tr>")[0]
    assert "310 employees" in employment and "stated" in employment
    assert "4 firms" in box.split('data-testid="baseline-firms"')[1].split("</tr>")[0]
