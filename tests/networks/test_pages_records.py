"""The network's record pages with the Django test client: activities, costs and who pays, bi-annual
evaluations (due and overdue), independence (Dini's 12 criteria), the portfolio, the broker's
dashboard and the panel on the main dashboard. Figures shown are checked against hand-computed ones."""

from __future__ import annotations

import re
from datetime import date

import pytest

from triplec.networks import lifecycle, services
from triplec.networks.independence import JUDGED
from triplec.networks.models import Activity, ContributionEntry, CostEntry, Evaluation, IndependenceAssessment

pytestmark = pytest.mark.django_db

TODAY = date.today()
DAY = date(2024, 2, 1)


def count_testid(response, name: str) -> int:
    return len(re.findall(rf'data-testid="{re.escape(name)}"', response.content.decode()))


def text(response) -> str:
    return response.content.decode()


def _evidence(requirement, day):
    kind = requirement.type
    if kind == "document":
        return {"reference": f"Archive: {requirement.code}"}
    if kind == "decision":
        return {"text": "Decided together", "date": day}
    if kind in ("date", "planned-date"):
        return {"date": day}
    return {"number": requirement.minimum or 0}


def walk(actor, network, to_code: str, day: date = DAY):
    """Pass the gates one by one up to `to_code`, giving each gate the evidence it takes."""
    while network.stage.code != to_code:
        gate = lifecycle.next_gate(network)
        for r in gate.requirements.all():
            if r.takes_evidence:
                services.add_gate_evidence(actor, network, r.pk, **_evidence(r, day))
        services.transition(actor, network, gate.to_stage.code, effective_on=day)


# Activities ------------------------------------------------------------------------------------------------

def test_an_activity_is_logged_with_attendance_and_broker_hours(nets, client_for):
    c = client_for(nets.users["broker"])
    url = f"/networks/{nets.net.pk}/activities/"
    page = c.get(url)
    assert count_testid(page, "attendance-row") == 6  # one per member firm
    a1, a2 = nets.world.ent_a1, nets.world.ent_a2
    r = c.post(url, {"kind": "factory-visit", "occurred_on": "2024-03-05", "title": "Visit to Alfa's sawmill",
                     "broker_hours": "3.25", "host_enterprise": a1.pk, f"attended_{a1.pk}": "on", f"people_{a1.pk}": "3",
                     f"attended_{a2.pk}": "on", f"people_{a2.pk}": "1", f"people_{nets.extra[0].pk}": "1"})
    assert r.status_code == 302
    activity = Activity.objects.get(network=nets.net)
    assert activity.broker_hours.as_tuple() == (0, (3, 2, 5), -2) and activity.host_enterprise == a1
    assert {(x.enterprise_id, x.participants) for x in activity.attendance.all()} == {(a1.pk, 3), (a2.pk, 1)}
    page = text(c.get(url))
    assert "Visit to Alfa&#x27;s sawmill" in page and "Attended: Marcenaria Beta, Serraria Alfa Ltda (3)" in page
    assert re.search(r'data-testid="activity-count">1<', page)


def test_a_support_contact_names_the_body_and_the_service(nets, client_for):
    c = client_for(nets.users["broker"])
    url = f"/networks/{nets.net.pk}/activities/"
    r = c.post(url, {"kind": "support-contact", "occurred_on": "2024-03-05", "title": "Drying kiln advice"})
    assert r.status_code == 200
    assert "Name the support body contacted." in text(r) and "Say which service was taken up." in text(r)
    assert not Activity.objects.exists()
    r = c.post(url, {"kind": "support-contact", "occurred_on": "2024-03-05", "title": "Drying kiln advice",
                     "support_body": nets.centre.pk, "service_taken_up": "Kiln calibration"})
    assert r.status_code == 302
    page = text(c.get(url))
    assert "Wood Technology Centre</strong>: Kiln calibration" in page  # services taken up, in the summary


# Money -------------------------------------------------------------------------------------------------------

