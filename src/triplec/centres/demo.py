"""Demo service centre (on top of the register's demo): the footwear technology centre of the Vale
do Sinos with its staff login, fees by firm size, a catalogue with a CAD/CAM station, publications,
members (the footwear association's firms and the demo enterprise), bookings in the coming days, a
subcontracting exchange, and ten years of finance in which the public share falls from all of the
income to 30%, as CITER's did (an illustration, labelled as such). Loaded through the services;
loading twice changes nothing."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from triplec.accounts.demo import demo_user
from triplec.accounts.models import User
from triplec.accounts.roles import Role
from triplec.registry.models import Enterprise, Organisation, OrganisationKind

from .models import Centre
from .services import bookings, catalogue, exchange, membership, money, usage

CENTRE = "Centro Tecnológico do Calçado"
FOOTWEAR = "Associação Calçadista do Vale do Sinos"
FEES = {"micro": "480.00", "small": "960.00", "medium": "1920.00", "large": "3840.00"}
CATALOGUE = [  # code, name, kind, member price, non-member price (None: members only)
    ("cadcam", "Estação CAD/CAM (modelagem e escalonamento de calçados)", "equipment", "45.00", "110.00"),
    ("trends", "Relatório de tendências de mercado (semestral)", "trend-report", "0", None),
    ("prices", "Boletim de preços de insumos (couro, solados, adesivos)", "price-bulletin", "0", None),
    ("notes", "Notas técnicas", "technical-note", "20.00", "60.00"),
    ("fashion", "Informação de moda e mercado", "market-info", "0", None),
    ("pattern", "Curso de modelagem (40 horas)", "training", "150.00", "300.00"),
]
# Ten past years, oldest first: public share of the income falling from 100% to 30% (illustration).
PUBLIC_SHARES = ("1.00", "0.92", "0.85", "0.77", "0.70", "0.62", "0.55", "0.45", "0.38", "0.30")


def _staff(organisation: Organisation, password: str) -> User:
    return demo_user("centre", password, role=Role.CENTRE_STAFF, organisation=organisation)


def _ten_years(admin, centre: Centre) -> None:
    this_year = timezone.localdate().year
    for n, share in enumerate(PUBLIC_SHARES):
        total = Decimal(400000 + 30000 * n)
        public = (total * Decimal(share)).quantize(Decimal("1"))
        own = total - public
        money.import_year(admin, centre, this_year - 10 + n, public=public,
                          subscriptions=(own * Decimal("0.6")).quantize(Decimal("1")),
                          fees=own - (own * Decimal("0.6")).quantize(Decimal("1")),
                          note="Illustration: a year of a centre's accounts, its public share falling as CITER's did")


@transaction.atomic
def load_demo_centres(admin, password: str) -> Centre | None:
    """The demo centre; None when the register's demo is missing or the centre is already loaded."""
    organisation = Organisation.objects.filter(kind=OrganisationKind.SERVICE_CENTRE, name=CENTRE).first()
    if organisation is None or Centre.objects.filter(organisation=organisation).exists():
        return None
    centre = catalogue.create_centre(admin, organisation=organisation, scope=Centre.Scope.SECTOR,
                                     function=Centre.Function.TECHNOLOGY, currency="BRL", sector_code="1520")
    staff = _staff(organisation, password)
    for size, fee in FEES.items():
        catalogue.set_fee(staff, centre, size, fee)
    offered = {code: catalogue.add_service(staff, centre, code=code, name=name, kind=kind, member_price=member,
                                           non_member_price=other)
               for code, name, kind, member, other in CATALOGUE}
    today = timezone.localdate()
    for months_ago, title in ((7, "Tendências: primavera-verão"), (1, "Tendências: outono-inverno")):
        catalogue.publish(staff, offered["trends"], title=f"{title} (demo)", issued_on=today - timedelta(days=30 * months_ago),
                          filename=f"trends-{months_ago}.txt",
                          content=f"{title}: publicação de demonstração da plataforma.\n".encode())
    catalogue.publish(staff, offered["prices"], title="Preços de insumos: este trimestre (demo)", issued_on=today,
                      filename="prices.txt", content="Couro, solados e adesivos: preços de demonstração.\n".encode())
    firms = list(Enterprise.objects.filter(memberships__association__name=FOOTWEAR).order_by("id")[:12])
    demo_firm = User.objects.filter(username="enterprise").values_list("enterprise_id", flat=True).first()
    firms += list(Enterprise.objects.filter(pk=demo_firm))
    for firm in firms:
        membership.subscribe(staff, centre, firm, starts_on=today)
    for n, firm in enumerate(firms[:5]):
        day = today + timedelta(days=1 + n)
        start = timezone.make_aware(datetime(day.year, day.month, day.day, 9 + n))
        bookings.book(staff, offered["cadcam"], firm, start, start + timedelta(hours=2))
        usage.record_use(staff, offered["notes"], firm, quantity=1 + n % 2, key=f"demo-{n}")
    for n, firm in enumerate(firms[:4]):
        exchange.post(staff, centre, firm, kind="capacity" if n % 2 else "need",
                      code="stitching.uppers" if n < 2 else "stitching", quantity=2000 + 1000 * n, unit="pairs")
    _ten_years(admin, centre)
    return centre
