"""The permission matrix of every supplier page (tests/permissions.py): anonymous, each role, another
programme's buyer, a service centre's staff, and another firm.

On the shoe programme (tests/suppliers/conftest.py `shoes`): buyer-staff works for its large buyer;
enterprise-user works at ent_a1, one of its suppliers; other-buyer-staff and other-enterprise-user
belong to another programme; centre-staff and the association managers have nothing to do with it.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from tests.permissions import AGENCY, EDITORS, USERS, Case, assert_page_permissions, by_scope, everyone
from tests.suppliers.conftest import scores

from triplec.suppliers.services import diagnostics, programmes, training

pytestmark = pytest.mark.django_db

PEOPLE = (*USERS, "buyer-staff", "other-buyer-staff", "centre-staff")
SEES_PROGRAMME = (*AGENCY, "buyer-staff", "enterprise-user")
SEES_HOMEWORKER = (*AGENCY, "buyer-staff")
RUNS = ("agency-admin", "programme-officer", "buyer-staff")
UPDATES_SUPPLIER = (*RUNS, "enterprise-user")
SEES_WHOLE = (*AGENCY, "buyer-staff")  # the programme's costs, sessions and exports


def _order(w):
    return {"reference": "P1", "ordered_on": "2026-03-01", "promised_on": "2026-03-10", "quantity": "5",
            "defective": "0", "unit_price": "3.00"}


def _diagnostic(w):
    areas = {f"score_{code}": "3" for code in ("quality", "delivery", "cost", "technology", "management")}
    return {"carried_out_on": "2026-03-01", "consultant": "C", "cost": "100.00", **areas}


CASES = [
    Case("programme list", "get", lambda w: reverse("suppliers:programme_list"), everyone(200, PEOPLE)),
    Case("programme detail", "get", lambda w: reverse("suppliers:programme_detail", args=[w.shoes.programme.pk]),
         by_scope(PEOPLE, SEES_PROGRAMME, SEES_PROGRAMME, ok=200)),
    Case("supplier detail", "get", lambda w: reverse("suppliers:supplier_detail", args=[w.shoes.supplier.pk]),
         by_scope(PEOPLE, SEES_PROGRAMME, SEES_PROGRAMME, ok=200)),
    Case("homeworker detail", "get", lambda w: reverse("suppliers:supplier_detail", args=[w.shoes.homeworker.pk]),
         by_scope(PEOPLE, SEES_HOMEWORKER, SEES_HOMEWORKER, ok=200)),
    Case("record an order", "post", lambda w: reverse("suppliers:supplier_detail", args=[w.shoes.supplier.pk]),
         by_scope(PEOPLE, RUNS, SEES_PROGRAMME, ok=302), data=_order),
    Case("an action's status", "post", lambda w: reverse("suppliers:action_status", args=[w.action.pk]),
         by_scope(PEOPLE, UPDATES_SUPPLIER, SEES_PROGRAMME, ok=302), data=lambda w: {"status": "done"}),
    Case("diagnostic form", "get", lambda w: reverse("suppliers:diagnostic_add", args=[w.shoes.supplier.pk]),
         by_scope(PEOPLE, EDITORS, SEES_PROGRAMME, ok=200)),
    Case("record a diagnostic", "post", lambda w: reverse("suppliers:diagnostic_add", args=[w.shoes.supplier.pk]),
         by_scope(PEOPLE, EDITORS, SEES_PROGRAMME, ok=302), data=_diagnostic),
    Case("add an action", "post", lambda w: reverse("suppliers:action_add", args=[w.shoes.supplier.pk]),
         by_scope(PEOPLE, RUNS, SEES_PROGRAMME, ok=302),
         data=lambda w: {"description": "Gauges", "owner": "consultant", "due_on": "2026-05-01"}),
    Case("import orders", "post", lambda w: reverse("suppliers:import_orders", args=[w.shoes.programme.pk]),
         by_scope(PEOPLE, RUNS, SEES_PROGRAMME, ok=302), data=lambda w: {}),
    Case("new programme form", "get", lambda w: reverse("suppliers:programme_add"), by_scope(PEOPLE, EDITORS, PEOPLE, ok=200)),
    Case("create a programme", "post", lambda w: reverse("suppliers:programme_add"), by_scope(PEOPLE, EDITORS, PEOPLE, ok=302),
         data=lambda w: {"name": "New", "buyer": w.shoes.buyer.pk, "currency": "BRL", "started_on": "2026-02-01",
                         "agency_share": "0.5", "supplier_share": "0"}),
    Case("record the consent", "post", lambda w: reverse("suppliers:consent", args=[w.fresh.pk]),
         by_scope(PEOPLE, EDITORS, SEES_WHOLE, ok=302),
         data=lambda w: {"given_by": "Ana", "given_on": "2026-02-03", "reference": "Termo 9"}),
    Case("enrol an enterprise", "post", lambda w: reverse("suppliers:enrol", args=[w.shoes.programme.pk]),
         by_scope(PEOPLE, EDITORS, SEES_PROGRAMME, ok=302), data=lambda w: {"enterprise": w.ent_a2.national_id}),
    Case("enrol a homeworker", "post", lambda w: reverse("suppliers:enrol_homeworker", args=[w.shoes.programme.pk]),
         by_scope(PEOPLE, EDITORS, SEES_PROGRAMME, ok=302), data=lambda w: {"person_name": "Joana", "product": "Soles"}),
    Case("schedule a session", "post", lambda w: reverse("suppliers:session_add", args=[w.shoes.programme.pk]),
         by_scope(PEOPLE, EDITORS, SEES_PROGRAMME, ok=302),
         data=lambda w: {"title": "T", "kind": "behavioural", "held_on": "2026-03-01", "cost": "10.00"}),
    Case("session detail", "get", lambda w: reverse("suppliers:session_detail", args=[w.session.pk]),
         by_scope(PEOPLE, SEES_WHOLE, SEES_WHOLE, ok=200)),
    Case("record attendance", "post", lambda w: reverse("suppliers:session_detail", args=[w.session.pk]),
         by_scope(PEOPLE, RUNS, SEES_WHOLE, ok=302), data=lambda w: {"staff": "Rita"}),
    Case("sales to other customers", "post", lambda w: reverse("suppliers:other_sales", args=[w.shoes.supplier.pk]),
         by_scope(PEOPLE, UPDATES_SUPPLIER, SEES_PROGRAMME, ok=302),
         data=lambda w: {"year": "2026", "amount": "100.00", "customers": "1"}),
    Case("firm suggestions", "get", lambda w: reverse("suppliers:firm_options") + "?field=enterprise&enterprise=beta",
         by_scope(PEOPLE, ("agency-admin", "programme-officer"), PEOPLE, ok=200)),
    Case("export KPIs (CSV)", "get", lambda w: reverse("suppliers:export_kpis", args=[w.shoes.programme.pk, "csv"]),
         by_scope(PEOPLE, SEES_WHOLE, SEES_PROGRAMME, ok=200)),
    Case("export KPIs (XLSX)", "get", lambda w: reverse("suppliers:export_kpis", args=[w.shoes.programme.pk, "xlsx"]),
         by_scope(PEOPLE, SEES_WHOLE, SEES_PROGRAMME, ok=200)),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_page_permissions(world, shoes, client_for, case):
    world.shoes = shoes
    diagnostics.record_diagnostic(shoes.admin, shoes.supplier, carried_out_on=date(2026, 2, 1), consultant="C",
                                  cost="500.00", scores=scores())
    world.action = diagnostics.add_action(shoes.admin, shoes.supplier, description="Incoming inspection",
                                          owner="supplier", due_on=date(2026, 4, 1))
    world.session = training.create_session(shoes.admin, shoes.programme, title="Gauges", kind="technical",
                                            held_on=date(2026, 2, 10))
    world.fresh = programmes.create_programme(shoes.admin, name="Not consented yet", buyer=shoes.buyer,
                                              currency="BRL", started_on=date(2026, 2, 1))
    assert_page_permissions(world, client_for, case)
