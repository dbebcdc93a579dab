"""Demo networks of both kinds at different stages, built through the services on top of the
register's demo data (`triplec.registry.demo`): firms are picked by sector and place, buyers and the
service centre by name. Dates are relative to today so the demo always looks current.

`load_demo_networks(actor)` is idempotent: a network that already exists (by kind and name) is left
as it is. `actor` must be agency staff (the demo's administrator). Returns {network name: stage}.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import translation

from triplec.accounts.models import User
from triplec.accounts.roles import Role
from triplec.core.months import add_months
from triplec.registry.models import Enterprise, Organisation, OrganisationKind

from . import services
from .independence import JUDGED
from .lifecycle import install_shipped
from .models import Network

AREAS = ("product-design", "process", "hr-strategy", "sales-strategy", "financial-management")


def _firms(*, sectors: list[str], places: list[str] | None = None, association_kind: str | None = None,
           count: int, skip: int = 0) -> list[Enterprise]:
    qs = Enterprise.objects.filter(sector_code__in=sectors)
    if places:
        qs = qs.filter(territory__code__in=places)
    if association_kind:
        qs = qs.filter(memberships__association__kind=association_kind)
    return list(qs.order_by("id").distinct()[skip:skip + count])


def _organisation(kind: str, name: str) -> Organisation | None:
    return Organisation.objects.filter(kind=kind, name=name).first()


def _territory_of(firms: list[Enterprise]):
    return firms[0].territory if firms and firms[0].territory_id else None


def _walk(actor, network: Network, steps: list[tuple[str, list[dict], date]]) -> None:
    for stage, evidence, day in steps:
        services.transition(actor, network, stage, evidence=evidence, effective_on=day,
                            reason="Demonstração: etapa aprovada com as evidências")


def _members(actor, network: Network, firms: list[Enterprise], joined: date, lead: bool = True) -> None:
    for i, firm in enumerate(firms):
        services.add_member(actor, network, firm, joined, lead=lead and i == 0)


def _activities(actor, network: Network, firms: list[Enterprise], start: date, plan: list[tuple[str, int, str]],
                centre: Organisation | None = None) -> None:
    today = date.today()
    for kind, months_in, title in plan:
        day = add_months(start, months_in)
        if day > today:
            continue
        data = {"kind": kind, "occurred_on": day, "title": title, "broker_hours": Decimal("3.5"),
                "attendance": [{"enterprise": f, "participants": 1 + (i % 2)} for i, f in enumerate(firms[:6])]}
        if kind == "support-contact":
            if centre is None:
                continue
            data.update(support_body=centre, service_taken_up=title)
        if kind == "factory-visit":
            data["host_enterprise"] = firms[0]
        services.record_activity(actor, network, data)


def _evaluations(actor, network: Network, firms: list[Enterprise], dates: list[date], improving: int,
                 skip_last_for: int = 0) -> None:
    """Baseline 2 in every area; later rounds raise `improving` firms' scores by one each round."""
    today = date.today()
    for round_index, day in enumerate(d for d in dates if d <= today):
        for i, firm in enumerate(firms):
            if round_index == len(dates) - 1 and i >= len(firms) - skip_last_for:
                continue  # these firms' latest evaluation is overdue
            rise = round_index if i < improving else 0
            scores = {area: min(5, 2 + rise - (1 if (i + k) % 5 == 0 and rise else 0))
                      for k, area in enumerate(AREAS)}
            services.record_evaluation(actor, network, firm, day, scores)


def _contributions(actor, network: Network, firms: list[Enterprise], start: date, monthly: list[tuple[int, str]]):
    """monthly: [(from network month, what each firm pays per month)]; dues are paid quarterly, on the
    5th of the month after the quarter."""
    today = date.today()
    month = 3
    while (day := add_months(start.replace(day=5), month)) <= today:
        amount = sum((Decimal(next((a for m, a in sorted(monthly, reverse=True) if month - k >= m), "0"))
                      for k in (2, 1, 0)), Decimal(0))
        if amount > 0:
            for firm in firms:
                services.record_contribution(actor, network, enterprise=firm, amount=amount, paid_on=day,
                                             idempotency_key=f"demo-dues-{firm.pk}-{day.isoformat()}")
        month += 3


