"""In a browser: a firm's user asks for a new legal name and CNPJ, the officer approves it on the
change-requests page, and the register finds the firm by the CNPJ's digits, showing it formatted."""

from __future__ import annotations

import pytest

from triplec.registry.models import Enterprise


@pytest.mark.django_db(transaction=True)
def test_enterprise_asks_officer_approves_register_finds_by_digits(world, page, login, shot, live_server):
    login(world.users["enterprise-user"])
    page.goto(f"/enterprises/{world.ent_a1.pk}/edit/")
    assert page.locator("input[name=legal_name]").count() == 0  # confirmed by the agency, not edited here
    page.click("[data-testid=request-change]")
    page.fill("input[name=legal_name]", "Serraria Alfa S.A.")
    page.fill("input[name=national_id]", "11222333000181")
    page.fill("textarea[name=reason]", "Nova razão social registrada na Junta Comercial.")
    shot(page, "change-request-form-en")
    page.click("[data-testid=send-request]")
    page.wait_for_selector("[data-testid=change-request-table]")
    assert "Waiting for the agency" in page.inner_text("[data-testid=change-requests]")
    assert "11.222.333/0001-81" in page.inner_text("[data-testid=change-requests]")
    shot(page, "change-request-pending-en")

    page.context.clear_cookies()
    login(world.users["programme-officer"])
    page.context.add_cookies([{"name": "django_language", "value": "pt-br", "url": live_server.url}])
    page.goto("/enterprises/change-requests/")
    assert "Aguardando decisão" in page.inner_text("main")
    shot(page, "change-request-list-pt")
    page.click("[data-testid^='approve-']")
    page.wait_for_url("**/enterprises/change-requests/")
    assert Enterprise.objects.get(pk=world.ent_a1.pk).legal_name == "Serraria Alfa S.A."

    page.goto("/enterprises/?q=11222333000181")
    results = page.inner_text("main")
    assert "Serraria Alfa S.A." in results and "11.222.333/0001-81" in results
    shot(page, "register-search-by-cnpj-digits-pt")
    assert page.js_errors == []
