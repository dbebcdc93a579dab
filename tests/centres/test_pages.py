"""The centres' pages do what they say: booking through the form (and an overlap refused on it), a
member downloading a publication and a non-member refused, the finance chart's bars, each reader's
own part of a centre's page, and the exchange's explained matches."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from tests.centres.conftest import slot

from triplec.centres.models import Booking, Usage
from triplec.centres.services import bookings, catalogue, exchange, money

pytestmark = pytest.mark.django_db


def test_a_member_books_the_station_and_an_overlap_is_refused_on_the_form(citer, client_for):
    w = citer.world
    start, _end = slot(6, 9)
    url = reverse("centres:book", args=[citer.centre.pk, citer.cadcam.pk])
    data = {"enterprise": w.ent_a1.pk, "day": start.date().isoformat(), "start": "09:00", "hours": "1.5"}
    response = client_for(citer.member).post(url, data)
    assert response.status_code == 302
    made = Booking.objects.get(enterprise=w.ent_a1)
    assert (made.starts_at, made.price, made.member_rate) == (start, Decimal("60.00"), True)
    clash = client_for(citer.outsider).post(url, data | {"enterprise": w.ent_b1.pk, "start": "10:00"})
    assert clash.status_code == 200
    assert "already booked for part of that time" in clash.content.decode()
    assert Booking.objects.count() == 1
    page = client_for(citer.member).get(reverse("centres:centre_detail", args=[citer.centre.pk])).content.decode()
    assert 'data-testid="my-booking-row"' in page and "Member until" in page
    assert 'data-testid="members"' not in page  # a member sees its own part, not the centre's books


def test_a_member_downloads_a_publication_and_a_non_member_is_refused(citer, client_for):
    issue = catalogue.publish(citer.staff, citer.report, title="Trends 2027/1", issued_on=date(2027, 1, 15),
                              filename="trends.pdf", content=b"%PDF-1.4 trends")
    url = reverse("centres:publication", args=[issue.pk])
    got = client_for(citer.member).get(url)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 trends"
    assert got["Cache-Control"] == "private, no-store" and "attachment" in got["Content-Disposition"]
    refused = client_for(citer.outsider).get(url)
    assert refused.status_code == 403
    assert [(u.enterprise_id, u.kind) for u in Usage.objects.filter(publication=issue)] == [
        (citer.world.ent_a1.pk, "download")]
    outsider_page = client_for(citer.outsider).get(reverse("centres:centre_detail", args=[citer.centre.pk]))
    assert 'data-testid="publication-link"' not in outsider_page.content.decode()
    assert "Not a member" in outsider_page.content.decode()


def test_the_finance_page_draws_the_public_share_per_year(citer, client_for):
    c = citer.centre
    money.record_public_funds(citer.admin, c, citer.world.agency, "1000.00", "g2024", on=date(2024, 6, 1))
    money.record_public_funds(citer.admin, c, citer.world.agency, "300.00", "g2025", on=date(2025, 6, 1))
    from triplec.centres.services import membership

    membership.subscribe(citer.staff, c, citer.world.ent_b1, starts_on=date(2025, 1, 2))  # 2400.00
    page = client_for(citer.staff).get(reverse("centres:finance", args=[c.pk])).content.decode()
    assert page.count('data-testid="share-bar"') == 3  # 2024, 2025 and this year's subscription
    assert "<title>2024: 100%</title>" in page
    assert "<title>2025: 11%</title>" in page  # 300 / (300 + 2400)
    assert 'height="200.0"' in page  # 2024's full bar
    portuguese = client_for(citer.staff).get(reverse("centres:finance", args=[c.pk]),
                                             HTTP_ACCEPT_LANGUAGE="pt-br").content.decode()
    assert "<title>2025: 11%</title>" in portuguese and 'height="200.0"' in portuguese  # no decimal comma in SVG


def test_the_matches_page_explains_each_match(citer, client_for):
    w = citer.world
    need = exchange.post(citer.member, citer.centre, w.ent_a1, kind="need", code="sewing", quantity=100)
    exchange.post(citer.outsider, citer.centre, w.ent_b1, kind="capacity", code="sewing", quantity=50)
    page = client_for(citer.member).get(reverse("centres:matches", args=[need.pk])).content.decode()
    assert page.count('data-testid="match-row"') == 1
    assert "Same product or process (sewing)." in page and "(50% of the need)" in page


def test_cancelling_from_the_centre_page_refunds(citer, client_for):
    made = bookings.book(citer.member, citer.cadcam, citer.world.ent_a1, *slot(4, 9))
    response = client_for(citer.member).post(reverse("centres:cancel_booking", args=[made.pk]))
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.cancelled_at is not None
    assert money.income(citer.centre)["fees"] == Decimal("0.00")
