"""The search box (registry.search through selectors.filter_enterprises): what matches, on SQLite
(FTS5 trigram table kept by triggers) and on PostgreSQL (trigram index over unaccent), and that every
way of writing an enterprise keeps the index current."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from tests.conftest import make_enterprise

from triplec.registry import search
from triplec.registry.importing import writer
from triplec.registry.models import Enterprise
from triplec.registry.selectors import EnterpriseFilter, filter_enterprises

on_sqlite = pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's search table")
on_postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL's search index")


FILTER_FOR = {"counting": False}  # which of filter_enterprises' two ways `found` asks for


def found(user, q: str) -> list[str]:
    qs = filter_enterprises(user, EnterpriseFilter(q=q), counting=FILTER_FOR["counting"])
    return sorted(qs.values_list("legal_name", flat=True))


@pytest.fixture(params=["indexed", "row-by-row", "counted"] if connection.vendor == "sqlite" else ["indexed"])
def officer(request, world, monkeypatch):
    """The programme officer (sees every enterprise). On SQLite each test runs three times: with the
    names matched through the full-text index, row by row as for unselective searches, and as a count
    of a search too wide to collect its ids (through the index's own query)."""
    if request.param in ("row-by-row", "counted"):
        monkeypatch.setattr(search, "SPARSE_LIMIT", 0)
    if request.param == "counted":
        monkeypatch.setitem(FILTER_FOR, "counting", True)
    return world.users["programme-officer"]


def query_plan(user, q: str) -> str:
    sql, params = filter_enterprises(user, EnterpriseFilter(q=q)).order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " / ".join(row[-1] for row in cursor.fetchall())
        # A handful of rows: forbid the scans that read them all, to see which index the planner can use.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


# What matches --------------------------------------------------------------------------------------

@pytest.mark.parametrize("q,expected", [
    ("serraria", ["Serraria Alfa Ltda"]),
    ("serraria alfa", ["Serraria Alfa Ltda"]),
    ("  alfa   serraria ", ["Serraria Alfa Ltda"]),       # any order, any spacing
    ("serraria beta", []),                                # every word must match (Beta is another firm's)
    ("serraria alfa zeta", []),
    ("rrari", ["Serraria Alfa Ltda"]),                    # inside a word
    ("SERRARIA", ["Serraria Alfa Ltda"]),
    ("sErRaRiA aLfA", ["Serraria Alfa Ltda"]),
    ("ria", ["Marcenaria Beta", "Serraria Alfa Ltda"]),
    ("a", ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta", "Serraria Alfa Ltda"]),
    ("ga", ["Calçados Gama"]),                            # words under three letters have no trigram
    ("serraria al", ["Serraria Alfa Ltda"]),              # ... and are checked on the rows the others find
    ("serraria be", []),
    ("ÇA gama", ["Calçados Gama"]),
    ("", ["Calçados Gama", "Marcenaria Beta", "Metalúrgica Delta", "Serraria Alfa Ltda"]),
])
def test_every_word_must_occur_in_a_name(officer, q, expected):
    assert found(officer, q) == expected


@pytest.mark.parametrize("q", ["calçados", "CALÇADOS", "Calçados", "calcados", "CALCADOS", "çado", "cado",
                               "çAdOs gAmA", "cálçádós", "lÇ"])
def test_case_and_accents_are_ignored_both_ways(officer, q):
    assert found(officer, q) == ["Calçados Gama"]


def test_accented_words_find_unaccented_names_and_the_reverse(officer):
    assert found(officer, "metalurgica") == ["Metalúrgica Delta"]
    assert found(officer, "métalùrgîcâ") == ["Metalúrgica Delta"]
    assert found(officer, "sérrâria") == ["Serraria Alfa Ltda"]


def test_trade_name_counts_and_words_may_come_from_both_names(officer):
    make_enterprise(legal_name="Indústria de Móveis Sol Ltda", trade_name="Nascente Móveis", national_id="X1")
    assert found(officer, "nascente") == ["Indústria de Móveis Sol Ltda"]
    assert found(officer, "industria nascente") == ["Indústria de Móveis Sol Ltda"]
    assert found(officer, "moveis") == ["Indústria de Móveis Sol Ltda"]
    # A word does not run from the legal name into the trade name.
    assert found(officer, "ltdanascente") == []
    assert found(officer, "ltda nascente") == ["Indústria de Móveis Sol Ltda"]


@pytest.mark.parametrize("q,expected", [
    ("33.333.333/0001-91", ["Calçados Gama"]),
    ("33.333.333/0001-91 gama", ["Calçados Gama"]),
    ("33.333.333/0001-91 serraria", []),                  # the identifier is one word; the others must match too
    ("33.333.333", []),                                   # the identifier must be whole
    ("0001-33", []),
    ("ab-12x", ["Firm With Letters"]),                    # case ignored
    ("AB-12X", ["Firm With Letters"]),
])
def test_identifier_matches_whole_with_case_ignored(officer, q, expected):
    make_enterprise(legal_name="Firm With Letters", national_id="Ab-12x")
    assert found(officer, q) == expected


def test_like_and_fts_syntax_in_words_is_taken_literally(officer):
    make_enterprise(legal_name='Loja 100% Natural_Bio "O Ponto" (Filial) *1*', national_id="P1")
    loja = ['Loja 100% Natural_Bio "O Ponto" (Filial) *1*']
    for q in ("100%", "0%", "%", "_", "natural_bio", "l_bio", '"o', 'ponto"', "(filial)", "*1*", "*", '"'):
        assert found(officer, q) == loja, q
    for q in ("l_ja", "%ja", "lo%a", "natural%bio", "ponto*", "NEAR(ponto", "loja OR serraria", "\\", "-loja"):
        assert found(officer, q) == [], q


def test_search_stays_scoped_to_what_the_user_may_see(world):
    manager = world.users["association-manager"]
    assert found(manager, "a") == ["Marcenaria Beta", "Serraria Alfa Ltda"]
    assert found(manager, "calcados") == []
    assert found(manager, "33.333.333/0001-91") == []


def test_list_page_search(world, client_for):
    client = client_for(world.users["programme-officer"])
    html = client.get(reverse("enterprise_list"), {"q": "calcados gama"}).content.decode()
    assert "Calçados Gama" in html and "Serraria Alfa" not in html


# Every writer keeps the index current -------------------------------------------------------------

def test_create_update_and_delete_through_the_orm(officer):
    firm = make_enterprise(legal_name="Olaria Pedra", national_id="W1")
    assert found(officer, "olaria") == ["Olaria Pedra"]
    firm.legal_name, firm.trade_name = "Cerâmica Pedra", "Tijolos Ávila"
    firm.save()
    assert found(officer, "olaria") == []
    assert found(officer, "ceramica avila") == ["Cerâmica Pedra"]
    Enterprise.objects.filter(pk=firm.pk).update(trade_name="Telhas")
    assert found(officer, "avila") == [] and found(officer, "telhas") == ["Cerâmica Pedra"]
    Enterprise.objects.filter(pk=firm.pk).update(employees=5)  # another column: the names stay found
    assert found(officer, "telhas") == ["Cerâmica Pedra"]
    firm.delete()
    assert found(officer, "telhas") == []


def test_bulk_create_is_indexed(officer):
    Enterprise.objects.bulk_create([
        Enterprise(legal_name=f"Confecções Ilha {i}", country="BR", national_id=f"B{i}",
                   sector_classification="isic4", sector_code="1410", sector_section="C") for i in range(3)])
    assert found(officer, "confeccoes ilha") == ["Confecções Ilha 0", "Confecções Ilha 1", "Confecções Ilha 2"]


def test_the_import_writers_sql_is_indexed(officer):
    """The bulk import writes with its own INSERT/UPDATE statements (importing.writer), not the ORM."""
    now = timezone.now()
    info = writer.HistoryInfo(user_id=None, reason="test", when=now)
    row = writer.new_row(Enterprise, {"legal_name": "Curtume São Tomé", "trade_name": "", "country": "BR",
                                      "national_id": "I1", "sector_classification": "isic4",
                                      "sector_code": "1511", "sector_section": "C",
                                      "created_at": now, "updated_at": now})
    (row,) = writer.insert(Enterprise, [row], info)
    assert found(officer, "curtume sao tome") == ["Curtume São Tomé"]
    row["trade_name"] = "Couros Açaí"
    writer.update(Enterprise, [row], ["trade_name"], info)
    assert found(officer, "couros acai") == ["Curtume São Tomé"]


def test_the_database_keeps_search_names_whatever_the_instance_holds(officer):
    firm = make_enterprise(legal_name="Ótica Visão", trade_name="ÓTICA Luz", national_id="S1")
    assert firm.search_names == ""  # the instance is not refreshed: the database wrote the column
    firm.refresh_from_db()
    assert firm.search_names == "otica visao otica luz"
    firm.legal_name, firm.search_names = "Relojoaria Visão", "anything"
    firm.save()
    assert Enterprise.objects.get(pk=firm.pk).search_names == "relojoaria visao otica luz"
    Enterprise.objects.filter(pk=firm.pk).update(search_names="garbage")
    assert Enterprise.objects.get(pk=firm.pk).search_names == "relojoaria visao otica luz"
    assert found(officer, "garbage") == [] and found(officer, "relojoaria luz") == ["Relojoaria Visão"]


def test_search_names_is_not_in_the_history(officer):
    firm = make_enterprise(legal_name="Ótica Visão", national_id="S2")
    assert "search_names" not in {f.name for f in firm.history.model._meta.fields}


# How it is done on each database ------------------------------------------------------------------

@on_sqlite
def test_sqlite_selective_search_reads_the_matches_by_id_and_the_identifier_through_its_index(world):
    plan = query_plan(world.users["programme-officer"], "serraria 11.111.111/0001-91")
    assert "SCAN registry_enterprise " not in plan + " ", plan
    assert "SEARCH registry_enterprise USING INTEGER PRIMARY KEY" in plan, plan
    assert "enterprise_national_id_upper" in plan, plan


@on_sqlite
def test_sqlite_unselective_search_checks_each_row_on_its_own_column(world, monkeypatch):
    monkeypatch.setattr(search, "SPARSE_LIMIT", 0)  # "serraria alfa": 1 match, more than 0
    plan = query_plan(world.users["programme-officer"], "serraria alfa")
    assert plan == "SCAN registry_enterprise", plan  # no subquery, no second table


@on_sqlite
def test_sqlite_counts_a_wide_search_through_the_full_text_index(world, monkeypatch):
    monkeypatch.setattr(search, "SPARSE_LIMIT", 0)  # "serraria alfa": too many to collect, few enough to count
    qs = filter_enterprises(world.users["programme-officer"], EnterpriseFilter(q="serraria alfa", sector="C"),
                            counting=True)
    sql, params = qs.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN SELECT count(*) FROM ({sql})", params)
        plan = " / ".join(row[-1] for row in cursor.fetchall())
    assert "registry_enterprise_search VIRTUAL TABLE" in plan and "SCAN registry_enterprise " not in plan + " ", plan
    assert qs.count() == 1
    monkeypatch.setattr(search, "COUNT_THROUGH_INDEX_LIMIT", 0)  # more matches than that: every row's names
    qs = filter_enterprises(world.users["programme-officer"], EnterpriseFilter(q="serraria alfa"), counting=True)
    assert qs.count() == 1 and "registry_enterprise_search" not in str(qs.query)


@on_sqlite
def test_sqlite_triggers_dropped_by_a_table_rebuild_are_put_back_and_the_table_refilled(officer):
    """SQLite's ALTER TABLE in a later migration rebuilds registry_enterprise, which drops its triggers;
    the post_migrate repair puts them back and re-reads the names written meanwhile."""
    with connection.cursor() as cursor:
        for name in search.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    make_enterprise(legal_name="Vidraçaria Luz", national_id="R1")
    Enterprise.objects.filter(legal_name="Serraria Alfa Ltda").update(legal_name="Serraria Omega Ltda")
    assert found(officer, "vidracaria") == []
    assert search.repair_sqlite_search(connection) is True
    assert found(officer, "vidracaria") == ["Vidraçaria Luz"]
    assert found(officer, "omega") == ["Serraria Omega Ltda"] and found(officer, "alfa") == []
    assert search.repair_sqlite_search(connection) is False  # nothing missing: nothing done
    make_enterprise(legal_name="Vidraçaria Sombra", national_id="R2")
    assert found(officer, "vidracaria") == ["Vidraçaria Luz", "Vidraçaria Sombra"]


@on_postgresql
def test_postgresql_search_uses_the_trigram_and_identifier_indexes(world):
    plan = query_plan(world.users["programme-officer"], "serraria 11.111.111/0001-91")
    assert search.PG_NAME_INDEX in plan, plan
    assert "enterprise_national_id_upper" in plan, plan


SAMPLES = ["Calçados", "São João do Aruaru", "Metalúrgica", "Ceará", "Açaí", "Ñandú", "Ærøskøbing", "Œuvre",
           "Straße", "Łódź", "Đà Nẵng", "Smørrebrød", "Crème brûlée", "Škoda", "Ångström", "İzmir", "Þórshöfn",
           "Dvořák", "Hỗ trợ Việt Nam", "Müller-Lüdenscheidt", "ÉCOLE", "Ｆｕｌｌｗｉｄｔｈ", "Ltda. & Cia"]


@on_postgresql
def test_postgresql_folds_as_python_does(db):
    """The two databases ignore the same accents: PostgreSQL's unaccent + lower against `fold`."""
    with connection.cursor() as cursor:
        for text in SAMPLES:
            cursor.execute(f"SELECT {search.FOLD_FUNCTION}(%s)", [text])
            assert cursor.fetchone()[0] == search.fold(text), text


@pytest.mark.nodb
@pytest.mark.parametrize("text,folded", [
    ("Calçados Gama", "calcados gama"), ("SÃO JOÃO", "sao joao"), ("Ærøskøbing", "aeroskobing"),
    ("Straße", "strasse"), ("Łódź", "lodz"), ("Đà Nẵng", "da nang"), ("İzmir", "izmir"),
    ("Ｆｕｌｌ", "full"), ("ΣΟΦΊΑ", "σοφια"), ("МОСКВА", "москва"), ("100% Natural_Bio", "100% natural_bio"),
])
def test_fold(text, folded):
    assert search.fold(text) == folded
