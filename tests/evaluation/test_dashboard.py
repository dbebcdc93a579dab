"""The programme dashboard's tables against hand-computed cases from plain records: the fairs' fixture
(tests/fairs/conftest.py `signed_up`: ent_a1 alone at FENAC 2027; ent_a1, ent_a2, ent_a3 at assoc_a's
MICAM stand; ent_b1 alone at MICAM) and panel years written here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from tests.networks.conftest import nets  # noqa: F401 (the fixture)

from triplec.core.errors import ValidationFailed
from triplec.evaluation.models import FirmYear
from triplec.evaluation.services.dashboard import Filters, dashboard, parse_filters

pytestmark = pytest.mark.django_db


def by_id(user, filters: Filters | None = None) -> dict:
    return {t.id: t for t in dashboard(user, filters or Filters())}


def panel(world, expo):
    rows = [(world.ent_a1, 2026, 10, "100.00"), (world.ent_a1, 2027, 14, "300.00"), (world.ent_b1, 2027, 80, None),
            (world.ent_none, 2027, 300, "1000.00")]
    for firm, year, employment, sales in rows:
        FirmYear.objects.create(enterprise=firm, year=year, employment=employment, currency="BRL" if sales else "",
                                sales=Decimal(sales) if sales else None)


@pytest.fixture
def paid(expo, signed_up):
    from triplec.fairs.services import money

    alone = signed_up[0]
    money.pay_costs(expo.admin, alone, on=date(2027, 4, 1))
    alone.refresh_from_db()
    return alone


def test_reach_fairs_and_money_by_hand(world, expo, signed_up, paid):
    tables = by_id(world.users["evaluator"])
    reach = tables["reach"].rows
    assert [(r["year"], r["firms"], r["in_group"], r["individually"]) for r in reach if r["instrument"] == "Fair participation"] \
        == [(2027, 4, 3, 1)]  # a1, a2, a3 at the stand (a1 also alone); b1 alone
    assert [(r["year"], r["firms"]) for r in reach if r["in_group"] is None] == [(2027, 4)]
    assert tables["fairs"].rows == [{"year": 2027, "currency": "BRL", "participations": 5, "firms": 4,
                                     "subsidies": paid.subsidy}]
    assert paid.subsidy > 0
    money = tables["money"].rows
    assert money == [{"year": 2027, "currency": "BRL", "public": paid.subsidy, "private": Decimal("10000") - paid.subsidy,
                      "private_share": ((Decimal("10000") - paid.subsidy) / 100).quantize(Decimal("0.1"))}]


def test_a_reversed_payment_counts_for_nothing(world, expo, signed_up, paid):
    from triplec.fairs.services import money

    money.reverse_payment(expo.admin, paid, reason="wrong amount", on=date(2027, 4, 2))
    tables = by_id(world.users["evaluator"])
    assert tables["money"].rows == []
    assert tables["fairs"].rows[0]["subsidies"] == 0


def test_outcomes_of_supported_and_other_firms_by_hand(world, expo, signed_up):
    panel(world, expo)
    tables = by_id(world.users["evaluator"])
    rows = {r["year"]: r for r in tables["outcomes"].rows}
    assert (rows[2026]["supported_n"], rows[2026]["supported_employment"], rows[2026]["others_n"],
            rows[2026]["others_employment"]) == (1, Decimal("10.0"), 0, None)
    assert (rows[2027]["supported_n"], rows[2027]["supported_employment"], rows[2027]["others_n"],
            rows[2027]["others_employment"]) == (2, Decimal("47.0"), 1, Decimal("300.0"))
    money = {r["year"]: r for r in tables["outcomes-money"].rows}
    assert (money[2027]["supported_n"], money[2027]["supported_sales"], money[2027]["others_sales"]) \
        == (1, Decimal("300.0"), Decimal("1000.0"))


def test_filters_year_instrument_territory_sector(world, expo, signed_up):
    panel(world, expo)
    evaluator = world.users["evaluator"]
    aruaru = world.ent_a1.territory
    country = aruaru.parent.parent
    in_country = by_id(evaluator, Filters(territory=country.pk))  # descendants: the municipality's firms
    assert [(r["year"], r["supported_n"], r["supported_employment"], r["others_n"])
            for r in in_country["outcomes"].rows] == [(2026, 1, Decimal("10.0"), 0), (2027, 1, Decimal("14.0"), 0)]
    sector = by_id(evaluator, Filters(sector="2511"))
    assert [(r["year"], r["supported_n"], r["others_n"], r["others_employment"]) for r in sector["outcomes"].rows] \
        == [(2027, 0, 1, Decimal("300.0"))]
    only_2026 = by_id(evaluator, Filters(2026, 2026))
    assert [r["year"] for r in only_2026["outcomes"].rows] == [2026]
    assert only_2026["fairs"].rows == []
    fairs_only = by_id(evaluator, Filters(instrument="fair-participation"))
    assert {"networks", "contracts", "suppliers", "centres"}.isdisjoint(fairs_only)
    assert {r["instrument"] for r in fairs_only["reach"].rows} == {"Fair participation", "Any instrument (each firm once)"}


def test_one_programme_of_an_instrument(world, shoes):
    evaluator = world.users["evaluator"]
    every = by_id(evaluator)
    assert {r["instrument"] for r in every["reach"].rows} == {"Supplier programme", "Any instrument (each firm once)"}
    assert [(r["firms"]) for r in every["reach"].rows if r["in_group"] is None] == [2]  # ent_a1, ent_b1
    suppliers = by_id(evaluator, Filters(instrument="supplier-programme", programme=shoes.programme.pk))
    assert [(r["year"], r["firms"]) for r in suppliers["reach"].rows if r["in_group"] is not None] == [(2026, 1)]
    assert [r["programme"] for r in suppliers["scorecards"].rows] == [str(shoes.programme)]


def test_scorecards_table_links_each_programme_to_its_evidence(world, expo, signed_up):
    rows = by_id(world.users["evaluator"], Filters(instrument="fair-participation"))["scorecards"].rows
    assert [(r["programme"], r["firms_reached"], r["url"]) for r in rows] == [
        ("Feiras 2027", 4, f"/evaluation/scorecards/fair-participation/programme/{expo.programme.pk}/")]


def test_parse_filters_names_each_wrong_parameter(world):
    assert parse_filters({"year": "2027", "instrument": "network", "programme": "3", "sector": "C"}) == Filters(
        2027, 2027, "network", 3, None, "C")
    with pytest.raises(ValidationFailed) as caught:
        parse_filters({"year_from": "2028", "year_to": "2027", "instrument": "nope", "programme": "x",
                       "territory": "999999"})
    assert set(caught.value.errors) == {"year_to", "instrument", "programme", "territory"}


def test_networks_by_stage_in_the_readers_language(world, nets):  # noqa: F811
    """Two networks (brokered, PROFO) at their first stage: the shipped kind and stage names translated
    after the cache, so that a Portuguese and an English reader each get their own words."""
    from django.utils import translation

    evaluator = world.users["evaluator"]
    with translation.override("pt-br"):
        rows = by_id(evaluator)["networks"].rows
        expected = sorted((translation.gettext(n.kind.name), translation.gettext(n.stage.name))
                          for n in (nets.net, nets.other))
    assert sorted((r["kind"], r["stage"]) for r in rows) == expected
    assert "Rede articulada (modelo dinamarquês)" in {r["kind"] for r in rows}  # PROFO is PROFO in both
    with translation.override("en"):
        assert {r["kind"] for r in by_id(evaluator)["networks"].rows} == {nets.net.kind.name, nets.other.kind.name}
