"""Pure rules with no database: month arithmetic, money, currencies, schedule rules, definitions."""

import copy
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from triplec.core.months import add_months, months_between, window_start
from triplec.networks.funding import ScheduleRules, check_currency, money, validate_rules
from triplec.networks.lifecycle import DANISH_HURDLES, LIFECYCLES, PROFO_LIFECYCLE, validate_definition

pytestmark = pytest.mark.nodb

days = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # leap year
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 12, 15), 1) == date(2025, 1, 15)
    assert add_months(date(2024, 1, 15), -13) == date(2022, 12, 15)


@given(days, st.integers(min_value=-240, max_value=240))
def test_months_between_inverts_add_months(day, n):
    later = add_months(day, n)
    if later.day == day.day:  # no clamping: exact inverse
        assert months_between(day, later) == n


@given(days, days)
def test_months_between_counts_whole_months(a, b):
    m = months_between(a, b)
    if b >= a:
        assert add_months(a, m) <= b < add_months(a, m + 1)
    assert months_between(b, a) == -m


def test_window_start_covers_exactly_the_months_before():
    assert window_start(date(2024, 6, 30), 12) == date(2023, 7, 1)
    assert window_start(date(2024, 6, 15), 6) == date(2023, 12, 16)


@pytest.mark.parametrize("raw,expected", [("12.5", Decimal("12.50")), (Decimal("3"), Decimal("3.00")),
                                          ("1000000.01", Decimal("1000000.01")), (7, Decimal("7.00"))])
def test_money_accepts_decimals_with_at_most_two_places(raw, expected):
    assert money(raw) == expected


@pytest.mark.parametrize("raw", [1.1, "1.001", "abc", "NaN", "Infinity", None])
def test_money_refuses_floats_fractions_of_cents_and_non_numbers(raw):
    with pytest.raises(ValueError):
        money(raw)


def test_currency_codes_are_iso_4217():
    assert check_currency(" clp ") == "CLP"
    for bad in ("XYZ", "EURO", "", None, "US"):
        with pytest.raises(ValueError, match="ISO 4217"):
            check_currency(bad)


def test_schedule_rules_prefer_the_category_then_the_wildcard_then_members_pay():
    rules = ScheduleRules((("manager", 0, 36, Decimal("0.70")), ("manager", 36, None, Decimal("0")),
                           ("*", 0, 12, Decimal("0.25"))))
    assert rules.agency_share("manager", 0) == Decimal("0.70")
    assert rules.agency_share("manager", 35) == Decimal("0.70")
    assert rules.agency_share("manager", 36) == Decimal("0")
    assert rules.agency_share("travel", 11) == Decimal("0.25")
    assert rules.agency_share("travel", 12) == Decimal("0")  # no rule: members pay


def test_validate_rules_finds_overlaps_and_bad_shares():
    assert validate_rules([("manager", 0, 36, Decimal("0.7")), ("manager", 36, None, Decimal(0))]) == []
    problems = validate_rules([("manager", 0, 36, Decimal("0.7")), ("manager", 30, None, Decimal("1.5"))])
    assert any("overlap" in p for p in problems) and any("between 0 and 1" in p for p in problems)


def test_shipped_lifecycles_are_valid_definitions():
    for name, definition in LIFECYCLES.items():
        assert validate_definition(definition) == {}, name
    assert [s["code"] for s in DANISH_HURDLES["stages"]] == [
        "interest", "viable-idea", "group-ownership", "feasibility-study", "implementation", "operating", "closed"]
    assert [s["code"] for s in PROFO_LIFECYCLE["stages"]] == [
        "preparation", "consolidation", "independence", "graduated", "closed"]
    idea_gate = DANISH_HURDLES["gates"][0]
    assert idea_gate["to"] == "viable-idea"
    assert any(r.get("check") == "target-market" for r in idea_gate["requirements"])
    admission = PROFO_LIFECYCLE["gates"][0]
    assert {r.get("check") for r in admission["requirements"]} >= {"basis-for-collaboration", "goals"}


def _errors(mutate) -> dict:
    definition = copy.deepcopy(DANISH_HURDLES)
    mutate(definition)
    return validate_definition(definition)


def test_a_gate_that_skips_a_stage_is_refused():
    def skip(d):
        d["gates"][1]["to"] = "feasibility-study"
    errors = _errors(skip)
    assert any("cannot skip" in m for m in errors["gates[1]"])
    assert any("missing: viable-idea -> group-ownership" in m for m in errors["gates"])


def test_a_gate_into_the_closed_stage_or_a_missing_gate_is_refused():
    assert "gates[0]" in _errors(lambda d: d["gates"][0].update({"to": "closed"}))
    assert "gates" in _errors(lambda d: d["gates"].pop())


def test_a_lifecycle_without_a_market_requirement_is_refused():
    def drop_market(d):
        d["gates"][0]["requirements"] = [r for r in d["gates"][0]["requirements"] if r.get("check") != "target-market"]
    assert any("customer orientation" in m for m in _errors(drop_market)["gates"])


def test_definition_checks_stages_roles_types_and_checks():
    assert "stages" in _errors(lambda d: d["stages"].pop())  # no closed stage
    assert "stages[1].code" in _errors(lambda d: d["stages"][1].update({"code": "Viable Idea"}))
    assert "gates[0].roles" in _errors(lambda d: d["gates"][0].update({"roles": ["king"]}))
    assert "gates[0].requirements[1]" in _errors(
        lambda d: d["gates"][0]["requirements"][1].update({"type": "rumour"}))
    assert "gates[0].requirements[0]" in _errors(
        lambda d: d["gates"][0]["requirements"][0].update({"check": "crystal-ball"}))
    assert "gates[1].requirements[1]" in _errors(
        lambda d: d["gates"][1]["requirements"][1].pop("minimum"))


def test_window_start_and_add_months_agree_for_a_year():
    end = date(2025, 3, 31)
    assert window_start(end, 12) - timedelta(days=1) == add_months(end, -12)