def test_costs_contributions_reversals_and_the_members_share(nets, client_for):
    c = client_for(nets.users["broker"])
    base = f"/networks/{nets.net.pk}/money/"
    form = text(c.get(base))
    key = re.search(r'name="idempotency_key" value="([0-9a-f]{32})"', form).group(1)
    cost = {"category": "events", "amount": "800.00", "incurred_on": "2024-03-01", "note": "Workshop",
            "idempotency_key": key}
    assert c.post(f"{base}costs/", cost).status_code == 302
    again = c.post(f"{base}costs/", cost, follow=True)  # the same form sent twice: one entry
    assert "already recorded" in text(again) and CostEntry.objects.count() == 1
    wrong = {**cost, "amount": "900.00"}
    r = c.post(f"{base}costs/", wrong)
    assert r.status_code == 200 and "was already used for a different entry" in text(r)
    assert c.post(f"{base}costs/", {**cost, "amount": "200.00", "incurred_on": "2025-03-01",
                                    "idempotency_key": "second"}).status_code == 302
    for firm, amount, day, k in [(nets.world.ent_a1, "300.00", "2024-04-01", "p1"),
                                 (nets.world.ent_a2, "100.00", "2024-05-01", "p2"),
                                 (nets.extra[0], "150.00", "2025-04-01", "p3")]:
        r = c.post(f"{base}contributions/", {"enterprise": firm.pk, "amount": amount, "paid_on": day,
                                             "idempotency_key": k})
        assert r.status_code == 302
    wrong_paid = ContributionEntry.objects.get(idempotency_key="p2")
    r = c.post(f"{base}contributions/{wrong_paid.pk}/reverse/", {"reason": "Paid twice", "idempotency_key": "rv"})
    assert r.status_code == 302
    assert ContributionEntry.objects.get(reverses=wrong_paid).amount == -wrong_paid.amount
    # Year 1 (2024): members paid 300 of 800 = 38%; year 2: 150 of 200 = 75%; all time 450 of 1000 = 45%.
    page = c.get(base)
    body = text(page)
    assert re.search(r'data-testid="member-share">45%<', body)
    shares = re.findall(r'class="num share-pct"><strong>([^<]+)</strong>', body)
    assert shares[:2] == ["38%", "75%"] and set(shares[2:]) <= {"—"}  # later years: no expenses yet
    assert 'class="share-bar w-75 share-majority"' in body
    assert count_testid(page, "contribution-row") == 4 and "Reversal: Paid twice" in body
    assert body.count("is-reversed") == 1 and body.count("is-reversal") == 1
    # a reversed entry offers no second reversal; a reversal is not reversed
    assert f"/contributions/{wrong_paid.pk}/reverse/" not in body
    r = c.post(f"{base}contributions/{wrong_paid.pk}/reverse/", {"reason": "Again", "idempotency_key": "rv2"})
    assert r.status_code == 200 and count_testid(r, "reverse-error") == 1 and "already reversed" in text(r)
    # a member firm's user sees the network's figures but only their own firm's contributions
    member = client_for(nets.users["enterprise-user"]).get(base)
    assert re.search(r'data-testid="member-share">45%<', text(member))
    assert count_testid(member, "contribution-row") == 1 and "record-cost-open" not in text(member)


def test_agency_staff_record_a_contract_and_accrue_its_monthly_fees(nets, client_for):
    c = client_for(nets.users["programme-officer"])
    base = f"/networks/{nets.other.pk}/money/"
    assert "Export PROFO" not in text(c.get(base)) and "agency pays the manager in years 1-3" in text(c.get(base))
    r = c.post(f"{base}contracts/", {"manager": nets.users["other-broker"].pk, "start_date": "2024-01-01",
                                     "monthly_fee": "1000.00"})
    assert r.status_code == 302
    r = c.post(f"{base}contracts/accrue/", {"through": "2024-03-15"}, follow=True)
    assert "3 monthly manager costs written to the ledger." in text(r)
    assert list(CostEntry.objects.filter(network=nets.other).values_list("incurred_on", flat=True)) == [
        date(2024, 1, 1), date(2024, 2, 1), date(2024, 3, 1)]
    assert "other-broker" in text(r) and count_testid(r, "cost-row") == 3
    # the broker manages the network but not the contract
    assert f'action="/networks/{nets.other.pk}/money/contracts/"' not in text(
        client_for(nets.users["other-broker"]).get(base))


# Evaluations -----------------------------------------------------------------------------------------------

def test_evaluations_show_baseline_change_and_overdue_firms(nets, client_for):
    broker = nets.users["broker"]
    walk(broker, nets.net, "implementation")  # evaluating stage since 2024-02-01: baselines due 2024-03-01
    c = client_for(broker)
    url = f"/networks/{nets.net.pk}/evaluations/"
    page = c.get(url)
    assert count_testid(page, "due-row") == 6 and text(page).count("badge badge-late\">overdue") == 6
    a1 = nets.world.ent_a1
    assert c.post(url, {"enterprise": a1.pk, "evaluated_on": "2024-03-01", "score_process": "2",
                        "score_sales-strategy": "3"}).status_code == 302
    assert c.post(url, {"enterprise": a1.pk, "evaluated_on": "2024-09-01", "score_process": "4",
                        "score_sales-strategy": "3"}).status_code == 302
    r = c.post(url, {"enterprise": a1.pk, "evaluated_on": "2024-09-01", "score_process": "5"})
    assert r.status_code == 200 and "already has an evaluation on 2024-09-01" in text(r)
    r = c.post(url, {"enterprise": a1.pk, "evaluated_on": "2024-10-01"})
    assert r.status_code == 200 and "Score at least one area." in text(r)
    assert Evaluation.objects.count() == 2
    body = re.sub(r"</?abbr[^>]*>", "", text(c.get(url)))  # each score carries its meaning as a title
    assert "2 → 4 <span class=\"change up\">(+2)</span>" in body and "3 → 3 <span class=\"change\">(0)</span>" in body
    assert re.search(r"Process</th>\s*<td class=\"bar-cell\">.*?<td class=\"num nowrap\">1 / 6</td>", body, re.S)
    assert body.count("badge badge-late\">overdue") == 6  # a1's next is due 2025-03-01, also past
    # the list flags the network and filters on it
    listing = client_for(nets.users["agency-admin"]).get("/networks/", {"overdue": "yes"})
    assert count_testid(listing, "network-row") == 1 and count_testid(listing, "overdue-flag") == 1
    assert "6 overdue" in text(listing)
    assert count_testid(client_for(nets.users["agency-admin"]).get("/networks/", {"overdue": "no"}),
                        "network-row") == 1
    # a member firm's user sees only their own firm's progress
    member = re.sub(r"</?abbr[^>]*>", "", text(client_for(nets.users["enterprise-user"]).get(url)))
    assert "2 → 4" in member and member.count('data-testid="due-row"') == 1


