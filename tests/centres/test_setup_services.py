"""The set-up rules of a centre: publications' size and type limits, a service withdrawn from and put
back in the catalogue, a membership renewed from the end of the last one or after it lapsed."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from triplec.centres.models import Subscription
from triplec.centres.services import catalogue, membership, money
from triplec.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def _publish(citer, filename, content, user=None):
    return catalogue.publish(user or citer.staff, citer.report, title="Trends", issued_on=date(2027, 1, 1),
                             filename=filename, content=content)


@pytest.mark.parametrize(("filename", "content", "refusal"), [
    ("trends.exe", b"MZ...", "PDF, text, CSV or office"),
    ("trends.pdf", b"<html>not a pdf</html>", "is not a PDF"),
    ("trends.xlsx", b"plain text", "is not an office document"),
    ("trends.txt", b"\xff\xfe\x00bad", "not text in UTF-8"),
])
def test_a_publication_of_the_wrong_type_is_refused(citer, filename, content, refusal):
    with pytest.raises(ValidationFailed, match=refusal):
        _publish(citer, filename, content)


def test_a_publication_over_the_size_limit_is_refused(citer, settings):
    settings.TRIPLEC_PUBLICATION_MAX_BYTES = 100
    with pytest.raises(ValidationFailed, match="larger than"):
        _publish(citer, "trends.pdf", b"%PDF-1.4 " + b"x" * 100)
    assert _publish(citer, "trends.pdf", b"%PDF-1.4 " + b"x" * 91).document.size == 100


def test_accepted_publications_keep_their_kind(citer):
    assert _publish(citer, "prices.csv", "insumo;preço\ncouro;12,50\n".encode()).pk
    assert _publish(citer, "note.docx", b"PK\x03\x04rest of a zip").pk
    with pytest.raises(ValidationFailed, match="Give the publication's title"):
        catalogue.publish(citer.staff, citer.report, title=" ", issued_on=date(2027, 1, 1), filename="a.pdf",
                          content=b"%PDF-1.4")


def test_a_service_is_withdrawn_and_offered_again_by_its_centre_only(citer):
    with pytest.raises(PermissionDenied):
        catalogue.set_offered(citer.world.users["other-centre-staff"], citer.note, False)
    with pytest.raises(PermissionDenied):
        catalogue.set_offered(citer.member, citer.note, False)
    assert catalogue.set_offered(citer.staff, citer.note, False).active is False
    citer.note.refresh_from_db()
    assert citer.note.active is False
    assert catalogue.set_offered(citer.admin, citer.note, True).active is True


def test_renewing_starts_the_day_after_the_membership_ends_and_charges_the_fee_again(citer):
    w = citer.world
    current = citer.subscription
    renewed = membership.renew(citer.member, citer.centre, w.ent_a1, on=current.starts_on + timedelta(days=300))
    assert (renewed.starts_on, renewed.fee) == (current.ends_on + timedelta(days=1), Decimal("1200.00"))
    assert money.paid_by_firm(citer.centre, w.ent_a1) == Decimal("2400.00")
    with pytest.raises(ValidationFailed, match="already renewed"):
        membership.renew(citer.member, citer.centre, w.ent_a1, on=current.starts_on + timedelta(days=301))


def test_a_lapsed_membership_renews_from_the_day_of_renewal(citer):
    w = citer.world
    old = membership.subscribe(citer.staff, citer.centre, w.ent_b1, starts_on=date(2024, 3, 1))
    assert membership.status(old, on=date(2025, 2, 28)) == "current"
    assert membership.status(old, on=date(2025, 3, 1)) == "lapsed"
    again = membership.renew(citer.outsider, citer.centre, w.ent_b1, on=date(2025, 6, 10))
    assert (again.starts_on, again.ends_on) == (date(2025, 6, 10), date(2026, 6, 9))
    assert membership.status(again, on=date(2025, 6, 9)) == "coming"
    assert Subscription.objects.filter(enterprise=w.ent_b1).count() == 2


def test_a_firm_never_a_member_cannot_renew(citer):
    with pytest.raises(ValidationFailed, match="has no membership to renew"):
        membership.renew(citer.staff, citer.centre, citer.world.ent_a2)
