"""Demo diagnostic study (on top of the register's, the procurement and the fairs demos): the cluster
record of the Aruaru sawmills and carpenters with a completed study of the year before and a second
version in draft, both prefilled from the register. Loaded through the services; loading twice changes
nothing."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation

from triplec.clusters import services as clusters_services
from triplec.clusters.models import Cluster
from triplec.registry.models import Territory

from . import services

CLUSTER = "Madeira e móveis de São João do Aruaru (demo)"


def load_demo_diagnostics(admin, password: str) -> int:
    """The demo cluster's studies (how many were created; 0 when already loaded or the register's demo
    is not there). `password` is unused: no new login is needed (the officer and admin write studies).
    Written in Portuguese, as a Brazilian agency writes it: the texts the register's figures come with
    (the queries they came from) are stored in the language of whoever computed them."""
    with translation.override("pt-br"):
        return _load(admin)


@transaction.atomic
def _load(admin) -> int:
    aruaru = Territory.objects.filter(code="2301950").first()
    if aruaru is None or Cluster.objects.filter(name=CLUSTER).exists():
        return 0
    cluster = clusters_services.create_cluster(admin, {
        "name": CLUSTER, "sector_classification": "isic4", "sector_codes": "1610, 3100", "territory": aruaru.pk,
        "description": "Serrarias e marcenarias da associação de Aruaru (ilustrativo)."})
    first = services.start_study(admin, cluster, {
        "title": "Diagnóstico do polo moveleiro de Aruaru", "period": "2025",
        "study_date": timezone.localdate() - timedelta(days=365), "authors": "Equipe da agência (demo)",
        "summary": "Pequenas serrarias que fazem carteiras escolares para o estado; uma associação, nenhuma estufa local.",
        "attributes": {
            "concentration": {"assessment": "strong", "text": "Serrarias e marcenarias a poucos km umas das outras.",
                              "source": "Cadastro"},
            "suppliers": {"assessment": "weak", "text": "Madeira e ferragens compradas em Fortaleza.",
                          "source": "Entrevistas com 10 empresas"},
            "associations": {"assessment": "moderate", "text": "Uma associação de produtores, formada há pouco.",
                             "source": "Registros da associação"},
            "trust": {"assessment": "weak", "text": "Ação conjunta limitada ao contrato do estado.",
                      "source": "Entrevistas com 10 empresas"},
            "skills": {"assessment": "moderate", "text": "Marceneiros hábeis, poucos formados em acabamento.",
                       "source": "Entrevistas com 10 empresas"}},
        "competitive_path": "low", "competitive_path_text": "Compete por preço na licitação do estado.",
        "governance": "buyer", "governance_text": "A secretaria de compras do estado define modelos e qualidade.",
        "buyers": [{"name": "Secretaria de Compras do Estado do Ceará", "market": "Ceará", "note": "carteiras escolares"}],
        "problems": [{"kind": "problem", "text": "Sem estufa de secagem: peças empenadas devolvidas", "priority": "high"},
                     {"kind": "opportunity", "text": "Compradores privados de móveis em Fortaleza", "priority": "medium"}],
        "instruments": [{"instrument": "procurement", "reason": "Carteiras escolares pela associação"},
                        {"instrument": "fairs", "reason": "Chegar a compradores privados"}]})
    services.state_indicator(admin, first, "employment", {
        "value": 330, "source": "Levantamento da associação (demo): conta os informais",
        "as_of": first.study_date})
    services.complete_study(admin, first)
    second = services.start_study(admin, cluster, {"title": "Diagnóstico do polo moveleiro de Aruaru", "period": "2026"})
    attributes = dict(second.attributes)
    attributes["trust"] = {**attributes["trust"], "assessment": "moderate",
                           "text": "Compra conjunta de madeira começou depois dos contratos."}
    services.update_study(admin, second, {"attributes": attributes})
    return 2
