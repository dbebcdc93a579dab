"""Centres fixtures on top of the shared `world`: CITER, a sector centre for apparel with its staff,
fees by firm size, a catalogue (CAD/CAM station, half-yearly trend report, technical note, training)
and one member (ent_a1, the world's enterprise-user); another centre with its own staff; a large
buyer's staff who has nothing to do with centres."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from tests.procurement.conftest import add_user

FEES = {"micro": "600.00", "small": "1200.00", "medium": "2400.00", "large": "4800.00"}


@dataclass
class Citer:
    world: object
    centre: object
    other: object
    cadcam: object
    report: object
    note: object
    training: object
    subscription: object

    @property
    def admin(self):
        return self.world.users["agency-admin"]

    @property
    def staff(self):
        return self.world.users["centre-staff"]

    @property
    def member(self):
        return self.world.users["enterprise-user"]

    @property
    def outsider(self):
        return self.world.users["other-enterprise-user"]


def make_centre(admin, name, **kw):
    from triplec.centres.services import catalogue
    from triplec.registry.models import Organisation, OrganisationKind

    org = Organisation.objects.create(kind=OrganisationKind.SERVICE_CENTRE, name=name, country="BR")
    options = {"scope": "sector", "function": "technology", "currency": "BRL", "sector_code": "1412"} | kw
    return catalogue.create_centre(admin, organisation=org, **options)


def slot(days: int, hour: int, hours: int = 2) -> tuple[datetime, datetime]:
    """A slot `days` from today at `hour` (the agency's time zone), lasting `hours`."""
    day = timezone.localdate() + timedelta(days=days)
    start = timezone.make_aware(datetime(day.year, day.month, day.day, hour))
    return start, start + timedelta(hours=hours)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Publications are written to a test folder, never to var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def citer(world):
    from triplec.centres.services import catalogue, membership

    admin = world.users["agency-admin"]
    centre = make_centre(admin, "CITER")
    other = make_centre(admin, "Centro de Qualidade", scope="transversal", function="quality", sector_code="")
    add_user(world, "centre-staff", "centre-staff", organisation=centre.organisation)
    add_user(world, "other-centre-staff", "centre-staff", organisation=other.organisation)
    from triplec.registry.models import Organisation, OrganisationKind

    large = Organisation.objects.create(kind=OrganisationKind.BUYER_LARGE_FIRM, name="Big Retail", country="BR")
    add_user(world, "buyer-staff", "buyer-staff", organisation=large)
    staff = world.users["centre-staff"]
    for size, fee in FEES.items():
        catalogue.set_fee(staff, centre, size, fee)
    cadcam = catalogue.add_service(staff, centre, code="cadcam", name="CAD/CAM station", kind="equipment",
                                   member_price="40.00", non_member_price="90.00")
    report = catalogue.add_service(staff, centre, code="trends", name="Market trends", kind="trend-report",
                                   member_price="0")
    note = catalogue.add_service(staff, centre, code="notes", name="Technical notes", kind="technical-note",
                                 member_price="15.00", non_member_price="35.00")
    training = catalogue.add_service(staff, centre, code="pattern", name="Pattern cutting course",
                                     kind="training", member_price="120.00")
    subscription = membership.subscribe(staff, centre, world.ent_a1)
    return Citer(world, centre, other, cadcam, report, note, training, subscription)
