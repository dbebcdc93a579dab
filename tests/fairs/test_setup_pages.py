"""The agency's set-up pages: a programme created after previewing its rules on examples, a fair with
coordinates, a group stand; a participation cancelled; a wrong payment reversed, shown in the money
table, and pay and reverse posts sent twice doing their work once."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from triplec.fairs.models import Fair, GroupStand, Participation, PaymentReversal, Programme

pytestmark = pytest.mark.django_db

RULES = {"name": "Feiras 2028", "currency": "BRL", "share_micro": "0.5", "share_small": "0.5", "share_medium": "0.2",
         "share_large": "0", "yearly_cap": "8000.00", "group_extra_share": "0.1", "repeat_step": "0.1",
         "distant_km": "1500"}


def test_programme_previewed_then_saved(expo, client_for):
    client = client_for(expo.admin)
    shown = client.post(reverse("fairs:fair_programme_new"), {**RULES, "preview": "1"}).content.decode()
    assert 'data-testid="rules-preview"' in shown and not Programme.objects.filter(name="Feiras 2028").exists()
    assert "Group stand at an international fair: 10% more." in shown
    assert "The programme pays R$6,000.00; the firm pays R$4,000.00." in shown  # micro at a stand: 60%
    assert "1 earlier subsidised participation(s): 10% less (10% each)." in shown
    assert "The programme pays R$5,000.00; the firm pays R$5,000.00." in shown
    bad = client.post(reverse("fairs:fair_programme_new"), {**RULES, "currency": "XXZ"})
    assert bad.status_code == 200 and "ISO 4217" in bad.content.decode()
    assert client.post(reverse("fairs:fair_programme_new"), RULES)["Location"] == reverse("fairs:fair_programme_list")
    saved = Programme.objects.get(name="Feiras 2028")
    assert (saved.distant_km, saved.share_medium, saved.yearly_cap) == (1500, D("0.2"), D("8000.00"))
    edit = client.get(reverse("fairs:fair_programme_edit", args=[saved.pk])).content.decode()
    assert 'data-testid="rules-preview"' in edit


def test_fair_created_and_edited_then_a_stand_added(expo, client_for):
    client = client_for(expo.admin)
    response = client.post(reverse("fairs:fair_new"), {
        "programme": expo.programme.pk, "name": "Couromoda", "organiser": "Couromoda Feiras", "place": "São Paulo",
        "country": "br", "latitude": "-23.55", "longitude": "-46.63", "starts_on": "2027-01-11",
        "ends_on": "2027-01-14", "sectors": "1520", "scope": "national"})
    fair = Fair.objects.get(name="Couromoda")
    assert response["Location"] == reverse("fairs:fair_detail", args=[fair.pk])
    assert (fair.country, fair.coordinates) == ("BR", (-23.55, -46.63))
    wrong = client.post(reverse("fairs:fair_edit", args=[fair.pk]), {
        "name": "Couromoda", "organiser": "C", "place": "São Paulo", "country": "BR", "latitude": "-23.55",
        "starts_on": "2027-01-11", "ends_on": "2027-01-10", "scope": "national"}).content.decode()
    assert "ends on or after" in wrong
    client.post(reverse("fairs:fair_edit", args=[fair.pk]), {
        "name": "Couromoda", "organiser": "C", "place": "São Paulo", "country": "BR", "starts_on": "2027-01-11",
        "ends_on": "2027-01-15", "scope": "national", "distant": "on"})
    fair.refresh_from_db()
    assert (fair.ends_on.day, fair.distant, fair.coordinates, fair.programme_id) == (15, True, None, expo.programme.pk)
    client.post(reverse("fairs:stand_add", args=[fair.pk]), {
        "association": expo.world.assoc_a.pk, "total_cost": "5000.00", "cost_sharing": "area"})
    assert GroupStand.objects.get(fair=fair).cost_sharing == "area"
    refused = client.post(reverse("fairs:stand_add", args=[fair.pk]), {
        "association": expo.world.assoc_a.pk, "total_cost": "1.00", "cost_sharing": "equal"})
    assert refused.status_code == 200 and b"field-error" in refused.content


def test_a_firm_cancels_its_participation(expo, signed_up, client_for):
    a2 = signed_up[1][1]
    client = client_for(expo.world.users["a2-user"])
    url = reverse("fairs:participation_detail", args=[a2.pk])
    assert 'data-testid="cancel-form"' in client.get(url).content.decode()
    client.post(reverse("fairs:cancel", args=[a2.pk]), {"reason": "No stock to show"})
    page = client.get(url).content.decode()
    assert "No stock to show" in page and 'data-testid="cancel-form"' not in page
    assert Participation.objects.get(pk=a2.pk).cancelled


def test_wrong_payment_reversed_and_posts_sent_twice_do_it_once(expo, signed_up, client_for):
    alone = signed_up[0]
    client = client_for(expo.admin)
    url = reverse("fairs:participation_detail", args=[alone.pk])
    client.post(reverse("fairs:pay", args=[alone.pk]), {"round_no": "0"})
    first = Participation.objects.get(pk=alone.pk).transaction_id
    for _twice in range(2):
        client.post(reverse("fairs:reverse_payment", args=[alone.pk]), {"reason": "Wrong cost", "transaction": first})
    assert PaymentReversal.objects.count() == 1
    client.post(reverse("fairs:pay", args=[alone.pk]), {"round_no": "0"})  # the first form, sent again
    assert not Participation.objects.get(pk=alone.pk).paid
    page = client.get(url).content.decode()
    assert 'name="round_no" value="1"' in page and page.count('data-testid="money-row"') == 2
    assert f"reverses #{first}: Wrong cost" in page and "-R$5,000.00" in page
    for _twice in range(2):
        client.post(reverse("fairs:pay", args=[alone.pk]), {"round_no": "1"})
    page = client.get(url).content.decode()
    assert page.count('data-testid="money-row"') == 3 and 'data-testid="reverse-form"' in page
