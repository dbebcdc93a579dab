"""Supplier-programme fixtures on top of the shared `world`: a large shoe buyer that has consented to
a programme, its staff, another large buyer (another programme) and its staff, and suppliers."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import date

import pytest
from tests.conftest import PASSWORD

STARTED = date(2026, 1, 5)
CONSENTED = date(2026, 1, 10)
ENROLLED = date(2026, 1, 15)


def add_user(world, name, role, **kw):
    from triplec.accounts.models import User

    user = User(username=name, role=role, **kw)
    user.set_password(PASSWORD)
    user.save()
    world.users[name] = user
    return user


@dataclass
class Shoes:
    world: object
    buyer: object
    programme: object
    supplier: object  # ent_a1, where the world's enterprise-user works
    homeworker: object
    other_programme: object
    other_supplier: object  # ent_b1, the other enterprise-user's firm, in the other programme

    @property
    def admin(self):
        return self.world.users["agency-admin"]

    @property
    def staff(self):
        return self.world.users["buyer-staff"]


@pytest.fixture
def shoes(world):
    """Programme "Calçados Grande - fornecedores" of the large buyer Calçados Grande SA (consented on
    2026-01-10; agency 50%, buyer the rest), with ent_a1 and the homeworker Maria enrolled on
    2026-01-15. Another large buyer's programme has ent_b1. Users: buyer-staff, other-buyer-staff
    (of the other buyer), centre-staff (a service centre: sees nothing here)."""
    from triplec.registry.models import Organisation, OrganisationKind, Territory
    from triplec.suppliers.models import Area
    from triplec.suppliers.services import programmes

    shipped = importlib.import_module("triplec.suppliers.migrations.0002_shipped_areas")
    for order, (code, name) in enumerate(shipped.AREAS, start=1):  # flushed away in transaction=True tests
        Area.objects.get_or_create(code=code, defaults={"name": name, "order": order, "shipped": True})
    buyer = Organisation.objects.create(kind=OrganisationKind.BUYER_LARGE_FIRM, name="Calçados Grande SA",
                                        country="BR")
    other_buyer = Organisation.objects.create(kind=OrganisationKind.BUYER_LARGE_FIRM, name="Móveis Nacional SA",
                                              country="BR")
    centre = Organisation.objects.create(kind=OrganisationKind.SERVICE_CENTRE, name="Centro Tecnológico",
                                         country="BR")
    add_user(world, "buyer-staff", "buyer-staff", organisation=buyer)
    add_user(world, "other-buyer-staff", "buyer-staff", organisation=other_buyer)
    add_user(world, "centre-staff", "centre-staff", organisation=centre)
    admin = world.users["agency-admin"]
    programme = programmes.create_programme(admin, name="Calçados Grande - fornecedores", buyer=buyer,
                                            currency="BRL", started_on=STARTED)
    programmes.record_consent(admin, programme, given_by="Ana Souza, purchasing director", given_on=CONSENTED,
                              reference="Termo de adesão 2026/01")
    supplier = programmes.enrol_enterprise(admin, programme, world.ent_a1, on=ENROLLED)
    aruaru = Territory.objects.get(code="2301950")
    homeworker = programmes.enrol_homeworker(admin, programme, name="Maria das Dores", product="Hand-stitched uppers",
                                             municipality=aruaru, on=ENROLLED)
    other = programmes.create_programme(admin, name="Móveis - fornecedores", buyer=other_buyer, currency="BRL",
                                        started_on=STARTED)
    programmes.record_consent(admin, other, given_by="Carlos Lima", given_on=CONSENTED, reference="Acordo 7")
    other_supplier = programmes.enrol_enterprise(admin, other, world.ent_b1, on=ENROLLED)
    return Shoes(world, buyer, programme, supplier, homeworker, other, other_supplier)


def scores(**overrides):
    """Every shipped area scored 2 with a need, unless given."""
    base = {code: (2, f"improve {code}") for code in ("quality", "delivery", "cost", "technology", "management")}
    base.update({k: (v, f"improve {k}") for k, v in overrides.items()})
    return base
