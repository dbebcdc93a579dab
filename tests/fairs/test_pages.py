"""What the fairs pages show and do: signing up, the subsidy explained (estimate, then as paid, in the
reader's language), buyers and orders recorded, follow-ups listed and done."""

from datetime import date

import pytest
from django.urls import reverse
from tests.conftest import clock_on

from triplec.fairs.models import Participation
from triplec.fairs.services import money

pytestmark = pytest.mark.django_db


def test_a_firm_signs_itself_up_at_its_associations_stand_and_sees_the_estimate(expo, client_for):
    client = client_for(expo.world.users["a2-user"])
    page = client.get(reverse("fairs:fair_detail", args=[expo.international.pk]))
    assert page.status_code == 200 and b'data-testid="sign-up-form"' in page.content
    response = client.post(reverse("fairs:fair_detail", args=[expo.international.pk]),
                           {"firm": expo.world.ent_a2.national_id, "stand": expo.stand.pk, "subsidy_requested": "on"})
    p = Participation.objects.get(enterprise=expo.world.ent_a2, fair=expo.international)
    assert response.status_code == 302 and response["Location"] == reverse("fairs:participation_detail", args=[p.pk])
    detail = client.get(response["Location"]).content.decode()
    assert "Subsidy if paid today (estimate)" in detail
    assert "Group stand at an international fair: 10% more." in detail
    assert "The programme pays R$6,000.00; the firm pays R$4,000.00." in detail  # alone at the stand so far


def test_a_firm_cannot_sign_up_another_firm(expo, client_for):
    client = client_for(expo.world.users["a2-user"])
    response = client.post(reverse("fairs:fair_detail", args=[expo.national.pk]),
                           {"firm": expo.world.ent_a1.national_id, "cost": "100.00"})
    assert response.status_code == 200 and b"field-error" in response.content
    assert not Participation.objects.exists()


def test_paid_participation_explained_in_portuguese(expo, signed_up, client_for):
    a1 = signed_up[1][0]
    admin = client_for(expo.admin)
    assert admin.post(reverse("fairs:pay", args=[a1.pk])).status_code == 302
    page = client_for(expo.world.users["enterprise-user"]).get(
        reverse("fairs:participation_detail", args=[a1.pk]), HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "R$\xa02.000,00" in page and "R$\xa01.333,34" in page
    assert 'data-testid="pay"' not in page


def test_buyer_then_order_then_follow_up_done(expo, signed_up, client_for):
    a1 = signed_up[1][0]
    client = client_for(expo.manager)
    url = reverse("fairs:participation_detail", args=[a1.pk])
    assert client.post(reverse("fairs:add_contact", args=[a1.pk]),
                       {"contact-buyer": expo.agent.pk, "contact-is_agent": "on"})["Location"] == url
    contact = a1.contacts.get()
    bad = client.post(reverse("fairs:add_order", args=[a1.pk]), {
        "order-contact": contact.pk, "order-value": "900.00", "order-currency": "EUR", "order-ordered_on": "2027-01-01"})
    assert bad.status_code == 400 and "on or after its first day" in bad.content.decode()
    client.post(reverse("fairs:add_order", args=[a1.pk]), {
        "order-contact": contact.pk, "order-value": "900.00", "order-currency": "EUR", "order-ordered_on": "2027-09-21"})
    page = client.get(url).content.decode()
    assert "Milano Export Agents" in page and "€900.00" in page
    first = a1.follow_ups.get(months=3)
    client.post(reverse("fairs:follow_up_done", args=[a1.pk, first.pk]), {"note": "Samples sent"})
    first.refresh_from_db()
    assert first.note == "Samples sent" and first.done_on is not None


def test_follow_ups_due_are_listed_for_the_firm(expo, signed_up, client_for):
    with clock_on(date(2027, 7, 1)):  # logged in then: a session from today would have expired
        client = client_for(expo.world.users["enterprise-user"])
        listing = client.get(reverse("fairs:follow_ups")).content.decode()
        front = client.get(reverse("fairs:fair_list")).content.decode()
    assert listing.count('data-testid="follow-up-row"') == 1 and "FENAC 2027" in listing
    assert "3-month follow-up due on 2027-07-09" in front


def test_the_ledger_and_the_page_agree_on_the_money(expo, signed_up, client_for):
    alone = money.pay_costs(expo.admin, signed_up[0])
    page = client_for(expo.world.users["enterprise-user"]).get(
        reverse("fairs:participation_detail", args=[alone.pk])).content.decode()
    assert 'data-testid="subsidy">R$5,000.00' in page and 'data-testid="own-part">R$5,000.00' in page


def test_the_participation_page_says_how_far_the_fair_is(expo, signed_up, client_for):
    from triplec.fairs.services import programmes

    a1 = signed_up[1][0]  # ent_a1, in Aruaru, at assoc_a's MICAM stand in Milan
    programmes.update_programme(expo.admin, expo.programme, name="Feiras 2027", currency="BRL", distant_km="1000")
    programmes.update_fair(expo.admin, expo.international, latitude=45.46, longitude=9.19)
    page = client_for(expo.world.users["enterprise-user"]).get(
        reverse("fairs:participation_detail", args=[a1.pk]), HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert ('data-testid="distance">7\xa0290 km desde el lugar de la empresa hasta la feria; el programa considera '
            'distante desde 1\xa0000 km, así que la feria es distante para este stand colectivo.') in page


def test_the_agency_signs_a_firm_up_by_its_identifier_and_a_manager_finds_only_members(expo, client_for):
    from tests.conftest import cnpj

    w = expo.world
    agency = client_for(expo.admin)
    url = reverse("fairs:fair_detail", args=[expo.national.pk])
    assert 'data-testid="firm-search"' in agency.get(url).content.decode()
    sent = agency.post(url, {"firm": cnpj(33333333, formatted=True), "cost": "500.00", "subsidy_requested": "on"})
    assert sent.status_code == 302 and Participation.objects.filter(enterprise=w.ent_b1).exists()
    options = reverse("fairs:firm_options", args=[expo.international.pk]) + "?field=firm&firm="
    assert agency.get(options + "calçados").content.decode() == (
        f'<option value="{w.ent_b1.national_id}">Calçados Gama</option>')
    manager = client_for(expo.manager)  # assoc_a's members only: Beta, not Calçados Gama
    assert manager.get(options + "calcados").content == b""
    assert "Marcenaria Beta" in manager.get(options + "beta").content.decode()
    assert client_for(w.users["broker"]).get(options + "beta").status_code == 403
