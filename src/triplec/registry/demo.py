"""Demo data: an illustrative agency with the paper's cases, and the real French facility register.

- A producers' association of sawmills and carpenters in São João do Aruaru, Ceará (s.4.3), and the
  state purchasing department that buys school furniture from it.
- A footwear cluster in the Sinos Valley, Rio Grande do Sul, with its suppliers (tanneries, components,
  machinery) and an export agent (Box 4).
- A metalworking group near a large buyer in Joinville, Santa Catarina (s.4.4).
- The French IREP register of industrial facilities (about 10,000 rows) as a named mapping data set
  (not rows of the agency's register): mapping runs can start from it.
Everything is created through the service layer and is idempotent: loading twice changes nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from stdnum.br import cnpj

from triplec.accounts.models import User
from triplec.accounts.roles import Role

from . import services
from .models import Enterprise, Organisation, OrganisationKind, Territory

DEMO_PASSWORD = "triplec-demo-2026"
COUNTRY = "BR"

# (code, name, lat, lon) of the demo municipalities, by state.
PLACES = {
    ("CE", "Ceará"): [("2301950", "São João do Aruaru", -4.52, -38.78), ("2304400", "Fortaleza", -3.73, -38.52)],
    ("RS", "Rio Grande do Sul"): [("4313409", "Novo Hamburgo", -29.68, -51.13),
                                 ("4303905", "Campo Bom", -29.68, -51.05),
                                 ("4319901", "Sapiranga", -29.64, -51.00),
                                 ("4318705", "São Leopoldo", -29.76, -51.15)],
    ("SC", "Santa Catarina"): [("4209102", "Joinville", -26.30, -48.85),
                               ("4202909", "Brusque", -27.10, -48.92)],
}

# (group, ISIC Rev.4 class, label used in names, how many, employee range, municipalities)
GROUPS = [
    ("sawmills", "1610", "Serraria", 24, (2, 25), ["2301950"]),
    ("carpenters", "3100", "Marcenaria", 18, (1, 15), ["2301950", "2304400"]),
    ("footwear", "1520", "Calçados", 150, (3, 400), ["4313409", "4303905", "4319901", "4318705"]),
    ("tanneries", "1511", "Curtume", 22, (10, 250), ["4313409", "4318705"]),
    ("components", "2219", "Componentes", 30, (5, 120), ["4313409", "4303905"]),
    ("shoe machinery", "2826", "Máquinas", 10, (10, 200), ["4313409"]),
    ("metalworking", "2592", "Usinagem", 28, (4, 90), ["4209102"]),
    ("metal products", "2599", "Metalúrgica", 16, (3, 60), ["4209102", "4202909"]),
]

FIRST = ["Alfa", "Beta", "Gama", "Delta", "Sol", "Norte", "Vale", "Serra", "Rio", "Nova", "União", "Esperança",
         "Progresso", "Aliança", "Horizonte", "Estrela", "Pioneira", "Real", "Modelo", "Central"]
LAST = ["Silva", "Souza", "Oliveira", "Pereira", "Costa", "Rodrigues", "Almeida", "Nascimento", "Lima", "Araújo",
        "Fernandes", "Carvalho", "Gomes", "Martins", "Rocha", "Ribeiro", "Alves", "Monteiro", "Mendes", "Barros"]


@dataclass
class DemoSummary:
    created: dict[str, int] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)

    def describe(self) -> str:
        lines = ["Demo data ready: " + ", ".join(f"{v} {k}" for k, v in self.created.items())]
        lines.append(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        lines += [f"  {u:<22} {r:<20} {what}" for u, r, what in self.logins]
        return "\n".join(lines)


def _cnpj(rng: random.Random) -> str:
    """A valid CNPJ (head office, check digits computed), as stored: digits only."""
    base = f"{rng.randrange(10**8):08d}0001"
    rng.randrange(100)  # the draw that used to make up the check digits: keeps the demo's sequence
    return base + cnpj.calc_check_digits(base)


def _territories() -> dict[str, Territory]:
    brazil = services.ensure_territory("country", "BR", "Brazil")
    out = {}
    for (state_code, state_name), places in PLACES.items():
        state = services.ensure_territory("region", state_code, state_name, parent=brazil)
        for code, name, _lat, _lon in places:
            out[code] = services.ensure_territory("municipality", code, name, parent=state)
    return out


def _organisation(actor, kind, name, **extra) -> Organisation:
    existing = Organisation.objects.filter(kind=kind, country=COUNTRY, name=name).first()
    return existing or services.create_organisation(actor, {"kind": kind, "name": name, "country": COUNTRY,
                                                            **extra})


def _user(summary: DemoSummary, username: str, role: Role, what: str, **links) -> User:
    from triplec.accounts.demo import demo_user

    user = demo_user(username, DEMO_PASSWORD, role=role, **links)
    summary.logins.append((username, role.value, what))
    return user


@transaction.atomic
def load_illustrative(summary: DemoSummary) -> None:
    rng = random.Random(1995)  # the paper's year: same demo everywhere
    places = {code: (lat, lon) for group in PLACES.values() for code, _n, lat, lon in group}
    territories = _territories()
    admin = _user(summary, "admin", Role.AGENCY_ADMIN, "everything, users")
    agency = _organisation(admin, OrganisationKind.SUPPORT_AGENCY, "Agência de Apoio às PMEs (demo)",
                           territory=territories["2304400"])
    User.objects.filter(pk=admin.pk, organisation__isnull=True).update(organisation=agency)

    sawmill_assoc = _organisation(
        admin, OrganisationKind.PRODUCERS_ASSOCIATION,
        "Associação dos Serradores e Marceneiros de São João do Aruaru", territory=territories["2301950"],
        sector_classification="isic4", sector_code="1610")
    footwear_assoc = _organisation(
        admin, OrganisationKind.BUSINESS_ASSOCIATION, "Associação Calçadista do Vale do Sinos",
        territory=territories["4313409"], sector_classification="isic4", sector_code="1520")
    metal_assoc = _organisation(
        admin, OrganisationKind.BUSINESS_ASSOCIATION, "Grupo de Fornecedores Metalúrgicos de Joinville",
        territory=territories["4209102"], sector_classification="isic4", sector_code="2592")
    _organisation(admin, OrganisationKind.BUYER_PUBLIC, "Secretaria de Compras do Estado do Ceará",
                  territory=territories["2304400"])
    _organisation(admin, OrganisationKind.BUYER_AGENT, "Agentes de Exportação do Sinos Ltda", territory=territories["4313409"])
    _organisation(admin, OrganisationKind.BUYER_RETAILER, "Rede Varejista Brasil Calçados",
                  territory=territories["4318705"])
    _organisation(admin, OrganisationKind.SERVICE_CENTRE, "Centro Tecnológico do Calçado",
                  territory=territories["4313409"])

    association_of = {"sawmills": sawmill_assoc, "carpenters": sawmill_assoc, "footwear": footwear_assoc,
                      "components": footwear_assoc, "metalworking": metal_assoc, "metal products": metal_assoc}
    created = 0
    for group, code, label, count, (lo, hi), municipalities in GROUPS:
        for i in range(count):
            muni = municipalities[i % len(municipalities)]
            lat, lon = places[muni]
            national_id = _cnpj(rng)
            # Sizes are skewed as in real clusters: many micro and small firms, a few larger ones.
            employees = int(min(hi, max(lo, rng.lognormvariate(2.3, 0.9))))
            data = {
                "legal_name": f"{label} {rng.choice(FIRST)} {rng.choice(LAST)} Ltda",
                "country": COUNTRY, "national_id": national_id, "sector_classification": "isic4",
                "sector_code": code, "employees": employees, "founding_year": rng.randint(1960, 1994),
                "territory": territories[muni], "latitude": round(lat + rng.gauss(0, 0.02), 5),
                "longitude": round(lon + rng.gauss(0, 0.02), 5),
                "exporter": group == "footwear" and rng.random() < 0.3,
            }
            # Draw everything before the existence check so a second run sees the same sequence.
            joins = rng.random() < 0.85
            joined_on = date(rng.randint(1990, 1994), rng.randint(1, 12), 1)
            if Enterprise.objects.filter(country=COUNTRY, national_id=national_id).exists():
                continue
            ent = services.create_enterprise(admin, data)
            created += 1
            assoc = association_of.get(group)
            if assoc is not None and joins:
                services.add_membership(admin, ent, assoc, joined_on)
    buyer_ent = Enterprise.objects.filter(country=COUNTRY, national_id="84429695000111").first()
    if buyer_ent is None:
        buyer_ent = services.create_enterprise(admin, {
            "legal_name": "Compressores Joinville S.A.", "country": COUNTRY, "national_id": "84.429.695/0001-11",
            "sector_classification": "isic4", "sector_code": "2813", "employees": 3200, "founding_year": 1971,
            "territory": territories["4209102"], "latitude": -26.27, "longitude": -48.86, "exporter": True})
        created += 1
    _organisation(admin, OrganisationKind.BUYER_LARGE_FIRM, "Compressores Joinville S.A.",
                  territory=territories["4209102"], enterprise=buyer_ent)
    summary.created["illustrative enterprises"] = Enterprise.objects.filter(country=COUNTRY).count()

    member = (Enterprise.objects.filter(memberships__association=sawmill_assoc).order_by("id").first())
    _user(summary, "officer", Role.PROGRAMME_OFFICER, "programme officer", organisation=agency)
    _user(summary, "broker", Role.BROKER, "network broker", organisation=agency)
    _user(summary, "association", Role.ASSOCIATION_MANAGER, f"manages {sawmill_assoc.name}",
          organisation=sawmill_assoc)
    _user(summary, "enterprise", Role.ENTERPRISE_USER, f"works at {member}", enterprise=member)
    _user(summary, "evaluator", Role.EVALUATOR, "read-only")


def describe_logins() -> str:
    """The demo logins that exist in this database (for the start script's banner)."""
    from triplec.accounts.demo import DEMO_DOMAIN

    users = User.objects.filter(email__endswith="@" + DEMO_DOMAIN).order_by("id")
    if not users:
        return "No demo logins in this database."
    lines = [f"Demo logins (password for all: {DEMO_PASSWORD}):"]
    lines += [f"  {u.username:<22} {u.role}" for u in users]
    return "\n".join(lines)
