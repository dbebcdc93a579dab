"""The dashboard page, its PDF (read back with pypdf, in Portuguese too) and its Excel workbook (read back
with openpyxl) hold the same numbers; the API returns the same tables; the scorecard list as a file."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format
from openpyxl import load_workbook
from pypdf import PdfReader

from triplec.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(expo, signed_up):
    from triplec.fairs.services import money

    money.pay_costs(expo.admin, signed_up[0], on=date(2027, 4, 1))
    signed_up[0].refresh_from_db()
    return signed_up[0]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def table_cells(html: str, table_id: str) -> list[list[str]]:
    body = re.search(rf'data-testid="table-{table_id}">(.*?)</table>', html, re.S).group(1)
    return [[re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.split("</thead>")[1], re.S)]


def test_page_pdf_and_excel_hold_the_same_numbers_in_portuguese(world, expo, signed_up, paid, client_for):
    client = client_for(world.users["evaluator"])
    query = "?year=2027&instrument=fair-participation"
    html = client.get(reverse("evaluation:dashboard") + query, HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    with translation.override("pt-br"):
        subsidy = number_format(paid.subsidy, 2, use_l10n=True, force_grouping=True)
    assert ["2027", "BRL", "5", "4", subsidy] in table_cells(html, "fairs")
    assert 'data-testid="chart-money"' in html and "Painel dos programas" in html
    assert reverse("evaluation:dashboard_pdf") + query in html.replace("&amp;", "&")
    pdf = client.get(reverse("evaluation:dashboard_pdf") + query, HTTP_ACCEPT_LANGUAGE="pt-br")
    assert pdf["Content-Type"] == "application/pdf"
    text = pdf_text(pdf.content)
    for expected in ("Painel dos programas", "Feiras 2027", subsidy, "Participação em feira", "2027"):
        assert expected in text
    book = load_workbook(io.BytesIO(client.get(reverse("evaluation:dashboard_xlsx") + query).content))
    assert {"filters", "reach", "fairs", "money", "outcomes", "outcomes-money", "scorecards"} <= set(book.sheetnames)
    fairs = list(book["fairs"].values)
    assert fairs[1][:4] == (2027, "BRL", 5, 4) and Decimal(str(fairs[1][4])) == paid.subsidy


def test_wrong_filters_are_named_and_reports_refuse_them(world, client_for):
    client = client_for(world.users["evaluator"])
    page = client.get(reverse("evaluation:dashboard"), {"year_from": "2030", "year_to": "2020"})
    assert page.status_code == 422 and b'data-testid="filter-errors"' in page.content
    assert client.get(reverse("evaluation:dashboard_pdf"), {"instrument": "nope"}).status_code == 422


def test_api_returns_the_page_tables(world, expo, signed_up, paid):
    from django.test import Client

    _, raw = ApiToken.issue(world.users["evaluator"], name="t")
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    body = api.get("/api/v1/evaluation/dashboard", {"year": 2027, "instrument": "fair-participation"}).json()
    assert body["filters"]["instrument"] == "fair-participation" and body["filters"]["year_from"] == 2027
    tables = {t["id"]: t for t in body["tables"]}
    assert tables["fairs"]["rows"][0]["participations"] == 5
    assert Decimal(str(tables["fairs"]["rows"][0]["subsidies"])) == paid.subsidy
    assert api.get("/api/v1/evaluation/dashboard", {"programme": 1}).status_code == 422


def test_scorecard_list_as_a_file(world, expo, signed_up, client_for):
    client = client_for(world.users["evaluator"])
    got = client.get(reverse("evaluation:scorecard_export", args=["csv"]), {"instrument": "fair-participation"})
    rows = list(csv.reader(io.StringIO(b"".join(got.streaming_content).decode("utf-8-sig")), delimiter=","))
    assert rows[0][:4] == ["instrument", "level", "id", "name"]
    assert len(rows) == 1 + 6  # five participations and the programme
    programme = next(r for r in rows if r[1] == "programme")
    assert programme[6] == "4" and programme[-1].endswith(f"/fair-participation/programme/{expo.programme.pk}/")
    book = load_workbook(io.BytesIO(b"".join(client.get(reverse("evaluation:scorecard_export", args=["xlsx"]),
                                                        {"instrument": "fair-participation"})
                                             .streaming_content)))
    assert book["scorecards"].max_row == 1 + 6
