"""Acceptance (issue 11, service centres) in chromium: a member firm books the CAD/CAM station and
downloads a publication it is entitled to; a non-member is refused the same slot and the publication.
Screenshots go to /tmp/triplec-e2e/centre-*.png."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.centres.conftest import _media_in_tmp, citer  # noqa: F401 (the fixtures)
from tests.e2e.navigation import go_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_books_the_station_and_downloads_a_publication_a_non_member_cannot(citer, page, login,  # noqa: F811
                                                                                   live_server, shot):
    from triplec.centres.models import Booking, Usage
    from triplec.centres.services import catalogue

    issue = catalogue.publish(citer.staff, citer.report, title="Trends 2027/1", issued_on=date(2027, 1, 15),
                              filename="trends-2027-1.pdf", content=b"%PDF-1.4 trends")
    day = (timezone.localdate() + timedelta(days=5)).isoformat()

    # 1. The member finds the centre, books two hours of the CAD/CAM station at the member's rate.
    login(citer.member)
    page.goto("/")
    go_to(page, "nav-centres")
    page.get_by_test_id("centre-row").filter(has_text="CITER").get_by_role("link").click()
    expect(page.get_by_test_id("my-membership")).to_contain_text("Member until")
    page.get_by_test_id("book-link").click()
    page.get_by_label("Day").fill(day)
    page.get_by_label("Starts at").fill("09:00")
    page.get_by_label("Hours").select_option("2")
    shot(page, "centre-booking-form")
    page.get_by_test_id("confirm-booking").click()
    page.wait_for_url(f"**/centres/{citer.centre.pk}/")
    expect(page.get_by_test_id("my-booking-row")).to_have_count(1)
    expect(page.get_by_test_id("my-booking-row")).to_contain_text("80.00")
    assert Booking.objects.get(enterprise=citer.world.ent_a1).price == 80

    # 2. It downloads the trend report it is entitled to; the download is recorded.
    with page.expect_download() as fetched:
        page.get_by_test_id("publication-link").click()
    assert open(fetched.value.path(), "rb").read() == b"%PDF-1.4 trends"
    assert Usage.objects.filter(publication=issue, enterprise=citer.world.ent_a1, kind="download").count() == 1
    shot(page, "centre-member")

    # 3. A non-member: the same slot is refused on the form, the publication is not offered nor served.
    page.context.clear_cookies()
    login(citer.outsider)
    page.goto(f"/centres/{citer.centre.pk}/")
    expect(page.get_by_test_id("my-membership")).to_contain_text("Not a member")
    expect(page.get_by_test_id("publication-link")).to_have_count(0)
    page.get_by_test_id("book-link").click()
    page.get_by_label("Day").fill(day)
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_test_id("confirm-booking").click()
    expect(page.get_by_test_id("field-error").or_(page.get_by_test_id("form-errors"))).to_contain_text(
        "already booked")
    shot(page, "centre-non-member-refused")
    response = page.goto(f"/centres/publications/{issue.pk}/")
    assert response.status == 403
    assert Booking.objects.count() == 1
    assert Usage.objects.filter(publication=issue).count() == 1
