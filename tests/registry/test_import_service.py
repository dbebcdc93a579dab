"""Enterprise import service: row-level errors, all-or-nothing writes, idempotence, updates by
identifier, territories, memberships and permissions."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from tests.conftest import cnpj, siren

from triplec.core.errors import PermissionDenied
from triplec.registry.importing import ImportRejected, RowError, commit_import, validate_import
from triplec.registry.models import Enterprise, Membership, Territory

HEADER = ["legal_name", "country", "national_id", "sector_classification", "sector_code", "employees",
          "latitude", "longitude"]


def csv_bytes(rows, header=HEADER) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def good(i: int, **kw) -> list:
    row = {"legal_name": f"Serraria {i}", "country": "BR", "national_id": cnpj(i),
           "sector_classification": "isic4", "sector_code": "1610", "employees": str(5 + i),
           "latitude": "-4.3", "longitude": "-38.9"}
    row.update(kw)
    return [row[c] for c in HEADER]


def snapshot():
    """Everything an import may write, to compare before and after."""
    return (
        sorted(Enterprise.objects.values_list("country", "national_id", "legal_name", "employees", "updated_at")),
        Enterprise.history.count(), Membership.objects.count(), Membership.history.count(),
        Territory.objects.count(), Territory.history.count(),
    )


def errors_of(preview) -> set[tuple[int, str]]:
    return {(e.row, e.field) for e in preview.errors}


def reasons(preview) -> str:
    return "\n".join(str(e) for e in preview.errors)


# Creating and updating ------------------------------------------------------------------------------

def test_operator_imports_new_rows_with_normalised_values_and_history(world):
    data = csv_bytes([good(1, sector_code="C1610"), good(2, employees="")])
    preview = validate_import(None, data)
    assert preview.ok and (preview.create, preview.update, preview.unchanged) == (2, 0, 0)
    assert not Enterprise.objects.filter(national_id__in=[cnpj(1), cnpj(2)]).exists()  # a preview writes nothing

    result = commit_import(None, data)
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    first = Enterprise.objects.get(country="BR", national_id=cnpj(1))
    assert (first.legal_name, first.sector_code, first.sector_section, first.employees) == ("Serraria 1", "1610", "C", 6)
    assert (first.latitude, first.longitude) == (-4.3, -38.9)
    assert Enterprise.objects.get(national_id=cnpj(2)).employees is None
    record = first.history.get()
    assert record.history_type == "+" and record.history_user is None  # the operator


def test_reimporting_the_same_file_changes_nothing(world):
    data = csv_bytes([good(1), good(2)])
    commit_import(world.users["programme-officer"], data)
    before = snapshot()
    result = commit_import(world.users["programme-officer"], data)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert snapshot() == before  # no history rows, no updated_at change


def test_an_updated_file_updates_by_identifier_with_the_actor_in_history(world):
    officer = world.users["programme-officer"]
    commit_import(officer, csv_bytes([good(1), good(2)]))
    stamp = Enterprise.objects.get(national_id=cnpj(2)).updated_at
    preview = validate_import(officer, csv_bytes([good(1, employees="40"), good(2), good(3)]))
    assert (preview.create, preview.update, preview.unchanged) == (1, 1, 1)

    commit_import(officer, csv_bytes([good(1, employees="40"), good(2), good(3)]))
    changed = Enterprise.objects.get(national_id=cnpj(1))
    assert changed.employees == 40 and changed.size_class == "small"
    latest = changed.history.first()
    assert latest.history_type == "~" and latest.history_user == officer and latest.employees == 40
    assert changed.history.count() == 2
    assert Enterprise.objects.get(national_id=cnpj(2)).updated_at == stamp
    assert Enterprise.objects.get(national_id=cnpj(2)).history.count() == 1


def test_update_touches_only_the_columns_in_the_file(world):
    ent = world.ent_a1  # has coordinates, territory, employees 12
    data = csv_bytes([["Serraria Alfa S.A.", "BR", ent.national_id]], header=["legal_name", "country", "national_id"])
    preview = validate_import(None, data)
    # sector columns are required, so a file without them is refused at the header
    assert {(1, "sector_classification"), (1, "sector_code")} <= errors_of(preview)
    data = csv_bytes([["Serraria Alfa S.A.", "BR", ent.national_id, "isic4", "1610"]],
                     header=["legal_name", "country", "national_id", "sector_classification", "sector_code"])
    commit_import(None, data)
    ent.refresh_from_db()
    assert ent.legal_name == "Serraria Alfa S.A."
    assert (ent.employees, ent.latitude, ent.territory.code) == (12, -4.3, "2301950")


# Row-level errors -----------------------------------------------------------------------------------

@pytest.mark.parametrize("row, field, reason", [
    (good(1, sector_code="9999"), "sector_code", "ISIC Rev.4 code '9999'"),
    (good(1, sector_classification="isic4", sector_code="25.1x"), "sector_code", "not a recognised form"),
    (good(1, sector_classification="sic"), "sector_classification", "unknown classification 'sic'"),
    (good(1, latitude="north"), "latitude", "bad coordinates"),
    (good(1, latitude="95"), "latitude", "outside -90..90"),
    (good(1, longitude="-181"), "longitude", "outside -180..180"),
    (good(1, longitude=""), "longitude", "latitude given without longitude"),
    (good(1, latitude=""), "latitude", "longitude given without latitude"),
    (good(1, employees="many"), "employees", "bad number"),
    (good(1, employees="12.5"), "employees", "not a whole number"),
    (good(1, employees="-3"), "employees", "out of range"),
    (good(1, legal_name=""), "legal_name", "missing required field"),
    (good(1, national_id="  "), "national_id", "missing required field"),
    (good(1, sector_code=""), "sector_code", "missing required field"),
    (good(1, country="Brazil"), "country", "not a two-letter"),
    (good(1, legal_name="x" * 201), "legal_name", "longer than 200"),
    (good(1, legal_name="Null\x00byte"), "legal_name", "NUL"),
])
def test_each_bad_value_is_reported_with_row_field_and_reason(world, row, field, reason):
    data = csv_bytes([good(0), row, good(2)])
    preview = validate_import(None, data)
    assert (3, field) in errors_of(preview), reasons(preview)
    error = next(e for e in preview.errors if (e.row, e.field) == (3, field))
    assert reason in error.reason
    assert str(error).startswith(f"row 3, {field}: ")
    before = snapshot()
    with pytest.raises(ImportRejected) as exc:
        commit_import(None, data)
    assert exc.value.preview.errors == preview.errors
    assert snapshot() == before


def test_rows_are_numbered_as_in_a_spreadsheet_even_across_quoted_line_breaks(world):
    data = (b'legal_name,country,national_id,sector_classification,sector_code\n'
            b'"Two\nline name",BR,11111111000191,isic4,1610\n'
            b'\n'
            b'Bad,BR,22222222000191,isic4,0000\n')
    preview = validate_import(None, data)
    assert [(e.row, e.field) for e in preview.errors] == [(4, "sector_code")]


def test_duplicate_identifier_within_the_file(world):
    preview = validate_import(None, csv_bytes([good(1), good(2), good(1, legal_name="Again")]))
    assert [str(e) for e in preview.errors] == [f"row 4, national_id: duplicate identifier BR/{cnpj(1)}: also on row 2"]


def test_missing_required_column_is_a_header_error_and_defaults_fill_it(world):
    header = ["legal_name", "national_id", "sector_code"]
    data = csv_bytes([["Scierie", "000001230", "16.10"]], header=header)
    preview = validate_import(None, data)
    assert errors_of(preview) == {(1, "country"), (1, "sector_classification")}
    preview = validate_import(None, data, defaults={"country": "fr", "classification": "nace2"})
    assert preview.ok and preview.create == 1
    result = commit_import(None, data, defaults={"country": "FR", "sector_classification": "nace2"})
    assert result.created == 1
    assert Enterprise.objects.get(country="FR", national_id="000001230").sector_code == "16.10"


def test_bad_defaults_are_reported(world):
    preview = validate_import(None, csv_bytes([good(1)]), defaults={"country": "France", "classification": "sic"})
    assert {(e.row, e.field) for e in preview.errors} == {(0, "country"), (0, "sector_classification")}


def test_windows_1252_is_detected_and_stray_bytes_in_utf8_are_reported_per_row(world):
    text = ("legal_name,country,national_id,sector_classification,sector_code\n"
            f"Scierie Dupont,FR,{siren(1)},nace2,16.10\n"
            f"Scierie Hélène,FR,{siren(2)},nace2,16.10\n")
    data = text.encode("cp1252")
    preview = validate_import(None, data)
    assert (preview.errors, preview.encoding, preview.encoding_detected) == ([], "cp1252", True)
    header, rows = data.split(b"\n", 1)
    mixed = header + f"\nScierie Aç,FR,{siren(3)},nace2,16.10\n".encode() + rows
    preview = validate_import(None, mixed)
    assert [(e.row, e.field) for e in preview.errors] == [(4, "legal_name")]
    assert "bad encoding at row 4" in preview.errors[0].reason
    with pytest.raises(ImportRejected):
        commit_import(None, mixed)
    assert not Enterprise.objects.filter(country="FR").exists()

    result = commit_import(None, data)
    assert result.created == 2
    assert Enterprise.objects.get(country="FR", national_id=siren(2)).legal_name == "Scierie Hélène"


def test_utf8_with_bom_semicolons_and_decimal_commas(world):
    text = ("\ufeffRaison sociale;Pays;SIRET;NACE;Latitude;Longitude\n"
            "Menuiserie Durand;FR;732 829 320 00074;16.23;45,75;4,85\n")
    result = commit_import(None, text.encode("utf-8"))
    ent = Enterprise.objects.get(national_id="73282932000074")
    assert (result.created, ent.legal_name, ent.sector_classification, ent.sector_code) == (
        1, "Menuiserie Durand", "nace2", "16.23")
    assert (ent.latitude, ent.longitude) == (45.75, 4.85)


def test_explicit_mapping_overrides_and_mapping_errors(world):
    header = ["Firma", "Land", "Nummer", "WZ", "Ignored"]
    data = csv_bytes([["Holz GmbH", "DE", "Aachen HRB 44123", "16.10", "x"]], header=header)
    mapping = {"Firma": "legal_name", "Land": "country", "Nummer": "national_id", "WZ": "sector_code"}
    preview = validate_import(None, data, mapping, {"classification": "nace2"})
    assert preview.ok, reasons(preview)
    assert preview.mapping == mapping and preview.ignored_columns == ["Ignored"]

    preview = validate_import(None, data, {**mapping, "Nope": "email", "Ignored": "colour"}, {"classification": "nace2"})
    assert {(e.row, e.field) for e in preview.errors} == {(1, "Nope"), (1, "Ignored")}
    preview = validate_import(None, data, {**mapping, "Ignored": "legal_name"}, {"classification": "nace2"})
    assert [(e.row, e.field) for e in preview.errors] == [(1, "legal_name")]
    assert "both feed legal_name" in preview.errors[0].reason


def test_unreadable_and_empty_files_are_errors_not_crashes(world):
    for data, fmt, expected in [(b"", "csv", "empty"), (b"PK\x03\x04garbage", None, "XLSX"),
                                (b"PAR1garbage", None, "Parquet"), (b"a,b\n", "json", "unknown format")]:
        preview = validate_import(None, data, fmt=fmt)
        assert preview.errors and expected in preview.errors[0].reason


def test_row_with_more_cells_than_the_header(world):
    data = csv_bytes([good(1) + ["surplus"]])
    preview = validate_import(None, data)
    assert [(e.row, e.field) for e in preview.errors] == [(2, "")]


# Territories and memberships ----------------------------------------------------------------------

def test_territories_are_found_or_created_country_region_municipality(world):
    header = ["legal_name", "country", "national_id", "sector_classification", "sector_code", "region_code",
              "region_name", "municipality_code", "municipality_name"]
    rows = [
        ["Known", "BR", cnpj(91), "isic4", "1610", "CE", "Ceará", "2301950", ""],          # existing municipality
        ["New muni", "BR", cnpj(92), "isic4", "1610", "CE", "", "2304400", "Fortaleza"],   # new under existing region
        ["New region", "BR", cnpj(93), "isic4", "1610", "RS", "Rio Grande do Sul", "", ""],
        ["No region", "BR", cnpj(94), "isic4", "1610", "", "", "2301950", ""],             # unique code in BR
        ["Name only", "BR", cnpj(95), "isic4", "1610", "", "Ceará", "", "Fortaleza"],      # by names
    ]
    preview = validate_import(None, csv_bytes(rows, header))
    assert preview.ok, reasons(preview)
    assert preview.territories == 2
    commit_import(None, csv_bytes(rows, header))
    by_id = {e.national_id: e.territory for e in Enterprise.objects.filter(national_id__in=[cnpj(n) for n in range(91, 96)])}
    assert by_id[cnpj(91)] == world.ent_a1.territory
    assert by_id[cnpj(92)].path == "Brazil > Ceará > Fortaleza" and by_id[cnpj(92)].code == "2304400"
    assert by_id[cnpj(93)].level == "region" and by_id[cnpj(93)].parent.code == "BR"
    assert by_id[cnpj(94)] == world.ent_a1.territory
    assert by_id[cnpj(95)] == by_id[cnpj(92)]
    assert by_id[cnpj(93)].history.get().history_type == "+"
    before = snapshot()
    commit_import(None, csv_bytes(rows, header))
    assert snapshot() == before


def test_municipality_without_region_that_cannot_be_placed_is_an_error(world):
    header = ["legal_name", "country", "national_id", "sector_classification", "sector_code", "municipality_name"]
    preview = validate_import(None, csv_bytes([["A", "BR", "11111111000191", "isic4", "1610", "Nowhere"]], header))
    assert [(e.row, e.field) for e in preview.errors] == [(2, "municipality_name")]
    assert "give its region" in preview.errors[0].reason


def test_association_by_name_or_id_with_start_date_and_no_duplicate_memberships(world):
    header = HEADER + ["association", "membership_start"]
    rows = [good(1) + ["sawmills assoc", "2024-03-01"], good(2) + [str(world.assoc_b.pk), ""],
            [*good(3), "Sawmills Assoc; Shoe Assoc", ""]]
    commit_import(None, csv_bytes(rows, header))
    m1 = Membership.objects.get(enterprise__national_id=cnpj(1))
    assert (m1.association, m1.start_date) == (world.assoc_a, date(2024, 3, 1))
    assert Membership.objects.get(enterprise__national_id=cnpj(2)).start_date == date.today()
    assert Membership.objects.filter(enterprise__national_id=cnpj(3)).count() == 2
    before = snapshot()
    result = commit_import(None, csv_bytes(rows, header))
    assert (result.unchanged, result.memberships) == (3, 0)
    assert snapshot() == before


def test_unknown_association_and_bad_date(world):
    header = HEADER + ["association", "membership_start"]
    preview = validate_import(None, csv_bytes([good(1) + ["Ghost Assoc", ""], good(2) + ["", "01/02/2024"]], header))
    assert [str(e) for e in preview.errors] == [
        "row 2, association: unknown association 'Ghost Assoc'",
        "row 3, membership_start: bad date '01/02/2024': write it as YYYY-MM-DD"]


def test_existing_enterprise_joins_an_association_as_an_update(world):
    header = ["legal_name", "country", "national_id", "sector_classification", "sector_code", "association"]
    ent = world.ent_none
    data = csv_bytes([[ent.legal_name, "BR", ent.national_id, "isic4", ent.sector_code, "Shoe Assoc"]], header)
    preview = validate_import(None, data)
    assert (preview.update, preview.memberships) == (1, 1)
    stamp = Enterprise.objects.get(pk=ent.pk).updated_at
    commit_import(None, data)
    assert Membership.objects.filter(enterprise=ent, association=world.assoc_b).exists()
    assert Enterprise.objects.get(pk=ent.pk).updated_at == stamp  # the record itself did not change


# Permissions -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["broker", "evaluator", "enterprise-user", "other-enterprise-user"])
def test_roles_that_may_not_import_are_refused(world, role):
    with pytest.raises(PermissionDenied):
        validate_import(world.users[role], csv_bytes([good(1)]))
    with pytest.raises(PermissionDenied):
        commit_import(world.users[role], csv_bytes([good(1)]))
    assert not Enterprise.objects.filter(national_id=cnpj(1)).exists()


def test_anonymous_may_not_import(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        validate_import(AnonymousUser(), csv_bytes([good(1)]))


@pytest.mark.parametrize("role", ["agency-admin", "programme-officer"])
def test_agency_editors_may_update_any_enterprise(world, role):
    ent = world.ent_b1
    data = csv_bytes([[ent.legal_name, "BR", ent.national_id, "isic4", "1520", "81", "", ""]])
    result = commit_import(world.users[role], data)
    assert result.updated == 1 and Enterprise.objects.get(pk=ent.pk).employees == 81


def test_association_manager_imports_members_of_their_own_association(world):
    manager = world.users["association-manager"]  # manages assoc_a: ent_a1, ent_a2
    member = world.ent_a2
    rows = [good(1), [member.legal_name, "BR", member.national_id, "isic4", "1610", "4", "", ""]]
    result = commit_import(manager, csv_bytes(rows))
    assert (result.created, result.updated) == (1, 1)
    new = Enterprise.objects.get(national_id=cnpj(1))
    membership = Membership.objects.get(enterprise=new)
    assert (membership.association, membership.start_date) == (world.assoc_a, date.today())
    assert membership.history.get().history_user == manager
    assert Enterprise.objects.get(pk=member.pk).employees == 4


def test_association_manager_may_not_update_a_non_member_or_name_another_association(world):
    manager = world.users["association-manager"]
    outsider = world.ent_b1
    rows = [good(1), [outsider.legal_name, "BR", outsider.national_id, "isic4", "1520", "80", "", ""]]
    preview = validate_import(manager, csv_bytes(rows))
    assert [(e.row, e.field) for e in preview.errors] == [(3, "national_id")]
    # The firm is outside the manager's association: the row does not say it exists, nor where it belongs.
    assert preview.errors[0].reason == (f"the identifier BR/{outsider.national_id_display} cannot be added by you; if this "
                                        "firm belongs to your association, ask the agency to add it")
    before = snapshot()
    with pytest.raises(ImportRejected):
        commit_import(manager, csv_bytes(rows))
    assert snapshot() == before

    header = HEADER + ["association"]
    preview = validate_import(manager, csv_bytes([good(2) + ["Shoe Assoc"]], header))
    assert [(e.row, e.field) for e in preview.errors] == [(2, "association")]
    assert "you may add members to Sawmills Assoc only" in preview.errors[0].reason


# All or nothing ----------------------------------------------------------------------------------

def test_a_bad_row_in_the_middle_means_nothing_is_written(world):
    rows = [good(i) for i in range(1, 50)]
    rows[24] = good(25, sector_code="0000")
    before = snapshot()
    with pytest.raises(ImportRejected) as exc:
        commit_import(None, csv_bytes(rows))
    assert exc.value.preview.errors == [RowError(26, "sector_code", exc.value.preview.errors[0].reason)]
    assert "row 26, sector_code" in exc.value.errors
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_failure_while_writing_rolls_everything_back(monkeypatch):
    """Real transactions (not the test's wrapping one): a database error after the enterprises are
    written (here, while writing memberships) leaves the register as it was."""
    from django.db import IntegrityError

    from triplec.registry.importing import writer
    from triplec.registry.models import Organisation, OrganisationKind

    Organisation.objects.create(kind=OrganisationKind.PRODUCERS_ASSOCIATION, name="Coop", country="BR")
    original = writer.insert

    def failing_insert(model, rows, info):
        if model is Membership:
            raise IntegrityError("simulated failure")
        return original(model, rows, info)

    monkeypatch.setattr(writer, "insert", failing_insert)
    header = HEADER + ["association", "region_code"]
    data = csv_bytes([good(i) + ["Coop", "CE"] for i in range(1, 30)], header)
    assert validate_import(None, data).ok
    before = snapshot()
    with pytest.raises(ImportRejected) as exc:
        commit_import(None, data)
    assert "nothing was written" in str(exc.value)
    assert snapshot() == before
    assert not Territory.objects.exists()


def test_progress_callback_reports_every_stage(world):
    seen = []
    commit_import(None, csv_bytes([good(i) for i in range(5)]), progress=lambda s, d, t: seen.append((s, d, t)))
    stages = [s for s, _, _ in seen]
    assert stages[0] == "read" and "check" in stages and stages[-1] == "write"
    assert seen[-1][1] == seen[-1][2] == 5


def test_rows_given_as_mappings(world):
    rows = [{"legal_name": "Dict Firm", "country": "BR", "national_id": "00000077000161", "sector_classification": "isic4",
             "sector_code": 1610, "employees": 3.0, "exporter": True}]
    result = commit_import(world.users["programme-officer"], rows)
    ent = Enterprise.objects.get(national_id="00000077000161")
    assert (result.created, ent.sector_code, ent.employees, ent.exporter) == (1, "1610", 3, True)


def test_xlsx_and_parquet_files_with_typed_cells(world, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Company name", "Country", "CNPJ", "ISIC", "Employees", "Lat", "Lon", "Exporter", "Member since",
                  "Association"])
    sheet.append(["Xlsx Ltda", "BR", 12345678000195, 1610, 12.0, -4.3, -38.9, True, date(2022, 5, 1), world.assoc_a.pk])
    sheet.append(["Bad Ltda", "BR", 98765432000198, 1610, "many", None, None, False, None, None])
    path = tmp_path / "firms.xlsx"
    workbook.save(path)
    preview = validate_import(None, path)
    assert preview.format == "xlsx" and [(e.row, e.field) for e in preview.errors] == [(3, "employees")]
    path_ok = tmp_path / "ok.xlsx"
    sheet.delete_rows(3)
    workbook.save(path_ok)
    commit_import(None, path_ok)
    ent = Enterprise.objects.get(national_id="12345678000195")
    assert (ent.sector_classification, ent.sector_code, ent.employees, ent.exporter) == ("isic4", "1610", 12, True)
    assert ent.memberships.get().start_date == date(2022, 5, 1)

    table = pa.table({"legal_name": ["Parquet SA", "Other SA"], "country": ["FR", "FR"],
                      "national_id": ["000000018", "000000026"], "naics": [332710, 3327], "employees": [7, None],
                      "latitude": [45.5, None], "longitude": [4.8, None]})
    path = tmp_path / "firms.parquet"
    pq.write_table(table, path)
    result = commit_import(world.users["agency-admin"], path)
    assert result.created == 2
    p1 = Enterprise.objects.get(country="FR", national_id="000000018")
    assert (p1.sector_classification, p1.sector_code, p1.sector_section, p1.latitude) == (
        "naics2017", "332710", "31-33", 45.5)
    assert p1.history.get().history_change_reason == "import: firms.parquet"
    assert Enterprise.objects.get(country="FR", national_id="000000026").sector_code == "3327"


def test_history_rows_match_simple_history(world):
    """The bulk writer's history rows hold what simple-history itself would record."""
    officer = world.users["programme-officer"]
    commit_import(officer, csv_bytes([good(1)]), change_reason="spring update")
    commit_import(officer, csv_bytes([good(1, employees="99", latitude="-5", longitude="-39")]))
    ent = Enterprise.objects.get(national_id=cnpj(1))
    created, changed = ent.history.order_by("history_id")
    assert (created.history_type, created.employees, created.history_change_reason) == ("+", 6, "spring update")
    assert (changed.history_type, changed.employees, changed.latitude, changed.history_user) == ("~", 99, -5.0, officer)
    delta = changed.diff_against(created)
    assert {c.field for c in delta.changes} == {"employees", "latitude", "longitude"}  # editable fields
    assert changed.updated_at == ent.updated_at > created.updated_at
