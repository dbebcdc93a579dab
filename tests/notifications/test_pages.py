"""The notifications pages: the top bar's badge counts the unread notices, the list shows unread
first, following a notice marks it read and leads to its matter's page, "mark all read" empties the
badge, "check now" refreshes; in Portuguese and Spanish too."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from triplec.notifications.services import inbox

pytestmark = pytest.mark.django_db


@pytest.fixture
def firm_client(expo, signed_up, client_for):
    inbox.refresh(on=date(2027, 12, 20))
    return client_for(expo.world.users["enterprise-user"])


def test_badge_list_open_and_mark_all_read(expo, firm_client):
    page = firm_client.get(reverse("notifications:notice_list")).content.decode()
    assert 'data-testid="notices-badge">3<' in page and page.count('data-testid="notice"') == 3
    first = inbox.open_notices(expo.world.users["enterprise-user"]).first()
    opened = firm_client.get(reverse("notifications:notice_open", args=[first.pk]))
    assert opened.status_code == 302 and opened["Location"] == first.url
    assert firm_client.get(first.url).status_code == 200  # the participation's page, where one acts
    page = firm_client.get(reverse("notifications:notice_list")).content.decode()
    assert 'data-testid="notices-badge">2<' in page
    assert page.index('class="unread"') < page.index(f'/notifications/{first.pk}/open/')  # read ones last
    firm_client.post(reverse("notifications:notices_read_all"))
    page = firm_client.get(reverse("notifications:notice_list")).content.decode()
    assert 'data-testid="notices-badge"' not in page and 'class="unread"' not in page


def test_check_now_refreshes_the_readers_notices(expo, signed_up, client_for):
    client = client_for(expo.world.users["programme-officer"])
    page = client.get(reverse("notifications:notice_list")).content.decode()
    assert "Nothing is waiting for you." in page
    answer = client.post(reverse("notifications:notices_refresh"), follow=True).content.decode()
    assert "Fair costs waiting to be paid" not in answer  # FENAC is more than 30 days away today


@pytest.mark.parametrize("language, words", [
    ("pt-br", ("Notificações", "Acompanhamento com compradores", "Marcar todas como lidas")),
    ("es", ("Notificaciones", "Seguimiento con compradores", "Marcar todas como leídas"))])
def test_the_list_in_portuguese_and_spanish(firm_client, language, words):
    page = firm_client.get(reverse("notifications:notice_list"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    for word in words:
        assert word in page, word
