"""What the register's list asks of the database and of Django, independent of timing
(benchmarks/bench_load.py measures the times under load)."""

import pytest
from django.db import connection
from tests.conftest import make_enterprise

from triplec.registry.selectors import EnterpriseFilter, filter_enterprises


def _compiled(qs):
    return qs.query.get_compiler(qs.db).as_sql()


def test_a_selective_search_passes_its_matches_as_one_parameter(world):
    """Up to 5,000 matches of the full-text index used to become one SQL placeholder each, prepared
    and quoted again for every query of the page (the ids, the count, the rows) with the GIL held."""
    for i in range(300):
        make_enterprise(legal_name=f"Serraria Número {i}", national_id=f"S-{i}")
    qs = filter_enterprises(world.users["programme-officer"], EnterpriseFilter(q="serraria"))
    assert qs.count() == 301  # and the world's Serraria Alfa
    _sql, params = _compiled(qs)
    assert len(params) < 20


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's planner, without range statistics")
def test_a_size_class_does_not_read_the_register_through_the_employees_index(world):
    """Micro firms are most of a register: read through the employees index they cost several times
    a scan, and the page then sorts them all instead of walking the name index."""
    qs = filter_enterprises(world.users["programme-officer"], EnterpriseFilter(size="micro", sector="C"))
    sql, params = _compiled(qs)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert "employees" not in plan, plan
    # the sort by employees still has its index
    qs = filter_enterprises(world.users["programme-officer"], EnterpriseFilter(sort="employees"))
    sql, params = _compiled(qs)
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        assert "employees" in " / ".join(row[-1] for row in cursor.fetchall())


def test_the_api_reads_a_selective_filters_page_by_primary_key(world):
    """As the list page does: "the first 50 by name" among a few scattered matches walks the name
    index row after row (a search took a second on PostgreSQL with 110,000 enterprises)."""
    from django.test.utils import CaptureQueriesContext
    from tests.registry.test_api import token_client

    for i in range(60):
        make_enterprise(legal_name=f"Zebu Serraria {i:02d}", national_id=f"Z-{i}", country="CL")
    api = token_client(world.users["programme-officer"])
    with CaptureQueriesContext(connection) as ctx:
        body = api.get("/api/v1/enterprises", {"country": "CL", "limit": 50, "offset": 50}).json()
    assert body["count"] == 60
    assert [e["legal_name"] for e in body["items"]] == [f"Zebu Serraria {i:02d}" for i in range(50, 60)]
    page_sql = [q["sql"] for q in ctx.captured_queries if "LIMIT 50 OFFSET 50" in q["sql"].upper()]
    assert page_sql and all(("json_each" in sql or "unnest" in sql) for sql in page_sql), page_sql
