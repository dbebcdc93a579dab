"""The subcontracting exchange: matches by product or process, distance and capacity, each explained,
scored as services/exchange.py says (0.5 process + 0.3 distance + 0.2 capacity), computed by hand."""

import pytest

from triplec.centres.services import exchange
from triplec.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db


def test_matches_are_ranked_and_explained(citer):
    w, c, staff = citer.world, citer.centre, citer.staff
    need = exchange.post(citer.member, c, w.ent_a1, kind="need", code="Sewing.Leather", quantity=1000,
                         unit="pairs")  # ent_a1 is at (-4.3, -38.9)
    far = exchange.post(citer.outsider, c, w.ent_b1, kind="capacity", code="sewing.leather", quantity=500)
    unknown = exchange.post(staff, c, w.ent_a2, kind="capacity", code="sewing", quantity=2000)  # no place
    near = exchange.post(staff, c, w.ent_none, kind="capacity", code="sewing.leather", quantity=1000,
                         latitude=-4.3, longitude=-38.0)  # 0.9 degrees east on the same parallel
    exchange.post(staff, c, w.ent_none, kind="capacity", code="cutting", quantity=900)  # another process
    exchange.post(citer.member, c, w.ent_a1, kind="capacity", code="sewing.leather", quantity=900)  # itself
    gone = exchange.post(staff, c, w.ent_b1, kind="capacity", code="sewing.leather", quantity=900)
    exchange.close(staff, gone)
    exchange.post(w.users["other-centre-staff"], citer.other, w.ent_b1, kind="capacity", code="sewing.leather",
                  quantity=900)  # another centre's exchange
    found = exchange.matches_for(citer.member, need)
    assert [m.offer.pk for m in found] == [near.pk, unknown.pk, far.pk]
    best, middle, last = found
    # 0.9 degrees of longitude at 4.3 degrees south: 0.9 x 111.195 km x cos(4.3) = 99.79 km
    assert best.km == pytest.approx(99.79, abs=0.01)
    assert best.score == pytest.approx(0.5 + 0.3 * (1 - 99.79 / 300) + 0.2, abs=1e-4)  # 0.9002
    assert best.reasons == ["Same product or process (sewing.leather).", "100 km apart.",
                            "Capacity 1000 of 1000 pairs a month (100% of the need)."]
    assert (middle.score, middle.km) == (0.65, None)  # 0.5 x 0.6 + 0.3 x 0.5 + 0.2 x 1
    assert middle.reasons[:2] == ["Related product or process: sewing for sewing.leather.",
                                  "Distance unknown: a place is missing in the register."]
    assert last.score == 0.6  # 0.5 x 1 + 0.3 x 0 (about 3,000 km) + 0.2 x 0.5
    assert last.reasons[2] == "Capacity 500 of 1000 pairs a month (50% of the need)."


def test_exchange_rules(citer):
    w, c = citer.world, citer.centre
    offer = exchange.post(citer.member, c, w.ent_a1, kind="capacity", code="sewing", quantity=10)
    with pytest.raises(ValidationFailed, match="subcontracting need"):
        exchange.matches_for(citer.member, offer)
    with pytest.raises(PermissionDenied):
        exchange.post(citer.member, c, w.ent_b1, kind="need", code="sewing", quantity=10)
    with pytest.raises(PermissionDenied):
        exchange.close(citer.outsider, offer)
    with pytest.raises(PermissionDenied):
        exchange.post(w.users["buyer-staff"], c, w.ent_b1, kind="need", code="sewing", quantity=10)
    with pytest.raises(ValidationFailed):
        exchange.post(citer.member, c, w.ent_a1, kind="need", code="sewing", quantity=0)
    with pytest.raises(ValidationFailed):
        exchange.post(citer.member, c, w.ent_a1, kind="need", code="sewing", quantity=5, latitude=1.0)
