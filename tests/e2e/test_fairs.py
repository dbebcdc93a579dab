"""Acceptance (issue 11, fairs) in chromium: a firm signs itself up at its association's group stand at
an international fair and reads its subsidy estimate explained; the agency pays the costs; the firm
records the buyer's agent it met and an order traced to the fair. A network's broker signs its network up
for a group stand and a member firm reads its share. Screenshots go to
/tmp/triplec-e2e/fairs-*.png."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from tests.e2e.navigation import go_to
from tests.fairs.conftest import expo, network_expo  # noqa: F401 (the fixtures)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _as(page, login, user):
    page.context.clear_cookies()
    login(user)


def test_a_group_stand_participation_from_sign_up_to_an_order(expo, page, login, shot):  # noqa: F811
    from triplec.fairs.models import Order, Participation

    firm_user = expo.world.users["a2-user"]

    # 1. The firm (micro) signs itself up at assoc_a's stand at MICAM and sees the estimate explained.
    _as(page, login, firm_user)
    page.goto("/")
    go_to(page, "nav-fairs")
    page.get_by_role("link", name="MICAM 2027").click()
    page.select_option("select[name=stand]", label="Sawmills Assoc")
    page.get_by_test_id("sign-up").click()
    page.wait_for_url("**/fairs/participations/*/")
    explanation = page.get_by_test_id("explanation")
    expect(explanation).to_contain_text("Subsidy if paid today (estimate)")
    expect(explanation).to_contain_text("Group stand at an international fair: 10% more.")
    expect(explanation).to_contain_text("The programme pays R$6,000.00; the firm pays R$4,000.00.")
    shot(page, "fairs-estimate")
    participation = Participation.objects.get(enterprise=expo.world.ent_a2, fair=expo.international)
    detail = f"/fairs/participations/{participation.pk}/"

    # 2. The agency pays the costs: the subsidy and the firm's part come from the ledger.
    _as(page, login, expo.admin)
    page.goto(detail)
    page.get_by_test_id("pay").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("subsidy")).to_have_text("R$6,000.00")
    expect(page.get_by_test_id("own-part")).to_have_text("R$4,000.00")

    # 3. The firm records the agent it met and an order traced to the fair.
    _as(page, login, firm_user)
    page.goto(detail)
    expect(page.get_by_test_id("explanation")).to_contain_text("How the subsidy was computed")
    page.select_option("select[name=contact-buyer]", label="Milano Export Agents")
    page.check("input[name=contact-is_agent]")
    page.get_by_test_id("contact-form").get_by_role("button").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("contacts")).to_contain_text("Milano Export Agents (IT)")
    form = page.get_by_test_id("order-form")
    form.locator("select[name=order-contact]").select_option(label="Milano Export Agents")
    form.locator("input[name=order-value]").fill("4200.00")
    form.locator("input[name=order-currency]").fill("EUR")
    form.locator("input[name=order-ordered_on]").fill("2027-09-21")
    form.get_by_role("button").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("order-row")).to_have_count(1)
    expect(page.get_by_test_id("order-row")).to_contain_text("€4,200.00")
    shot(page, "fairs-order")
    assert Order.objects.get().participation_id == participation.pk
    assert page.js_errors == []


def test_the_agency_sets_up_a_fair_through_its_pages_in_portuguese(expo, page, login, shot, live_server):  # noqa: F811
    """The agency (in Portuguese) creates a programme after previewing its rules, a fair with coordinates
    and a group stand; a firm signs up at the stand; the agency pays, then reverses the wrong payment
    with a reason, shown in the participation's money table."""
    from django.conf import settings

    from triplec.fairs.models import Fair, Participation, Programme

    def as_in_portuguese(user):
        _as(page, login, user)
        page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])

    as_in_portuguese(expo.admin)
    page.goto("/fairs/")
    page.get_by_test_id("programmes").click()
    page.get_by_test_id("new-programme").click()
    for name, value in (("name", "Feiras do Nordeste 2027"), ("currency", "BRL"), ("share_micro", "0.5"),
                        ("share_small", "0.5"), ("share_medium", "0.2"), ("share_large", "0"),
                        ("yearly_cap", "8000.00"), ("group_extra_share", "0.1"), ("repeat_step", "0.1"),
                        ("distant_km", "1500")):
        page.fill(f"input[name={name}]", value)
    page.get_by_test_id("preview").click()
    preview = page.get_by_test_id("rules-preview")
    expect(preview).to_contain_text("Estande coletivo em uma feira internacional: mais 10%.")
    shot(page, "fairs-setup-1-programme-preview-pt")
    page.get_by_test_id("save").click()
    page.wait_for_url("**/fairs/programmes/")
    programme = Programme.objects.get(name="Feiras do Nordeste 2027")

    page.goto("/fairs/")
    page.get_by_test_id("new-fair").click()
    page.select_option("select[name=programme]", str(programme.pk))
    for name, value in (("name", "FENAC Nordeste"), ("organiser", "FENAC SA"), ("place", "Novo Hamburgo"),
                        ("country", "BR"), ("latitude", "-29.6783"), ("longitude", "-51.1309"),
                        ("starts_on", "2027-04-06"), ("ends_on", "2027-04-09"), ("sectors", "1520")):
        page.fill(f"[name={name}]", value)
    page.get_by_test_id("save").click()
    page.wait_for_url("**/fairs/*/")
    fair = Fair.objects.get(name="FENAC Nordeste")
    page.get_by_test_id("add-stand").click()
    page.select_option("select[name=association]", label="Sawmills Assoc")
    page.fill("input[name=total_cost]", "4000.00")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"**/fairs/{fair.pk}/")
    expect(page.get_by_test_id("stand-row")).to_contain_text("Sawmills Assoc")
    shot(page, "fairs-setup-2-fair-pt")

    # the firm (in Aruaru, ~3,100 km away) signs itself up at the stand: distant by the coordinates
    as_in_portuguese(expo.world.users["enterprise-user"])
    page.goto(f"/fairs/{fair.pk}/")
    page.select_option("select[name=stand]", label="Sawmills Assoc")
    page.get_by_test_id("sign-up").click()
    page.wait_for_url("**/fairs/participations/*/")
    expect(page.get_by_test_id("explanation")).to_contain_text("Estande coletivo em uma feira distante")
    participation = Participation.objects.get(fair=fair)
    detail = f"/fairs/participations/{participation.pk}/"

    as_in_portuguese(expo.admin)
    page.goto(detail)
    page.get_by_test_id("pay").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("subsidy")).to_have_text("R$\xa02.400,00")  # 4,000.00 x (50% + 10%)
    page.get_by_test_id("reverse-form").locator("input[name=reason]").fill("Custo errado")
    page.get_by_test_id("reverse").click()
    page.wait_for_url(f"**{detail}")
    expect(page.get_by_test_id("money-row")).to_have_count(2)
    expect(page.get_by_test_id("money-rows")).to_contain_text("Custo errado")
    expect(page.get_by_test_id("pay")).to_be_visible()
    shot(page, "fairs-setup-3-reversal-pt")
    assert page.js_errors == []


