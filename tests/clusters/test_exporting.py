"""Export of the cluster records (CSV and XLSX): one row a cluster with its latest footprint, one row a
footprint with the change since the cluster's previous one; read back with the csv module and openpyxl
and compared with the records."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from triplec.clusters import exporting, services
from triplec.clusters.models import ClusterFootprint
from triplec.core.errors import PermissionDenied
from triplec.registry.models import Territory

SQUARE = {"type": "Polygon", "coordinates": [[[-8.7, 39.7], [-8.6, 39.7], [-8.6, 39.8], [-8.7, 39.7]]]}


def footprint(cluster, when: datetime, establishments: int, employment: float | None, **kw) -> ClusterFootprint:
    fields = dict(cluster=cluster, run=None, run_title=f"Register {when.year}", run_source="register",
                  footprint_id="16-F1", sector="16", observed_at=when, geometry=SQUARE, centroid_lon=-8.65,
                  centroid_lat=39.75, establishments=establishments, employment=employment, sme_share=0.9,
                  area_km2=80.5, eps_km=2.0, regions=["Leiria", "Batalha"])
    fields.update(kw)
    return ClusterFootprint.objects.create(**fields)


@pytest.fixture
def records(world):
    admin = world.users["agency-admin"]
    ceara = Territory.objects.get(code="CE")
    wood = services.create_cluster(admin, {"name": "Leiria wood, \"pine\"", "sector_classification": "isic4",
                                           "sector_codes": "16, 1610", "territory": ceara.pk,
                                           "notes": "=HYPERLINK(\"http://x\")", "description": "Sawmills"})
    footprint(wood, datetime(2024, 3, 1, tzinfo=UTC), 50, 1000.0)
    footprint(wood, datetime(2026, 3, 1, tzinfo=UTC), 62, 1250.5, run_title="Register 2026",
              attached_by=admin)
    shoes = services.create_cluster(admin, {"name": "Calçados do Ceará"})
    return wood, shoes


def read_csv(content: bytes) -> list[dict]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(content[3:].decode("utf-8"))))


def test_cluster_table(records, world):
    wood, shoes = records
    rows = read_csv(exporting.export(world.users["evaluator"], "csv", "clusters"))
    assert list(rows[0]) == list(exporting.CLUSTER_COLUMNS)
    assert [r["name"] for r in rows] == ["Calçados do Ceará", "Leiria wood, \"pine\""]  # by name
    empty, row = rows
    assert empty["footprints"] == "0" and empty["establishments"] == "" and empty["last_mapped"] == ""
    assert row["cluster_id"] == str(wood.pk) and row["sector_codes"] == "16, 1610"
    assert row["sector_labels"].startswith("Manufacture of wood and of products of wood and cork")
    assert row["sector_labels"].endswith(" | Sawmilling and planing of wood")  # one label a code, in order
    assert row["territory"] == "Brazil > Ceará"
    assert row["notes"] == "'=HYPERLINK(\"http://x\")"  # a formula in a text cell is defused
    # The latest footprint's figures (2026), not the first one's.
    assert (row["footprints"], row["last_mapped"], row["last_run"]) == ("2", "2026-03-01", "Register 2026")
    assert (row["establishments"], row["employment"], row["sme_share"]) == ("62", "1250.5", "0.9")
    assert row["places"] == "Leiria; Batalha" and row["centroid_lon"] == "-8.65"


def test_footprint_table_is_the_trajectory(records, world):
    wood, _shoes = records
    rows = read_csv(exporting.export(world.users["broker"], "csv", "footprints"))
    assert list(rows[0]) == list(exporting.FOOTPRINT_COLUMNS)
    first, latest = rows
    assert (first["mapped"], latest["mapped"]) == ("2024-03-01", "2026-03-01")
    assert first["change_establishments"] == "" and latest["change_establishments"] == "12"
    assert first["change_employment"] == "" and latest["change_employment"] == "250.5"
    assert latest["run_deleted"] == "yes" and latest["run_id"] == "" and latest["attached_by"] == "agency-admin"
    assert {r["cluster_id"] for r in rows} == {str(wood.pk)}


def test_footprint_of_an_existing_run_names_it(done_run, world):
    link = services.attach_footprint(world.users["programme-officer"], done_run, "16-F1",
                                     new_cluster={"name": "From a run"})
    [row] = read_csv(exporting.export(world.users["programme-officer"], "csv", "footprints"))
    assert row["run_id"] == str(done_run.pk) and row["run_deleted"] == "no" and row["run_title"] == "Finished run"
    assert row["establishments"] == str(link.establishments) and row["sector"] == "16"


def test_xlsx_holds_both_tables_as_the_csv_files(records, world):
    user = world.users["programme-officer"]
    book = load_workbook(io.BytesIO(exporting.export(user, "xlsx")), read_only=True)
    assert book.sheetnames == ["clusters", "footprints"]
    for what in ("clusters", "footprints"):
        sheet = [["" if v is None else v for v in row] for row in book[what].iter_rows(values_only=True)]
        assert tuple(sheet[0]) == exporting.TABLES[what]
        expected = list(getattr(exporting, f"{what[:-1]}_rows")(user))
        assert len(sheet) - 1 == len(expected)
        for got, want in zip(sheet[1:], expected, strict=True):
            assert got == ["" if want[c] is None else want[c] for c in exporting.TABLES[what]]
    notes = [row[7] for row in load_workbook(io.BytesIO(exporting.export(user, "xlsx")))["clusters"]
             .iter_rows(min_row=2)]
    assert {(c.value, c.data_type) for c in notes} >= {("=HYPERLINK(\"http://x\")", "s")}  # text, not a formula


def test_only_the_agency_wide_roles_export(records, world):
    for role in ("association-manager", "enterprise-user"):
        with pytest.raises(PermissionDenied):
            exporting.export(world.users[role], "csv")
        with pytest.raises(PermissionDenied):
            exporting.export(world.users[role], "xlsx")


def test_export_page(records, world, client_for):
    client = client_for(world.users["evaluator"])
    page = client.get(reverse("clusters:cluster_list")).content.decode()
    assert 'data-testid="cluster-export"' in page
    xlsx = client.get(reverse("clusters:cluster_export") + "?format=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == exporting.CONTENT_TYPES["xlsx"]
    assert xlsx["Content-Disposition"].startswith('attachment; filename="clusters-')
    footprints = client.get(reverse("clusters:cluster_export") + "?format=csv&what=footprints")
    assert footprints["Content-Disposition"].startswith('attachment; filename="cluster-footprints-')
    assert len(read_csv(footprints.content)) == 2
    assert client.get(reverse("clusters:cluster_export") + "?format=pdf").status_code == 400
    assert client.get(reverse("clusters:cluster_export") + "?what=networks").status_code == 400
