"""Acceptance (issue 4): a broker creates a network of six firms around a named buyer, walks it through
the Danish gates with evidence, is stopped at a gate whose evidence is missing (and sees why), logs an
activity and sees the network on their dashboard; a member firm's user sees the network but cannot
change its stage (no controls, and a forced POST is refused). Screenshots go to /tmp/triplec-e2e/."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from tests.conftest import make_enterprise
from tests.e2e.navigation import go_to

from triplec.networks.models import Network, Transition
from triplec.registry.models import Territory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "Aruaru school furniture network"


def requirement(page, code):
    return page.locator(f"[data-testid=requirement][data-code={code}]")


def add_evidence(page, code, *, text=None, day=None, reference=None, upload=None):
    """Open a requirement's evidence form, fill what is given and submit it."""
    item = requirement(page, code)
    item.get_by_test_id(f"add-evidence-{code}").click()
    form = item.get_by_test_id(f"evidence-form-{code}")
    if text is not None:
        form.locator("textarea[name$=text]").fill(text)
    if day is not None:
        form.locator("input[name$=date]").fill(day.isoformat())
    if reference is not None:
        form.locator("input[name$=reference]").fill(reference)
    if upload is not None:
        form.locator("input[type=file]").set_input_files(upload)
    form.get_by_role("button", name="Add evidence").click()
    expect(requirement(page, code)).to_have_attribute("data-met", "yes")


def pass_gate(page, stage_name):
    page.get_by_test_id("pass-gate").click()
    expect(page.get_by_test_id("network-stage")).to_have_text(stage_name)


