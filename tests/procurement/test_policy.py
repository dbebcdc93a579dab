"""Who sees and does what in procurement: every role, another association's manager and member,
another purchaser's inspector, and anonymous."""

from datetime import date

import pytest

from triplec.procurement import policy

pytestmark = pytest.mark.django_db
DAY = date(2027, 3, 2)
EVERYONE = ("anonymous", "agency-admin", "programme-officer", "broker", "evaluator", "inspector", "other-inspector",
            "aruaru-manager", "association-manager", "other-association-manager", "s1-user", "s2-user",
            "enterprise-user", "other-enterprise-user", "misplaced-inspector")
AGENCY_WIDE = {"agency-admin", "programme-officer", "broker", "evaluator"}


def user(desks, name):
    return None if name == "anonymous" else desks.world.users[name]


def test_who_sees_which_contract(desks, two_contracts):
    c1, c2 = two_contracts
    both = {c1.pk, c2.pk}
    expected = {name: both for name in AGENCY_WIDE}
    expected.update({"inspector": {c1.pk}, "other-inspector": {c2.pk}, "aruaru-manager": {c1.pk},
                     "association-manager": {c2.pk}, "s1-user": {c1.pk}, "s2-user": {c1.pk},
                     "enterprise-user": {c2.pk}})
    for name in EVERYONE:
        seen = set(policy.visible_contracts(user(desks, name)).values_list("pk", flat=True))
        assert seen == expected.get(name, set()), name


def test_members_see_only_their_own_allocations_deliveries_and_money(desks, two_contracts):
    c1, _c2 = two_contracts
    s1, s2 = desks.members[0].pk, desks.members[1].pk
    for name, makers in {"s1-user": {s1}, "s2-user": {s2}, "aruaru-manager": {s1, s2}, "inspector": {s1, s2},
                         "agency-admin": {s1, s2, desks.world.ent_a1.pk}, "other-association-manager": set(),
                         "enterprise-user": {desks.world.ent_a1.pk}, "anonymous": set()}.items():
        u = user(desks, name)
        assert set(policy.visible_allocations(u).values_list("member_id", flat=True)) == makers, name
        assert set(policy.visible_deliveries(u).filter(line__contract=c1).values_list("maker_id", flat=True)) == (
            makers & {s1, s2}), name
        paid = set(policy.visible_payments(u).exclude(member=None).values_list("member_id", flat=True))
        assert paid == makers & {s1, s2}, name


@pytest.mark.parametrize("check,allowed", [
    (policy.can_inspect, {"agency-admin", "programme-officer", "inspector"}),
    (policy.can_record_purchaser_payment, {"agency-admin", "programme-officer", "inspector"}),
    (policy.can_run_contract, {"agency-admin", "programme-officer", "aruaru-manager"}),
    (policy.can_claim_warranty, {"agency-admin", "programme-officer", "inspector", "aruaru-manager"}),
])
def test_who_acts_on_the_sawmills_contract(desks, two_contracts, check, allowed):
    c1, _c2 = two_contracts
    assert {name for name in EVERYONE if check(user(desks, name), c1)} == allowed
    assert check.refusal


def test_every_member_of_the_association_sees_its_scoreboard_and_nobody_else_outside_the_agency(desks, two_contracts):
    allowed = AGENCY_WIDE | {"aruaru-manager", "s1-user", "s2-user"}
    assert {n for n in EVERYONE if policy.can_view_scoreboard(user(desks, n), desks.association)} == allowed
    assert {n for n in EVERYONE if policy.can_manage_association(user(desks, n), desks.association)} == {
        "agency-admin", "programme-officer", "aruaru-manager"}
    assert {n for n in EVERYONE if policy.can_manage_programmes(user(desks, n))} == {
        "agency-admin", "programme-officer"}
