"""Membership.current_q: the one rule for "membership current on a date", the same as is_active_on."""

from datetime import date, timedelta

import pytest

from triplec.registry.models import Enterprise, Membership

pytestmark = pytest.mark.django_db


def test_current_q_matches_is_active_on_around_start_and_end(world):
    start, end = date(2024, 3, 1), date(2024, 9, 30)
    Membership.objects.filter(enterprise=world.ent_a1).delete()
    ended = Membership.objects.create(enterprise=world.ent_a1, association=world.assoc_a,
                                      start_date=start, end_date=end)
    for day in (start - timedelta(days=1), start, end, end + timedelta(days=1)):
        found = Membership.objects.filter(Membership.current_q(day), pk=ended.pk).exists()
        assert found == ended.is_active_on(day), day
    assert Membership.objects.filter(Membership.current_q(end), pk=ended.pk).exists()
    assert not Membership.objects.filter(Membership.current_q(end + timedelta(days=1)), pk=ended.pk).exists()


def test_current_q_through_a_relation_and_open_ended(world):
    Membership.objects.filter(enterprise=world.ent_a1).delete()
    Membership.objects.create(enterprise=world.ent_a1, association=world.assoc_a, start_date=date(2020, 1, 1))
    members = Enterprise.objects.filter(Membership.current_q(date(2030, 1, 1), prefix="memberships__"),
                                        memberships__association=world.assoc_a)
    assert world.ent_a1 in members
    before = Enterprise.objects.filter(Membership.current_q(date(2019, 12, 31), prefix="memberships__"),
                                       pk=world.ent_a1.pk)
    assert not before.exists()