def test_broker_walks_a_network_through_the_danish_gates(world, page, login, shot, settings, tmp_path, browser,
                                                         live_server):
    settings.MEDIA_ROOT = tmp_path / "media"
    ceara = Territory.objects.get(code="CE")
    aruaru = Territory.objects.get(code="2301950")
    for i, name in enumerate(["Serraria Ipê", "Serraria Jatobá", "Marcenaria Cedro", "Marcenaria Aroeira"]):
        make_enterprise(legal_name=name, national_id=f"55.555.55{i}/0001-5{i}", territory=aruaru)
    broker = world.users["broker"]
    today = date.today()

    # 1. The broker starts a network around a named buyer.
    login(broker)
    go_to(page, "nav-networks")
    expect(page.locator("h1")).to_have_text("Networks of firms")
    page.get_by_test_id("new-network").click()
    page.select_option("select[name=kind]", "brokered")
    page.fill("input[name=name]", NAME)
    page.fill("input[name=currency]", "BRL")
    page.fill("input[name=started_on]", (today - timedelta(days=90)).isoformat())
    page.select_option("select[name=territory]", str(ceara.pk))
    page.fill("input[name=sector_codes]", "1610")
    page.get_by_label("State Purchasing").check()
    page.fill("textarea[name=short_term_goals]", "Quote for 500 school desks for the state schools")
    page.fill("textarea[name=medium_term_goals]", "Supply the state purchasing department every year")
    shot(page, "networks-01-new")
    page.get_by_test_id("save-network").click()
    expect(page.get_by_test_id("network-name")).to_have_text(NAME)
    expect(page.get_by_test_id("network-stage")).to_have_text("Interest")
    network = Network.objects.get(name=NAME)
    assert network.broker == broker

    # 2. Six firms join; the first one leads. The suggestions are the network's sector in its territory.
    candidates = page.get_by_test_id("candidate-row")
    expect(candidates).to_have_count(6)
    for box in page.locator("[data-testid=candidate-row] input[type=checkbox]").all():
        box.check()
    page.get_by_label("Serraria Alfa Ltda leads the network").check()
    page.get_by_test_id("add-members-submit").click()
    expect(page.get_by_test_id("member-row")).to_have_count(6)
    expect(page.get_by_test_id("members")).to_contain_text("lead firm")
    expect(page.get_by_test_id("size-warning")).to_have_count(0)  # 6 is within the usual 5-10
    expect(page.get_by_test_id("buyers")).to_contain_text("State Purchasing")
    shot(page, "networks-02-members")

    # 3. Gate 1: the market is there (named buyer); the idea is written down (an uploaded document).
    expect(requirement(page, "target-market")).to_have_attribute("data-met", "yes")
    expect(requirement(page, "network-idea")).to_have_attribute("data-met", "no")
    idea = tmp_path / "network-idea.txt"
    idea.write_text("Six sawmills and joiners jointly quote school desks to the state.", encoding="utf-8")
    add_evidence(page, "network-idea", upload=str(idea))
    expect(requirement(page, "network-idea").get_by_role("link", name=re.compile("network-idea"))).to_be_visible()
    shot(page, "networks-03-idea-gate")
    pass_gate(page, "Viable network idea")

    # 4. Gate 2: the firms' decision; members and goals are read from the records.
    expect(requirement(page, "member-firms")).to_have_attribute("data-met", "yes")
    expect(requirement(page, "goals")).to_have_attribute("data-met", "yes")
    add_evidence(page, "group-decision", text="The six firms agreed to pursue the joint quote", day=today)
    pass_gate(page, "Group ownership")

    # 5. Gate 3: the terms are given but not the start date: the gate refuses and says why.
    add_evidence(page, "study-terms", reference="Archive 2026/17: terms of reference")
    page.get_by_test_id("pass-gate").click()
    refused = page.get_by_test_id("gate-refused")
    expect(refused).to_be_visible()
    expect(refused).to_contain_text("The gate “The group commissions a feasibility study” was not passed.")
    expect(refused).to_contain_text("Date the study starts — No planned date given.")
    expect(page.get_by_test_id("network-stage")).to_have_text("Group ownership")
    shot(page, "networks-04-gate-refused")
    assert Transition.objects.filter(network=network, kind="forward").count() == 2
    add_evidence(page, "study-start", day=today + timedelta(days=30))  # a plan: the future is accepted
    expect(requirement(page, "study-start")).to_have_attribute("data-met", "yes")
    pass_gate(page, "Feasibility study")

    # 6. Gate 4: the report and the decision to go ahead.
    add_evidence(page, "study-report", reference="Feasibility report v2 (archive 2026/21)")
    add_evidence(page, "go-decision", text="Go ahead with the joint quote", day=today)
    pass_gate(page, "Implementation")

    # 7. An activity: joint marketing with four firms and the broker's hours.
    page.get_by_test_id("tab-activities").click()
    page.locator("[data-testid=activity-details] summary").click()
    page.select_option("select[name=kind]", "joint-marketing")
    page.fill("input[name=title]", "Joint quote presented to State Purchasing")
    page.fill("input[name=broker_hours]", "6.5")
    rows = page.get_by_test_id("attendance-row")
    expect(rows).to_have_count(6)
    for i in range(4):
        rows.nth(i).locator("input[type=checkbox]").check()
    rows.nth(0).locator("input[type=number]").fill("2")
    shot(page, "networks-05-activity-form")
    page.get_by_test_id("log-activity").click()
    expect(page.get_by_test_id("activity-row")).to_have_count(1)
    expect(page.get_by_test_id("activity-row").first).to_contain_text("Joint quote presented to State Purchasing")
    expect(page.get_by_test_id("activity-row").first).to_contain_text("6.50 broker hours")
    shot(page, "networks-06-activities")

    # 8. Gate 5: collective business is now in the log; the agreement is signed.
    page.get_by_role("link", name="Overview").click()
    expect(requirement(page, "collective-business")).to_have_attribute("data-met", "yes")
    add_evidence(page, "cooperation-agreement", reference="Cooperation agreement signed on " + today.isoformat())
    pass_gate(page, "Operating")
    history = page.get_by_test_id("history-row")
    expect(history).to_have_count(6)  # start + five gates
    expect(page.get_by_test_id("stage-history")).to_contain_text("broker")
    shot(page, "networks-07-operating")

    # 9. The broker's dashboards.
    page.get_by_role("link", name="Dashboard", exact=True).click()
    panel = page.get_by_test_id("networks-panel")
    expect(panel.get_by_test_id("panel-network")).to_have_count(1)
    expect(panel).to_contain_text(NAME)
    expect(panel).to_contain_text("Operating")
    shot(page, "networks-08-dashboard")
    page.get_by_role("link", name="Open my networks").click()
    card = page.get_by_test_id("my-network")
    expect(card).to_have_count(1)
    expect(card).to_contain_text(NAME)
    expect(page.get_by_test_id("recent-activities")).to_contain_text("Joint quote presented to State Purchasing")
    shot(page, "networks-09-my-networks")
    assert page.js_errors == []

    # 10. A member firm's user sees the network, read-only; a forced stage change is refused.
    from tests.conftest import PASSWORD

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1360, "height": 900})
    member = context.new_page()
    member.goto("/accounts/login/")
    member.fill("input[name=username]", "enterprise-user")
    member.fill("input[name=password]", PASSWORD)
    member.click("main button[type=submit]")
    member.wait_for_url(lambda url: "/accounts/login/" not in url)
    member.goto("/networks/")
    expect(member.get_by_test_id("network-row")).to_have_count(1)
    member.get_by_role("link", name=NAME).click()
    expect(member.get_by_test_id("network-stage")).to_have_text("Operating")
    expect(member.get_by_test_id("read-only")).to_be_visible()
    expect(member.get_by_test_id("stage-controls")).to_have_count(0)
    expect(member.get_by_test_id("pass-gate")).to_have_count(0)
    expect(member.get_by_test_id("member-form")).to_have_count(0)
    expect(member.get_by_test_id("checklist")).to_have_count(0)  # operating is the last open stage
    shot(member, "networks-10-member-view")
    token = member.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    response = member.request.post(f"/networks/{network.pk}/stage/", form={
        "csrfmiddlewaretoken": token, "action": "back", "to_stage": "interest", "reason": "forced",
        "effective_on": today.isoformat()})
    assert response.status == 403
    network.refresh_from_db()
    assert network.stage.code == "operating"
    context.close()


