"""The network pages with the Django test client: the list (filters, sorting, pagination, overdue
flags), creating and editing, members, and the stage card (the next gate's checklist, evidence,
passing a gate, a refusal with the service's reasons, going back, closing and reopening)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.conftest import make_enterprise

from triplec.networks import services
from triplec.networks.models import GateEvidence, GateRequirement, Network, NetworkMember, Transition
from triplec.registry.models import Territory

pytestmark = pytest.mark.django_db

TODAY = date.today()


def count_testid(response, name: str) -> int:
    return len(re.findall(rf'data-testid="{re.escape(name)}"', response.content.decode()))


def text(response) -> str:
    return response.content.decode()


def requirement(network, code) -> GateRequirement:
    return GateRequirement.objects.get(gate__kind=network.kind, code=code)


# The list --------------------------------------------------------------------------------------------------

def test_list_filters_by_kind_stage_broker_territory_and_words(nets, client_for):
    admin = nets.users["agency-admin"]
    ceara = Territory.objects.get(code="CE")
    services.update_network(admin, nets.net, {"territory": Territory.objects.get(code="2301950")})
    services.create_network(admin, {"kind": "export-profo", "name": "Ceará cashew exporters", "currency": "BRL",
                                    "started_on": date(2024, 1, 1), "broker": nets.users["broker"]})
    c = client_for(admin)

    def names(**query):
        r = c.get("/networks/", query)
        assert r.status_code == 200
        return re.findall(r'<td><a href="/networks/\d+/">([^<]+)</a></td>', text(r))

    assert names() == ["Aruaru school furniture network", "Ceará cashew exporters", "Sinos footwear PROFO"]
    assert names(kind="profo") == ["Sinos footwear PROFO"]
    assert names(stage="interest") == ["Aruaru school furniture network"]
    assert names(stage="preparation") == ["Ceará cashew exporters", "Sinos footwear PROFO"]
    assert names(broker=nets.users["other-broker"].pk) == ["Sinos footwear PROFO"]
    assert names(territory=ceara.pk) == ["Aruaru school furniture network"]  # the region holds the municipality
    assert names(q="cashew") == ["Ceará cashew exporters"]
    assert names(q="cashew", kind="profo") == []
    # htmx asks for the results only
    partial = c.get("/networks/", {"q": "sinos"}, HTTP_HX_REQUEST="true")
    assert "<html" not in text(partial) and count_testid(partial, "network-row") == 1


def test_list_sorts_and_paginates(nets, client_for):
    admin = nets.users["agency-admin"]
    for i in range(30):
        services.create_network(admin, {"kind": "brokered", "name": f"Net {i:02d}", "currency": "EUR",
                                        "started_on": date(2024, 1, 1)})
    c = client_for(admin)
    first = c.get("/networks/")
    assert count_testid(first, "network-row") == 25
    assert "1–25 of" in text(first) and "<strong>32</strong>" in text(first)
    second = c.get("/networks/", {"page": 2})
    assert count_testid(second, "network-row") == 7
    descending = re.findall(r'<td><a href="/networks/\d+/">([^<]+)</a>', text(c.get("/networks/", {"sort": "-name"})))
    assert descending[0] == "Sinos footwear PROFO" and descending[1] == "Net 29"
    by_members = re.findall(r'<td><a href="/networks/\d+/">([^<]+)</a>',
                            text(c.get("/networks/", {"sort": "-members"})))
    assert by_members[:2] == ["Aruaru school furniture network", "Sinos footwear PROFO"]  # 6 firms, then 1
    # the sort link of the active column flips its direction and keeps the filters
    r = c.get("/networks/", {"sort": "name", "kind": "brokered"})
    assert 'href="?sort=-name&amp;kind=brokered"' in text(r) or 'href="?kind=brokered&amp;sort=-name"' in text(r)


def test_enterprise_user_lists_only_their_networks(nets, client_for):
    r = client_for(nets.users["enterprise-user"]).get("/networks/")
    assert count_testid(r, "network-row") == 1 and nets.net.name in text(r) and nets.other.name not in text(r)
    assert 'name="broker"' not in text(r)  # no list of the agency's brokers for a firm's user
    # no broker filter for a broker either: they see their own networks only
    r = client_for(nets.users["broker"]).get("/networks/")
    assert 'name="broker"' not in text(r) and count_testid(r, "network-row") == 1
    assert 'name="broker"' in text(client_for(nets.users["evaluator"]).get("/networks/"))


# Creating and editing --------------------------------------------------------------------------------------

def test_a_broker_creates_a_network_around_a_named_buyer(nets, client_for):
    broker = nets.users["broker"]
    c = client_for(broker)
    form = c.get("/networks/new/")
    assert 'name="broker"' not in text(form) and "State Purchasing" in text(form)
    r = c.post("/networks/new/", {"kind": "brokered", "name": "Desk makers", "currency": "brl",
                                  "started_on": "2024-03-01", "sector_classification": "isic4",
                                  "sector_codes": "1610, 3100", "target_buyers": [nets.world.buyer.pk]})
    network = Network.objects.get(name="Desk makers")
    assert r.status_code == 302 and r["Location"] == f"/networks/{network.pk}/#members"
    assert network.broker == broker and network.currency == "BRL" and network.stage.code == "interest"
    assert [s["code"] for s in network.sectors] == ["1610", "3100"]
    assert list(network.target_buyers.all()) == [nets.world.buyer]
    page = c.get(r["Location"])
    assert "was created in the stage Interest" in text(page)


def test_create_shows_the_services_errors_next_to_the_fields(nets, client_for):
    c = client_for(nets.users["programme-officer"])
    r = c.post("/networks/new/", {"kind": "brokered", "name": "Bad", "currency": "XYZ", "started_on": "2024-03-01"})
    assert r.status_code == 200
    assert re.search(r'data-testid="error-currency">[^<]*not an ISO 4217 currency code', text(r))
    r = c.post("/networks/new/", {"kind": "brokered", "name": "Bad", "currency": "BRL", "started_on": "2024-03-01",
                                  "sector_classification": "isic4", "sector_codes": "1610, 9999"})
    assert r.status_code == 200
    assert re.search(r'data-testid="error-sector_codes">Item 2: ', text(r))
    assert not Network.objects.filter(name="Bad").exists()
    r = c.post("/networks/new/", {"kind": "brokered", "name": nets.net.name, "currency": "BRL",
                                  "started_on": "2024-03-01"})
    assert r.status_code == 200 and 'data-testid="form-errors"' in text(r)


def test_edit_keeps_the_broker_choice_for_agency_staff(nets, client_for):
    broker, officer = nets.users["broker"], nets.users["programme-officer"]
    data = {"name": nets.net.name, "currency": "BRL", "started_on": "2024-01-01", "sector_classification": "isic4",
            "sector_codes": "1610", "market_product": "School desks", "market_volume": "500 a year",
            "market_quality": "State standard", "short_term_goals": "Quote", "medium_term_goals": "Supply",
            "target_buyers": [nets.world.buyer.pk], "lead_firm": nets.world.ent_a2.pk,
            "broker": nets.users["other-broker"].pk}
    r = client_for(broker).post(f"/networks/{nets.net.pk}/edit/", data)
    assert r.status_code == 302
    net = Network.objects.get(pk=nets.net.pk)
    assert net.market_volume == "500 a year" and net.lead_firm == nets.world.ent_a2
    assert net.broker == broker  # a broker's form has no broker field: the posted one is ignored
    assert 'name="broker"' in text(client_for(officer).get(f"/networks/{nets.net.pk}/edit/"))
    r = client_for(officer).post(f"/networks/{nets.net.pk}/edit/", data)
    assert r.status_code == 302 and Network.objects.get(pk=nets.net.pk).broker == nets.users["other-broker"]


# Members ----------------------------------------------------------------------------------------------------

def test_members_are_added_together_with_a_lead_and_the_size_is_checked(nets, client_for):
    broker = nets.users["broker"]
    network = services.create_network(broker, {"kind": "brokered", "name": "Joiners", "currency": "BRL",
                                               "started_on": date(2024, 1, 1), "target_buyers": [nets.world.buyer]})
    c = client_for(broker)
    page = c.get(f"/networks/{network.pk}/")
    assert count_testid(page, "size-warning") == 1 and "0 member firms: this kind of network usually has 5-10" in text(page)
    found = c.get(f"/networks/{network.pk}/members/candidates/", {"find": "extra"})
    assert count_testid(found, "candidate-row") == 4
    firms = nets.extra[:3]
    r = c.post(f"/networks/{network.pk}/members/", {"enterprises": [f.pk for f in firms], "lead": firms[1].pk,
                                                    "joined_on": "2024-02-01"})
    assert r.status_code == 302
    network.refresh_from_db()
    assert network.lead_firm == firms[1]
    assert set(network.members.values_list("enterprise_id", flat=True)) == {f.pk for f in firms}
    page = c.get(f"/networks/{network.pk}/")
    assert count_testid(page, "member-row") == 3 and "3 member firms: this kind of network usually has 5-10" in text(page)
    assert "lead firm" in text(page)
    # all or none: one firm already in the network refuses the whole batch, saying which
    r = c.post(f"/networks/{network.pk}/members/", {"enterprises": [nets.extra[3].pk, firms[0].pk],
                                                    "joined_on": "2024-02-01"})
    assert r.status_code == 200 and "is already a member from 2024-02-01" in text(r)
    assert network.members.count() == 3
    r = c.post(f"/networks/{network.pk}/members/", {"enterprises": [nets.extra[3].pk, nets.world.ent_a1.pk],
                                                    "joined_on": "2024-02-01"})
    assert r.status_code == 302
    assert count_testid(c.get(f"/networks/{network.pk}/"), "size-warning") == 0  # 5: within 5-10
    # the lead must be one of the firms added
    r = c.post(f"/networks/{network.pk}/members/", {"enterprises": [nets.world.ent_a2.pk], "lead": firms[0].pk,
                                                    "joined_on": "2024-02-01"})
    assert r.status_code == 200 and "The lead firm must be one of the firms added." in text(r)


def test_a_firm_leaves_with_a_date_and_reason(nets, client_for):
    c = client_for(nets.users["broker"])
    member = nets.net.members.get(enterprise=nets.extra[0])
    r = c.post(f"/networks/{nets.net.pk}/members/{member.pk}/leave/", {"left_on": "2023-06-01", "reason": "x"})
    assert r.status_code == 200 and "cannot leave earlier" in text(r)
    r = c.post(f"/networks/{nets.net.pk}/members/{member.pk}/leave/", {"left_on": "2024-06-30", "reason": "Closed"})
    assert r.status_code == 302
    member.refresh_from_db()
    assert member.left_on == date(2024, 6, 30) and member.leave_reason == "Closed"
    page = c.get(f"/networks/{nets.net.pk}/")
    assert count_testid(page, "member-row") == 5 and "1 former or future member" in text(page)
    other = nets.other.members.first()
    assert c.post(f"/networks/{nets.net.pk}/members/{other.pk}/leave/", {"left_on": "2024-06-30"}).status_code == 404


# The stage card ------------------------------------------------------------------------------------------------

def test_the_checklist_shows_each_requirement_and_the_gate_refuses_with_reasons(nets, client_for):
    c = client_for(nets.users["broker"])
    url = f"/networks/{nets.net.pk}/"
    page = text(c.get(url))
    assert re.search(r'data-code="target-market" data-met="yes"', page)
    assert re.search(r'data-code="network-idea" data-met="no"', page)
    assert "Named buyers: State Purchasing." in page and "No document given." in page
    assert 'data-testid="pass-gate"' in page and "1 requirement is still missing" in page

    r = c.post(f"{url}stage/", {"action": "forward", "to_stage": "viable-idea", "effective_on": TODAY.isoformat()})
    assert r.status_code == 200 and count_testid(r, "gate-refused") == 1
    assert "The gate “Identify a viable network idea” was not passed." in text(r)
    assert "The network idea, written down (file or reference)</strong> — No document given." in text(r)
    assert Network.objects.get(pk=nets.net.pk).stage.code == "interest"

    idea = requirement(nets.net, "network-idea")
    r = c.post(f"{url}evidence/", {"requirement": idea.pk, f"req{idea.pk}-reference": "Archive 2024/3"})
    assert r.status_code == 302
    page = text(c.get(url))
    assert re.search(r'data-code="network-idea" data-met="yes"', page) and "Archive 2024/3" in page
    r = c.post(f"{url}stage/", {"action": "forward", "to_stage": "viable-idea", "effective_on": "2024-02-01",
                                "reason": "Agreed at the first meeting"})
    assert r.status_code == 302
    net = Network.objects.get(pk=nets.net.pk)
    assert net.stage.code == "viable-idea" and net.stage_since == date(2024, 2, 1)
    page = c.get(url)
    assert "Passed “Identify a viable network idea”" in text(page)
    history = text(page).split('data-testid="stage-history"')[1]
    assert "Agreed at the first meeting" in history and "Archive 2024/3" in history and "broker" in history
    assert count_testid(page, "history-row") == 2
    # the next gate's checklist is now shown, and a count read from the records
    assert re.search(r'data-code="member-firms" data-met="yes"', text(page)) and "6 member firms on" in text(page)


def test_the_idea_gate_does_not_pass_without_a_market(nets, client_for):
    broker = nets.users["broker"]
    network = services.create_network(broker, {"kind": "brokered", "name": "No market yet", "currency": "BRL",
                                               "started_on": date(2024, 1, 1), "market_product": "Desks"})
    services.add_gate_evidence(broker, network, requirement(network, "network-idea").pk, reference="A note")
    c = client_for(broker)
    r = c.post(f"/networks/{network.pk}/stage/", {"action": "forward", "to_stage": "viable-idea",
                                                  "effective_on": TODAY.isoformat()})
    assert r.status_code == 200
    assert "No named buyer, and the described market lacks its volume and quality." in text(r)
    assert Network.objects.get(pk=network.pk).stage.code == "interest"


def test_evidence_is_validated_uploaded_downloaded_and_withdrawn(nets, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    c = client_for(nets.users["broker"])
    url = f"/networks/{nets.net.pk}/"
    idea = requirement(nets.net, "network-idea")
    r = c.post(f"{url}evidence/", {"requirement": idea.pk})
    assert r.status_code == 200 and "Upload the document or give a reference to it." in text(r)
    upload = SimpleUploadedFile("idea.txt", b"Six firms quote desks together.", content_type="text/plain")
    r = c.post(f"{url}evidence/", {"requirement": idea.pk, f"req{idea.pk}-document": upload})
    assert r.status_code == 302
    evidence = GateEvidence.objects.get(network=nets.net, requirement=idea)
    download = client_for(nets.users["enterprise-user"]).get(f"{url}evidence/{evidence.pk}/document/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"Six firms quote desks together."
    assert "attachment" in download["Content-Disposition"]
    decision = requirement(nets.net, "group-decision")  # a later gate's requirement: kept for when it comes
    r = c.post(f"{url}evidence/", {"requirement": decision.pk, f"req{decision.pk}-text": "Go",
                                   f"req{decision.pk}-date": "2999-01-01"})
    assert r.status_code == 200 and "The date is in the future." in text(r)
    r = c.post(f"{url}evidence/{evidence.pk}/withdraw/", {"reason": "Wrong file"})
    assert r.status_code == 302
    evidence.refresh_from_db()
    assert evidence.withdrawn_reason == "Wrong file"
    assert re.search(r'data-code="network-idea" data-met="no"', text(c.get(url)))


def test_going_back_needs_a_reason_and_a_closed_network_can_be_reopened(nets, client_for):
    broker = nets.users["broker"]
    services.add_gate_evidence(broker, nets.net, requirement(nets.net, "network-idea").pk, reference="Note")
    services.transition(broker, nets.net, "viable-idea", effective_on=date(2024, 2, 1))
    c = client_for(broker)
    url = f"/networks/{nets.net.pk}/"
    page = text(c.get(url))
    assert 'data-testid="go-back-open"' in page and 'data-testid="close-open"' in page
    r = c.post(f"{url}stage/", {"action": "back", "to_stage": "interest", "effective_on": TODAY.isoformat()})
    assert r.status_code == 200 and "Say why the network is going back." in text(r)
    r = c.post(f"{url}stage/", {"action": "back", "to_stage": "interest", "effective_on": TODAY.isoformat(),
                                "reason": "The buyer postponed the tender"})
    assert r.status_code == 302 and Network.objects.get(pk=nets.net.pk).stage.code == "interest"
    # no skipping: a forward move to a later stage names the gates in between
    r = c.post(f"{url}stage/", {"action": "forward", "to_stage": "group-ownership", "effective_on": TODAY.isoformat()})
    assert r.status_code == 200 and "cannot be reached from Interest in one step" in text(r)
    r = c.post(f"{url}stage/", {"action": "close", "to_stage": "closed", "effective_on": TODAY.isoformat(),
                                "reason": "The firms lost interest"})
    assert r.status_code == 302
    page = c.get(url)
    assert 'data-testid="reopen"' in text(page) and "Reopen in Interest" in text(page)
    assert count_testid(page, "member-form") == 0 and 'data-testid="pass-gate"' not in text(page)
    history = text(page).split('data-testid="stage-history"')[1]
    assert "The firms lost interest" in history and "The buyer postponed the tender" in history
    r = c.post(f"{url}stage/", {"action": "reopen", "to_stage": "interest", "effective_on": TODAY.isoformat(),
                                "reason": "A new buyer"})
    assert r.status_code == 302 and Network.objects.get(pk=nets.net.pk).stage.code == "interest"
    assert list(Transition.objects.filter(network=nets.net).values_list("kind", flat=True)) == [
        "start", "forward", "back", "close", "reopen"]


@pytest.mark.parametrize("who", ["enterprise-user", "association-manager", "evaluator"])
def test_readers_see_the_network_without_controls_and_cannot_post(nets, client_for, who):
    idea = requirement(nets.net, "network-idea")
    services.add_gate_evidence(nets.users["broker"], nets.net, idea.pk, reference="Note")
    c = client_for(nets.users[who])
    page = c.get(f"/networks/{nets.net.pk}/")
    body = text(page)
    assert page.status_code == 200 and count_testid(page, "read-only") == 1
    assert count_testid(page, "checklist") == 1 and count_testid(page, "requirement") == 2  # they see where it stands
    for control in ("stage-controls", "pass-gate", "member-form", "add-members", "edit-network"):
        assert count_testid(page, control) == 0, control
    assert "evidence-form-" not in body and "/withdraw/" not in body and "/leave/" not in body
    r = c.post(f"/networks/{nets.net.pk}/stage/", {"action": "forward", "to_stage": "viable-idea",
                                                   "effective_on": TODAY.isoformat()})
    assert r.status_code == 403 and Network.objects.get(pk=nets.net.pk).stage.code == "interest"


def test_a_broker_sees_why_they_cannot_pass_an_agency_gate(nets, client_for):
    """PROFO admission is the agency's decision: the broker adds evidence, agency staff pass it."""
    c = client_for(nets.users["other-broker"])
    page = c.get(f"/networks/{nets.other.pk}/")
    assert count_testid(page, "pass-gate") == 0 and count_testid(page, "gate-roles") == 1
    assert count_testid(page, "add-evidence-diagnosis") == 1
    r = c.post(f"/networks/{nets.other.pk}/stage/", {"action": "forward", "to_stage": "consolidation",
                                                     "effective_on": TODAY.isoformat()})
    assert r.status_code == 403
    assert count_testid(client_for(nets.users["agency-admin"]).get(f"/networks/{nets.other.pk}/"), "pass-gate") == 1


