"""The import pages with the test client: upload -> preview (errors, counts, mapping) -> confirm;
nothing written before the confirmation; only the uploader may confirm; 403 for other roles."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.conftest import cnpj

from triplec.registry.models import Enterprise
from triplec.registry.models_import import ImportBatch

HEADER = "legal_name,country,national_id,sector_classification,sector_code,latitude,longitude\n"
GOOD = HEADER + "Nova Serraria,BR,00.006.001/0001-43,isic4,1610,-4.3,-38.9\nNova Marcenaria,BR,00.006.002/0001-98,isic4,3100,,\n"
BAD = HEADER + "Nova Serraria,BR,00.006.001/0001-43,isic4,1610,-4.3,-38.9\nNova Marcenaria,BR,00.006.002/0001-98,isic4,9999,,\n"


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, text: str, name="firms.csv", **fields):
    data = {"file": SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv"), **fields}
    return client.post("/enterprises/import/", data)


def by_testid(html: str, name: str) -> str:
    """The element with data-testid=name, as text (up to its closing tag)."""
    match = re.search(rf'<(\w+)[^>]*data-testid="{name}"[^>]*>(.*?)</\1>', html, re.S)
    assert match, f"no data-testid={name}"
    return match.group(0)


def count(html: str, what: str) -> int:
    return int(re.search(rf'data-count="{what}">([\d,]+)<', html).group(1).replace(",", ""))


def test_upload_preview_errors_then_fixed_file_confirmed(world, client_for):
    client = client_for(world.users["programme-officer"])
    page = client.get("/enterprises/import/")
    assert page.status_code == 200 and 'data-testid="import-upload-form"' in page.content.decode()

    response = upload(client, BAD)
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert response["Location"] == f"/enterprises/import/{batch.pk}/"
    assert batch.file.name.startswith("imports/") and batch.file.name.endswith(".csv")
    html = client.get(response["Location"]).content.decode()
    errors = by_testid(html, "import-errors")
    assert 'data-row="3" data-field="sector_code"' in errors and "ISIC Rev.4 code &#x27;9999&#x27;" in errors
    assert count(html, "create") == 1 and count(html, "errors") == 1
    assert re.search(r'data-testid="confirm-import"[^>]*disabled', html)
    assert not Enterprise.objects.filter(national_id__in=["00006001000143", "00006002000198"]).exists()
    # Confirming a file with errors writes nothing
    response = client.post(f"/enterprises/import/{batch.pk}/confirm/")
    assert response.status_code == 302
    assert not Enterprise.objects.filter(national_id__in=["00006001000143", "00006002000198"]).exists()

    response = upload(client, GOOD)
    batch = ImportBatch.objects.filter(original_name="firms.csv").order_by("-created_at").first()
    html = client.get(response["Location"]).content.decode()
    assert count(html, "create") == 2 and count(html, "errors") == 0
    assert 'data-testid="import-errors"' not in html
    assert not re.search(r'data-testid="confirm-import"[^>]*disabled', html)
    assert not Enterprise.objects.filter(national_id__in=["00006001000143", "00006002000198"]).exists()  # not before confirming

    response = client.post(f"/enterprises/import/{batch.pk}/confirm/", follow=True)
    html = response.content.decode()
    assert "Imported: 2 created, 0 updated, 0 unchanged." in html
    assert 'data-testid="import-result"' in html and 'data-testid="confirm-import"' not in html
    assert Enterprise.objects.filter(national_id__in=["00006001000143", "00006002000198"]).count() == 2
    assert Enterprise.objects.get(national_id="00006001000143").history.get().history_user == world.users["programme-officer"]
    batch.refresh_from_db()
    assert batch.status == "imported" and batch.result["created"] == 2
    # Confirming again does nothing more
    client.post(f"/enterprises/import/{batch.pk}/confirm/")
    assert Enterprise.objects.filter(national_id__in=["00006001000143", "00006002000198"]).count() == 2


def test_defaults_and_mapping_form(world, client_for):
    client = client_for(world.users["agency-admin"])
    text = "Firma;Nummer;WZ;Notiz\nHolz GmbH;Aachen HRB 44123;16.10;x\n"
    response = upload(client, text, name="holz.csv", classification="nace2", country="de")
    batch = ImportBatch.objects.get()
    html = client.get(response["Location"]).content.decode()
    assert {(e["row"], e["field"]) for e in batch.preview["errors"]} == {(1, "legal_name"), (1, "national_id"),
                                                                         (1, "sector_code")}
    assert 'data-testid="mapping-form"' in html and "Holz" not in html
    assert batch.defaults == {"sector_classification": "nace2", "country": "DE"}

    response = client.post(f"/enterprises/import/{batch.pk}/", {
        "col_0": "legal_name", "col_1": "national_id", "col_2": "sector_code", "col_3": "",
        "classification": "nace2", "country": "DE", "encoding": ""})
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.mapping == {"Firma": "legal_name", "Nummer": "national_id", "WZ": "sector_code", "Notiz": ""}
    assert batch.preview["counts"]["errors"] == 0 and batch.preview["counts"]["create"] == 1
    client.post(f"/enterprises/import/{batch.pk}/confirm/")
    ent = Enterprise.objects.get(country="DE", national_id="Aachen HRB 44123")
    assert (ent.legal_name, ent.sector_code) == ("Holz GmbH", "16.10")


def test_a_wrong_encoding_choice_is_reported_until_automatic_is_chosen(world, client_for):
    client = client_for(world.users["agency-admin"])
    # An odd number of bytes, so that no UTF-16 reading of them is possible
    data = (HEADER + f"Serraria São Jorge Ltda,BR,{cnpj(6101, formatted=True)},isic4,1610,,\n").encode("cp1252")
    assert len(data) % 2 == 1
    response = client.post("/enterprises/import/", {"file": SimpleUploadedFile("l.csv", data), "encoding": "utf-16"})
    batch = ImportBatch.objects.get()
    assert [(e["row"], e["field"]) for e in batch.preview["errors"]] == [(0, "")]
    assert "bad encoding at line 1" in client.get(response["Location"]).content.decode()
    client.post(f"/enterprises/import/{batch.pk}/", {f"col_{i}": f for i, f in enumerate(HEADER.strip().split(","))}
                | {"encoding": ""})
    batch.refresh_from_db()
    assert batch.preview["counts"]["errors"] == 0 and batch.preview["encoding"] == "cp1252"
    client.post(f"/enterprises/import/{batch.pk}/confirm/")
    assert Enterprise.objects.get(national_id=cnpj(6101)).legal_name == "Serraria São Jorge Ltda"


def test_only_the_uploader_sees_and_confirms_an_upload(world, client_for):
    officer, admin = world.users["programme-officer"], world.users["agency-admin"]
    response = upload(client_for(officer), GOOD)
    batch = ImportBatch.objects.get()
    other = client_for(admin)
    assert other.get(response["Location"]).status_code == 404
    assert other.post(f"/enterprises/import/{batch.pk}/confirm/").status_code == 404
    assert not Enterprise.objects.filter(national_id__in=["00006001000143", "00006002000198"]).exists()


@pytest.mark.parametrize("role, allowed", [
    ("agency-admin", True), ("programme-officer", True), ("association-manager", True),
    ("other-association-manager", True), ("broker", False), ("evaluator", False), ("enterprise-user", False),
    ("other-enterprise-user", False),
])
def test_import_pages_by_role(world, client_for, role, allowed):
    client = client_for(world.users[role])
    assert client.get("/enterprises/import/").status_code == (200 if allowed else 403)
    assert client.get("/enterprises/import/template.csv").status_code == (200 if allowed else 403)
    response = upload(client, GOOD)
    assert response.status_code == (302 if allowed else 403)
    assert ImportBatch.objects.exists() is allowed


def test_anonymous_is_sent_to_login(world, client_for):
    client = client_for(None)
    for url in ("/enterprises/import/", "/enterprises/import/template.csv"):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_association_manager_import_makes_members_and_refuses_outsiders(world, client_for):
    manager = world.users["association-manager"]
    client = client_for(manager)
    outsider = world.ent_b1
    text = HEADER + f"Nova,BR,00.006.009/0001-00,isic4,1610,,\n{outsider.legal_name},BR,{outsider.national_id},isic4,1520,,\n"
    response = upload(client, text)
    html = client.get(response["Location"]).content.decode()
    assert 'data-row="3" data-field="national_id"' in by_testid(html, "import-errors")
    batch = ImportBatch.objects.get()
    client.post(f"/enterprises/import/{batch.pk}/confirm/")
    assert not Enterprise.objects.filter(national_id="00006009000100").exists()

    response = upload(client, HEADER + "Nova,BR,00.006.009/0001-00,isic4,1610,,\n")
    batch = ImportBatch.objects.filter(status="checked").order_by("-created_at").first()
    client.post(f"/enterprises/import/{batch.pk}/confirm/")
    assert world.assoc_a.memberships.filter(enterprise__national_id="00006009000100").exists()


def test_template_download_lists_the_fields(world, client_for):
    response = client_for(world.users["agency-admin"]).get("/enterprises/import/template.csv")
    assert response.content.decode().startswith("legal_name,trade_name,country,national_id,")


def test_nav_shows_import_to_importers_only(world, client_for):
    assert "/enterprises/import/" in client_for(world.users["programme-officer"]).get("/").content.decode()
    assert "/enterprises/import/" not in client_for(world.users["evaluator"]).get("/").content.decode()