def test_officer_follows_a_profos_money_evaluations_and_independence(world, page, login, shot):
    """The agency's view of a PROFO in consolidation: who pays (with the members' share by year),
    evaluations with baseline and change, and an independence assessment that lands in the portfolio."""
    from triplec.networks import lifecycle, services

    admin, officer, broker = world.users["agency-admin"], world.users["programme-officer"], world.users["broker"]
    start = date(2024, 1, 1)
    firms = [world.ent_a1, world.ent_a2] + [make_enterprise(legal_name=f"Muebles Talca {i}", national_id=f"CL-{i}")
                                            for i in range(1, 9)]
    profo = services.create_network(admin, {
        "kind": "profo", "name": "Talca furniture PROFO", "currency": "CLP", "started_on": start, "broker": broker,
        "market_product": "Solid-wood chairs", "market_volume": "2,000 a year", "market_quality": "Export grade",
        "basis_for_collaboration": "Same product, same buyers, shared drying kiln",
        "short_term_goals": "Joint stand at the Santiago fair", "medium_term_goals": "Export to Argentina"})
    for firm in firms:
        services.add_member(admin, profo, firm, start)
    gate = lifecycle.next_gate(profo)
    for code, values in {"diagnosis": {"reference": "Diagnosis 2024-01"},
                         "admission-decision": {"text": "Admitted", "date": date(2024, 2, 1)}}.items():
        services.add_gate_evidence(admin, profo, gate.requirements.get(code=code).pk, **values)
    services.transition(admin, profo, "consolidation", effective_on=date(2024, 2, 1))
    services.create_contract(admin, profo, {"manager": broker, "start_date": date(2024, 2, 1),
                                            "monthly_fee": "900000.00"})
    services.accrue_manager_costs(admin, profo, through=date(2025, 1, 31))
    for i, firm in enumerate(firms):
        services.record_contribution(admin, profo, enterprise=firm, amount="40000.00", paid_on=date(2024, 6, 1),
                                     idempotency_key=f"y1-{i}")
        services.record_evaluation(admin, profo, firm, date(2024, 3, 1), {"process": 2, "sales-strategy": 2})
        services.record_evaluation(admin, profo, firm, date(2024, 9, 1),
                                   {"process": 4 if i < 8 else 2, "sales-strategy": 3 if i < 5 else 2})
    services.record_activity(broker, profo, {"kind": "joint-project", "occurred_on": "2024-10-01",
                                             "title": "Joint stand at the Santiago fair",
                                             "attendance": [{"enterprise": f.pk} for f in firms[:7]]})

    login(officer)
    go_to(page, "nav-networks")
    row = page.get_by_test_id("network-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("overdue-flag")).to_have_text("10 overdue")
    shot(page, "networks-11-list")
    row.get_by_role("link", name="Talca furniture PROFO").click()
    page.get_by_test_id("tab-money").click()
    expect(page.get_by_test_id("share-bars").locator("tr")).to_have_count(3)
    page.get_by_test_id("record-contribution-open").click()
    form = page.locator("#contributions form.record-form")
    form.get_by_label("Member firm").select_option(str(world.ent_a1.pk))
    form.get_by_label("Amount").fill("250000.00")
    form.get_by_label("Paid on").fill("2025-01-15")
    form.get_by_role("button", name="Record the contribution").click()
    expect(page.locator(".message-success")).to_contain_text("Serraria Alfa Ltda paid CLP250,000")
    expect(page.get_by_test_id("contribution-row")).to_have_count(11)
    shot(page, "networks-12-money")

    page.get_by_test_id("tab-evaluations").click()
    expect(page.get_by_test_id("progress")).to_contain_text("2 → 4")
    expect(page.get_by_test_id("improvement")).to_contain_text("8 / 10")
    shot(page, "networks-13-evaluations")

    page.get_by_test_id("tab-independence").click()
    page.locator("[data-testid=assessment-details] summary").click()
    page.fill("input[name=assessed_on]", "2025-01-31")
    judged = page.get_by_test_id("judged-autonomous-proposals")
    judged.get_by_label("Met").check()
    judged.locator("textarea").fill("The group proposed its own export plan in December")
    page.get_by_test_id("judged-continue-independently").get_by_label("Met").check()
    page.get_by_test_id("judged-continue-independently").locator("textarea").fill("Firms pay the manager from 2025")
    page.get_by_role("button", name="Record the assessment").click()
    # computed: collective business, process improved in 8 of 10 firms (> 75%); judged: 2 -> 4 of 12
    expect(page.get_by_test_id("k-of-12")).to_contain_text("4 of 12 criteria met")
    expect(page.get_by_test_id("latest-assessment")).to_contain_text("8 of 10 member firms improved in process")
    shot(page, "networks-14-independence")

    go_to(page, "nav-networks")
    page.get_by_role("link", name="Independence portfolio").click()
    expect(page.get_by_test_id("at-least-4")).to_have_text("1")
    expect(page.get_by_test_id("at-least-6")).to_have_text("0")
    shot(page, "networks-15-portfolio")
    assert page.js_errors == []
