"""The centres' rules, each checked to the cent on the ledger: fees by firm size, member and
non-member rates, bookings that never overlap, cancellation refunds, paid uses, public funds and the
finance by source per year."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from tests.centres.conftest import make_centre, slot

from triplec.centres.models import Booking, Subscription, Usage
from triplec.centres.services import bookings, catalogue, membership, money, usage
from triplec.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_the_yearly_fee_follows_the_firm_size(citer):
    w = citer.world
    sub = citer.subscription
    assert (sub.size_class, sub.fee) == ("small", Decimal("1200.00"))  # ent_a1: 12 employees
    assert sub.ends_on == sub.starts_on.replace(year=sub.starts_on.year + 1) - timedelta(days=1)
    micro = membership.subscribe(citer.staff, citer.centre, w.ent_a2, starts_on=date(2027, 2, 1))  # 3 employees
    medium = membership.subscribe(citer.staff, citer.centre, w.ent_b1, starts_on=date(2027, 2, 1))  # 80
    assert (micro.fee, medium.fee, micro.ends_on) == (Decimal("600.00"), Decimal("2400.00"), date(2028, 1, 31))
    assert money.paid_by_firm(citer.centre, w.ent_a2) == Decimal("600.00")
    assert money.income(citer.centre)["subscriptions"] == Decimal("4200.00")


def test_a_firm_is_member_once_at_a_time_and_a_size_without_fee_is_refused(citer):
    w = citer.world
    with pytest.raises(ValidationFailed, match="already a member"):
        membership.subscribe(citer.staff, citer.centre, w.ent_a1,
                             starts_on=citer.subscription.starts_on + timedelta(days=200))
    later = membership.subscribe(citer.staff, citer.centre, w.ent_a1,
                                 starts_on=citer.subscription.ends_on + timedelta(days=1))
    assert later.fee == Decimal("1200.00")
    w.ent_none.employees = None
    w.ent_none.save()
    with pytest.raises(ValidationFailed, match="no yearly fee for unknown firms"):
        membership.subscribe(citer.staff, citer.centre, w.ent_none)
    assert Subscription.objects.filter(enterprise=w.ent_none).count() == 0


def test_a_firm_subscribes_itself_but_not_another(citer):
    w = citer.world
    with pytest.raises(PermissionDenied):
        membership.subscribe(citer.outsider, citer.centre, w.ent_a2)
    with pytest.raises(PermissionDenied):
        membership.subscribe(w.users["other-centre-staff"], citer.centre, w.ent_b1)
    assert membership.subscribe(citer.outsider, citer.centre, w.ent_b1).fee == Decimal("2400.00")


def test_booking_is_charged_per_hour_at_member_or_non_member_rate(citer):
    w = citer.world
    start, end = slot(3, 9, hours=2)
    mine = bookings.book(citer.member, citer.cadcam, w.ent_a1, start, end)
    assert (mine.price, mine.member_rate) == (Decimal("80.00"), True)  # 2 h x 40.00
    start, end = slot(3, 14)
    theirs = bookings.book(citer.outsider, citer.cadcam, w.ent_b1, start, start + timedelta(minutes=95))
    assert (theirs.price, theirs.member_rate) == (Decimal("142.50"), False)  # 95/60 h x 90.00
    assert money.income(citer.centre)["fees"] == Decimal("222.50")
    assert money.paid_by_firm(citer.centre, w.ent_b1) == Decimal("142.50")
    use = Usage.objects.get(booking=theirs)
    assert (use.kind, use.quantity, use.charge, use.enterprise) == ("booking", Decimal("1.58"), Decimal("142.50"),
                                                                     w.ent_b1)


def test_a_booking_never_overlaps_a_live_one(citer):
    w = citer.world
    start, end = slot(5, 9, hours=3)  # 09:00-12:00
    bookings.book(citer.member, citer.cadcam, w.ent_a1, start, end)
    for s, e in [(start + timedelta(hours=2), end + timedelta(hours=1)),  # 11-13
                 (start - timedelta(hours=1), start + timedelta(minutes=1)),  # 08-09:01
                 (start + timedelta(hours=1), start + timedelta(hours=2))]:  # inside
        with pytest.raises(ValidationFailed, match="already booked"):
            bookings.book(citer.staff, citer.cadcam, w.ent_b1, s, e)
    after = bookings.book(citer.staff, citer.cadcam, w.ent_b1, end, end + timedelta(hours=1))  # touching ends
    assert after.starts_at == end
    assert Booking.objects.filter(equipment=citer.cadcam).count() == 2


def test_cancelling_refunds_and_frees_the_slot(citer):
    w = citer.world
    start, end = slot(2, 10)
    first = bookings.book(citer.member, citer.cadcam, w.ent_a1, start, end)
    bookings.cancel(citer.member, first)
    assert money.paid_by_firm(citer.centre, w.ent_a1) == Decimal("1200.00")  # only the subscription
    assert money.income(citer.centre)["fees"] == Decimal("0.00")
    again = bookings.book(citer.outsider, citer.cadcam, w.ent_b1, start, end)
    assert again.price == Decimal("180.00")
    with pytest.raises(ValidationFailed, match="before it starts"):
        bookings.cancel(citer.outsider, again, now=end)
    with pytest.raises(PermissionDenied):
        bookings.cancel(citer.member, again)


def test_booking_rules(citer):
    w = citer.world
    start, end = slot(1, 8)
    with pytest.raises(ValidationFailed, match="members only"):
        catalogue.add_service(citer.staff, citer.centre, code="lab", name="Lab", kind="equipment",
                              member_price="10.00")
        bookings.book(citer.outsider, citer.centre.catalogue.get(code="lab"), w.ent_b1, start, end)
    with pytest.raises(ValidationFailed, match="end after it starts"):
        bookings.book(citer.member, citer.cadcam, w.ent_a1, end, start)
    with pytest.raises(ValidationFailed, match="at most 12 hours"):
        bookings.book(citer.member, citer.cadcam, w.ent_a1, start, start + timedelta(hours=13))
    with pytest.raises(ValidationFailed, match="in the past"):
        bookings.book(citer.member, citer.cadcam, w.ent_a1, start, end, now=end)
    with pytest.raises(ValidationFailed, match="Only shared equipment"):
        bookings.book(citer.member, citer.note, w.ent_a1, start, end)
    with pytest.raises(PermissionDenied):
        bookings.book(citer.member, citer.cadcam, w.ent_b1, start, end)


def test_paid_use_at_member_and_non_member_price(citer):
    w = citer.world
    mine = usage.record_use(citer.member, citer.note, w.ent_a1, quantity=3)
    theirs = usage.record_use(citer.staff, citer.note, w.ent_b1, quantity=2, key="req-1")
    again = usage.record_use(citer.staff, citer.note, w.ent_b1, quantity=2, key="req-1")
    assert (mine.charge, theirs.charge, again.pk) == (Decimal("45.00"), Decimal("70.00"), theirs.pk)
    with pytest.raises(ValidationFailed, match="members only"):
        usage.record_use(citer.staff, citer.training, w.ent_b1)
    free = usage.record_use(citer.member, citer.report, w.ent_a1)
    assert (free.charge, free.transaction) == (Decimal("0.00"), None)
    assert money.income(citer.centre)["fees"] == Decimal("115.00")
    with pytest.raises(ValidationFailed, match="by booking it"):
        usage.record_use(citer.member, citer.cadcam, w.ent_a1)


def test_public_funds_and_finance_by_source_per_year(citer):
    w, c = citer.world, citer.centre
    funder = w.agency
    money.record_public_funds(citer.admin, c, funder, "9000.00", "grant-2024", on=date(2024, 3, 1))
    money.record_public_funds(citer.admin, c, funder, "9000.00", "grant-2024", on=date(2024, 3, 1))  # sent twice
    money.record_public_funds(citer.admin, c, funder, "3000.00", "grant-2025", on=date(2025, 3, 1))
    membership.subscribe(citer.staff, c, w.ent_b1, starts_on=date(2025, 1, 10))  # 2400.00
    usage.record_use(citer.staff, citer.note, w.ent_b1, quantity=4, on=date(2025, 5, 2))  # 4 x 15.00 (a member now)
    with pytest.raises(PermissionDenied):
        money.record_public_funds(citer.staff, c, funder, "1.00", "x")
    # (the fixture's own subscription of ent_a1, 1200.00, falls in this year: not in these two)
    years = {y.year: y for y in money.finance_by_year(c)}
    y24, y25 = years[2024], years[2025]
    assert (y24.public, y24.subscriptions, y24.fees, y24.public_share) == (
        Decimal("9000.00"), Decimal(0), Decimal(0), Decimal(1))
    assert (y25.public, y25.subscriptions, y25.fees, y25.total) == (
        Decimal("3000.00"), Decimal("2400.00"), Decimal("60.00"), Decimal("5460.00"))
    assert round(y25.public_share, 4) == Decimal("0.5495")  # 3000 / 5460
    assert money.finance_by_year(citer.other) == []


def test_a_centre_is_an_organisation_of_kind_service_centre(citer):
    from triplec.registry.models import Organisation

    w = citer.world
    with pytest.raises(ValidationFailed, match="service centre"):
        from triplec.centres.services import catalogue as cat

        cat.create_centre(citer.admin, organisation=w.assoc_a, scope="transversal", function="quality",
                          currency="BRL")
    with pytest.raises(ValidationFailed, match="names the sector"):
        make_centre(citer.admin, "Sectorless", sector_code="")
    with pytest.raises(PermissionDenied):
        make_centre(citer.staff, "By staff")
    assert Organisation.objects.filter(name="CITER").get().centre == citer.centre


def test_timezone_is_required(citer):
    start, end = slot(1, 8)
    naive = timezone.make_naive(start)
    with pytest.raises(ValidationFailed, match="time zone"):
        bookings.book(citer.member, citer.cadcam, citer.world.ent_a1, naive, naive + timedelta(hours=1))


def test_a_past_year_imported_from_the_annual_accounts_counts_once(citer):
    c = citer.centre
    for _ in range(2):
        money.import_year(citer.admin, c, 2019, public="700.00", subscriptions="200.00", fees="100.00",
                          note="Annual accounts 2019")
    with pytest.raises(PermissionDenied):
        money.import_year(citer.staff, c, 2018, public="1", subscriptions="0", fees="0", note="x")
    (y2019,) = [y for y in money.finance_by_year(c) if y.year == 2019]
    assert (y2019.total, y2019.public_share) == (Decimal("1000.00"), Decimal("0.7"))
