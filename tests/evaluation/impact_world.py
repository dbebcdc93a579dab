"""A register with a firm panel and a supplier programme whose firms entered in staggered years with a
known effect on sales (triplec.impact.simulate_panel), for the impact-run tests (service, pages, e2e).
Supported and never-supported firms share one stratum (sector 16, Ceará, small), so the matching
keeps them; support records are minimal direct Supplier rows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

EFFECT = 20.0  # on sales, in thousands: simulate's effect 2 scaled by 10
FIRST_YEAR = 2018


def build(world, units: int = 90, effect: float = 2.0, seed: int = 2, periods: int = 5):
    """The supplier programme; its firms' cohorts in 2020-2022, the rest never supported."""
    from tests.conftest import make_enterprise

    from triplec.evaluation.models import FirmYear
    from triplec.impact.simulate import simulate_panel
    from triplec.registry.models import Organisation, OrganisationKind, Territory
    from triplec.suppliers.models import Programme, Supplier

    sim = simulate_panel(units=units, periods=periods, supported=0.5, effect=effect, seed=seed, first_period=FIRST_YEAR)
    aruaru = Territory.objects.get(code="2301950")
    buyer = Organisation.objects.create(kind=OrganisationKind.BUYER_LARGE_FIRM, name="Grande SA", country="BR")
    programme = Programme.objects.create(name="Fornecedores", buyer=buyer, currency="BRL",
                                         started_on=date(FIRST_YEAR, 1, 1))
    firms = {}
    for unit in sorted(sim["unit"].unique()):
        firms[unit] = make_enterprise(legal_name=f"Panel firm {unit}", national_id=f"9{unit:07d}0001",
                                      territory=aruaru, employees=8)
    cohorts = sim.groupby("unit")["cohort"].first()
    Supplier.objects.bulk_create(Supplier(programme=programme, enterprise=firms[u], enrolled_on=date(int(g), 3, 1))
                                 for u, g in cohorts.items() if g > 0)
    FirmYear.objects.bulk_create(
        FirmYear(enterprise=firms[r.unit], year=int(r.year), currency="BRL",
                 sales=Decimal(str(round(500 + 10 * r.y, 2)))) for r in sim.itertuples())
    return programme, firms, cohorts
