"""National identifiers: checked per country with their check digits, stored in one form, unique per
country after normalisation, shown in the country's format, found with or without punctuation; the
data migration that brings old rows to the stored form loses none."""

from __future__ import annotations

import csv
import io

import pytest
from django.apps import apps
from django.urls import reverse
from tests.conftest import make_enterprise

from triplec.core.errors import ValidationFailed
from triplec.registry import identifiers, services
from triplec.registry.importing import commit_import, validate_import
from triplec.registry.models import Enterprise, Organisation
from triplec.registry.selectors import EnterpriseFilter, filter_enterprises

FIRM = {"legal_name": "Serraria Ômega Ltda", "sector_classification": "isic4", "sector_code": "1610"}


def test_stdnum_rules_per_country():
    assert identifiers.normalise("BR", " 11.222.333/0001-81 ") == "11222333000181"
    assert identifiers.normalise("BR", "111.444.777-35") == "11144477735"  # CPF of an individual entrepreneur
    assert identifiers.normalise("cl", "10.000.013-k") == "10000013K"      # RUT with the K check digit
    assert identifiers.normalise("FR", "732 829 320 00074") == "73282932000074"
    assert identifiers.normalise("AO", " Any-Thing 1 ") == "Any-Thing 1"   # no kind known: as given
    with pytest.raises(identifiers.IdentifierError, match="check digit"):
        identifiers.normalise("BR", "12.345.678/0001-00")
    with pytest.raises(identifiers.IdentifierError, match="check digit"):
        identifiers.normalise("CL", "12.345.678-K")
    with pytest.raises(identifiers.IdentifierError, match="number of digits"):
        identifiers.normalise("BR", "123")
    assert identifiers.display("BR", "11222333000181") == "11.222.333/0001-81"
    assert identifiers.display("CL", "123456785") == "12.345.678-5"
    assert identifiers.display("CL", "10000013K") == "10.000.013-K"
    assert identifiers.display("AO", "Any-Thing 1") == "Any-Thing 1"


def test_the_same_cnpj_written_two_ways_is_one_firm(world):
    officer = world.users["programme-officer"]
    first = services.create_enterprise(officer, {**FIRM, "country": "BR", "national_id": "11222333000181"})
    assert first.national_id == "11222333000181" and first.national_id_display == "11.222.333/0001-81"
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise(officer, {**FIRM, "country": "BR", "national_id": "11.222.333/0001-81"})
    assert "11.222.333/0001-81" in exc.value.errors["national_id"][0]
    assert Enterprise.objects.filter(country="BR", national_id__contains="11222333").count() == 1


@pytest.mark.parametrize("value, reason", [("12.345.678/0001-00", "check digit"), ("1234", "number of digits"),
                                           ("11.222.333/0001-8X", "")])
def test_invalid_identifiers_are_refused_on_the_field(world, value, reason):
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise(world.users["agency-admin"], {**FIRM, "country": "BR", "national_id": value})
    assert list(exc.value.errors) == ["national_id"] and "CNPJ/CPF" in exc.value.errors["national_id"][0]
    assert reason in exc.value.errors["national_id"][0]
    with pytest.raises(ValidationFailed):
        services.update_enterprise(world.users["agency-admin"], world.ent_a1, {"national_id": value})


def test_organisation_identifiers_are_checked_too(world):
    admin = world.users["agency-admin"]
    with pytest.raises(ValidationFailed):
        services.create_organisation(admin, {"kind": "buyer-public", "name": "Compras", "country": "BR",
                                             "national_id": "12.345.678/0001-00"})
    org = services.create_organisation(admin, {"kind": "buyer-public", "name": "Compras", "country": "BR",
                                               "national_id": "11.222.333/0001-81"})
    assert org.national_id == "11222333000181" and org.national_id_display == "11.222.333/0001-81"


@pytest.mark.parametrize("q", ["11222333000181", "11.222.333/0001-81", "11.222.333/0001-81 serraria",
                               "112223330001-81"])
def test_search_finds_the_firm_with_or_without_punctuation(world, q):
    officer = world.users["programme-officer"]
    ent = services.create_enterprise(officer, {**FIRM, "country": "BR", "national_id": "11.222.333/0001-81"})
    assert list(filter_enterprises(officer, EnterpriseFilter(q=q))) == [ent]


def test_register_page_and_api_search_by_digits_and_show_the_usual_format(world, client_for):
    officer = world.users["programme-officer"]
    ent = services.create_enterprise(officer, {**FIRM, "country": "CL", "national_id": "12.345.678-5"})
    client = client_for(officer)
    for q in ("123456785", "12.345.678-5", "12345678-5"):
        page = client.get(reverse("enterprise_list"), {"q": q})
        assert page.status_code == 200 and ent.legal_name in page.content.decode()
        assert "12.345.678-5" in page.content.decode()
        body = client.get("/api/v1/enterprises", {"q": q}).json()
        assert [e["id"] for e in body["items"]] == [ent.pk]
        assert body["items"][0]["national_id_display"] == "12.345.678-5"
    detail = client.get(reverse("enterprise_detail", args=[ent.pk])).content.decode()
    assert "12.345.678-5" in detail


