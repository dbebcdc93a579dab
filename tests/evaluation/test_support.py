"""The support spells (who was supported, by what, from which year) on plain records of two instruments."""

from __future__ import annotations

from datetime import date

import pytest

from triplec.core.errors import ValidationFailed
from triplec.evaluation.services.support import first_supported, spells

pytestmark = pytest.mark.django_db


def test_fair_participants_from_the_fairs_year(expo, signed_up):
    """ent_a1 alone at FENAC 2027 and at the international fair 2027; ent_b1 and the stand's firms in 2027."""
    w = expo.world
    alone, at_stand, other = signed_up
    firms = {p.enterprise_id for p in (alone, *at_stand, other)}
    assert first_supported("fair-participation") == {firm: 2027 for firm in firms}
    assert first_supported("fair-participation", expo.programme.pk, firms=[w.ent_b1.pk]) == {w.ent_b1.pk: 2027}


def test_a_cancelled_participation_is_no_support(expo, signed_up):
    from triplec.fairs.services import programmes

    other = signed_up[2]
    programmes.cancel(expo.admin, other, reason="no stock", on=date(2027, 3, 20))
    assert other.enterprise_id not in first_supported("fair-participation")


def test_suppliers_from_enrolment_and_homeworkers_left_out(shoes):
    rows = sorted((s.enterprise_id, s.programme_id, s.year) for s in spells("supplier-programme"))
    assert rows == sorted([(shoes.world.ent_a1.pk, shoes.programme.pk, 2026),
                           (shoes.world.ent_b1.pk, shoes.other_programme.pk, 2026)])


def test_every_instrument_by_default(shoes):
    assert first_supported() == {shoes.world.ent_a1.pk: 2026, shoes.world.ent_b1.pk: 2026}


def test_a_programme_needs_its_instrument():
    with pytest.raises(ValidationFailed):
        list(spells(programme=1))
    with pytest.raises(ValidationFailed):
        list(spells("no-such"))
