"""Demo supplier programme (on top of the register's demo): Compressores Joinville S.A., a large buyer,
upgrades its small metalworking suppliers and one homeworker who assembles wire harnesses; a
diagnostic in April 2025, plans, two training sessions, and a year of orders whose KPIs improve after
the diagnostic. Loaded through the services; loading twice changes nothing."""

from __future__ import annotations

import importlib
import random
from datetime import date, timedelta

from django.db import transaction

from triplec.accounts.demo import demo_user
from triplec.accounts.roles import Role
from triplec.registry.models import Enterprise, Organisation, OrganisationKind

from .models import Area, Programme
from .services import diagnostics, orders, programmes, training

BUYER = "Compressores Joinville S.A."
SUPPLIERS_OF = "Grupo de Fornecedores Metalúrgicos de Joinville"
PROGRAMME = "Desenvolvimento de fornecedores Compressores Joinville (demo)"
ENTERPRISES = 5
DIAGNOSED = date(2025, 4, 1)
NEEDS = {"quality": "Inspeção de recebimento e controle estatístico", "delivery": "Programação da produção",
         "cost": "Custeio por peça", "technology": "Dispositivos de fixação", "management": "Indicadores mensais"}


def _orders(staff, supplier, rng: random.Random, price: float) -> None:
    """One order a month of 2025; after the diagnostic more arrive on time with fewer defects."""
    for month in range(1, 13):
        ordered = date(2025, month, 3)
        after = ordered >= DIAGNOSED
        promised = ordered + timedelta(days=21)
        late = rng.random() < (0.15 if after else 0.55)
        delivered = promised + timedelta(days=rng.randint(1, 9)) if late else promised - timedelta(days=rng.randint(0, 4))
        quantity = rng.randint(200, 600)
        defect_rate = rng.uniform(0.002, 0.012) if after else rng.uniform(0.03, 0.07)
        unit = price * (0.985 if after else 1.0) * rng.uniform(0.99, 1.01)
        orders.record_order(staff, supplier, reference=f"PO-2025-{month:02d}-{supplier.pk}", ordered_on=ordered,
                            promised_on=promised, delivered_on=delivered, quantity=quantity,
                            defective=round(quantity * defect_rate), unit_price=f"{unit:.2f}")


@transaction.atomic
def load_demo_suppliers(admin, password: str) -> int:
    """The demo programme; returns how many suppliers it enrolled (0 when already loaded)."""
    buyer = Organisation.objects.filter(kind=OrganisationKind.BUYER_LARGE_FIRM, name=BUYER).first()
    if buyer is None or Programme.objects.filter(name=PROGRAMME).exists():
        return 0
    rng = random.Random(2025)
    if not Area.objects.filter(active=True).exists():  # a test database flushed after its migrations
        shipped = importlib.import_module("triplec.suppliers.migrations.0002_shipped_areas")
        for order, (code, name) in enumerate(shipped.AREAS, start=1):
            Area.objects.get_or_create(code=code, defaults={"name": name, "order": order, "shipped": True})
    staff = demo_user("buyer", password, role=Role.BUYER_STAFF, organisation=buyer)
    programme = programmes.create_programme(admin, name=PROGRAMME, buyer=buyer, currency="BRL",
                                            started_on=date(2025, 1, 6), agency_share="0.5")
    programmes.record_consent(admin, programme, given_by="Diretoria de Suprimentos", given_on=date(2025, 1, 10),
                              reference="Termo de adesão PDF-2025-01")
    firms = list(Enterprise.objects.filter(memberships__association__name=SUPPLIERS_OF).order_by("id")[:ENTERPRISES])
    suppliers = [programmes.enrol_enterprise(admin, programme, firm, on=date(2025, 1, 15)) for firm in firms]
    suppliers.append(programmes.enrol_homeworker(admin, programme, name="Rosângela Pereira",
                                                 product="Chicotes elétricos montados em casa",
                                                 municipality=buyer.territory, on=date(2025, 1, 15)))
    if firms:
        demo_user("supplier", password, role=Role.ENTERPRISE_USER, enterprise=firms[0])
    for n, supplier in enumerate(suppliers):
        base = {code: (rng.randint(1, 3), need) for code, need in NEEDS.items()}
        diagnostics.record_diagnostic(admin, supplier, carried_out_on=DIAGNOSED + timedelta(days=n),
                                      consultant="Consultoria Qualidade Sul", cost="3800.00", scores=base)
        diagnostics.add_action(staff, supplier, description=NEEDS["quality"], owner="consultant",
                               due_on=date(2025, 6, 30))
        done = diagnostics.add_action(staff, supplier, description=NEEDS["delivery"], owner="supplier",
                                      due_on=date(2025, 5, 31))
        diagnostics.set_action_status(admin, done, "done", on=date(2025, 5, 28))
        _orders(staff, supplier, rng, price=rng.uniform(8, 40))
        orders.record_other_sales(admin, supplier, year=2024, amount=f"{rng.randint(20, 60) * 1000}.00", customers=2)
        orders.record_other_sales(admin, supplier, year=2025, amount=f"{rng.randint(50, 110) * 1000}.00", customers=4)
    technical = training.create_session(admin, programme, title="Controle estatístico de processo", kind="technical",
                                        held_on=date(2025, 5, 14), cost="2400.00", trainer="SENAI Joinville")
    behavioural = training.create_session(admin, programme, title="Negociação comprador-fornecedor",
                                          kind="behavioural", held_on=date(2025, 6, 11), cost="1750.00")
    for session in (technical, behavioural):
        training.record_attendance(staff, session, suppliers=suppliers, staff=["Engenharia de suprimentos"])
    return len(suppliers)
