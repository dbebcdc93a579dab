"""The agency's award page: a contract goes to a producers' association; a single enterprise or another
kind of organisation is refused with the reason and an offer to register the association."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from tests.conftest import cnpj

from triplec.procurement.models import Contract

pytestmark = pytest.mark.django_db


def _post(client, desks, awardee, **extra):
    data = {"programme": desks.programme.pk, "awardee": awardee, "reference": "CE-2027-010",
            "awarded_on": "2027-03-01", "product_1": desks.desk.pk, "quantity_1": "120",
            "unit_price_1": "187.35", "deadline_1": "2027-05-31", **extra}
    return client.post(reverse("procurement:award"), data)


def test_the_agency_awards_a_contract_to_an_association_by_its_name(desks, client_for):
    client = client_for(desks.admin)
    assert 'data-testid="award-link"' in client.get(reverse("procurement:contract_list")).content.decode()
    answer = _post(client, desks, "associação dos serradores de aruaru")
    contract = Contract.objects.get(reference="CE-2027-010")
    assert answer.status_code == 302 and answer["Location"] == reverse("procurement:contract_detail",
                                                                       args=[contract.pk])
    assert contract.association == desks.association and contract.awarded_on == date(2027, 3, 1)
    line = contract.lines.get()
    assert (line.product, line.quantity, str(line.unit_price), line.deadline) == (
        desks.desk, 120, "187.35", date(2027, 5, 31))


def test_a_single_enterprise_is_refused_with_the_reason_and_an_offer_to_register_an_association(desks, client_for):
    page = _post(client_for(desks.admin), desks, cnpj(70000001, formatted=True))  # Serraria S01
    html = page.content.decode()
    assert page.status_code == 200 and not Contract.objects.exists()
    assert "Serraria S01 is a single enterprise" in html and 'data-testid="register-association"' in html
    assert reverse("organisation_create") in html


def test_another_kind_of_organisation_is_refused(desks, client_for):
    html = _post(client_for(desks.admin), desks, "Shoe Assoc").content.decode()
    assert "is not a producers&#x27; association or cooperative" in html and not Contract.objects.exists()


def test_an_unknown_awardee_and_a_half_filled_line_are_named(desks, client_for):
    html = _post(client_for(desks.admin), desks, "Nobody Ltda", product_2=desks.desk.pk).content.decode()
    assert "No organisation or enterprise of the register has this name or identifier." in html
    assert html.count("Needed for this line.") == 3 and not Contract.objects.exists()


def test_the_award_link_is_only_for_agency_editors(desks, client_for):
    page = client_for(desks.world.users["broker"]).get(reverse("procurement:contract_list")).content.decode()
    assert 'data-testid="award-link"' not in page
