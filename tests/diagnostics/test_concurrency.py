"""Four threads, each with its own database connection, start a study of one cluster at the same moment:
each gets its own version number, 1 to 4 (the cluster's row is locked while the next number is taken),
and two completions of one draft at once complete it once. PostgreSQL only: SQLite's in-memory test
database cannot hold concurrent writers."""

import pytest
from django.db import connection
from tests import threads

from triplec.core.errors import ValidationFailed
from triplec.diagnostics import services
from triplec.diagnostics.models import Study

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")


def test_concurrent_starts_number_the_versions_one_to_four(wood):
    outcomes = threads.run_together(lambda n, r: services.start_study(wood.officer, wood.cluster).version)
    assert sorted(outcomes) == [1, 2, 3, 4]
    assert sorted(Study.objects.filter(cluster=wood.cluster).values_list("version", flat=True)) == [1, 2, 3, 4]


def test_concurrent_completions_complete_once(wood):
    study = services.start_study(wood.officer, wood.cluster)
    services.update_study(wood.officer, study, {"attributes": {"trust": {"assessment": "weak"}}})
    outcomes = threads.run_together(lambda n, r: services.complete_study(wood.officer, study).status,
                                    refusals={ValidationFailed: "refused"})
    assert sorted(outcomes) == ["completed", "refused", "refused", "refused"]
    assert study.history.filter(status="completed").count() == 1
