"""The dashboard's cached aggregates are kept while the database is unchanged, and never served stale:
a corrected panel year, an imported panel file, a bulk SQL update, a new support record and its
cancellation each show on the next request. Outside a test transaction (`transaction=True`), as a
server runs: inside one nothing is kept (core.query_cache)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from triplec.evaluation.models import FirmYear
from triplec.evaluation.services import panel, panel_import
from triplec.evaluation.services.dashboard import Filters, dashboard

pytestmark = pytest.mark.django_db(transaction=True)


def outcomes(user) -> dict:
    table = next(t for t in dashboard(user, Filters()) if t.id == "outcomes")
    return {r["year"]: (r["supported_n"], r["supported_employment"], r["others_n"], r["others_employment"])
            for r in table.rows}


def reached(user) -> int:
    table = next(t for t in dashboard(user, Filters()) if t.id == "reach")
    return sum(r["firms"] for r in table.rows if r["in_group"] is None)


def test_kept_while_unchanged_and_recomputed_after_every_kind_of_write(world, expo, signed_up):
    from triplec.fairs.services import programmes

    evaluator, admin = world.users["evaluator"], world.users["agency-admin"]
    panel.record_year(admin, world.ent_a1, 2027, employment=14)
    panel.record_year(admin, world.ent_none, 2027, employment=300)
    assert outcomes(evaluator)[2027] == (1, 14, 1, 300)
    with CaptureQueriesContext(connection) as asked:  # the same request again: every table from the cache
        dashboard(evaluator, Filters())
    # the tables' versions (one read for the whole dashboard), the programme's name
    assert len(asked.captured_queries) <= 2, asked.captured_queries

    panel.record_year(admin, world.ent_a1, 2027, employment=20)  # a page's correction
    assert outcomes(evaluator)[2027] == (1, 20, 1, 300)

    data = f"national_id;year;employment\n{world.ent_b1.national_id};2027;80\n".encode()
    panel_import.import_panel(admin, data, filename="panel.csv", country="BR")  # an imported file
    assert outcomes(evaluator)[2027] == (2, 50, 1, 300)

    FirmYear.objects.filter(enterprise=world.ent_none).update(employment=100)  # bulk SQL, no signal
    assert outcomes(evaluator)[2027] == (2, 50, 1, 100)

    assert reached(evaluator) == 4
    late = programmes.sign_up(admin, expo.national, world.ent_none, cost="1000.00", on=date(2027, 3, 2))
    assert reached(evaluator) == 5  # a new support record
    assert outcomes(evaluator)[2027] == (3, Decimal("66.7"), 0, None)
    programmes.cancel(admin, late, reason="no stock", on=date(2027, 3, 3))
    assert reached(evaluator) == 4  # and its cancellation
    assert outcomes(evaluator)[2027] == (2, 50, 1, 100)


def test_kept_after_a_write_to_tables_it_does_not_read(world, expo, signed_up):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    evaluator, admin = world.users["evaluator"], world.users["agency-admin"]
    panel.record_year(admin, world.ent_a1, 2027, employment=14)
    assert outcomes(evaluator)[2027] == (1, 14, 0, None)
    get_user_model().objects.filter(pk=evaluator.pk).update(last_login=timezone.now())  # a login
    with CaptureQueriesContext(connection) as asked:
        assert outcomes(evaluator)[2027] == (1, 14, 0, None)
    assert not any("evaluation_firmyear" in q["sql"] for q in asked.captured_queries), asked.captured_queries
    assert len(asked.captured_queries) <= 2, asked.captured_queries  # the tables' versions, the programme's name


def test_recomputed_after_a_deletion_by_raw_sql(world, expo, signed_up):
    evaluator, admin = world.users["evaluator"], world.users["agency-admin"]
    panel.record_year(admin, world.ent_a1, 2027, employment=14)
    panel.record_year(admin, world.ent_none, 2027, employment=300)
    assert outcomes(evaluator)[2027] == (1, 14, 1, 300)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM evaluation_firmyear WHERE enterprise_id = %s", [world.ent_none.pk])
    assert outcomes(evaluator)[2027] == (1, 14, 0, None)