# Independence and the portfolio ----------------------------------------------------------------------------

def test_an_assessment_shows_k_of_12_with_each_criterion_basis(nets, client_for):
    admin = nets.users["agency-admin"]
    broker = nets.users["broker"]
    services.record_activity(broker, nets.net, {"kind": "joint-purchase", "occurred_on": "2024-05-01",
                                                "title": "Timber bought together"})
    services.record_cost(admin, nets.net, category="events", amount="1000.00", incurred_on=date(2024, 3, 1),
                         idempotency_key="c")
    services.record_contribution(admin, nets.net, enterprise=nets.world.ent_a1, amount="600.00",
                                 paid_on=date(2024, 4, 1), idempotency_key="p")
    c = client_for(admin)
    url = f"/networks/{nets.net.pk}/independence/"
    judged = {f"evidence_{code}": "" for code in JUDGED}
    r = c.post(url, {"assessed_on": "2024-12-31", "window_months": "12", **judged, "met_idea-diffused": "on"})
    assert r.status_code == 200 and "Give the evidence for a criterion judged as met." in text(r)
    r = c.post(url, {"assessed_on": "2024-12-31", "window_months": "12", **judged, "met_idea-diffused": "on",
                     "evidence_idea-diffused": "Two firms presented the network at the fair"})
    assert r.status_code == 302
    assessment = IndependenceAssessment.objects.get()
    # collective business (1 joint purchase) + more than half paid (600 of 1000) + idea diffused = 3 of 12
    assert assessment.snapshot["met_count"] == 3
    page = text(c.get(url))
    assert re.search(r'data-testid="k-of-12"><strong>3</strong> of 12 criteria met', page)
    latest = page.split('data-testid="latest-assessment"')[1].split('data-testid="preview"')[0]
    assert "Members paid R$600.00 of R$1,000.00 of expenses" in latest
    assert "Judged by the assessor: Two firms presented the network at the fair" in latest
    assert latest.count('class="is-met"') == 3 and latest.count('class="is-missing"') == 9
    # readers see it; only agency staff get the form
    reader = client_for(nets.users["enterprise-user"]).get(url)
    assert count_testid(reader, "k-of-12") == 1 and count_testid(reader, "assessment-form") == 0
    assert count_testid(client_for(broker).get(url), "assessment-form") == 0

    portfolio = c.get("/networks/portfolio/")
    assert re.search(r'data-testid="assessed">1<', text(portfolio))
    assert re.search(r'data-testid="at-least-4">0<', text(portfolio))
    assert count_testid(portfolio, "portfolio-row") == 1
    filtered = c.get("/networks/portfolio/", {"kind": "profo"})
    assert re.search(r'data-testid="assessed">0<', text(filtered))


# Dashboards ----------------------------------------------------------------------------------------------------

def test_the_brokers_dashboard_shows_stage_next_gate_what_is_missing_and_due_evaluations(nets, client_for):
    broker = nets.users["broker"]
    services.record_activity(broker, nets.net, {"kind": "meeting", "occurred_on": "2024-03-01",
                                                "title": "First meeting"})
    c = client_for(broker)
    page = c.get("/networks/mine/")
    body = text(page)
    assert count_testid(page, "my-network") == 1 and nets.other.name not in body
    assert "Identify a viable network idea" in body and "<span class=\"progress-pill\">1/2</span>" in body
    assert "✗ The network idea, written down (file or reference)" in body
    assert "First meeting" in body and "Last activity: 2024-03-01" in body
    walk(broker, nets.net, "implementation")
    body = text(c.get("/networks/mine/"))
    assert "6 evaluations overdue" in body and 'data-testid="overdue-alert"' in body
    panel = text(c.get("/"))
    assert 'data-testid="networks-panel"' in panel and "6 evaluations overdue" in panel
    assert "The network operates" in panel and "(0/2)" in panel
    # agency staff see every open network on "my networks"; a closed one drops off
    admin = client_for(nets.users["agency-admin"])
    assert count_testid(admin.get("/networks/mine/"), "my-network") == 2
    services.transition(nets.users["agency-admin"], nets.other, "closed", reason="Stopped")
    assert count_testid(admin.get("/networks/mine/"), "my-network") == 1
