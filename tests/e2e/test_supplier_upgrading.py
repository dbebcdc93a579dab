"""Acceptance (issue 11, item 2) in chromium: a supplier's diagnostic, plan and KPIs improving over
orders. The agency records the supplier's diagnostic on its page; the large buyer's staff record an
order on the supplier's page and import a file of later orders (a bad file first: nothing imported,
the row named); the supplier sees its diagnostic, marks its plan's action done and sees its KPIs
better since the diagnostic than before.

The agency first sets the programme up on its pages: the programme on the large buyer with its
cost-sharing rule, the buyer's consent, the supplier enrolled by name, a homeworker, a training
session (whose attendance the buyer's staff take). The first, late orders (before the diagnostic)
and the plan's action are recorded through the services. Screenshots go to /tmp/triplec-e2e/suppliers-*.png."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect
from tests.e2e.navigation import go_to
from tests.suppliers.conftest import shoes  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PROGRAMME = "Calçados Grande - couro"


def _as(page, login, user):
    page.context.clear_cookies()
    login(user)


def _set_up_through_the_pages(page, login, s):
    """The agency creates the programme on the large buyer with its rule, records the buyer's consent,
    enrols ent_a1 by its name and a homeworker, and schedules a training session."""
    _as(page, login, s.admin)
    page.goto("/suppliers/")
    page.get_by_test_id("programme-add").click()
    form = page.get_by_test_id("programme-form")
    form.locator("input[name=name]").fill(PROGRAMME)
    form.locator("select[name=buyer]").select_option(label="Calçados Grande SA")
    form.locator("input[name=started_on]").fill("2026-01-05")
    form.locator("input[name=agency_share]").fill("0.5")
    form.locator("input[name=supplier_share]").fill("0.1")
    form.get_by_role("button", name="Create the programme").click()
    expect(page.get_by_text("Programme created.")).to_be_visible()
    form = page.get_by_test_id("consent-form")
    form.locator("input[name=given_by]").fill("Ana Souza, purchasing director")
    form.locator("input[name=given_on]").fill("2026-01-10")
    form.locator("input[name=reference]").fill("Termo de adesão 2026/02")
    form.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_text("The buyer's consent is recorded")).to_be_visible()
    page.get_by_text("Enrol an enterprise of the register").click()
    form = page.get_by_test_id("enrol-form")
    form.locator("input[name=enterprise]").fill("Serraria Alfa")
    expect(form.locator("datalist option")).to_have_count(1)  # the register's search suggests it as one types
    form.locator("input[name=enrolled_on]").fill("2026-01-15")
    form.get_by_role("button", name="Enrol").click()
    expect(page.get_by_text("Serraria Alfa Ltda enrolled.")).to_be_visible()
    page.get_by_text("Enrol a homeworker").click()
    form = page.get_by_test_id("homeworker-form")
    form.locator("input[name=person_name]").fill("Maria das Dores")
    form.locator("input[name=product]").fill("Hand-stitched uppers")
    form.locator("input[name=municipality]").fill("2301950")
    form.locator("input[name=enrolled_on]").fill("2026-01-15")
    form.get_by_role("button", name="Enrol the homeworker").click()
    expect(page.get_by_test_id("supplier-row")).to_have_count(2)
    page.get_by_text("Schedule a training session").click()
    form = page.get_by_test_id("session-form")
    form.locator("input[name=title]").fill("Incoming inspection")
    form.locator("select[name=kind]").select_option("technical")
    form.locator("input[name=held_on]").fill("2026-02-20")
    form.locator("input[name=cost]").fill("300.00")
    form.get_by_role("button", name="Schedule the session").click()
    expect(page.get_by_text("Training session scheduled")).to_be_visible()


def test_a_suppliers_diagnostic_plan_and_kpis_improve_over_orders(shoes, page, login, shot, tmp_path,  # noqa: F811
                                                                   live_server):
    from triplec.suppliers.models import Action, Order, Programme, TrainingSession
    from triplec.suppliers.services import costs, diagnostics, orders

    _set_up_through_the_pages(page, login, shoes)
    programme = Programme.objects.get(name=PROGRAMME)
    s = replace(shoes, programme=programme, supplier=programme.suppliers.get(enterprise=shoes.world.ent_a1))
    for ref, ordered, delivered, defective in (("B1", date(2026, 1, 20), date(2026, 2, 6), 9),
                                               ("B2", date(2026, 1, 27), date(2026, 2, 10), 5)):
        orders.record_order(s.staff, s.supplier, reference=ref, ordered_on=ordered, promised_on=date(2026, 2, 5),
                            delivered_on=delivered, quantity=100, defective=defective, unit_price="10.00")
    supplier_page = f"/suppliers/suppliers/{s.supplier.pk}/"

    # 0. The agency records the diagnostic: quality and delivery weakest; the cost shared half and half.
    _as(page, login, s.admin)
    page.goto(supplier_page)
    page.get_by_test_id("diagnostic-link").click()
    form = page.get_by_test_id("diagnostic-form")
    form.locator("input[name=carried_out_on]").fill("2026-02-16")
    form.locator("input[name=consultant]").fill("Q-Consult")
    form.locator("input[name=cost]").fill("1200.00")
    for area, score in dict(quality=1, delivery=1, cost=2, technology=3, management=2).items():
        form.locator(f"input[name=score_{area}]").fill(str(score))
    form.get_by_label("Needs: Quality").fill("Incoming inspection")
    form.get_by_role("button", name="Record the diagnostic").click()
    expect(page.get_by_text("Diagnostic recorded")).to_be_visible()
    paid = costs.programme_balances(s.programme)  # 1200.00 and the session's 300.00, half each by the agency
    assert (paid.agency, paid.suppliers, paid.buyer) == (Decimal("750.00"), Decimal("120.00"), Decimal("630.00"))
    diagnostics.add_action(s.staff, s.supplier, description="Incoming inspection with a checklist",
                           owner="supplier", due_on=date(2026, 3, 31))

    # 1. The buyer's staff take the session's attendance, then record an order on time, with one
    #    defective unit, on the supplier's page.
    _as(page, login, s.staff)
    page.goto(f"/suppliers/sessions/{TrainingSession.objects.get(programme=s.programme).pk}/")
    form = page.get_by_test_id("attendance-form")
    form.get_by_label("Serraria Alfa Ltda").check()
    form.locator("textarea[name=staff]").fill("Rita Alves")
    form.get_by_role("button", name="Record the attendance").click()
    expect(page.get_by_test_id("attendance-row")).to_have_count(2)
    page.goto("/")
    go_to(page, "nav-suppliers")
    page.get_by_role("link", name=s.programme.name).click()
    page.get_by_role("link", name="Serraria Alfa Ltda").click()
    page.get_by_text("Record an order").click()
    form = page.get_by_test_id("order-form")
    form.get_by_label("Order reference").fill("A1")
    form.get_by_label("Order date").fill("2026-03-02")
    form.get_by_label("Promised delivery date").fill("2026-03-12")
    form.get_by_label("Actual delivery date").fill("2026-03-11")
    form.get_by_label("Quantity:", exact=True).fill("100")
    form.get_by_label("Defective quantity").fill("1")
    form.get_by_label("Unit price").fill("9.90")
    form.get_by_role("button", name="Record the order").click()
    expect(page.get_by_text("Order A1 recorded.")).to_be_visible()
    expect(page.get_by_test_id("order-row")).to_have_count(3)

    # 2. A file with a bad row imports nothing and names the row; corrected, both orders come in.
    programme_page = f"/suppliers/programmes/{s.programme.pk}/"
    bad = tmp_path / "orders.csv"
    rows = ("supplier,reference,order_date,promised_date,delivered_date,quantity,defective,unit_price\n"
            f"{s.world.ent_a1.national_id},A2,2026-04-01,2026-04-10,2026-04-09,100,0,9.80\n"
            f"{s.world.ent_a1.national_id},A3,2026-05-04,2026-05-14,2026-05-14,100,1,ten\n")
    bad.write_text(rows)
    page.goto(programme_page)
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(str(bad))
    page.get_by_test_id("import-form").get_by_role("button", name="Import").click()
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    expect(page.get_by_text("Row 3, unit_price:")).to_be_visible()
    assert not Order.objects.filter(reference__in=["A2", "A3"]).exists()
    bad.write_text(rows.replace(",ten", ",9.80"))
    page.get_by_test_id("import-form").locator("input[type=file]").set_input_files(str(bad))
    page.get_by_test_id("import-form").get_by_role("button", name="Import").click()
    expect(page.get_by_text("2 orders imported.")).to_be_visible()
    shot(page, "suppliers-programme")

    # 3. The supplier sees its diagnostic, marks its action done, and its KPIs: before the diagnostic
    #    0% on time and 7.0% defective; since it 100% on time and 0.7% defective.
    _as(page, login, s.world.users["enterprise-user"])
    page.goto(supplier_page)
    expect(page.get_by_test_id("score-row")).to_have_count(5)
    action = page.get_by_test_id("action-row").filter(has_text="Incoming inspection")
    action.get_by_label("Status").select_option("done")
    action.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The action is now: Done.")).to_be_visible()
    assert Action.objects.get().status == "done"
    before, since = page.get_by_test_id("kpi-row").nth(0), page.get_by_test_id("kpi-row").nth(1)
    expect(before.get_by_test_id("on-time")).to_have_text("0%")
    expect(before.get_by_test_id("defect-rate")).to_have_text("7.0%")
    expect(since.get_by_test_id("on-time")).to_have_text("100%")
    expect(since.get_by_test_id("defect-rate")).to_have_text("0.7%")
    expect(page.get_by_test_id("order-form")).to_have_count(0)  # the supplier does not record the buyer's orders
    shot(page, "suppliers-supplier")
    assert page.js_errors == []

    # 4. The agency's set-up in Portuguese: the programme's page with its costs and set-up forms.
    from django.conf import settings

    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    login(s.admin)
    page.goto(f"/suppliers/programmes/{s.programme.pk}/")
    page.get_by_text("Agendar uma capacitação").click()
    expect(page.get_by_test_id("cost-row")).to_have_count(2)
    shot(page, "suppliers-setup-pt")
    page.goto(f"/suppliers/sessions/{TrainingSession.objects.get(programme=s.programme).pk}/")
    shot(page, "suppliers-session-pt")
    assert page.js_errors == []
