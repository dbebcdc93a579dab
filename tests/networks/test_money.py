"""Who pays: manager contracts, the append-only cost and contribution ledgers (idempotency keys,
reversals, concurrency) and the shares derived from them under each funding schedule.

Expected figures are worked out by hand from the paper's rules (export PROFO: the agency pays 70% of
the manager in years 1-3 and nothing after; Danish: everything; UK: nothing; supplier upgrading:
half), not taken from the code's output.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from tests.conftest import make_enterprise
from tests.threads import run_together

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.ledger.models import Transaction
from triplec.networks import books, funding, selectors, services
from triplec.networks.models import ContributionEntry, CostEntry, Network

TODAY = date.today()
D = Decimal


@pytest.fixture
def export_profo(nets):
    """An export PROFO whose funding started 2022-01-01, with 12 member firms and a manager paid
    1,000.00 a month from the start for four years (2022-2025)."""
    admin = nets.users["agency-admin"]
    network = services.create_network(admin, {"kind": "export-profo", "name": "Wine export PROFO", "currency": "CLP",
                                              "started_on": date(2022, 1, 1), "broker": nets.users["broker"]})
    firms = [make_enterprise(legal_name=f"Viña {i:02d}", national_id=f"CL-{i:02d}", country="CL") for i in range(12)]
    for firm in firms:
        services.add_member(admin, network, firm, date(2022, 1, 1))
    contract = services.create_contract(admin, network, {"manager": nets.users["broker"], "monthly_fee": "1000.00",
                                                         "start_date": date(2022, 1, 1), "end_date": date(2025, 12, 31)})
    services.accrue_manager_costs(admin, network, through=date(2025, 12, 31))
    return network, firms, contract


def pay(actor, network, firm, amount, day, key=None):
    entry, created = services.record_contribution(actor, network, enterprise=firm, amount=amount, paid_on=day,
                                                  idempotency_key=key or f"{firm.pk}-{day}-{amount}")
    return entry


# Contracts and accrual --------------------------------------------------------------------------------

def test_manager_costs_accrue_monthly_once(export_profo, nets):
    network, _firms, contract = export_profo
    entries = CostEntry.objects.filter(network=network)
    assert entries.count() == 48
    assert {e.amount for e in entries} == {D("1000.00")} and {e.category for e in entries} == {"manager"}
    assert entries.first().incurred_on == date(2022, 1, 1) and entries.last().incurred_on == date(2025, 12, 1)
    assert services.accrue_manager_costs(nets.users["agency-admin"], network, through=date(2025, 12, 31)) == []
    assert CostEntry.objects.filter(network=network).count() == 48


def test_contracts_are_the_agencys(export_profo, nets):
    network, _firms, contract = export_profo
    with pytest.raises(PermissionDenied, match="agency staff"):
        services.create_contract(nets.users["broker"], network, {"manager_name": "Me", "monthly_fee": "5000",
                                                                 "start_date": date(2022, 1, 1)})
    with pytest.raises(ValidationFailed) as caught:
        services.create_contract(nets.users["agency-admin"], network, {"monthly_fee": "0", "start_date": None})
    assert set(caught.value.errors) == {"manager_name", "monthly_fee", "start_date"}
    with pytest.raises(ValidationFailed, match="accrued up to 2025-12-01"):
        services.end_contract(nets.users["agency-admin"], contract, date(2024, 12, 31))


# The ledgers ------------------------------------------------------------------------------------------

def test_the_same_contribution_is_never_recorded_twice(export_profo, nets):
    network, firms, _ = export_profo
    broker = nets.users["broker"]
    first, created = services.record_contribution(broker, network, enterprise=firms[0], amount="250.00",
                                                  paid_on=date(2022, 3, 1), idempotency_key="receipt-0001")
    again, created_again = services.record_contribution(broker, network, enterprise=firms[0], amount=D("250"),
                                                        paid_on=date(2022, 3, 1), idempotency_key="receipt-0001")
    assert created and not created_again and again.pk == first.pk
    with pytest.raises(ValidationFailed, match="already used for a different entry"):
        services.record_contribution(broker, network, enterprise=firms[1], amount="250.00",
                                     paid_on=date(2022, 3, 1), idempotency_key="receipt-0001")
    with pytest.raises(ValidationFailed, match="idempotency key"):
        services.record_contribution(broker, network, enterprise=firms[1], amount="250.00",
                                     paid_on=date(2022, 3, 1), idempotency_key=" ")
    assert ContributionEntry.objects.filter(network=network).count() == 1


def test_ledger_input_rules(export_profo, nets):
    network, firms, _ = export_profo
    broker = nets.users["broker"]

    def contribute(**kw):
        args = {"enterprise": firms[0], "amount": "10.00", "paid_on": date(2022, 3, 1), "idempotency_key": "k"}
        return services.record_contribution(broker, network, **{**args, **kw})

    for bad, field in [({"amount": "0"}, "amount"), ({"amount": "-5"}, "amount"), ({"amount": "1.234"}, "amount"),
                       ({"amount": 10.5}, "amount"), ({"currency": "USD"}, "currency"),
                       ({"paid_on": TODAY + timedelta(days=1)}, "paid_on"), ({"paid_on": date(2021, 12, 31)}, "paid_on"),
                       ({"enterprise": nets.world.ent_none}, "enterprise")]:
        with pytest.raises(ValidationFailed) as caught:
            contribute(**bad)
        assert field in caught.value.errors, bad
    with pytest.raises(ValidationFailed, match="Unknown category"):
        services.record_cost(broker, network, category="bribes", amount="1", incurred_on=date(2022, 3, 1),
                             idempotency_key="c")
    with pytest.raises(PermissionDenied):
        services.record_contribution(nets.users["evaluator"], network, enterprise=firms[0], amount="1",
                                     paid_on=date(2022, 3, 1), idempotency_key="e")
    assert not ContributionEntry.objects.filter(network=network).exists()


def test_a_firm_that_left_may_still_settle(export_profo, nets):
    network, firms, _ = export_profo
    admin = nets.users["agency-admin"]
    member = network.members.get(enterprise=firms[0])
    services.end_member(admin, member, date(2023, 6, 30))
    entry = pay(admin, network, firms[0], "99.00", date(2023, 8, 1))
    assert entry.amount == D("99.00")


def test_corrections_are_reversals_and_entries_never_change(export_profo, nets):
    network, firms, _ = export_profo
    broker = nets.users["broker"]
    wrong = pay(broker, network, firms[0], "2500.00", date(2022, 3, 1))
    with pytest.raises(ValidationFailed, match="reason"):
        services.reverse_contribution(broker, wrong, "")
    reversal, created = services.reverse_contribution(broker, wrong, "Typed 2500 for 250")
    assert created and (reversal.amount, reversal.paid_on, reversal.reverses, reversal.entry_kind) == (
        D("-2500.00"), date(2022, 3, 1), wrong, "reversal")
    replay, created_again = services.reverse_contribution(broker, wrong, "Typed 2500 for 250")
    assert replay.pk == reversal.pk and not created_again
    with pytest.raises(ValidationFailed, match="already reversed"):
        services.reverse_contribution(broker, wrong, "again", idempotency_key="another-key")
    with pytest.raises(ValidationFailed, match="not reversed"):
        services.reverse_contribution(broker, reversal, "undo the undo")
    pay(broker, network, firms[0], "250.00", date(2022, 3, 1))
    s = funding.shares(network, date(2022, 3, 1), date(2022, 3, 31))
    assert s.contributions == D("250.00") and s.by_member == {firms[0].pk: D("250.00")}

    with pytest.raises(TypeError, match="append-only"):
        wrong.amount = D("250.00")
        wrong.save()
    with pytest.raises(TypeError, match="append-only"):
        wrong.delete()
    with pytest.raises(TypeError, match="append-only"):
        ContributionEntry.objects.filter(pk=wrong.pk).update(amount=D(1))
    with pytest.raises(TypeError, match="append-only"):
        ContributionEntry.objects.filter(pk=wrong.pk).delete()
    cost = CostEntry.objects.filter(network=network).first()
    reversed_cost, _ = services.reverse_cost(nets.users["agency-admin"], cost, "Manager on leave in January")
    assert reversed_cost.amount == -cost.amount and reversed_cost.category == "manager"


def test_the_database_refuses_ledger_rows_that_break_the_rules(export_profo, nets):
    network, firms, _ = export_profo
    base = {"network": network, "enterprise": firms[0], "currency": "CLP", "paid_on": date(2022, 3, 1)}
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionEntry.objects.create(amount=D("-5"), idempotency_key="neg", **base)  # negative original
    original = ContributionEntry.objects.create(amount=D("5"), idempotency_key="a", **base)
    with pytest.raises(IntegrityError), transaction.atomic():
        ContributionEntry.objects.create(amount=D("5"), idempotency_key="a", **base)  # same key
    ContributionEntry.objects.create(amount=D("-5"), idempotency_key="r1", entry_kind="reversal", reverses=original,
                                     **base)
    with pytest.raises(IntegrityError), transaction.atomic():  # a second reversal of the same entry
        ContributionEntry.objects.create(amount=D("-5"), idempotency_key="r2", entry_kind="reversal",
                                         reverses=original, **base)


def test_currency_and_dates_freeze_once_money_is_recorded(export_profo, nets):
    network, _firms, _ = export_profo
    with pytest.raises(ValidationFailed) as caught:
        services.update_network(nets.users["agency-admin"], network, {"currency": "USD", "started_on": date(2021, 1, 1)})
    assert set(caught.value.errors) == {"currency", "started_on"}
    services.update_network(nets.users["agency-admin"], network, {"currency": "CLP", "notes": "same currency is fine"})


# Derived shares ---------------------------------------------------------------------------------------

def test_export_profo_agency_pays_70_percent_of_the_manager_in_years_1_to_3(export_profo, nets):
    network, firms, _ = export_profo
    admin = nets.users["agency-admin"]
    services.record_cost(admin, network, category="travel", amount="500.00", incurred_on=date(2023, 5, 10),
                         idempotency_key="trip-1")
    for i, firm in enumerate(firms):  # year 1: each firm pays 25/month -> 300; year 4: 100/month -> 1200
        pay(admin, network, firm, "300.00", date(2022, 12, 1))
        pay(admin, network, firm, "1200.00", date(2025, 12, 1))
        if i < 6:
            pay(admin, network, firm, "700.00", date(2023, 12, 1))  # year 2: half the firms pay 700
    by_year = dict(funding.shares_by_year(network, through=date(2025, 12, 31)))
    y1, y2, y3, y4 = by_year[1], by_year[2], by_year[3], by_year[4]
    assert (y1.start, y1.end) == (date(2022, 1, 1), date(2022, 12, 31))
    assert (y1.expenses, y1.agency_due, y1.members_due) == (D("12000.00"), D("8400.00"), D("3600.00"))
    assert (y1.contributions, y1.member_share, y1.members_balance) == (D("3600.00"), D("0.3000"), D("0.00"))
    # year 2: the trip is not covered by the schedule, so members owe all of it
    assert (y2.expenses, y2.agency_due, y2.members_due, y2.contributions) == (
        D("12500.00"), D("8400.00"), D("4100.00"), D("4200.00"))
    assert y2.member_share == D("0.3360") and y2.by_category == {"manager": D("12000.00"), "travel": D("500.00")}
    assert (y3.agency_due, y3.contributions, y3.member_share) == (D("8400.00"), D("0"), D("0.0000"))
    assert (y4.expenses, y4.agency_due, y4.members_due, y4.contributions, y4.member_share) == (
        D("12000.00"), D("0.00"), D("12000.00"), D("14400.00"), D("1.2000"))
    life = funding.lifetime_shares(network, through=date(2025, 12, 31))
    assert (life.expenses, life.agency_due, life.contributions) == (D("48500.00"), D("25200.00"), D("22200.00"))
    overview = selectors.money_overview(network, through=date(2025, 12, 31))
    assert overview.schedule.code == "export-profo" and [y for y, _ in overview.by_year] == [1, 2, 3, 4]


@pytest.mark.parametrize("kind,agency", [("brokered", "1"), ("brokered-uk", "0"), ("supplier-network", "0.5")])
def test_schedules_per_kind(nets, kind, agency):
    admin = nets.users["agency-admin"]
    network = services.create_network(admin, {"kind": kind, "name": f"{kind} net", "currency": "DKK",
                                               "started_on": date(2023, 1, 1)})
    services.record_cost(admin, network, category="consultant", amount="1000.01", incurred_on=date(2023, 2, 1),
                         idempotency_key="c1")
    services.record_cost(admin, network, category="events", amount="333.33", incurred_on=date(2024, 6, 1),
                         idempotency_key="c2")
    s = funding.shares(network, date(2023, 1, 1), date(2024, 12, 31))
    # Each entry's part is rounded to the cent on its own (half-even), as it would be posted, so that
    # periods add up exactly: at 50%, 500.005 -> 500.00 and 166.665 -> 166.66.
    expected = sum(((a * D(agency)).quantize(D("0.01")) for a in (D("1000.01"), D("333.33"))), D(0))
    assert s.expenses == D("1333.34") and s.agency_due == expected and s.members_due == s.expenses - expected
    assert s.member_share == D("0.0000")


def test_no_expenses_means_no_share(nets):
    s = funding.shares(nets.net, date(2024, 1, 1), date(2024, 12, 31))
    assert (s.expenses, s.contributions, s.member_share) == (D(0), D(0), None)


def test_contributions_visible_to_a_firm_are_its_own(nets):
    admin, w = nets.users["agency-admin"], nets.world
    pay(admin, nets.net, w.ent_a1, "10.00", date(2024, 2, 1))
    pay(admin, nets.net, w.ent_a2, "20.00", date(2024, 2, 1))
    pay(admin, nets.net, nets.extra[0], "30.00", date(2024, 2, 1))

    def seen(name):
        return sorted(str(e.amount) for e in selectors.contributions(nets.users[name], nets.net))

    assert seen("broker") == seen("evaluator") == ["10.00", "20.00", "30.00"]
    assert seen("enterprise-user") == ["10.00"]
    assert seen("association-manager") == ["10.00", "20.00"]  # assoc_a's members, not the extra firm
    assert seen("other-broker") == seen("other-enterprise-user") == []


# Concurrency (real concurrent transactions need PostgreSQL) ----------------------------------------

@pytest.mark.django_db(transaction=True)
def test_concurrent_recording_of_the_same_contribution_writes_one_entry_and_one_posting(world):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL (DATABASE_URL=postgres://...)")
    admin = world.users["agency-admin"]
    network = services.create_network(admin, {"kind": "profo", "name": "Race", "currency": "CLP",
                                              "started_on": date(2024, 1, 1)})
    services.add_member(admin, network, world.ent_a1, date(2024, 1, 1))

    def record(n, r):
        entry, created = services.record_contribution(admin, Network.objects.get(pk=network.pk),
                                                      enterprise=world.ent_a1, amount="100.00",
                                                      paid_on=date(2024, 2, 1), idempotency_key="same-receipt")
        return entry.pk, entry.ledger_transaction_id, created

    results = run_together(record)
    assert len({(pk, tx) for pk, tx, _ in results}) == 1 and sorted(c for *_, c in results) == [False] * 3 + [True]
    assert ContributionEntry.objects.filter(network=network).count() == 1
    assert Transaction.objects.filter(idempotency_key__endswith=":contribution:same-receipt").count() == 1
    assert books.contributions(network) == [(world.ent_a1.pk, date(2024, 2, 1), Decimal("100.00"))]
