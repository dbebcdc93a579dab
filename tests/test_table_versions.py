"""core.table_versions: every write to a table moves its version (raw SQL, deletions, PostgreSQL's
TRUNCATE included), a write elsewhere does not, a result is kept while the tables it read are
unchanged, and PostgreSQL's folding of a table's log keeps its version."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from tests.conftest import cnpj, make_enterprise

from triplec.core import table_versions
from triplec.registry.models import Enterprise

pytestmark = pytest.mark.django_db(transaction=True)


def version(table: str) -> int:
    return table_versions.versions(connection).get(table, 0)


def raw(sql: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_every_kind_of_write_moves_the_version_of_its_table_only():
    assert table_versions.install(connection) == 0  # migrate installed every trigger
    before, users = version("registry_enterprise"), version("accounts_user")
    firm = make_enterprise(legal_name="Serraria Ltda", national_id=cnpj(1))
    after_insert = version("registry_enterprise")
    assert after_insert > before
    raw("UPDATE registry_enterprise SET legal_name = 'Other' WHERE id = %s", [firm.pk])
    assert version("registry_enterprise") > after_insert
    after_update = version("registry_enterprise")
    history = version("registry_historicalenterprise")
    raw("DELETE FROM registry_historicalenterprise WHERE id = %s", [firm.pk])
    assert version("registry_historicalenterprise") > history
    assert version("registry_enterprise") == after_update
    assert version("accounts_user") == users
    if connection.vendor == "postgresql":
        moved = version("registry_enterprise")
        history = version("registry_historicalenterprise")
        raw("TRUNCATE registry_historicalenterprise")
        assert version("registry_historicalenterprise") > history and version("registry_enterprise") == moved


def test_kept_until_a_table_it_read_changes():
    make_enterprise(legal_name="Serraria Ltda", national_id=cnpj(1))
    runs = []

    def count():
        runs.append(1)
        return Enterprise.objects.count()

    assert table_versions.remember("default", "test-count", count) == 1
    raw("UPDATE accounts_user SET last_login = NULL")  # a table it did not read
    assert table_versions.remember("default", "test-count", count) == 1
    assert len(runs) == 1
    make_enterprise(legal_name="Padaria Ltda", national_id=cnpj(2))
    assert table_versions.remember("default", "test-count", count) == 2
    with transaction.atomic():  # nothing kept inside a transaction
        table_versions.remember("default", "test-count", count)
    assert len(runs) == 3


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_folding_a_tables_log_keeps_its_version():
    for _ in range(3):
        raw("UPDATE accounts_user SET last_login = NULL")
    before = version("accounts_user")
    assert table_versions.fold(connection) >= 1  # the worker's housekeeping
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table_versions.POSTGRES_TABLE} WHERE name = 'accounts_user'")
        assert cursor.fetchone()[0] == 1
    assert version("accounts_user") == before
    raw("UPDATE accounts_user SET last_login = NULL")
    assert version("accounts_user") == before + 1
