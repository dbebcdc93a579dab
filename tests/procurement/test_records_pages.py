"""The association's record pages on a contract: rejected units sent for repair or replacement, a
member's default with its remedy and the debt it leaves, warranty claims after acceptance with the cost
split by the association's rule (permissions: test_records_matrix.py)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.urls import reverse
from django.utils import timezone

from .conftest import DAY, award

pytestmark = pytest.mark.django_db


def _client(client_for, desks, name):
    return client_for(desks.world.users[name])


def _html(response) -> str:
    return response.content.decode()


def _rejected_delivery(desks, contract, accepted=3, rejected=2):
    from triplec.procurement.services import deliveries

    delivery = contract.lines.get().deliveries.order_by("id").first()
    return deliveries.inspect(desks.inspector, delivery, accepted=accepted, rejected=rejected,
                              reasons="Cracked tops", on=DAY)


# --- repair or replacement ---------------------------------------------------------------------------------

def test_the_manager_sends_rejected_units_to_another_member(client_for, desks, two_contracts):
    from triplec.procurement.models import Rework

    c1, _c2 = two_contracts
    delivery = _rejected_delivery(desks, c1)
    manager = _client(client_for, desks, "aruaru-manager")
    page = _html(manager.get(reverse("procurement:rework", args=[c1.pk])))
    assert page.count('data-testid="rework-form"') == 1 and "2 rejected on" in page and "Cracked tops" in page
    url = reverse("procurement:assign_rework", args=[c1.pk, delivery.pk])
    p = f"r{delivery.pk}-"
    third = desks.members[2]
    refused = manager.post(url, {p + "member": third.pk, p + "quantity": 3, p + "kind": "replacement"})
    assert refused.status_code == 200
    assert "Give between 1 and 2 units" in _html(refused) and not Rework.objects.exists()
    done = manager.post(url, {p + "member": third.pk, p + "quantity": 2, p + "kind": "replacement"})
    assert done.status_code == 302
    rework = Rework.objects.get()
    assert (rework.delivery, rework.member, rework.quantity, rework.kind) == (delivery, third, 2, "replacement")
    after = _html(manager.get(reverse("procurement:rework", args=[c1.pk])))
    assert 'data-testid="rework-form"' not in after and after.count('data-testid="rework-row"') == 1
    assert "Serraria S03" in after.split('data-testid="reworks"')[1]


def test_a_member_of_another_association_cannot_be_chosen_for_a_repair(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    delivery = _rejected_delivery(desks, c1)
    p = f"r{delivery.pk}-"
    response = _client(client_for, desks, "aruaru-manager").post(
        reverse("procurement:assign_rework", args=[c1.pk, delivery.pk]),
        {p + "member": desks.world.ent_a1.pk, p + "quantity": 1, p + "kind": "repair"})
    assert response.status_code == 200 and "Select a valid choice" in _html(response)


def test_the_contract_page_links_to_the_records_for_who_may_open_them(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    url = reverse("procurement:contract_detail", args=[c1.pk])
    manager = _html(_client(client_for, desks, "aruaru-manager").get(url))
    inspector = _html(_client(client_for, desks, "inspector").get(url))
    member = _html(_client(client_for, desks, "s1-user").get(url))
    assert all(f'data-testid="{link}"' in manager for link in ("rework-link", "defaults-link", "warranty-link",
                                                              "outcomes-link"))
    assert 'data-testid="warranty-link"' in inspector and 'data-testid="rework-link"' not in inspector
    assert 'data-testid="outcomes-link"' not in inspector
    assert 'data-testid="outcomes-link"' in member and 'data-testid="defaults-link"' not in member


# --- defaults ----------------------------------------------------------------------------------------------

def test_a_default_reallocates_the_units_and_the_advance_and_leaves_a_debt(client_for, desks, two_contracts):
    from triplec.procurement.models import Allocation, Default
    from triplec.procurement.services import money

    c1, _c2 = two_contracts
    s2, s3 = desks.members[1], desks.members[2]
    for_s2 = Allocation.objects.get(line__contract=c1, member=s2)
    manager = _client(client_for, desks, "aruaru-manager")
    listing = _html(manager.get(reverse("procurement:defaults", args=[c1.pk])))
    assert listing.count('data-testid="open-allocation-row"') == 2
    url = reverse("procurement:record_default", args=[c1.pk, for_s2.pk])
    form = _html(manager.get(url))
    # 5 of S2's 10 units are not delivered; their advance is 50% x 5 x 10.00, which S2 would owe.
    assert "5 units not delivered." in form and "25.00" in form.split('data-testid="default-summary"')[1]
    refused = manager.post(url, {"reason": "withdrew", "remedy": "reallocate"})
    assert refused.status_code == 200 and "Choose another current member" in _html(refused)
    assert not Default.objects.exists() and not money.contract_balances(c1).debts
    done = manager.post(url, {"reason": "withdrew", "remedy": "reallocate", "successor": s3.pk})
    assert done.status_code == 302
    record = Default.objects.get()
    assert (record.reason, record.units, record.successor.member, record.successor.quantity) == ("withdrew", 5, s3, 5)
    balances = money.contract_balances(c1)
    assert (balances.debts[s2.pk], balances.received[s3.pk]) == (D("25.00"), D("25.00"))
    after = _html(manager.get(reverse("procurement:defaults", args=[c1.pk])))
    assert after.count('data-testid="default-row"') == 1 and "Serraria S03" in after.split('data-testid="defaults"')[1]
    debt_rows = after.split('data-testid="debts"')[1]
    assert "Serraria S02" in debt_rows and "25.00" in debt_rows


def test_a_default_repaid_takes_the_units_off_the_order(client_for, desks, two_contracts):
    from triplec.procurement.models import Allocation
    from triplec.procurement.services import money

    c1, _c2 = two_contracts
    for_s1 = Allocation.objects.get(line__contract=c1, member=desks.members[0])
    response = _client(client_for, desks, "aruaru-manager").post(
        reverse("procurement:record_default", args=[c1.pk, for_s1.pk]), {"reason": "ceased", "remedy": "repay"})
    assert response.status_code == 302
    assert c1.lines.get().cancelled == 5
    # The purchaser's advance of 100.00 less the 25.00 repaid.
    assert money.contract_balances(c1).paid_in == D("75.00")


# --- warranty ----------------------------------------------------------------------------------------------

@pytest.fixture
def accepted(desks):
    """A contract of 4 desks made by S1 and accepted; the association's rule: warranty repairs shared."""
    from triplec.procurement.services import allocation, deliveries, programmes

    programmes.set_rules(desks.manager, desks.association, warranty_cost_rule="shared")
    contract = award(desks, quantity=4, price="10.00")
    (made,) = allocation.confirm(desks.manager, contract.lines.get(), {desks.members[0]: 4}, on=DAY)
    shipped = deliveries.record_delivery(desks.manager, allocation=made, quantity=4, delivered_on=DAY)
    deliveries.inspect(desks.inspector, shipped, accepted=4, rejected=0, on=DAY)
    return contract