def test_candidates_are_suggested_from_the_networks_sector_and_territory(nets, client_for):
    aruaru = Territory.objects.get(code="2301950")
    broker = nets.users["broker"]
    network = services.create_network(broker, {"kind": "brokered", "name": "Suggested", "currency": "BRL",
                                               "started_on": date(2024, 1, 1), "territory": aruaru,
                                               "sectors": [{"classification": "isic4", "code": "1610"}]})
    make_enterprise(legal_name="Shoe Co", national_id="X1", sector_code="1520", territory=aruaru)
    services.add_member(broker, network, nets.world.ent_a1, date(2024, 1, 1))
    page = client_for(broker).get(f"/networks/{network.pk}/")
    rows = re.findall(r'<label for="cand-\d+" class="inline-label">([^<]+)</label>', text(page))
    assert rows == ["Marcenaria Beta"]  # 1610 in Aruaru, not yet a member
    found = client_for(broker).get(f"/networks/{network.pk}/members/candidates/", {"find": "#" + str(nets.extra[0].pk)})
    assert count_testid(found, "candidate-row") == 1 and "Serraria Extra 1" in text(found)
    none = client_for(broker).get(f"/networks/{network.pk}/members/candidates/", {"find": "Alfa"})
    assert count_testid(none, "no-candidates") == 1  # already a member
    assert NetworkMember.objects.filter(network=network).count() == 1
