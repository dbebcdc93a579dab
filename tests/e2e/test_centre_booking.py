"""Acceptance (issue 11, service centres) in chromium: the centre's staff, in Portuguese, add a plotter
to the catalogue and upload a trend report on the centre's set-up page; a member firm books the
plotter and downloads the publication it is entitled to; a non-member is refused the same slot and the
publication. Screenshots go to /tmp/triplec-e2e/centre-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from tests.centres.conftest import _media_in_tmp, citer  # noqa: F401 (the fixtures)
from tests.e2e.navigation import go_to

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_member_books_the_station_and_downloads_a_publication_a_non_member_cannot(citer, page, login,  # noqa: F811
                                                                                   live_server, shot):
    from django.conf import settings

    from triplec.centres.models import Booking, Publication, Usage

    day = (timezone.localdate() + timedelta(days=5)).isoformat()

    # 0. The centre's staff, in Portuguese, set up the plotter and upload the trend report.
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    login(citer.staff)
    page.goto(f"/centres/{citer.centre.pk}/")
    page.get_by_test_id("setup-link").click()
    expect(page.locator("h1")).to_contain_text("Gerir o centro")
    page.get_by_test_id("add-service-toggle").click()
    form = page.get_by_test_id("service-form")
    form.locator("[name=service-code]").fill("plotter")
    form.locator("[name=service-name]").fill("Plotter de corte")
    form.locator("[name=service-kind]").select_option("equipment")
    form.locator("[name=service-member_price]").fill("40.00")
    form.locator("[name=service-non_member_price]").fill("90.00")
    page.get_by_test_id("add-service").click()
    expect(page.get_by_test_id("setup-service-row").filter(has_text="Plotter de corte")).to_have_count(1)
    upload = page.get_by_test_id("publication-form")
    upload.locator("[name=publication-service]").select_option(str(citer.report.pk))
    upload.locator("[name=publication-title]").fill("Trends 2027/1")
    upload.locator("[name=publication-issued_on]").fill("2027-01-15")
    upload.locator("[name=publication-document]").set_input_files(
        files=[{"name": "trends.html", "mimeType": "text/html", "buffer": b"<html>"}])
    page.get_by_test_id("upload-publication").click()
    expect(page.get_by_test_id("publication-form")).to_contain_text("Uma publicação é um arquivo PDF")
    shot(page, "centre-setup-refused-pt")
    upload = page.get_by_test_id("publication-form")
    upload.locator("[name=publication-document]").set_input_files(
        files=[{"name": "trends-2027-1.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 trends"}])
    page.get_by_test_id("upload-publication").click()
    expect(page.locator("body")).to_contain_text("Publicação enviada")
    shot(page, "centre-setup-pt")
    issue = Publication.objects.get(title="Trends 2027/1")
    page.context.clear_cookies()

    # 1. The member finds the centre, books two hours of the CAD/CAM station at the member's rate.
    login(citer.member)
    page.goto("/")
    go_to(page, "nav-centres")
    page.get_by_test_id("centre-row").filter(has_text="CITER").get_by_role("link").click()
    expect(page.get_by_test_id("my-membership")).to_contain_text("Member until")
    page.get_by_test_id("service-row").filter(has_text="Plotter de corte").get_by_test_id("book-link").click()
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
    page.get_by_test_id("service-row").filter(has_text="Plotter de corte").get_by_test_id("book-link").click()
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
