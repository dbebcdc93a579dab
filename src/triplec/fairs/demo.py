"""Demo fairs (on top of the register's demo): the agency's fairs programme (a fair 1,000 km or more from
the firms is distant), the Aruaru sawmills and carpenters' group stand at Movelsul (Bento Gonçalves,
about 3,000 km from Ceará by the coordinates, so the group stand's extra share) with costs shared by area and
paid, buyers met, orders traced to the fair and its follow-ups; the demo firm back alone the next
year at its own cost (a self-paid repeat); and the footwear PROFO of Novo Hamburgo (networks' demo), signed up
by its broker for a group stand at Francal two months ago with its members of the day, paid. Loaded
through the services; loading twice changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from triplec.accounts.models import User
from triplec.core.months import add_months
from triplec.networks.models import Network
from triplec.registry.models import Enterprise, Membership, Organisation, OrganisationKind

from .models import Programme
from .services import links, money, network_stands, programmes

PROGRAMME = "Feiras e missões comerciais do Ceará (demo)"
ASSOCIATION = "Associação dos Serradores e Marceneiros de São João do Aruaru"
AGENT = "Agentes de Exportação do Sinos Ltda"
NETWORK = "PROFO Calçadista de Novo Hamburgo"


@transaction.atomic
def load_demo_fairs(admin, password: str) -> dict[str, int]:
    """The demo programme, its fairs and participations (what -> how many); {} when already loaded or
    when the register's demo is not there. `password` is unused: the demo logins of the register act."""
    association = Organisation.objects.filter(kind=OrganisationKind.PRODUCERS_ASSOCIATION, name=ASSOCIATION).first()
    if association is None or Programme.objects.filter(name=PROGRAMME).exists():
        return {}
    demo_user = User.objects.filter(username="enterprise").first()
    members = list(Enterprise.objects.filter(Membership.current_q(date(2025, 1, 1), prefix="memberships__"),
                                             memberships__association=association).order_by("id")[:3])
    if demo_user is not None and demo_user.enterprise in members:  # the demo firm first
        members.remove(demo_user.enterprise)
        members.insert(0, demo_user.enterprise)
    if len(members) < 3:
        return {}
    manager = User.objects.filter(username="association").first() or admin
    programme = programmes.create_programme(
        admin, name=PROGRAMME, currency="BRL", yearly_cap="15000.00", share_micro="0.5", share_small="0.5",
        share_medium="0.2", share_large="0", group_extra_share="0.1", repeat_step="0.1",
        distant_km="1000")
    movelsul = programmes.add_fair(admin, programme, name="Movelsul Brasil", organiser="Sindmóveis",
                                   place="Bento Gonçalves", country="BR", starts_on=date(2025, 3, 10),
                                   ends_on=date(2025, 3, 13), sectors="3101, 1610", latitude=-29.17,
                                   longitude=-51.52)  # about 3,000 km from Aruaru: distant by the km
    stand = programmes.add_group_stand(admin, movelsul, association=association, total_cost="24000.00",
                                       cost_sharing="area")
    at_stand = [programmes.sign_up(manager, movelsul, firm, stand=stand, area_m2=area, on=date(2025, 1, 20))
                for firm, area in zip(members, ("12", "9", "9"), strict=True)]
    money.pay_stand(admin, stand, on=date(2025, 2, 28))
    first = at_stand[0]
    agent = Organisation.objects.filter(kind=OrganisationKind.BUYER_AGENT, name=AGENT).first()
    contacts = [links.record_contact(manager, first, buyer=agent, country="BR", is_agent=True)] if agent else []
    contacts.append(links.record_contact(manager, first, person="Marta Souza", company="Casa Nordeste Móveis",
                                         country="BR", note="Wants 200 school chairs a quarter"))
    contacts.append(links.record_contact(manager, at_stand[1], person="Jorge Pérez", company="Muebles del Sur",
                                         country="CL"))
    links.record_order(manager, contacts[-2], value="18400.00", currency="BRL", ordered_on=date(2025, 3, 12))
    links.record_order(manager, contacts[-2], value="22100.00", currency="BRL", ordered_on=date(2025, 7, 2))
    links.record_order(manager, contacts[-1], value="6500.00", currency="USD", ordered_on=date(2025, 5, 15))
    for months, day, note in ((3, date(2025, 6, 10), "Samples approved"), (6, date(2025, 9, 15), "Second order")):
        links.complete_follow_up(manager, first.follow_ups.get(months=months), note=note, on=day)
    fortaleza = programmes.add_fair(admin, programme, name="Feira de Móveis do Nordeste", organiser="FIEC",
                                    place="Fortaleza", country="BR", starts_on=date(2026, 8, 18),
                                    ends_on=date(2026, 8, 21), sectors="3101", latitude=-3.73, longitude=-38.52)
    again = programmes.sign_up(admin, fortaleza, members[0], cost="4000.00", subsidy_requested=False,
                               on=date(2026, 6, 1))
    money.pay_costs(admin, again, on=date(2026, 8, 1))
    network_firms = _network_stand(admin, programme)
    return {"fairs": 2 + bool(network_firms), "participations": len(at_stand) + 1 + network_firms, "orders": 3}


def _network_stand(admin, programme) -> int:
    """The demo PROFO at Francal on a group stand (dates from today, as the networks' demo has them):
    how many firms it signed up; 0 without the networks' demo."""
    network = Network.objects.filter(name=NETWORK).first()
    if network is None:
        return 0
    starts = add_months(date.today(), -2)
    francal = programmes.add_fair(admin, programme, name="Francal", organiser="Francal Feiras", place="São Paulo",
                                  country="BR", starts_on=starts, ends_on=starts + timedelta(days=3),
                                  sectors="1520", latitude=-23.55, longitude=-46.63)
    stand = network_stands.sign_up_network(network.broker or admin, francal, network, total_cost="42000.00",
                                           on=add_months(starts, -2))
    money.pay_stand(admin, stand, on=add_months(starts, -1))
    return stand.participations.count()
