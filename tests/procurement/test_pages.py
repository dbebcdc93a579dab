"""The procurement pages: what each reader sees of a contract, the manager's allocation from the
proposal, the inspector's inspection and the members' scoreboard (permissions: test_page_matrix.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import DAY

pytestmark = pytest.mark.django_db


def _client(client_for, desks, name):
    return client_for(desks.world.users[name])


def test_contract_list_is_scoped_and_filtered(client_for, desks, two_contracts):
    c1, c2 = two_contracts
    url = reverse("procurement:contract_list")
    seen = {name: _client(client_for, desks, name).get(url).content.decode()
            for name in ("agency-admin", "inspector", "aruaru-manager", "s1-user", "other-association-manager")}
    assert "CE-2027-001" in seen["agency-admin"] and ">C2<" in seen["agency-admin"]
    assert "CE-2027-001" in seen["inspector"] and ">C2<" not in seen["inspector"]
    assert "CE-2027-001" in seen["aruaru-manager"] and ">C2<" not in seen["aruaru-manager"]
    assert "CE-2027-001" in seen["s1-user"] and ">C2<" not in seen["s1-user"]
    assert "CE-2027-001" not in seen["other-association-manager"]
    admin = _client(client_for, desks, "agency-admin")
    by_association = admin.get(url, {"association": desks.world.assoc_a.pk}).content.decode()
    assert ">C2<" in by_association and "CE-2027-001" not in by_association
    by_status = admin.get(url, {"status": "paid"}).content.decode()
    assert "CE-2027-001" not in by_status and ">C2<" not in by_status


def test_contract_page_shows_lines_allocations_and_ledger_money(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    page = _client(client_for, desks, "aruaru-manager").get(reverse("procurement:contract_detail", args=[c1.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="allocation-row"') == 2
    assert html.count('data-testid="member-money-row"') == 2
    assert html.count('data-testid="delivery-row"') == 2
    # 50% of 20 x 10.00 paid with the order; each maker's 10 units carry 50.00 of advance.
    assert "100.00" in html.split('data-testid="advance-paid"')[1].split("</p>")[0]
    assert "50.00" in html.split('data-testid="member-advance"')[1].split("</td>")[0]
    assert 'data-testid="allocate-link"' in html


def test_a_member_sees_only_its_own_allocation_and_money(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    html = _client(client_for, desks, "s1-user").get(reverse("procurement:contract_detail", args=[c1.pk])).content.decode()
    assert html.count('data-testid="allocation-row"') == 1
    assert "Serraria S01" in html and "Serraria S02" not in html
    assert 'data-testid="advance-paid"' not in html and 'data-testid="paid-in"' not in html
    assert 'data-testid="scoreboard-link"' in html and 'data-testid="inspect-link"' not in html
    assert 'data-testid="allocate-link"' not in html


def test_the_manager_allocates_from_the_proposal_and_sees_over_allocation_refused(client_for, desks):
    from triplec.procurement.models import Allocation
    from triplec.procurement.services import programmes

    from .conftest import award

    contract = award(desks, quantity=30, price="10.00")
    line = contract.lines.get()
    for firm, units in zip(desks.members[:3], (10, 10, 10), strict=True):
        programmes.declare_capacity(desks.manager, desks.association, firm, desks.desk, units)
    manager = _client(client_for, desks, "aruaru-manager")
    url = reverse("procurement:allocate", args=[contract.pk, line.pk])
    page = manager.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="proposal-row"') == 10
    assert "Room for 10 units" in html and "No capacity declared" in html
    too_many = {f"member_{m.pk}": 11 for m in desks.members[:3]}
    refused = manager.post(url, too_many)
    assert refused.status_code == 200 and "Only 30 units of this line are still unallocated." in refused.content.decode()
    assert not Allocation.objects.filter(line=line).exists()
    done = manager.post(url, {f"member_{m.pk}": 10 for m in desks.members[:3]})
    assert done.status_code == 302
    assert sorted(Allocation.objects.filter(line=line).values_list("quantity", flat=True)) == [10, 10, 10]


def test_the_inspector_rejects_part_of_a_delivery_with_a_reason(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    inspector = _client(client_for, desks, "inspector")
    page = inspector.get(reverse("procurement:inspection", args=[c1.pk]))
    assert page.content.decode().count('data-testid="inspection-form"') == 2
    delivery = c1.lines.get().deliveries.order_by("id").first()
    url = reverse("procurement:inspect_delivery", args=[c1.pk, delivery.pk])
    p = f"d{delivery.pk}-"
    refused = inspector.post(url, {p + "accepted": 3, p + "rejected": 2, p + "reasons": ""})
    assert refused.status_code == 200 and "Say why units were rejected." in refused.content.decode()
    delivery.refresh_from_db()
    assert delivery.inspected_on is None
    done = inspector.post(url, {p + "accepted": 3, p + "rejected": 2, p + "reasons": "Cracked tops"})
    assert done.status_code == 302
    delivery.refresh_from_db()
    assert (delivery.accepted, delivery.rejected, delivery.reasons) == (3, 2, "Cracked tops")


def test_the_scoreboard_shows_each_members_record(client_for, desks, two_contracts):
    from triplec.procurement.services import deliveries

    c1, _c2 = two_contracts
    first = c1.lines.get().deliveries.order_by("id").first()
    deliveries.inspect(desks.inspector, first, accepted=4, rejected=1, reasons="Loose leg", on=DAY)
    page = _client(client_for, desks, "s2-user").get(reverse("procurement:scoreboard", args=[desks.association.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and html.count('data-testid="score-row"') == 10
    s1_row = html.split("Serraria S01")[1].split("</tr>")[0]
    assert 'data-testid="accepted">4<' in s1_row and "20" in s1_row.split('data-testid="rejection-rate"')[1]


def test_the_nav_offers_procurement_to_who_has_contracts(client_for, desks, two_contracts):
    home = reverse("dashboard")
    for name, shown in {"agency-admin": True, "inspector": True, "aruaru-manager": True, "s1-user": True,
                        "other-enterprise-user": False, "other-association-manager": False}.items():
        html = _client(client_for, desks, name).get(home).content.decode()
        assert ('data-testid="nav-procurement"' in html) is shown, name