def test_api_write_is_checked_the_same_way(world, client_for):
    client = client_for(world.users["programme-officer"])
    response = client.post("/api/v1/enterprises", {**FIRM, "country": "BR", "national_id": "12.345.678/0001-00"},
                           content_type="application/json")
    assert response.status_code == 422 and "check digit" in response.json()["errors"]["national_id"][0]
    response = client.post("/api/v1/enterprises", {**FIRM, "country": "BR", "national_id": "11.222.333/0001-81"},
                           content_type="application/json")
    assert response.status_code == 201 and response.json()["national_id"] == "11222333000181"


def _csv(rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["legal_name", "country", "national_id", "sector_classification", "sector_code", "employees"])
    writer.writerows(rows)
    return buffer.getvalue().encode()


def test_import_names_row_field_and_reason_for_invalid_identifiers(world):
    preview = validate_import(None, _csv([["Boa", "BR", "11.222.333/0001-81", "isic4", "1610", "3"],
                                          ["Má", "BR", "12.345.678/0001-00", "isic4", "1610", "3"],
                                          ["Chilena", "CL", "12.345.678-K", "isic4", "1610", "3"]]))
    assert [str(e) for e in preview.errors] == [
        "row 3, national_id: '12.345.678/0001-00' is not a valid national identifier for BR (CNPJ/CPF): "
        "the check digit is wrong",
        "row 4, national_id: '12.345.678-K' is not a valid national identifier for CL (RUT): the check digit is wrong"]


def test_reimport_written_the_other_way_updates_the_same_firm(world):
    commit_import(None, _csv([["Boa", "BR", "11.222.333/0001-81", "isic4", "1610", "3"]]))
    ent = Enterprise.objects.get(country="BR", national_id="11222333000181")
    preview = validate_import(None, _csv([["Boa", "BR", "11222333000181", "isic4", "1610", "9"]]))
    assert (preview.create, preview.update, preview.errors) == (0, 1, [])
    commit_import(None, _csv([["Boa", "BR", "11222333000181", "isic4", "1610", "9"]]))
    assert Enterprise.objects.get(pk=ent.pk).employees == 9
    assert Enterprise.objects.filter(legal_name="Boa").count() == 1
    # Written both ways in one file: the same firm twice.
    preview = validate_import(None, _csv([["A", "BR", "11.444.777/0001-61", "isic4", "1610", "1"],
                                          ["B", "BR", "11444777000161", "isic4", "1610", "1"]]))
    assert [(e.row, e.field) for e in preview.errors] == [(3, "national_id")]
    assert "duplicate identifier" in preview.errors[0].reason


def test_import_row_errors_are_shown_translated(world):
    from django.utils import translation

    from triplec.registry.importing.messages import shown

    preview = validate_import(None, _csv([["Má", "BR", "12.345.678/0001-00", "isic4", "1610", "3"]]))
    with translation.override("pt-br"):
        text = shown(preview.errors[0].reason)
    assert "12.345.678/0001-00" in text and "check digit" not in text and "CNPJ/CPF" in text


def test_migration_normalises_old_rows_and_loses_none(world, capsys):
    import importlib

    migration = importlib.import_module("triplec.registry.migrations.0007_national_identifiers")
    digits = make_enterprise(legal_name="Digits", national_id="11222333000181")
    formatted = make_enterprise(legal_name="Formatted", national_id="11.222.333/0001-81")  # same firm twice
    invalid = make_enterprise(legal_name="Invalid", national_id="12.345.678/0001-00")
    plain = make_enterprise(legal_name="Plain", national_id="11.444.777/0001-61")
    other = make_enterprise(legal_name="Elsewhere", country="AO", national_id="Luanda 7")
    Organisation.objects.filter(pk=world.buyer.pk).update(national_id="11.444.777/0001-61")
    count = Enterprise.objects.count()

    migration.forwards(apps, None)

    assert Enterprise.objects.count() == count
    stored = dict(Enterprise.objects.values_list("pk", "national_id"))
    assert stored[digits.pk] == "11222333000181" and stored[formatted.pk] == "11.222.333/0001-81"
    assert stored[invalid.pk] == "12.345.678/0001-00" and stored[plain.pk] == "11444777000161"
    assert stored[other.pk] == "Luanda 7"
    assert Organisation.objects.get(pk=world.buyer.pk).national_id == "11444777000161"
    latest = Enterprise.objects.get(pk=plain.pk).history.first()
    assert latest.national_id == "11444777000161" and "normalised" in latest.history_change_reason
    report = capsys.readouterr().out
    assert f"#{formatted.pk}" in report and f"same firm as #{digits.pk}" in report
    assert f"#{invalid.pk}" in report and "check digit" in report
