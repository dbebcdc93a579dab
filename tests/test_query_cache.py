"""core.query_cache: a costly result read once while the database is unchanged, read again after ANY
committed write (this connection's or another's), never kept inside a transaction."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from tests.conftest import cnpj, make_enterprise

from triplec.core import query_cache
from triplec.registry import selectors
from triplec.registry.models import Enterprise


def in_another_connection(work) -> None:
    """`work()` in a thread: Django gives it a connection of its own, closed afterwards."""
    from django.db import connections

    failures = []

    def run():
        try:
            work()
        except Exception as exc:  # noqa: BLE001  (reported by the test below)
            failures.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert not failures, failures


def counts_run(queries) -> int:
    return sum("COUNT(" in q["sql"].upper() for q in queries)


@pytest.mark.django_db(transaction=True)
def test_a_count_is_read_once_until_a_write_of_this_or_another_connection():
    for i in range(3):
        make_enterprise(legal_name=f"Serraria {i} Ltda", national_id=cnpj(i))
    qs = Enterprise.objects.filter(legal_name__contains="Ltda")
    # PostgreSQL's snapshot is the whole server's: a transaction of another test process between two reads
    # rightly makes the second one count again, so the pair is tried a few times
    second_reads = []
    for _ in range(5):
        assert selectors.count(qs) == 3
        with CaptureQueriesContext(connection) as queries:
            assert selectors.count(qs) == 3
        second_reads.append(counts_run(queries))
        if second_reads[-1] == 0:
            break
    assert second_reads[-1] == 0, second_reads

    make_enterprise(legal_name="Serraria 3 Ltda", national_id=cnpj(3))  # this connection writes
    assert selectors.count(qs) == 4

    in_another_connection(lambda: make_enterprise(legal_name="Serraria 4 Ltda", national_id=cnpj(4)))
    assert selectors.count(qs) == 5
    in_another_connection(lambda: Enterprise.objects.filter(legal_name="Serraria 0 Ltda").delete())
    assert selectors.count(qs) == 4
    in_another_connection(lambda: Enterprise.objects.filter(legal_name="Serraria 1 Ltda").update(legal_name="Other"))
    assert selectors.count(qs) == 3
    with CaptureQueriesContext(connection) as queries:
        assert selectors.count(qs) == 3
    assert counts_run(queries) == 0


@pytest.mark.django_db(transaction=True)
def test_a_search_page_shows_what_another_connection_added_since_the_same_search():
    from django.test import Client

    from triplec.accounts.models import User

    officer = User.objects.create(username="officer", role="programme-officer")
    for i in range(60):  # more than a page: counted, and the page read by its ids
        make_enterprise(legal_name=f"Serraria {i:02d} Ltda", national_id=cnpj(i))

    client = Client()
    client.force_login(officer)
    url = reverse("enterprise_list")
    for params in ({"sector": "C"}, {"q": "ltda"}):  # SQL that does not / does depend on the matches
        assert "<strong>60</strong>" in client.get(url, params).content.decode()
    assert "<strong>60</strong>" in client.get(url, {"sector": "C"}).content.decode()
    in_another_connection(lambda: make_enterprise(legal_name="Serraria 00 A Ltda", national_id=cnpj(99)))
    for params in ({"sector": "C"}, {"q": "ltda"}):
        page = client.get(url, params).content.decode()
        assert "<strong>61</strong>" in page and "Serraria 00 A Ltda" in page
    api = client.get("/api/v1/enterprises", {"sector": "C", "limit": 2}).json()
    assert api["count"] == 61
    assert [e["legal_name"] for e in api["items"]] == ["Serraria 00 A Ltda", "Serraria 00 Ltda"]


@pytest.mark.django_db
def test_nothing_is_kept_inside_a_transaction():
    """Its own writes could be rolled back under an unchanged version."""
    make_enterprise(legal_name="Serraria Ltda")
    qs = Enterprise.objects.all()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert selectors.count(qs) == 1
        assert selectors.count(qs) == 1
    assert counts_run(queries) == 2


@pytest.mark.django_db(transaction=True)
def test_an_empty_queryset_needs_no_query_and_is_not_kept():
    assert query_cache.cached("count", Enterprise.objects.none(), lambda: 0) == 0


def test_the_oldest_used_result_is_dropped_first():
    results = query_cache._Results(size=2)
    results.put("a", 1)
    results.put("b", 2)
    assert results.get("a", None) == 1  # a is now the most recently used
    results.put("c", 3)
    assert results.get("b", None) is None
    assert (results.get("a", None), results.get("c", None)) == (1, 3)
