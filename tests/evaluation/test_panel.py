"""The firm panel: entering a year, the baseline a diagnostic gives, importing CSV/XLSX and
KoboToolbox exports all-or-nothing with errors naming row, column and reason."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.conftest import cnpj

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.evaluation.models import FirmYear
from triplec.evaluation.services import panel
from triplec.evaluation.services.panel_import import import_panel, read_panel
from triplec.registry.importing.errors import ImportRejected

pytestmark = pytest.mark.django_db


def test_a_firm_states_its_year_and_corrects_it(world):
    user = world.users["enterprise-user"]
    row = panel.record_year(user, world.ent_a1, 2026, employment=12, currency="brl", sales=Decimal("100000.00"),
                            exports=Decimal("20000.00"), customers=4, main_customer_share=Decimal("0.6"))
    assert (row.source, row.currency, row.recorded_by) == ("stated", "BRL", user)
    panel.record_year(user, world.ent_a1, 2026, employment=14)
    row.refresh_from_db()
    assert (row.employment, row.sales) == (14, Decimal("100000.00"))
    assert FirmYear.objects.count() == 1


def test_panel_rules(world):
    user = world.users["agency-admin"]
    with pytest.raises(ValidationFailed) as refused:
        panel.record_year(user, world.ent_a1, 2026, sales=Decimal(10))
    assert "currency" in refused.value.errors
    with pytest.raises(ValidationFailed):
        panel.record_year(user, world.ent_a1, 2026, currency="BRL", sales=Decimal(10), exports=Decimal(11))
    with pytest.raises(ValidationFailed):
        panel.record_year(user, world.ent_a1, 2026, main_customer_share=Decimal("1.5"))
    with pytest.raises(PermissionDenied):
        panel.record_year(world.users["other-enterprise-user"], world.ent_a1, 2026, employment=3)
    with pytest.raises(PermissionDenied):
        panel.record_year(world.users["evaluator"], world.ent_a1, 2026, employment=3)


def test_the_baseline_comes_from_the_first_diagnostic(shoes):
    from tests.suppliers.conftest import scores

    from triplec.suppliers.services.diagnostics import record_diagnostic

    world, admin = shoes.world, shoes.world.users["agency-admin"]
    assert panel.fill_baseline(admin, world.ent_a1) is None  # no diagnostic yet
    diagnostic = record_diagnostic(admin, shoes.supplier, carried_out_on=date(2026, 2, 1), consultant="C",
                                   cost="1000.00", scores=scores())
    row = panel.fill_baseline(admin, world.ent_a1)
    assert (row.year, row.source, row.baseline) == (2026, "diagnostic", True)
    assert row.evidence == f"suppliers.diagnostic:{diagnostic.pk}"
    assert row.employment == world.ent_a1.employees
    # A year the firm stated is kept as stated; it is only marked as the baseline.
    row.delete()
    panel.record_year(admin, world.ent_a1, 2026, employment=99)
    row = panel.fill_baseline(admin, world.ent_a1)
    assert (row.employment, row.source, row.baseline) == (99, "stated", True)


def _csv(text: str) -> bytes:
    return text.encode("utf-8")


def test_import_semicolon_csv_with_decimal_commas_and_formatted_identifiers(world):
    admin = world.users["agency-admin"]
    data = _csv("CNPJ;Ano;Empregados;Moeda;Vendas;Exportações;Clientes;Participação principal cliente\n"
                f"{cnpj(11111111, formatted=True)};2025;12;BRL;150000,50;10000,25;5;35%\n"
                f"{cnpj(22222222)};2025;3;BRL;20000;;2;0,9\n")
    done = import_panel(admin, data, filename="panel.csv", country="BR")
    assert (done.created, done.updated) == (2, 0)
    row = FirmYear.objects.get(enterprise=world.ent_a1, year=2025)
    assert (row.sales, row.exports, row.main_customer_share, row.source) == (
        Decimal("150000.50"), Decimal("10000.25"), Decimal("0.3500"), "imported")
    assert FirmYear.objects.get(enterprise=world.ent_a2).main_customer_share == Decimal("0.9000")


def test_import_is_all_or_nothing_and_names_row_column_reason(world):
    admin = world.users["agency-admin"]
    data = _csv("national_id,year,employment,currency,sales\n"
                f"{cnpj(11111111)},2025,12,BRL,1000\n"
                f"{cnpj(11111111)},2025,12,BRL,1000\n"
                "99999999000100,2025,x,BRL,1.500,00\n")
    with pytest.raises(ImportRejected) as rejected:
        import_panel(admin, data, filename="panel.csv", country="BR")
    where = {(e.row, e.field) for e in rejected.value.preview.errors}
    assert {(3, "year"), (4, "national_id"), (4, "employment")} <= where
    assert FirmYear.objects.count() == 0


def test_a_kobo_export(world):
    admin = world.users["agency-admin"]
    data = _csv("start,end,firma/cnpj,firma/empregados,vendas/moeda,vendas/vendas,_id,_uuid,_submission_time\n"
                f"2026-03-01,2026-03-01,{cnpj(11111111)},12,BRL,5000,7,ab-cd,2026-03-01T10:00:00\n")
    checked = read_panel(data, filename="kobo.csv", country="BR")
    assert not checked.errors, checked.errors
    assert checked.columns == {"firma/cnpj": "national_id", "firma/empregados": "employment",
                               "vendas/moeda": "currency", "vendas/vendas": "sales"}
    import_panel(admin, data, filename="kobo.csv", country="BR")
    row = FirmYear.objects.get(enterprise=world.ent_a1)
    assert (row.year, row.employment, row.sales, row.evidence) == (2026, 12, Decimal("5000.00"), "kobo:ab-cd")


def test_only_agency_staff_import(world):
    with pytest.raises(PermissionDenied):
        import_panel(world.users["evaluator"], b"national_id,year\n", filename="p.csv", country="BR")
