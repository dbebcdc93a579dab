"""core.idsets.pk_among: "primary key among these ids" passed as one parameter."""

import pytest
from tests.conftest import make_enterprise

from triplec.core.idsets import pk_among
from triplec.registry.models import Enterprise


@pytest.mark.django_db
def test_selects_exactly_the_ids_given():
    firms = [make_enterprise(legal_name=f"Firm {i}", national_id=f"ID-{i}") for i in range(5)]
    wanted = [firms[0].pk, firms[3].pk, 10**9]
    assert set(Enterprise.objects.filter(pk_among(wanted)).values_list("pk", flat=True)) == {firms[0].pk, firms[3].pk}
    assert not Enterprise.objects.filter(pk_among([])).exists()
    assert Enterprise.objects.exclude(pk_among(wanted)).count() == 3


@pytest.mark.django_db
def test_many_ids_travel_as_one_parameter():
    """Not one SQL placeholder per id: Django would prepare and quote each on every compile."""
    qs = Enterprise.objects.filter(pk_among(range(1, 3001))).values_list("pk", flat=True)
    _sql, params = qs.query.get_compiler(qs.db).as_sql()
    assert len(params) == 1
