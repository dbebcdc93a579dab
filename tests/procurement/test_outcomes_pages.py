"""An association's yearly outcomes: entry and correction with their history, the all-or-nothing import
from CSV or XLSX (row, column and reason for every problem), the export that imports back unchanged, and
the trajectory chart with the illustration labelled (permissions: test_records_matrix.py)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def _manager(client_for, desks):
    return client_for(desks.manager)


def _url(desks, name="outcomes", *args):
    return reverse(f"procurement:{name}", args=[desks.association.pk, *args])


def _upload(client, desks, content: bytes, name="outcomes.csv"):
    return client.post(_url(desks, "outcomes_import"), {"file": SimpleUploadedFile(name, content)})


def _years(desks):
    from triplec.procurement.models import AssociationOutcome

    return list(AssociationOutcome.objects.filter(association=desks.association).order_by("year")
                .values_list("year", "members", "workers", "share_sold_elsewhere"))


def test_the_manager_enters_and_corrects_a_year_and_the_history_keeps_both(client_for, desks):
    manager = _manager(client_for, desks)
    year = {"year": 2025, "members": 12, "workers": 80, "equipment_bought": "1500.00", "share_sold_elsewhere": "0.3"}
    assert manager.post(_url(desks), year).status_code == 302
    refused = manager.post(_url(desks), {**year, "share_sold_elsewhere": "1.5"})
    assert refused.status_code == 200 and "field-error" in refused.content.decode()
    assert _years(desks) == [(2025, 12, 80, D("0.3"))]
    editing = manager.get(_url(desks) + "?year=2025").content.decode()
    assert 'value="1500.00"' in editing
    assert manager.post(_url(desks), {**year, "members": 14}).status_code == 302
    assert _years(desks) == [(2025, 14, 80, D("0.3000"))]
    html = manager.get(_url(desks)).content.decode()
    history = html.split('data-testid="outcome-history"')[1]
    assert history.count('data-testid="history-row"') == 2
    assert "members: 12 → 14" in history and "aruaru-manager" in history


def test_an_import_with_one_bad_row_imports_nothing_and_names_row_column_and_reason(client_for, desks):
    manager = _manager(client_for, desks)
    bad = (b"year,members,workers,share_sold_elsewhere,colour\n"
           b"2024,10,60,0.2,red\n2025,abc,70,1.2,blue\n2024,11,61,0.1,green\n")
    response = _upload(manager, desks, bad)
    html = response.content.decode()
    assert response.status_code == 200 and _years(desks) == []
    errors = [e.split(">", 1)[1].split("</li>")[0] for e in html.split('data-testid="import-error"')[1:]]
    assert any(e.startswith("Row 1, colour: unknown column") for e in errors), errors
    assert any(e.startswith("Row 3, members: bad number") for e in errors), errors
    assert any(e.startswith("Row 3, share_sold_elsewhere: give a share between 0 and 1") for e in errors), errors
    assert "Row 4, year: 2024 is already in row 2" in errors, errors


def test_a_missing_column_and_a_blank_required_cell_are_named(client_for, desks):
    from triplec.procurement.services.outcomes import read_outcomes

    found = read_outcomes(b"year,members\n2024,\n", filename="x.csv")
    assert {(e.row, e.field, e.reason) for e in found.errors} == {(1, "workers", "missing column"),
                                                                 (2, "members", "required")}


def test_a_brazilian_csv_and_an_xlsx_import_and_correct_years(client_for, desks):
    from triplec.core.spreadsheets import xlsx_bytes

    manager = _manager(client_for, desks)
    brazilian = "year;members;workers;equipment_bought;share_sold_elsewhere;illustration;note\n" \
                "1990;4;12;0;0;sim;\n1995;42;350;12500,50;70%;não;medido\n"
    done = _upload(manager, desks, brazilian.encode("utf-8"))
    assert done.status_code == 302
    assert _years(desks) == [(1990, 4, 12, D("0")), (1995, 42, 350, D("0.7"))]
    workbook = xlsx_bytes({"outcomes": (["year", "members", "workers"], [{"year": 1995, "members": 43,
                                                                          "workers": 351}])})
    assert _upload(manager, desks, workbook, name="outcomes.xlsx").status_code == 302
    assert _years(desks)[1][:3] == (1995, 43, 351)
    messages = manager.get(_url(desks)).content.decode()
    assert "0 years added, 1 corrected, 0 unchanged" in messages


def test_the_export_imports_back_unchanged_in_the_readers_convention(client_for, desks):
    from triplec.procurement.services import programmes

    programmes.record_outcome(desks.manager, desks.association, year=2024, members=10, workers=60,
                              equipment_bought="2500.75", share_sold_elsewhere="0.35", note="=SUM(A1)")
    manager = _manager(client_for, desks)
    with translation.override("pt-br"):
        exported = b"".join(manager.get(_url(desks, "outcomes_export", "csv"), HTTP_ACCEPT_LANGUAGE="pt-br")
                            .streaming_content)
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0] == "year;members;workers;equipment_bought;share_sold_elsewhere;illustration;note"
    assert "2024;10;60;2500,75;0,3500;no;'=SUM(A1)" in text
    again = _upload(manager, desks, exported)
    assert again.status_code == 302
    assert "0 years added, 0 corrected, 1 unchanged" in manager.get(_url(desks)).content.decode()
    xlsx = manager.get(_url(desks, "outcomes_export", "xlsx"))
    assert xlsx.status_code == 200 and xlsx.getvalue().startswith(b"PK")
    assert manager.get(_url(desks, "outcomes_export", "pdf")).status_code == 404


def test_the_chart_draws_the_trajectory_and_labels_the_illustration(client_for, desks):
    from triplec.procurement.services import programmes

    for year, members, workers, share in ((1990, 4, 12, "0"), (1995, 42, 350, "0.70")):
        programmes.record_outcome(desks.manager, desks.association, year=year, members=members, workers=workers,
                                  share_sold_elsewhere=share, illustration=True)
    html = client_for(desks.world.users["s1-user"]).get(_url(desks)).content.decode()
    chart = html.split('data-testid="outcome-chart"')[1].split("</svg>")[0]
    assert " style=" not in chart  # the CSP allows no style attribute
    assert chart.count("<circle") == 6 and "350" in chart and "70%" in chart
    assert "Illustration, not measured" in chart and "1990, 1995" in chart
    assert html.count('data-testid="illustration-flag"') == 2
    assert 'data-testid="outcome-form"' not in html  # a member sees, the manager enters
    programmes.record_outcome(desks.manager, desks.association, year=1995, members=42, workers=350,
                              share_sold_elsewhere="0.70", illustration=False)
    programmes.record_outcome(desks.manager, desks.association, year=1990, members=4, workers=12)
    measured = client_for(desks.world.users["s1-user"]).get(_url(desks)).content.decode()
    assert "Illustration, not measured" not in measured and 'data-testid="outcome-chart"' in measured


def test_a_file_over_the_import_limit_is_refused(client_for, desks, settings):
    settings.TRIPLEC_IMPORT_MAX_BYTES = 20
    response = _upload(_manager(client_for, desks), desks, b"year,members,workers\n2024,10,60\n")
    assert response.status_code == 200 and "larger than 0 MB" in response.content.decode()
    assert _years(desks) == []
