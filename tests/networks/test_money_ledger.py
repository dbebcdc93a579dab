"""The networks' money on the shared ledger: every cost and contribution posts a ledger transaction in
the same database transaction, a reversal is the ledger reversal of its entry's transaction, the
shares are read from the ledger, and the data migration posts what was recorded before, losing nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.management.color import no_style
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from tests.networks.record_shares import ledger_reading, record_reading

from triplec.core.errors import ValidationFailed
from triplec.ledger import services as ledger
from triplec.ledger.models import Account, Entry, Transaction
from triplec.networks import books, services
from triplec.networks.models import ContributionEntry, CostEntry, Network

D = Decimal
BEFORE_LEDGER = ("networks", "0003_issue8_networks")


def legs(transaction) -> set[tuple[str, str, Decimal]]:
    return {(e.account.owner, e.account.code, e.amount) for e in transaction.entries.select_related("account")}


def test_costs_contributions_and_reversals_post_on_the_ledger(nets):
    admin, net, firm = nets.users["agency-admin"], nets.net, nets.world.ent_a1
    owner, firm_owner = f"networks.network:{net.pk}", f"registry.enterprise:{firm.pk}"
    cost, _ = services.record_cost(admin, net, category="travel", amount="120.50", incurred_on=date(2024, 3, 2),
                                   idempotency_key="bus-1", note="Bus to the fair")
    paid, _ = services.record_contribution(admin, net, enterprise=firm, amount="40.00", paid_on=date(2024, 3, 5),
                                           idempotency_key="receipt-7")
    assert legs(cost.ledger_transaction) == {(owner, "costs:travel", D("120.50")), (owner, "payable", D("-120.50"))}
    assert cost.ledger_transaction.idempotency_key == f"{owner}:cost:bus-1"
    assert cost.ledger_transaction.effective_on == date(2024, 3, 2)
    assert cost.ledger_transaction.recorded_by == admin
    assert legs(paid.ledger_transaction) == {(owner, "receipts", D("40.00")),
                                             (firm_owner, f"contributions:{net.pk}", D("-40.00"))}

    again, created = services.record_contribution(admin, net, enterprise=firm, amount="40.00",
                                                  paid_on=date(2024, 3, 5), idempotency_key="receipt-7")
    assert not created and again.ledger_transaction_id == paid.ledger_transaction_id
    assert Transaction.objects.count() == 2

    undo, _ = services.reverse_cost(admin, cost, "Booked twice")
    assert undo.ledger_transaction.reverses_id == cost.ledger_transaction_id
    assert undo.ledger_transaction.effective_on == date(2024, 3, 2)
    payable = Account.objects.get(owner=owner, code="payable")
    assert ledger.balance(payable) == 0
    assert ledger.balance(Account.objects.get(owner=firm_owner, code=f"contributions:{net.pk}")) == D("-40.00")


def test_a_refused_entry_posts_nothing(nets):
    admin, net = nets.users["agency-admin"], nets.net
    services.record_cost(admin, net, category="travel", amount="10.00", incurred_on=date(2024, 3, 2),
                         idempotency_key="k")
    with pytest.raises(ValidationFailed):  # the same key for a different entry
        services.record_cost(admin, net, category="travel", amount="11.00", incurred_on=date(2024, 3, 2),
                             idempotency_key="k")
    with pytest.raises(ValidationFailed):  # not a member
        services.record_contribution(admin, net, enterprise=nets.world.ent_b1, amount="5.00",
                                     paid_on=date(2024, 3, 2), idempotency_key="k2")
    assert Transaction.objects.count() == 1 and Entry.objects.count() == 2


def test_manager_accruals_post_once_per_contract_month(nets):
    admin, net = nets.users["agency-admin"], nets.net
    contract = services.create_contract(admin, net, {"manager_name": "Ana", "monthly_fee": "900.00",
                                                     "start_date": date(2024, 1, 15), "end_date": date(2024, 4, 30)})
    services.accrue_manager_costs(admin, net, through=date(2024, 12, 31))
    services.accrue_manager_costs(admin, net, through=date(2024, 12, 31))
    keys = set(Transaction.objects.values_list("idempotency_key", flat=True))
    assert keys == {f"networks.network:{net.pk}:cost:contract:{contract.pk}:{m}" for m in range(4)}
    assert [(c, d, a) for c, d, a in books.costs(net)] == [
        ("manager", date(2024, m, 15), D("900.00")) for m in (1, 2, 3, 4)]


def _entries_through_historical_models(apps, net, firm):
    """What a database held before the ledger: two costs, two contributions, a reversal of each."""
    cost_model = apps.get_model("networks", "CostEntry")
    paid_model = apps.get_model("networks", "ContributionEntry")
    common = {"network_id": net.pk, "currency": net.currency}
    fee = cost_model.objects.create(category="manager", amount=D("1000.00"), incurred_on=date(2024, 2, 1),
                                    idempotency_key="contract:1:0", **common)
    cost_model.objects.create(category="travel", amount=D("333.33"), incurred_on=date(2025, 5, 1),
                              idempotency_key="bus", **common)
    cost_model.objects.create(category="manager", amount=D("-1000.00"), incurred_on=date(2024, 2, 1),
                              entry_kind="reversal", reverses_id=fee.pk, idempotency_key="reversal-of-1",
                              note="Reversal: wrong month", **common)
    first = paid_model.objects.create(enterprise_id=firm.pk, amount=D("250.00"), paid_on=date(2024, 3, 1),
                                      idempotency_key="r1", **common)
    paid_model.objects.create(enterprise_id=firm.pk, amount=D("80.10"), paid_on=date(2025, 6, 1),
                              idempotency_key="r2", **common)
    paid_model.objects.create(enterprise_id=firm.pk, amount=D("-250.00"), paid_on=date(2024, 3, 1),
                              entry_kind="reversal", reverses_id=first.pk, idempotency_key="r1-undo", **common)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor


def _latest():
    return [("networks", name) for _app, name in MigrationExecutor(connection).loader.graph.leaf_nodes("networks")]


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_posts_every_entry_and_reversal_and_can_run_again(world):
    admin = world.users["agency-admin"]
    net = services.create_network(admin, {"kind": "export-profo", "name": "Old books", "currency": "CLP",
                                          "started_on": date(2024, 1, 1)})
    services.add_member(admin, net, world.ent_a1, date(2024, 1, 1))
    latest = _latest()
    try:
        executor = _migrate([BEFORE_LEDGER])
        _entries_through_historical_models(executor.loader.project_state([BEFORE_LEDGER]).apps, net, world.ent_a1)
        assert not Transaction.objects.exists()
        _migrate(latest)
        net = Network.objects.get(pk=net.pk)
        for model in (CostEntry, ContributionEntry):
            for entry in model.objects.all():
                assert entry.ledger_transaction is not None
                day = entry.incurred_on if model is CostEntry else entry.paid_on
                assert entry.ledger_transaction.effective_on == day
                assert sum(e.amount for e in entry.ledger_transaction.entries.all() if e.amount > 0) == abs(entry.amount)
                if entry.reverses_id:
                    assert entry.ledger_transaction.reverses_id == entry.reverses.ledger_transaction_id
        assert Transaction.objects.count() == 6
        fee = CostEntry.objects.get(idempotency_key="contract:1:0")
        assert fee.ledger_transaction.idempotency_key == f"networks.network:{net.pk}:cost:contract:1:0"
        assert ledger_reading(net, date(2026, 1, 1)) == record_reading(net, date(2026, 1, 1))
        assert ledger_reading(net, date(2026, 1, 1))["lifetime"]["by_member"] == {world.ent_a1.pk: D("80.10")}

        links = dict(CostEntry.objects.values_list("pk", "ledger_transaction_id"))
        _migrate([("networks", "0004_entries_ledger_transaction")])
        assert not CostEntry.objects.filter(ledger_transaction__isnull=False).exists()
        _migrate(latest)  # again: the same transactions are found by key, nothing is posted twice
        assert dict(CostEntry.objects.values_list("pk", "ledger_transaction_id")) == links
        assert Transaction.objects.count() == 6
    finally:
        _migrate(latest)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_demo_networks_figures_are_the_same_before_and_after_the_data_migration():
    from triplec.accounts.models import User
    from triplec.networks.demo import load_demo_networks
    from triplec.registry.demo import DemoSummary, load_illustrative

    load_illustrative(DemoSummary())
    load_demo_networks(User.objects.get(username="admin"))
    through = date.today()
    networks = list(Network.objects.order_by("pk"))
    assert len(networks) == 6 and Network.objects.filter(contribution_entries__isnull=False).distinct().count() == 2
    before = {n.pk: record_reading(n, through) for n in networks}
    assert {n.pk: ledger_reading(n, through) for n in networks} == before  # posted by the services
    entries = CostEntry.objects.count() + ContributionEntry.objects.count()
    assert Transaction.objects.count() == entries
    latest = _latest()
    try:
        # The database as it was before the ledger: the same entries, an empty ledger.
        _migrate([BEFORE_LEDGER])
        tables = [m._meta.db_table for m in (Entry, Transaction, Account)]
        # PostgreSQL truncates with CASCADE the (empty) tables of other instruments that point at the ledger
        # (SQLite deletes rows and would follow today's models, not the database as migrated back).
        cascade = connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            for sql in connection.ops.sql_flush(no_style(), tables, allow_cascade=cascade):
                cursor.execute(sql)
        assert not Transaction.objects.exists()
        _migrate(latest)
    finally:
        _migrate(latest)
    after = {n.pk: ledger_reading(Network.objects.get(pk=n.pk), through) for n in networks}
    assert after == before
    assert Transaction.objects.count() == entries
    assert not CostEntry.objects.filter(ledger_transaction__isnull=True).exists()
    assert not ContributionEntry.objects.filter(ledger_transaction__isnull=True).exists()
