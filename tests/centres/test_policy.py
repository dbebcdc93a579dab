"""Who sees which centres, subscriptions, bookings and usage; who may download a publication."""

from datetime import date

import pytest
from tests.centres.conftest import slot

from triplec.centres import policy
from triplec.centres.services import bookings, catalogue, membership, usage
from triplec.core.errors import NotFound, PermissionDenied

pytestmark = pytest.mark.django_db


def _ids(qs):
    return sorted(qs.values_list("pk", flat=True))


def test_visibility_per_role(citer):
    w = citer.world
    membership.subscribe(citer.outsider, citer.centre, w.ent_b1)
    catalogue.set_fee(w.users["other-centre-staff"], citer.other, "medium", "500.00")
    other_sub = membership.subscribe(w.users["other-centre-staff"], citer.other, w.ent_b1)
    start, end = slot(2, 9)
    mine = bookings.book(citer.member, citer.cadcam, w.ent_a1, start, end)
    everything = _ids(policy.visible_subscriptions(citer.admin))
    assert len(everything) == 3
    both = sorted([citer.centre.pk, citer.other.pk])
    expected_centres = {"agency-admin": both, "evaluator": both, "broker": both, "centre-staff": [citer.centre.pk],
                        "other-centre-staff": [citer.other.pk], "enterprise-user": both,
                        "association-manager": both, "buyer-staff": []}
    for who, want in expected_centres.items():
        assert _ids(policy.visible_centres(w.users[who])) == want, who
    assert _ids(policy.visible_subscriptions(w.users["other-centre-staff"])) == [other_sub.pk]
    assert _ids(policy.visible_subscriptions(citer.member)) == [citer.subscription.pk]
    assert len(_ids(policy.visible_subscriptions(citer.outsider))) == 2  # its own, at both centres
    assert _ids(policy.visible_subscriptions(w.users["association-manager"])) == []
    assert _ids(policy.visible_bookings(citer.member)) == [mine.pk]
    assert _ids(policy.visible_bookings(citer.outsider)) == []
    assert _ids(policy.visible_bookings(w.users["other-centre-staff"])) == []
    assert _ids(policy.visible_bookings(citer.staff)) == [mine.pk]
    assert policy.sees_centre_books(citer.staff, citer.centre)
    assert not policy.sees_centre_books(w.users["other-centre-staff"], citer.centre)
    assert not policy.sees_centre_books(citer.member, citer.centre)


def test_a_centre_staff_user_without_a_centre_sees_nothing(citer):
    from tests.procurement.conftest import add_user

    stray = add_user(citer.world, "stray", "centre-staff", organisation=citer.world.assoc_a)
    assert policy.visible_centres(stray).count() == 0
    assert not policy.can_run_centre(stray, citer.centre)


def test_publications_only_for_current_members_and_every_download_recorded(citer):
    w = citer.world
    issue = catalogue.publish(citer.staff, citer.report, title="Trends 2027/1", issued_on=date(2027, 1, 15),
                              filename="trends-2027-1.pdf", content=b"%PDF-1.4 trends")
    with usage.open_publication(citer.member, issue) as handle:
        assert handle.read() == b"%PDF-1.4 trends"
    with pytest.raises(PermissionDenied, match="current members"):
        usage.open_publication(citer.outsider, issue)
    with pytest.raises(NotFound):
        usage.open_publication(w.users["other-centre-staff"], issue)
    usage.open_publication(citer.staff, issue).close()
    records = list(issue.service.usage.filter(kind="download").values_list("enterprise_id", "user__username"))
    assert sorted(records, key=str) == sorted([(w.ent_a1.pk, "enterprise-user"), (None, "centre-staff")], key=str)


def test_only_publication_services_take_files(citer):
    from triplec.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="Only report"):
        catalogue.publish(citer.staff, citer.cadcam, title="x", issued_on=date(2027, 1, 1), filename="x.pdf",
                          content=b"x")
    with pytest.raises(PermissionDenied):
        catalogue.publish(citer.world.users["other-centre-staff"], citer.report, title="x",
                          issued_on=date(2027, 1, 1), filename="x.pdf", content=b"x")
