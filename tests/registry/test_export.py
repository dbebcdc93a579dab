"""Export of the filtered list to CSV and XLSX: columns, scoping by role, formula guard, the export
page, and the round trip export -> import that changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from openpyxl import load_workbook

from triplec.core.errors import PermissionDenied
from triplec.registry import exporting
from triplec.registry.exporting import EXPORT_COLUMNS, export_enterprises, filter_from_query
from triplec.registry.importing import commit_import, validate_import
from triplec.registry.models import Enterprise, Membership, Territory
from triplec.registry.selectors import EnterpriseFilter


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes) -> list[dict]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def snapshot():
    return (sorted(Enterprise.objects.values_list("id", "legal_name", "employees", "territory_id", "updated_at")),
            Enterprise.history.count(), Membership.objects.count(), Territory.objects.count())


def test_csv_has_the_import_columns_territory_names_size_class_and_associations(world):
    content, content_type, filename = export_enterprises(world.users["agency-admin"], EnterpriseFilter(), "csv")
    assert content_type.startswith("text/csv") and filename.startswith("enterprises-") and filename.endswith(".csv")
    rows = read_csv(content)
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert [r["legal_name"] for r in rows] == ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta",
                                               "Serraria Alfa Ltda"]
    alfa = rows[-1]
    assert (alfa["region_code"], alfa["region_name"], alfa["municipality_code"], alfa["municipality_name"]) == (
        "CE", "Ceará", "2301950", "São João do Aruaru")
    assert alfa["territory"] == "Brazil > Ceará > São João do Aruaru"
    assert (alfa["size_class"], alfa["association"], alfa["exporter"], alfa["latitude"]) == (
        "Small", "Sawmills Assoc", "no", "-4.3")
    assert alfa["sector_label"] == "Sawmilling and planing of wood"
    assert rows[2]["size_class"] == "Large" and rows[2]["association"] == ""


@pytest.mark.parametrize("role, expected", [
    ("agency-admin", 4), ("programme-officer", 4), ("broker", 4), ("evaluator", 4),
    ("association-manager", 2), ("other-association-manager", 1), ("enterprise-user", 1),
    ("other-enterprise-user", 1),
])
def test_every_role_exports_what_it_can_see(world, role, expected):
    content, _, _ = export_enterprises(world.users[role], EnterpriseFilter(), "csv")
    assert len(read_csv(content)) == expected


def test_anonymous_may_not_export(world):
    with pytest.raises(PermissionDenied):
        export_enterprises(AnonymousUser(), EnterpriseFilter(), "csv")
    with pytest.raises(ValueError):
        export_enterprises(world.users["agency-admin"], EnterpriseFilter(), "pdf")


def test_filters_apply(world):
    admin = world.users["agency-admin"]
    f = filter_from_query(admin, {"q": "serraria", "size": "small", "sort": "-name", "territory": "x"})
    assert (f.q, f.size, f.sort, f.territory) == ("serraria", "small", "-name", None)
    content, _, _ = export_enterprises(admin, f, "csv")
    assert [r["national_id"] for r in read_csv(content)] == [world.ent_a1.national_id]
    content, _, _ = export_enterprises(admin, filter_from_query(admin, {"association": str(world.assoc_b.pk)}), "xlsx")
    assert [r["legal_name"] for r in read_xlsx(content)] == ["Calçados Gama"]


def test_formulas_are_defused_in_csv_and_stay_text_in_xlsx(world):
    Enterprise.objects.filter(pk=world.ent_a2.pk).update(legal_name="=HYPERLINK(\"http://x\")", phone="+55 85 3333-0000",
                                                         address="@risky")
    content, _, _ = export_enterprises(world.users["agency-admin"], EnterpriseFilter(q="HYPERLINK"), "csv")
    row = read_csv(content)[0]
    assert (row["legal_name"], row["phone"], row["address"]) == ("'=HYPERLINK(\"http://x\")", "+55 85 3333-0000",
                                                                 "'@risky")
    content, _, _ = export_enterprises(world.users["agency-admin"], EnterpriseFilter(q="HYPERLINK"), "xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    cell = sheet.cell(row=2, column=1)
    assert (cell.value, cell.data_type) == ("=HYPERLINK(\"http://x\")", "s")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ["agency-admin", "association-manager"])
def test_round_trip_export_then_import_changes_nothing(world, fmt, role):
    user = world.users[role]
    Enterprise.objects.filter(pk=world.ent_a1.pk).update(
        legal_name="=Odd, \"quoted\" name", trade_name="Alfa", email="info@alfa.com.br",
        website="https://alfa.com.br", phone="+55 85 1234", exporter=True, founding_year=1987, latitude=-4.123456789,
        longitude=-38.987654321, address="Rua 1\nBloco B", postal_code="62000-000")
    content, _, _ = export_enterprises(user, EnterpriseFilter(), fmt)
    before = snapshot()
    preview = validate_import(user, content, fmt=fmt)
    assert preview.ok, preview.errors
    assert preview.ignored_columns == []
    assert preview.unchanged == len(read_csv(export_enterprises(user, EnterpriseFilter(), "csv")[0]))
    result = commit_import(user, content, fmt=fmt)
    assert (result.created, result.updated, result.memberships, result.territories) == (0, 0, 0, 0)
    assert snapshot() == before


def test_streaming_csv_yields_chunks(world, monkeypatch):
    monkeypatch.setattr(exporting, "CHUNK", 2)
    chunks = list(exporting.stream_csv(world.users["agency-admin"], EnterpriseFilter()))
    assert chunks[0].startswith(b"\xef\xbb\xbf" + b"legal_name,")
    assert len(read_csv(b"".join(chunks))) == 4


# The export page -----------------------------------------------------------------------------------

def test_export_page_streams_csv_and_xlsx(world, client_for):
    client = client_for(world.users["association-manager"])
    response = client.get("/enterprises/export/", {"q": "Beta", "format": "csv"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="enterprises-')
    rows = read_csv(b"".join(response.streaming_content))
    assert [r["legal_name"] for r in rows] == ["Marcenaria Beta"]
    response = client.get("/enterprises/export/", {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == exporting.CONTENT_TYPES["xlsx"]
    assert len(read_xlsx(b"".join(response.streaming_content))) == 2
    assert client.get("/enterprises/export/", {"format": "pdf"}).status_code == 400
    # the same filter as the list page: a sector code in another written form, and a territory
    admin = client_for(world.users["agency-admin"])
    response = admin.get("/enterprises/export/", {"classification": "isic4", "sector": "C1610",
                                                   "territory": str(world.ent_a1.territory.parent_id)})
    assert sorted(r["legal_name"] for r in read_csv(b"".join(response.streaming_content))) == [
        "Marcenaria Beta", "Serraria Alfa Ltda"]


def test_export_page_needs_a_login(world, client_for):
    response = client_for(None).get("/enterprises/export/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_export_reads_a_chunk_of_rows_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    """Territory paths (country > region > municipality) come with the rows: a query per row made the
    export of 100,000 firms take 33 s."""
    user = world.users["agency-admin"]
    with django_assert_max_num_queries(3):  # the ids, the chunk with its territories, the memberships
        rows = list(exporting.export_rows(user, EnterpriseFilter()))
    assert len(rows) == 4 and rows[-1]["territory"] == "Brazil > Ceará > São João do Aruaru"
