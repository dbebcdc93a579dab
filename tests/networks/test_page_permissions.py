"""Permission matrix of every network page and every POST, table-driven.

Users: anonymous, each role, a broker of another network ("other-broker"), and members of another
network ("other-association-manager", "other-enterprise-user": ent_b1 is in `nets.other` only).
Expected answers:
  anonymous      -> 302 to the login page (nothing read, nothing written)
  cannot see     -> 404 (the network is not shown to them at all)
  sees, may not  -> 403, and nothing in the database changes
  may            -> 200 or 302 (a page, a form with errors, or a redirect after the write)
"""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.permissions import EDITORS, OTHER_BROKER, ROLES, USERS, assert_matrix, by_scope, page_requests

pytestmark = pytest.mark.django_db

EVERYONE = set(USERS) | {OTHER_BROKER}
AGENCY = set(EDITORS)
MANAGERS = AGENCY | {"broker"}
SEE_NET = set(ROLES)
CREATORS = MANAGERS | {OTHER_BROKER}
TODAY = date.today().isoformat()


@pytest.fixture
def objs(nets, settings, tmp_path):
    """Records of `nets.net` the URLs and POSTs point at."""
    from triplec.networks import services
    from triplec.networks.models import GateRequirement

    settings.MEDIA_ROOT = tmp_path / "media"
    admin, net = nets.users["agency-admin"], nets.net
    idea = GateRequirement.objects.get(gate__kind=net.kind, code="network-idea")
    evidence = services.add_gate_evidence(nets.users["broker"], net, idea.pk,
                                          document=SimpleUploadedFile("idea.txt", b"The idea."))
    cost, _ = services.record_cost(admin, net, category="events", amount="100.00", incurred_on=date(2024, 2, 1),
                                   idempotency_key="cost-1")
    paid, _ = services.record_contribution(admin, net, enterprise=nets.extra[0], amount="50.00",
                                           paid_on=date(2024, 2, 1), idempotency_key="paid-1")
    contract = services.create_contract(admin, net, {"manager_name": "Ana", "start_date": date(2024, 1, 1),
                                                     "monthly_fee": "1000.00"})
    leaver = net.members.get(enterprise=nets.extra[3])
    decision = GateRequirement.objects.get(gate__kind=net.kind, code="group-decision")
    return {"net": net, "evidence": evidence, "cost": cost, "paid": paid, "contract": contract, "leaver": leaver,
            "idea": idea, "decision": decision, "nets": nets}


def fingerprint(net):
    """Everything a POST could change, to show that a refused one changed nothing."""
    from triplec.networks.models import (
        Activity,
        ContributionEntry,
        CostEntry,
        Evaluation,
        GateEvidence,
        IndependenceAssessment,
        ManagerContract,
        Network,
        NetworkMember,
        Transition,
    )

    net = Network.objects.get(pk=net.pk)
    return (Network.objects.count(), net.name, net.stage_id, net.updated_at, NetworkMember.objects.count(),
            NetworkMember.objects.filter(left_on__isnull=False).count(), GateEvidence.objects.count(),
            GateEvidence.objects.filter(withdrawn_at__isnull=False).count(), Transition.objects.count(),
            Activity.objects.count(), CostEntry.objects.count(), ContributionEntry.objects.count(),
            list(ManagerContract.objects.values_list("end_date", flat=True)), ManagerContract.objects.count(),
            Evaluation.objects.count(), IndependenceAssessment.objects.count())


# GET pages -------------------------------------------------------------------------------------------------

