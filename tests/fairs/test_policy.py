"""fairs.policy on its own: who sees which group stands and participations, who signs whom up, who
records a participation's buyers, orders and follow-ups."""

import pytest

from triplec.fairs import policy

pytestmark = pytest.mark.django_db


def test_stands_and_participations_seen_per_user(expo, signed_up):
    alone, at_stand, b1 = signed_up
    w = expo.world
    seen = {who: (set(policy.visible_stands(w.users[who]).values_list("pk", flat=True)),
                  set(policy.visible_participations(w.users[who]).values_list("pk", flat=True)))
            for who in w.users}
    everything = {alone.pk, b1.pk, *(p.pk for p in at_stand)}
    for who in ("agency-admin", "programme-officer", "broker", "evaluator"):
        assert seen[who] == ({expo.stand.pk}, everything), who
    assert seen["association-manager"] == ({expo.stand.pk}, {p.pk for p in at_stand})
    assert seen["enterprise-user"] == ({expo.stand.pk}, {alone.pk, at_stand[0].pk})
    assert seen["other-enterprise-user"] == (set(), {b1.pk})
    for who in ("other-association-manager", "buyer-staff", "centre-staff"):
        assert seen[who] == (set(), set()), who


def test_who_signs_up_and_who_follows_up(expo, signed_up):
    w = expo.world
    a1_at_stand, b1 = signed_up[1][0], signed_up[2]
    assert policy.can_sign_up(w.users["programme-officer"], w.ent_b1)
    assert not policy.can_sign_up(w.users["broker"], w.ent_b1)
    assert policy.can_sign_up(expo.manager, w.ent_a2, expo.stand)
    assert not policy.can_sign_up(expo.manager, w.ent_a2)  # alone: the firm's own business
    assert not policy.can_sign_up(w.users["other-association-manager"], w.ent_b1, expo.stand)
    assert policy.can_sign_up(w.users["enterprise-user"], w.ent_a1)
    assert not policy.can_sign_up(w.users["enterprise-user"], w.ent_a2, expo.stand)
    assert policy.can_follow_up(expo.manager, a1_at_stand) and not policy.can_follow_up(expo.manager, b1)
    assert policy.can_follow_up(w.users["other-enterprise-user"], b1)
    assert not policy.can_follow_up(w.users["evaluator"], b1)
    assert policy.sees_fairs(w.users["a2-user"]) and not policy.sees_fairs(w.users["centre-staff"])
