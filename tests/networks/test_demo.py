"""The demo networks load on top of the register's demo, at different stages, through the services,
and loading twice changes nothing."""

import pytest

from triplec.accounts.models import User
from triplec.networks import selectors
from triplec.networks.demo import load_demo_networks
from triplec.networks.models import ContributionEntry, Evaluation, Network, Transition

pytestmark = pytest.mark.slow


def test_demo_networks_of_both_kinds_at_different_stages(db):
    from triplec.registry.demo import DemoSummary, load_illustrative

    load_illustrative(DemoSummary())
    admin = User.objects.get(username="admin")
    built = load_demo_networks(admin)
    assert built == {
        "Rede de Móveis Escolares de Aruaru": "feasibility-study",
        "Componentes para Calçado do Vale": "interest",
        "PROFO Calçadista de Novo Hamburgo": "consolidation",
        "PROFO Exportador de Calçados do Sinos": "independence",
        "Fornecedores da Compressores Joinville": "viable-idea",
        "Rede de Curtumes (encerrada)": "closed",
    }
    counts = (Network.objects.count(), Transition.objects.count(), ContributionEntry.objects.count(),
              Evaluation.objects.count())
    assert load_demo_networks(admin) == {}
    assert (Network.objects.count(), Transition.objects.count(), ContributionEntry.objects.count(),
            Evaluation.objects.count()) == counts

    broker = User.objects.get(username="broker")
    assert {n.name for n in selectors.filter_networks(broker)} == set(built)
    enterprise_user = User.objects.get(username="enterprise")
    assert [n.name for n in selectors.filter_networks(enterprise_user)] == ["Rede de Móveis Escolares de Aruaru"]
    components = Network.objects.get(name="Componentes para Calçado do Vale")
    assert selectors.size_guidance(components).warning.startswith("4 member firms")
    assert selectors.next_gate_checklist(components).missing[0].requirement.code == "target-market"
    profo = Network.objects.get(name="PROFO Calçadista de Novo Hamburgo")
    due = selectors.due_evaluations(broker, network=profo)
    assert sum(d.overdue for d in due) == 2
    exporter = Network.objects.get(name="PROFO Exportador de Calçados do Sinos")
    (_assessment, result), = selectors.assessments(exporter)
    assert result.label == "9 of 12"
    assert {c.criterion.code for c in result.criteria if not c.met} == {
        "local-leadership", "locality-reaction", "continue-independently"}


def test_the_brazilian_agency_s_own_texts_are_in_portuguese(db):
    """Network texts, activities, gate evidence and stage reasons are the agency's data: Portuguese."""
    import re

    from triplec.networks.models import Activity, CostEntry, GateEvidence, ManagerContract
    from triplec.registry.demo import DemoSummary, load_illustrative
    from triplec.registry.models import Organisation

    load_illustrative(DemoSummary())
    load_demo_networks(User.objects.get(username="admin"))
    texts = []
    for n in Network.objects.all():
        texts += [n.name, n.market_product, n.market_volume, n.market_quality, n.basis_for_collaboration,
                  n.short_term_goals, n.medium_term_goals]
    texts += list(Activity.objects.values_list("title", flat=True))
    texts += list(GateEvidence.objects.values_list("text", flat=True))
    texts += list(Transition.objects.values_list("reason", flat=True))
    texts += list(ManagerContract.objects.values_list("manager_name", flat=True))
    texts += list(CostEntry.objects.values_list("note", flat=True))  # accrued fees and costs too
    texts += list(Organisation.objects.values_list("name", flat=True))
    english = re.compile(r"\b(the|with|and|of|for|a year|pairs|meeting|visit|workshop|agents?|manager|month|trip)\b", re.I)
    found = [t for t in texts if t and english.search(t)]
    assert found == []