def test_a_warranty_claim_after_the_maker_ceased_is_repaired_by_another_member(client_for, desks, accepted):
    from triplec.procurement.models import WarrantyClaim
    from triplec.registry.models import Membership

    s1, s2 = desks.members[0], desks.members[1]
    Membership.objects.filter(enterprise=s1).update(end_date=timezone.localdate() - timedelta(days=1))
    inspector = _client(client_for, desks, "inspector")
    url = reverse("procurement:warranty", args=[accepted.pk])
    page = _html(inspector.get(url))
    assert "Half each" in page.split('data-testid="warranty-rule"')[1] and 'data-testid="warranty-not-open"' not in page
    claim = {"line": accepted.lines.get().pk, "maker": s1.pk, "units": 1, "description": "Cracked top",
             "repair_cost": "9.99"}
    refused = inspector.post(url, claim)
    assert refused.status_code == 200 and "The maker is no longer a member" in _html(refused)
    assert not WarrantyClaim.objects.exists()
    done = inspector.post(url, {**claim, "repairer": s2.pk})
    assert done.status_code == 302
    record = WarrantyClaim.objects.get()
    assert (record.maker, record.repairer, record.repair_cost, record.maker_charged) == (s1, s2, D("9.99"), D("5.00"))
    row = _html(inspector.get(url)).split('data-testid="claim-row"')[1]
    assert "5.00" in row.split('data-testid="maker-charged"')[1].split("</td>")[0]
    assert "4.99" in row.split('data-testid="association-part"')[1].split("</td>")[0]


def test_warranty_claims_wait_for_the_whole_order(client_for, desks, two_contracts):
    c1, _c2 = two_contracts
    page = _html(_client(client_for, desks, "aruaru-manager").get(reverse("procurement:warranty", args=[c1.pk])))
    assert 'data-testid="warranty-not-open"' in page
