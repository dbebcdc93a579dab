"""The set-up pages do what they say: a service added and an upload refused on the form with its reason,
a membership joined then renewed by the firm, public funds and the finance exported as CSV and XLSX
to the cent, a need posted and matched with its distance, then withdrawn."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from triplec.centres.models import ExchangePost, Publication, Subscription, Usage
from triplec.centres.services import money

pytestmark = pytest.mark.django_db


def test_staff_add_equipment_and_publish_and_a_wrong_file_is_refused_on_the_form(citer, client_for):
    staff = client_for(citer.staff)
    c = citer.centre
    added = staff.post(reverse("centres:centre_add_service", args=[c.pk]), {
        "service-code": "loom", "service-name": "Jacquard loom", "service-kind": "equipment",
        "service-member_price": "25.50", "service-non_member_price": "60"})
    assert added.status_code == 302
    loom = c.catalogue.get(code="loom")
    assert (loom.is_equipment, loom.member_price, loom.non_member_price) == (True, Decimal("25.50"), Decimal("60"))
    form = {"publication-service": citer.report.pk, "publication-title": "Trends",
            "publication-issued_on": "2027-07-01"}
    refused = staff.post(reverse("centres:centre_publish", args=[c.pk]),
                         form | {"publication-document": SimpleUploadedFile("trends.pdf", b"<html>")})
    assert refused.status_code == 200
    assert "The file is not a PDF, though its name says so." in refused.content.decode()
    assert not Publication.objects.exists()
    sent = staff.post(reverse("centres:centre_publish", args=[c.pk]),
                      form | {"publication-document": SimpleUploadedFile("trends.pdf", b"%PDF-1.4 ok")})
    assert sent.status_code == 302
    issue = Publication.objects.get()
    assert issue.document.read() == b"%PDF-1.4 ok"
    page = client_for(citer.member).get(reverse("centres:centre_detail", args=[c.pk])).content.decode()
    assert reverse("centres:publication", args=[issue.pk]) in page and "Jacquard loom" in page


def test_a_firm_joins_then_renews_and_staff_record_a_paid_use(citer, client_for):
    w = citer.world
    firm = client_for(citer.outsider)
    url = reverse("centres:centre_join", args=[citer.centre.pk])
    assert firm.post(url).status_code == 302
    assert firm.post(url).status_code == 302  # renews: the next year
    years = list(Subscription.objects.filter(enterprise=w.ent_b1).order_by("starts_on"))
    assert [s.fee for s in years] == [Decimal("2400.00")] * 2
    assert years[1].starts_on == date.fromordinal(years[0].ends_on.toordinal() + 1)
    firm.post(url)
    page = firm.get(reverse("centres:centre_detail", args=[citer.centre.pk])).content.decode()
    assert "already renewed" in page
    used = client_for(citer.staff).post(reverse("centres:centre_record_use", args=[citer.centre.pk]), {
        "use-enterprise": w.ent_b1.national_id, "use-service": citer.note.pk, "use-quantity": "3"})
    assert used.status_code == 302
    assert Usage.objects.get(kind="use").charge == Decimal("45.00")  # a member now: 3 x 15.00
    setup = client_for(citer.staff).get(reverse("centres:centre_setup", args=[citer.centre.pk])).content.decode()
    assert setup.count('data-testid="subscription-row"') == 3 and "coming" in setup


def test_finance_is_exported_by_source_per_year(citer, client_for):
    c, w = citer.centre, citer.world
    money.import_year(citer.admin, c, 2020, public="9000.00", subscriptions="600.00", fees="400.00", note="2020")
    funds = client_for(citer.admin).post(reverse("centres:centre_public_funds", args=[c.pk]), {
        "funds-funder": w.agency.pk, "funds-amount": "1000.50", "funds-reference": "g-21",
        "funds-received_on": "2021-05-01"})
    assert funds.status_code == 302
    staff = client_for(citer.staff)
    csv = b"".join(staff.get(reverse("centres:centre_finance_export", args=[c.pk, "csv"]) + "?sep=comma&decimal=point")
                   .streaming_content).decode("utf-8-sig").splitlines()
    assert csv[:3] == ["year,public,subscriptions,fees,total,public_share", "2020,9000.00,600.00,400.00,10000.00,0.9000",
                       "2021,1000.50,0.00,0.00,1000.50,1.0000"]
    xlsx = staff.get(reverse("centres:centre_finance_export", args=[c.pk, "xlsx"]))
    rows = list(load_workbook(io.BytesIO(xlsx.getvalue())).active.values)
    assert rows[0] == ("year", "public", "subscriptions", "fees", "total", "public_share")
    assert rows[1][:5] == (2020, 9000, 600, 400, 10000)
    assert staff.get(reverse("centres:centre_finance_export", args=[c.pk, "pdf"])).status_code == 404


def test_a_need_is_posted_matched_with_its_distance_and_withdrawn(citer, client_for):
    w = citer.world
    w.ent_a1.latitude, w.ent_a1.longitude = -29.68, -51.13  # Novo Hamburgo
    w.ent_a1.save()
    offer = client_for(citer.outsider).post(reverse("centres:exchange_post", args=[citer.centre.pk]), {
        "enterprise": w.ent_b1.national_id, "kind": "capacity", "code": "Stitching.Uppers", "quantity": "500",
        "unit": "pairs", "latitude": "-29.60", "longitude": "-51.08"})  # Campo Bom
    assert offer.status_code == 302
    member = client_for(citer.member)
    sent = member.post(reverse("centres:exchange_post", args=[citer.centre.pk]), {
        "enterprise": w.ent_a1.national_id, "kind": "need", "code": "stitching", "quantity": "1000", "unit": "pairs"})
    need = ExchangePost.objects.get(kind="need")
    assert sent["Location"] == reverse("centres:matches", args=[need.pk])
    page = member.get(sent["Location"]).content.decode()
    assert "Related product or process: stitching.uppers for stitching." in page
    assert "10 km apart." in page and "(50% of the need)" in page
    assert member.post(reverse("centres:exchange_withdraw", args=[need.pk])).status_code == 302
    need.refresh_from_db()
    assert need.closed_on is not None
    assert client_for(citer.outsider).post(reverse("centres:exchange_withdraw", args=[need.pk])).status_code == 403


def test_a_firm_is_picked_by_identifier_or_name_among_thousands(citer, client_for):
    """The set-up forms name a firm in a search box (no <select> of the whole register); the suggestions
    and the form both find it by its identifier with or without punctuation, or by words of its name."""
    from tests.conftest import cnpj

    from triplec.registry.models import Enterprise

    Enterprise.objects.bulk_create(
        Enterprise(legal_name=f"Confecções Sul {i:04d}", country="BR", national_id=cnpj(70000000 + i),
                   sector_classification="isic4", sector_code="1412", sector_section="C", employees=9)
        for i in range(2000))
    c, w = citer.centre, citer.world
    staff = client_for(citer.staff)
    setup = staff.get(reverse("centres:centre_setup", args=[c.pk])).content.decode()
    assert 'data-testid="firm-search"' in setup and "Confecções Sul" not in setup
    options = reverse("centres:firm_options", args=[c.pk]) + "?field=use-enterprise&use-enterprise="
    found = staff.get(options + cnpj(33333333, formatted=True)).content.decode()
    assert found == f'<option value="{w.ent_b1.national_id}">Calçados Gama</option>'
    assert staff.get(options + "confeccoes sul 01").content.decode().count("<option") == 20
    assert client_for(citer.outsider).get(options + "gama").status_code in (403, 404)
    url = reverse("centres:centre_record_use", args=[c.pk])
    use = {"use-service": citer.note.pk, "use-quantity": "1"}
    assert staff.post(url, use | {"use-enterprise": cnpj(33333333, formatted=True)}).status_code == 302
    assert staff.post(url, use | {"use-enterprise": "calcados GAMA"}).status_code == 302
    refused = staff.post(url, use | {"use-enterprise": "Confecções Sul 00"}).content.decode()
    assert "names more than one enterprise" in refused
    assert Usage.objects.filter(kind="use", enterprise=w.ent_b1).count() == 2