PAGES = [
    # name, url, who may open it, who may see the network (others: 404)
    ("list", lambda o: "/networks/", EVERYONE, EVERYONE),
    ("mine", lambda o: "/networks/mine/", EVERYONE, EVERYONE),
    ("portfolio", lambda o: "/networks/portfolio/", EVERYONE, EVERYONE),
    ("new", lambda o: "/networks/new/", CREATORS, EVERYONE),
    ("overview", lambda o: f"/networks/{o['net'].pk}/", SEE_NET, SEE_NET),
    ("activities", lambda o: f"/networks/{o['net'].pk}/activities/", SEE_NET, SEE_NET),
    ("money", lambda o: f"/networks/{o['net'].pk}/money/", SEE_NET, SEE_NET),
    ("evaluations", lambda o: f"/networks/{o['net'].pk}/evaluations/", SEE_NET, SEE_NET),
    ("independence", lambda o: f"/networks/{o['net'].pk}/independence/", SEE_NET, SEE_NET),
    ("evidence document", lambda o: f"/networks/{o['net'].pk}/evidence/{o['evidence'].pk}/document/", SEE_NET,
     SEE_NET),
    ("edit", lambda o: f"/networks/{o['net'].pk}/edit/", MANAGERS, SEE_NET),
    ("member candidates", lambda o: f"/networks/{o['net'].pk}/members/candidates/?find=serraria", MANAGERS, SEE_NET),
]


@pytest.mark.parametrize("name,url,allowed,visible", PAGES, ids=[p[0] for p in PAGES])
def test_pages(objs, client_for, name, url, allowed, visible):
    target = url(objs)
    send_as = page_requests(objs["nets"].users, client_for, "get", target, rollback=False)
    assert_matrix(send_as, by_scope(sorted(EVERYONE), allowed, visible), target)


def test_scoped_lists_show_only_visible_networks(objs, client_for):
    """The list, the broker's dashboard and the dashboard panel never name a network the user cannot see."""
    nets = objs["nets"]
    for who in EVERYONE:
        c = client_for(nets.users[who])
        sees_net = who in SEE_NET
        sees_other = who in {"agency-admin", "programme-officer", "evaluator", "other-broker",
                             "other-association-manager", "other-enterprise-user"}
        for url in ("/networks/", "/networks/mine/"):
            body = c.get(url).content.decode()
            assert (nets.net.name in body) == sees_net, (who, url)
            assert (nets.other.name in body) == sees_other, (who, url)
        panel = c.get("/").content.decode()
        assert ('data-testid="networks-panel"' in panel) == (who in {"broker", "other-broker"}), who
        assert nets.net.name not in panel or sees_net, who
        assert nets.other.name not in panel or sees_other, who


# POSTs ------------------------------------------------------------------------------------------------------

def _network_form(o):
    return {"name": o["net"].name, "currency": "BRL", "started_on": "2024-01-01", "sector_classification": "isic4",
            "sector_codes": "1610", "short_term_goals": "Quote", "medium_term_goals": "Supply",
            "target_buyers": [o["nets"].world.buyer.pk], "broker": o["nets"].users["broker"].pk}


def _assessment(o):
    from triplec.networks.independence import JUDGED

    return {"assessed_on": "2024-06-01", "window_months": "12", **{f"evidence_{c}": "" for c in JUDGED}}