def _costs(actor, network: Network, start: date, plan: list[tuple[str, int, str, str]]) -> None:
    """plan: [(category, network month, amount, note)]; months still in the future are skipped."""
    for category, month, amount, note in plan:
        day = add_months(start, month)
        if day <= date.today():
            services.record_cost(actor, network, category=category, amount=amount, incurred_on=day, note=note,
                                 idempotency_key=f"demo-cost-{category}-{month}")


def _hire_manager(actor, network: Network, broker: User | None, name: str, monthly_fee: str, start: date) -> None:
    """A manager's contract from ``start``, with the fees accrued up to today."""
    services.create_contract(actor, network, {"manager": broker, "manager_name": name,
                                              "monthly_fee": monthly_fee, "start_date": start})
    with translation.override("pt-br"):  # the accrued fees' notes are the Brazilian agency's own records
        services.accrue_manager_costs(actor, network, through=date.today())


@transaction.atomic
def load_demo_networks(actor, broker: User | None = None) -> dict[str, str]:
    install_shipped(refresh=False)
    broker = broker or User.objects.filter(role=Role.BROKER, is_active=True).order_by("id").first()
    today = date.today()
    built: dict[str, str] = {}
    buyer_state = _organisation(OrganisationKind.BUYER_PUBLIC, "Secretaria de Compras do Estado do Ceará")
    buyer_agent = _organisation(OrganisationKind.BUYER_AGENT, "Agentes de Exportação do Sinos Ltda")
    buyer_retail = _organisation(OrganisationKind.BUYER_RETAILER, "Rede Varejista Brasil Calçados")
    buyer_compressors = _organisation(OrganisationKind.BUYER_LARGE_FIRM, "Compressores Joinville S.A.")
    centre = _organisation(OrganisationKind.SERVICE_CENTRE, "Centro Tecnológico do Calçado")

    def new(kind: str, name: str, firms: list[Enterprise], minimum: int, **data) -> Network | None:
        if Network.objects.filter(kind__code=kind, name=name).exists() or len(firms) < minimum:
            return None
        data = {"kind": kind, "name": name, "currency": "BRL", "broker": broker, "territory": _territory_of(firms),
                **data}
        return services.create_network(actor, data)

    # 1. A Danish-model network of sawmills and carpenters around the state's school furniture
    #    purchases, past the hurdles up to its feasibility study.
    wood = _firms(sectors=["1610", "3100"], association_kind=OrganisationKind.PRODUCERS_ASSOCIATION, count=6)
    start = add_months(today, -9)
    net = new("brokered", "Rede de Móveis Escolares de Aruaru", wood, 5, started_on=start,
              sectors=[{"classification": "isic4", "code": "1610"}, {"classification": "isic4", "code": "3100"}],
              target_buyers=[buyer_state] if buyer_state else [],
              market_product="Carteiras e cadeiras escolares", market_volume="2.000 conjuntos por ano",
              market_quality="Norma técnica estadual para mobiliário escolar",
              short_term_goals="Uma proposta conjunta para a próxima licitação do estado",
              medium_term_goals="Um contrato anual de fornecimento e uma estufa de secagem comum")
    if net is not None:
        _members(actor, net, wood, start)
        _activities(actor, net, wood, start, [("meeting", 0, "Primeira reunião com o articulador"),
                                              ("factory-visit", 2, "Visita à oficina da empresa-líder"),
                                              ("group-workshop", 4, "Oficina de custos para a licitação")])
        _walk(actor, net, [
            ("viable-idea", [{"requirement": "network-idea", "reference": "demo://idea-note.pdf",
                              "text": "Fornecer juntos o mobiliário escolar do estado"}], add_months(start, 1)),
            ("group-ownership", [{"requirement": "group-decision", "text": "Seis empresas decidiram levar a ideia adiante",
                                  "date": add_months(start, 3)}], add_months(start, 3)),
            ("feasibility-study", [{"requirement": "study-terms", "reference": "demo://study-terms.pdf"},
                                   {"requirement": "study-start", "date": add_months(start, 5)}],
             add_months(start, 5)),
        ])
        built[net.name] = net.stage.code

    # 2. A Danish-model network still at "interest": no market named yet, below the usual size.
    components = _firms(sectors=["2219"], count=4)
    net = new("brokered", "Componentes para Calçado do Vale", components, 2, started_on=add_months(today, -2),
              sectors=[{"classification": "isic4", "code": "2219"}])
    if net is not None:
        _members(actor, net, components, net.started_on)
        _activities(actor, net, components, net.started_on, [("meeting", 1, "Exemplos de redes dinamarquesas")])
        built[net.name] = net.stage.code

    # 3. A PROFO of footwear firms in consolidation: manager, dues, bi-annual evaluations (two
    #    firms overdue), a support contact with the technology centre.
    shoes = _firms(sectors=["1520"], count=14)
    start = add_months(today, -15)
    net = new("profo", "PROFO Calçadista de Novo Hamburgo", shoes, 10, started_on=start,
              sectors=[{"classification": "isic4", "code": "1520"}],
              target_buyers=[buyer_retail] if buyer_retail else [],
              market_product="Calçados femininos de couro", market_volume="40.000 pares por estação",
              market_quality="Manual de qualidade das redes varejistas nacionais",
              basis_for_collaboration="Fornecedores comuns de couro e componentes; um comprador varejista em comum",
              short_term_goals="Compra conjunta de couro; um padrão de qualidade comum",
              medium_term_goals="Uma coleção vendida em conjunto às redes varejistas nacionais")
    if net is not None:
        _members(actor, net, shoes, start)
        admitted = add_months(start, 2)
        _walk(actor, net, [("consolidation", [
            {"requirement": "diagnosis", "reference": "demo://diagnosis.pdf"},
            {"requirement": "admission-decision", "text": "Admitida pelo comitê do programa", "date": admitted}],
            admitted)])
        _hire_manager(actor, net, broker, "Gerente do PROFO", "6000.00", admitted)
        _contributions(actor, net, shoes, start, [(3, "60.00"), (9, "120.00")])
        # The PROFO schedule pays only the manager: the dues pay for the group's own activities.
        _costs(actor, net, start, [("events", 5, "4800.00", "Oficina de corte enxuto: instrutor e sala"),
                                   ("consultant", 6, "3600.00", "Ensaios de qualidade de solados no centro"),
                                   ("travel", 11, "8400.00", "Viagem à feira de Franca: ônibus e entrada")])
        _activities(actor, net, shoes, start, [
            ("factory-visit", 3, "Visita à sala de corte de uma associada"), ("group-workshop", 5, "Oficina de corte enxuto"),
            ("support-contact", 6, "Ensaios de qualidade de solados"), ("joint-purchase", 8, "Couro comprado em conjunto"),
            ("group-travel", 11, "Viagem à feira de Franca")], centre=centre)
        _evaluations(actor, net, shoes, [add_months(admitted, 1), add_months(admitted, 7)], improving=9,
                     skip_last_for=2)
        built[net.name] = net.stage.code

    # 4. An export PROFO in independence, 26 months old, assessed against Dini's criteria.
    exporters = _firms(sectors=["1520"], count=12, skip=14)
    start = add_months(today, -26)
    net = new("export-profo", "PROFO Exportador de Calçados do Sinos", exporters, 10, started_on=start,
              sectors=[{"classification": "isic4", "code": "1520"}],
              target_buyers=[buyer_agent] if buyer_agent else [],
              market_product="Calçados de couro para exportação", market_volume="150.000 pares por ano",
              market_quality="Especificações dos agentes para compradores dos EUA e da Europa",
              basis_for_collaboration="As associadas já vendem pelos mesmos agentes de exportação",
              short_term_goals="Um estande conjunto numa feira internacional",
              medium_term_goals="Exportar 30% da produção por um agente comum")
    if net is not None:
        _members(actor, net, exporters, start)
        admitted = add_months(start, 1)
        _hire_manager(actor, net, broker, "Gerente de exportação", "8000.00", admitted)
        _contributions(actor, net, exporters, start, [(2, "150.00"), (12, "300.00"), (20, "420.00")])
        _activities(actor, net, exporters, start, [
            ("meeting", 1, "Diagnóstico de exportação com as associadas"), ("support-contact", 4, "Curso de sensibilização para a ISO 9000"),
            ("joint-marketing", 9, "Catálogo comum para os agentes"), ("group-travel", 14, "Estande conjunto na GDS"),
            ("joint-project", 20, "Padrão comum de numeração para o mercado dos EUA"),
            ("joint-purchase", 23, "Contêineres reservados em conjunto")], centre=centre)
        rounds = [add_months(admitted, 1 + 6 * k) for k in range(4)]
        _evaluations(actor, net, exporters, rounds, improving=10)
        steps = [("consolidation", [{"requirement": "diagnosis", "reference": "demo://export-diagnosis.pdf"},
                                    {"requirement": "admission-decision", "text": "Admitida", "date": admitted}],
                  admitted)]
        if broker is not None:  # the independence gate needs an appointed manager
            steps.append(("independence", [{"requirement": "takeover-plan",
                                            "reference": "demo://takeover-plan.pdf"}], add_months(start, 22)))
        _walk(actor, net, steps)
        services.record_assessment(actor, net, add_months(start, 25), {
            code: {"met": code in ("autonomous-proposals", "idea-diffused"),
                   "evidence": "Demonstração: observado na visita de avaliação" if code in (
                       "autonomous-proposals", "idea-diffused") else ""} for code in JUDGED})
        built[net.name] = net.stage.code

    # 5. A supplier network around a large buyer, at its viable idea.
    metal = _firms(sectors=["2592", "2599"], count=8)
    start = add_months(today, -4)
    net = new("supplier-network", "Fornecedores da Compressores Joinville", metal, 5, started_on=start,
              sectors=[{"classification": "isic4", "code": "2592"}],
              target_buyers=[buyer_compressors] if buyer_compressors else [],
              short_term_goals="Cumprir os requisitos de entrega e qualidade do comprador",
              medium_term_goals="Substituir peças usinadas importadas")
    if net is not None:
        _members(actor, net, metal, start)
        if buyer_compressors is not None:  # the idea gate needs the named buyer
            _walk(actor, net, [("viable-idea", [{"requirement": "network-idea",
                                                 "reference": "demo://supplier-idea"}], add_months(start, 1))])
        _activities(actor, net, metal, start, [("meeting", 1, "Reunião com a equipe de compras do comprador")])
        built[net.name] = net.stage.code

    # 6. A closed one: the history shows why.
    tanneries = _firms(sectors=["1511"], count=5)
    start = add_months(today, -12)
    net = new("brokered-uk", "Rede de Curtumes (encerrada)", tanneries, 3, started_on=start,
              sectors=[{"classification": "isic4", "code": "1511"}])
    if net is not None:
        _members(actor, net, tanneries, start, lead=False)
        services.transition(actor, net, "closed", effective_on=start + timedelta(days=120),
                            reason="As empresas não quiseram pagar pelos serviços do articulador")
        built[net.name] = net.stage.code
    return built
