"""Exports in the reader's convention: a Portuguese or Spanish reader's CSV opens in Excel as set up in
Brazil or Chile (`;` between fields, decimal comma, UTF-8 with a byte-order mark), headers in the
reader's language on request, and the same options on the page's form and in the API."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from triplec.accounts.models import ApiToken
from triplec.core import spreadsheets
from triplec.registry.exporting import EXPORT_COLUMNS


@pytest.fixture(autouse=True)
def _back_to_english():
    """A request in pt-br leaves that language active in this thread; later tests expect English."""
    yield
    translation.activate("en")


def rows_of(content: bytes, separator: str) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 only with the BOM
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=separator))


def download(client, language: str, **params) -> bytes:
    response = client.get(reverse("enterprise_export"), params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.content[:300]
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("language", ["pt-br", "es"])
def test_a_brazilian_or_chilean_readers_csv_opens_in_their_excel(world, client_for, language):
    content = download(client_for(world.users["programme-officer"]), language, format="csv")
    header, *rows = rows_of(content, ";")
    assert header == list(EXPORT_COLUMNS)  # codes by default: the file imports back
    alfa = dict(zip(header, next(r for r in rows if r[0] == "Serraria Alfa Ltda"), strict=True))
    assert (alfa["latitude"], alfa["longitude"]) == ("-4,3", "-38,9")
    assert alfa["employees"] == "12"
    # the class's own title (ISIC 1610) in the reader's language: CNAE 16.10-2 / CIIU Rev.4
    assert alfa["sector_label"] == {"pt-br": "Desdobramento de madeira", "es": "Aserrado y acepilladura de madera"}[
        language]
    assert b"\r\n" in content and content.count(b"\r\n") == len(rows) + 1
    # every line splits into the same number of fields on ";" (no stray separator in a number)
    assert {len(r) for r in rows} == {len(EXPORT_COLUMNS)}


def test_an_english_readers_csv_keeps_comma_and_point(world, client_for):
    header, *rows = rows_of(download(client_for(world.users["programme-officer"]), "en", format="csv"), ",")
    alfa = dict(zip(header, next(r for r in rows if r[0] == "Serraria Alfa Ltda"), strict=True))
    assert alfa["latitude"] == "-4.3"


def test_options_override_the_default_and_headers_translate(world, client_for):
    client = client_for(world.users["programme-officer"])
    header, *rows = rows_of(download(client, "pt-br", format="csv", sep="comma", decimal="point"), ",")
    assert dict(zip(header, rows[-1], strict=True))["latitude"] in ("-4.3", "")
    header, *_rows = rows_of(download(client, "pt-br", format="csv", headers="labels"), ";")
    assert header[0] == "Razão social" and "Latitude" in header and "legal_name" not in header
    header, *_rows = rows_of(download(client, "es", format="csv", sep="tab", headers="labels"), "\t")
    assert header[0] == "Razón social"
    workbook = load_workbook(io.BytesIO(download(client, "pt-br", format="xlsx", headers="labels")), read_only=True)
    first = next(workbook.active.iter_rows(values_only=True))
    assert first[0] == "Razão social"
    bad = client.get(reverse("enterprise_export"), {"sep": "comma", "decimal": "comma"}, HTTP_ACCEPT_LANGUAGE="pt-br")
    assert bad.status_code == 400


def test_the_list_page_offers_the_options_with_the_readers_defaults(world, client_for):
    page = client_for(world.users["programme-officer"]).get(reverse("enterprise_list"), {"sector": "C"},
                                                             HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    form = page[page.index('data-testid="export-options"'):]
    assert 'value="semicolon" selected' in form and '<option value="comma" selected>' in form
    assert 'name="sector" value="C"' in form  # the list's filters go with the export


def test_the_api_exports_in_the_readers_convention(world):
    _, raw = ApiToken.issue(world.users["programme-officer"], name="tests")
    from django.test import Client

    client = Client(headers={"Authorization": f"Bearer {raw}", "Accept-Language": "pt-br"})
    response = client.get("/api/v1/enterprises/export")
    assert response.status_code == 200
    header, *rows = rows_of(b"".join(response.streaming_content), ";")
    assert header == list(EXPORT_COLUMNS)
    response = client.get("/api/v1/enterprises/export", {"sep": "comma", "decimal": "point", "headers": "labels"})
    header, *rows = rows_of(b"".join(response.streaming_content), ",")
    assert header[0] == "Razão social"
    assert client.get("/api/v1/enterprises/export", {"sep": "pipe"}).status_code == 422
    assert client.get("/api/v1/enterprises/export", {"sep": "comma", "decimal": "comma"}).status_code == 422


def test_style_defaults_and_refusals():
    assert spreadsheets.default_style("pt-br") == spreadsheets.TableStyle(";", ",", "codes")
    assert spreadsheets.default_style("es-CL") == spreadsheets.TableStyle(";", ",", "codes")
    assert spreadsheets.default_style("en") == spreadsheets.TableStyle(",", ".", "codes")
    assert spreadsheets.number_text(-38.9, ",") == "-38,9" and spreadsheets.number_text(1500, ",") == "1500"
    with pytest.raises(ValueError, match="decimal comma"):
        spreadsheets.style_from_options("en", decimal="comma")


def test_the_xlsx_export_is_streamed(world, client_for):
    response = client_for(world.users["programme-officer"]).get(reverse("enterprise_export"), {"format": "xlsx"})
    assert response.status_code == 200 and response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) >= 2 and chunks[0].startswith(b"PK")
    rows = list(load_workbook(io.BytesIO(b"".join(chunks)), read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == tuple(EXPORT_COLUMNS) and len(rows) == 5
