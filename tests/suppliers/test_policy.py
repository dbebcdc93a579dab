"""suppliers.policy on its own: what each user sees and may do (the pages and API matrices check the
same through HTTP)."""

import pytest

from triplec.suppliers import policy

pytestmark = pytest.mark.django_db


def names(qs):
    return sorted(str(x) for x in qs)


def test_who_sees_which_programme_and_supplier(shoes):
    u = shoes.world.users
    both = sorted([shoes.programme.name, shoes.other_programme.name])
    for who in ("agency-admin", "programme-officer", "broker", "evaluator"):
        assert names(policy.visible_programmes(u[who])) == both, who
        assert policy.visible_suppliers(u[who]).count() == 3, who
        assert policy.sees_programmes(u[who])
    assert names(policy.visible_programmes(u["buyer-staff"])) == [shoes.programme.name]
    assert names(policy.visible_suppliers(u["buyer-staff"])) == ["Maria das Dores", "Serraria Alfa Ltda"]
    assert names(policy.visible_suppliers(u["enterprise-user"])) == ["Serraria Alfa Ltda"]
    assert names(policy.visible_suppliers(u["other-enterprise-user"])) == ["Calçados Gama"]
    for who in ("association-manager", "other-association-manager", "centre-staff"):
        assert not policy.visible_programmes(u[who]).exists(), who
        assert not policy.sees_programmes(u[who]), who
    assert policy.sees_programmes(u["buyer-staff"]) and policy.sees_programmes(u["enterprise-user"])
    assert not policy.sees_programmes(None)


def test_who_may_act(shoes):
    u = shoes.world.users
    assert [w for w in u if policy.can_manage_programmes(u[w])] == ["agency-admin", "programme-officer"]
    runs = [w for w in u if policy.can_run_programme(u[w], shoes.programme)]
    assert runs == ["agency-admin", "programme-officer", "buyer-staff"]
    updates = [w for w in u if policy.can_update_supplier(u[w], shoes.supplier)]
    assert updates == ["agency-admin", "programme-officer", "enterprise-user", "buyer-staff"]
    assert [w for w in u if policy.can_update_supplier(u[w], shoes.homeworker)] == runs
    whole = [w for w in u if policy.sees_whole_programme(u[w], shoes.programme)]
    assert whole == ["agency-admin", "programme-officer", "broker", "evaluator", "buyer-staff"]