POSTS = [
    # name, url, payload, who may (those who see the network but may not: 403), who sees the network
    ("create", lambda o: "/networks/new/",
     lambda o: {"kind": "brokered", "name": "A new network", "currency": "BRL", "started_on": "2024-01-01"},
     CREATORS, EVERYONE),
    ("edit", lambda o: f"/networks/{o['net'].pk}/edit/", _network_form, MANAGERS, SEE_NET),
    ("add members", lambda o: f"/networks/{o['net'].pk}/members/",
     lambda o: {"enterprises": [o["nets"].world.ent_none.pk], "joined_on": "2024-02-01"}, MANAGERS, SEE_NET),
    ("member leaves", lambda o: f"/networks/{o['net'].pk}/members/{o['leaver'].pk}/leave/",
     lambda o: {"left_on": "2024-06-01", "reason": "moved away"}, MANAGERS, SEE_NET),
    ("pass gate", lambda o: f"/networks/{o['net'].pk}/stage/",
     lambda o: {"action": "forward", "to_stage": "viable-idea", "effective_on": TODAY}, MANAGERS, SEE_NET),
    ("add evidence", lambda o: f"/networks/{o['net'].pk}/evidence/",
     lambda o: {"requirement": o["decision"].pk, f"req{o['decision'].pk}-text": "Go",
                f"req{o['decision'].pk}-date": "2024-02-01"}, MANAGERS, SEE_NET),
    ("withdraw evidence", lambda o: f"/networks/{o['net'].pk}/evidence/{o['evidence'].pk}/withdraw/",
     lambda o: {"reason": "wrong file"}, MANAGERS, SEE_NET),
    ("close", lambda o: f"/networks/{o['net'].pk}/stage/",
     lambda o: {"action": "close", "to_stage": "closed", "effective_on": TODAY, "reason": "stopped"}, MANAGERS,
     SEE_NET),
    ("log activity", lambda o: f"/networks/{o['net'].pk}/activities/",
     lambda o: {"kind": "meeting", "occurred_on": "2024-03-01", "title": "Kick-off", "broker_hours": "2"},
     MANAGERS, SEE_NET),
    ("record cost", lambda o: f"/networks/{o['net'].pk}/money/costs/",
     lambda o: {"category": "events", "amount": "10.00", "incurred_on": "2024-03-01", "idempotency_key": "c-2"},
     MANAGERS, SEE_NET),
    ("reverse cost", lambda o: f"/networks/{o['net'].pk}/money/costs/{o['cost'].pk}/reverse/",
     lambda o: {"reason": "typo", "idempotency_key": "rc-1"}, MANAGERS, SEE_NET),
    ("record contribution", lambda o: f"/networks/{o['net'].pk}/money/contributions/",
     lambda o: {"enterprise": o["nets"].extra[0].pk, "amount": "5.00", "paid_on": "2024-03-01",
                "idempotency_key": "p-2"}, MANAGERS, SEE_NET),
    ("reverse contribution", lambda o: f"/networks/{o['net'].pk}/money/contributions/{o['paid'].pk}/reverse/",
     lambda o: {"reason": "typo", "idempotency_key": "rp-1"}, MANAGERS, SEE_NET),
    ("record contract", lambda o: f"/networks/{o['net'].pk}/money/contracts/",
     lambda o: {"manager_name": "Bea", "start_date": "2024-02-01", "monthly_fee": "500.00"}, AGENCY, SEE_NET),
    ("end contract", lambda o: f"/networks/{o['net'].pk}/money/contracts/{o['contract'].pk}/end/",
     lambda o: {"end_date": "2024-12-31"}, AGENCY, SEE_NET),
    ("accrue", lambda o: f"/networks/{o['net'].pk}/money/contracts/accrue/",
     lambda o: {"through": "2024-03-01"}, AGENCY, SEE_NET),
    ("record evaluation", lambda o: f"/networks/{o['net'].pk}/evaluations/",
     lambda o: {"enterprise": o["nets"].world.ent_a1.pk, "evaluated_on": "2024-03-01", "score_process": "3"},
     MANAGERS, SEE_NET),
    ("record assessment", lambda o: f"/networks/{o['net'].pk}/independence/", _assessment, AGENCY, SEE_NET),
]


@pytest.mark.parametrize("name,url,payload,allowed,visible", POSTS, ids=[p[0] for p in POSTS])
def test_posts(objs, client_for, name, url, payload, allowed, visible):
    target, data = url(objs), payload(objs)
    post_as = page_requests(objs["nets"].users, client_for, "post", target, data, rollback=False)
    changed_by_refused = []

    def send_as(who):
        before = fingerprint(objs["net"])
        response = post_as(who)
        if who not in allowed and fingerprint(objs["net"]) != before:
            changed_by_refused.append(who)
        return response

    # Refused users first: an allowed write (a gate passed, a firm gone) must not change what they may see.
    expected = by_scope(sorted(sorted(EVERYONE), key=lambda w: w in allowed), allowed, visible)
    assert_matrix(send_as, expected, target)
    assert changed_by_refused == [], f"a refused POST changed the records: {changed_by_refused}"


def test_allowed_posts_write(objs, client_for):
    """The matrix above is not vacuous: an allowed POST changes the records."""
    nets = objs["nets"]
    for name, url, payload, _allowed, _visible in POSTS:
        if name in ("close",):
            continue
        who = "agency-admin"
        before = fingerprint(objs["net"])
        response = client_for(nets.users[who]).post(url(objs), payload(objs))
        assert response.status_code == 302, (name, response.status_code,
                                             response.content.decode()[:200] if response.status_code == 200 else "")
        if name != "edit":  # the same values saved again change only the timestamp
            assert fingerprint(objs["net"]) != before, name