def test_a_broker_signs_the_network_up_and_a_member_sees_its_share(network_expo, page, login, shot):  # noqa: F811
    """R$ 25,000.00 in equal parts among the network's three firms; Serraria Alfa (small, ent_a1) pays
    8,333.33 less (50% + 10% at an international fair) = 5,000.00 subsidy, 3,333.33 its own part."""
    fair = network_expo.expo.international

    _as(page, login, network_expo.broker)
    page.goto(f"/fairs/{fair.pk}/")
    page.get_by_test_id("add-network-stand").click()
    page.select_option("select[name=network]", label="Aruaru furniture network")
    page.fill("input[name=total_cost]", "25000.00")
    page.get_by_test_id("save").click()
    page.wait_for_url(f"**/fairs/{fair.pk}/")
    expect(page.get_by_test_id("stand-row").filter(has_text="Aruaru furniture network")).to_contain_text("R$25,000.00")
    expect(page.get_by_test_id("participation-row")).to_have_count(3)
    shot(page, "fairs-network-stand")

    _as(page, login, network_expo.expo.world.users["enterprise-user"])
    page.goto(f"/fairs/{fair.pk}/")
    rows = page.get_by_test_id("participation-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Aruaru furniture network")
    expect(rows).to_contain_text("R$8,333.33")
    rows.get_by_role("link").click()
    page.wait_for_url("**/fairs/participations/*/")
    expect(page.get_by_test_id("explanation")).to_contain_text(
        "The programme pays R$5,000.00; the firm pays R$3,333.33.")
    shot(page, "fairs-network-stand-member")
    assert page.js_errors == []
