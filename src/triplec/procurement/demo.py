"""Demo procurement (on top of the register's demo): the state of Ceará's purchasing office buys
school desks from the Aruaru sawmills' association, one contract completed and paid, one in progress,
and the association's trajectory as the paper reports it (an illustration, labelled as such). Loaded
through the services; loading twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from triplec.accounts.demo import demo_user
from triplec.accounts.models import User
from triplec.accounts.roles import Role
from triplec.registry.models import Organisation, OrganisationKind

from .models import Contract, Programme
from .services import allocation, deliveries, money, programmes
from .services.common import current_members

PURCHASER = "Secretaria de Compras do Estado do Ceará"
ASSOCIATION = "Associação dos Serradores e Marceneiros de São João do Aruaru"
PROGRAMME = "Carteiras escolares do Ceará (demo)"
MEMBERS = 10


def _allocate_as_proposed(manager, contract: Contract, on: date) -> list:
    line = contract.lines.get()
    proposal = {row.member: row.proposed for row in allocation.propose(line, on) if row.proposed}
    return allocation.confirm(manager, line, proposal, on=on, note="demo")


def _deliver(manager, inspector, allocations, on: date, rejected: int = 0, reasons: str = "") -> list:
    inspected = []
    for n, made in enumerate(allocations):
        shipped = deliveries.record_delivery(manager, allocation=made, quantity=made.quantity, delivered_on=on)
        bad = rejected if n == 0 else 0
        inspected.append(deliveries.inspect(inspector, shipped, accepted=made.quantity - bad, rejected=bad,
                                            reasons=reasons if bad else "", on=on))
    return inspected


@transaction.atomic
def load_demo_procurement(admin, password: str) -> dict[str, str]:
    """The demo programme and its two contracts (reference -> status); {} when already loaded."""
    purchaser = Organisation.objects.filter(kind=OrganisationKind.BUYER_PUBLIC, name=PURCHASER).first()
    association = Organisation.objects.filter(kind=OrganisationKind.PRODUCERS_ASSOCIATION, name=ASSOCIATION).first()
    if purchaser is None or association is None or Programme.objects.filter(name=PROGRAMME).exists():
        return {}
    inspector = demo_user("inspector", password, role=Role.PURCHASER_INSPECTOR, organisation=purchaser)
    manager = User.objects.filter(role=Role.ASSOCIATION_MANAGER, organisation=association).first() or admin
    programme = programmes.create_programme(admin, name=PROGRAMME, purchaser=purchaser, currency="BRL",
                                            territory=association.territory, advance_share="0.5")
    desk = programmes.add_product(admin, programme, code="desk-fnde", name="Carteira escolar",
                                  reference_price="190.00", specification="Madeira maciça, ABNT NBR 14006")
    programmes.set_rules(admin, association, fee_share="0.05", warranty_cost_rule="maker")
    members = list(current_members(association, date(2025, 1, 1)).order_by("id")[:MEMBERS])
    for n, member in enumerate(members):
        programmes.declare_capacity(admin, association, member, desk, 40 + 10 * (n % 3), on=date(2025, 1, 10))

    def award_and_advance(reference: str, awarded_on: date, quantity: int, unit_price: str, deadline: date):
        """A contract awarded, allocated as proposed two days later, its advance paid and passed on."""
        contract = programmes.award_contract(admin, programme, association=association, reference=reference,
                                             awarded_on=awarded_on, lines=[{"product": desk, "quantity": quantity,
                                                                            "unit_price": unit_price,
                                                                            "deadline": deadline}])
        made = _allocate_as_proposed(manager, contract, awarded_on + timedelta(days=2))
        money.pay_advance(admin, contract, on=awarded_on + timedelta(days=7))
        money.pass_advances(manager, contract, on=awarded_on + timedelta(days=8))
        return contract, made

    done, made = award_and_advance("SEDUC-CE-2025-014", date(2025, 2, 3), 400, "187.35", date(2025, 5, 30))
    (batch, *_rest) = _deliver(manager, inspector, made, date(2025, 5, 12), rejected=6,
                               reasons="Tampos com rachaduras")
    repair = deliveries.assign_rework(manager, batch, member=made[1].member, quantity=6, on=date(2025, 5, 14))
    repaired = deliveries.record_delivery(manager, rework=repair, quantity=6, delivered_on=date(2025, 5, 26))
    deliveries.inspect(inspector, repaired, accepted=6, rejected=0, on=date(2025, 5, 27))
    money.pay_final(admin, done, on=date(2025, 6, 20))

    running, made = award_and_advance("SEDUC-CE-2026-031", date(2026, 9, 1), 300, "192.10", date(2027, 2, 26))
    _deliver(manager, inspector, made[:3], date(2026, 11, 18), rejected=4, reasons="Pés desalinhados")

    # The paper's figures for Aruaru (s.4.3): an illustration of the trajectory, not measured data.
    note = "Ilustração: números do artigo (Humphrey & Schmitz, 1995), anos aproximados"
    programmes.record_outcome(admin, association, year=1990, members=4, workers=12, illustration=True, note=note)
    programmes.record_outcome(admin, association, year=1995, members=42, workers=350, share_sold_elsewhere="0.70",
                              illustration=True, note=note)
    return {c.reference: c.status for c in Contract.objects.filter(programme=programme)}
