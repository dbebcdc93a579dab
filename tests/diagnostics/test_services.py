"""The rules of diagnostic studies on the hand-made register of tests/diagnostics/conftest.py `wood`:
computed indicators against numbers worked out by hand, stated overrides, versions, completion."""

from __future__ import annotations

from datetime import date

import pytest
from tests.networks.conftest import START

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.diagnostics import services
from triplec.diagnostics.models import Indicator, Study

pytestmark = pytest.mark.django_db


def figures(study) -> dict:
    return {row.key: row for row in services.indicator_rows(study)}


def test_a_new_study_is_prefilled_from_the_register(wood):
    study = services.start_study(wood.officer, wood.cluster)
    assert (study.version, study.status) == (1, Study.Status.DRAFT)
    rows = figures(study)
    assert rows["firms"].value == 4
    assert rows["employment"].value == 275
    assert rows["sme_share"].value == pytest.approx(66.7)
    assert rows["lq"].value == pytest.approx(2.013)
    assert "(275 of 375)" in rows["lq"].computed.source and "(275 of 755)" in rows["lq"].computed.source
    assert rows["associations"].value == 1 and rows["associations"].computed.text == "Sawmills Assoc (2)"
    assert rows["association_members"].value == 2
    assert rows["networks"].value == 0 and rows["centre_subscriptions"].value == 0
    assert all(row.origin == Indicator.Origin.COMPUTED for row in rows.values())
    assert "sector codes 16 in Ceará" in rows["firms"].computed.source


def test_networks_and_subscriptions_running_with_the_firms_are_counted(wood, nets):
    """nets.net (open stage) has ent_a1, ent_a2 and four firms outside the cluster; nets.other only ent_b1."""
    from tests.centres.conftest import make_centre

    from triplec.centres.models import Subscription

    centre = make_centre(wood.world.users["agency-admin"], "CITER")
    Subscription.objects.create(centre=centre, enterprise=wood.big, starts_on=date(2020, 1, 1),
                                ends_on=date(2099, 12, 31), size_class="large", fee=100)
    Subscription.objects.create(centre=centre, enterprise=wood.world.ent_b1, starts_on=date(2020, 1, 1),
                                ends_on=date(2099, 12, 31), size_class="medium", fee=100)
    rows = figures(services.start_study(wood.officer, wood.cluster, {"study_date": START}))
    assert rows["networks"].value == 1
    assert rows["networks"].computed.text == "Aruaru school furniture network"
    assert rows["centre_subscriptions"].value == 1


def test_the_firms_of_a_register_footprint_are_its_members(wood):
    from django.utils import timezone

    from triplec.clusters.models import ClusterFootprint

    ClusterFootprint.objects.create(
        cluster=wood.cluster, run_title="Ceará wood", run_source="register", footprint_id="1610-1", sector="1610",
        observed_at=timezone.now(), geometry={}, establishments=2, area_km2=12.5,
        member_ids=[wood.world.ent_a2.pk, wood.big.pk])
    rows = figures(services.start_study(wood.officer, wood.cluster))
    assert (rows["firms"].value, rows["employment"].value, rows["sme_share"].value) == (2, 263, 50.0)
    assert rows["footprint_area"].value == 12.5 and rows["footprint_establishments"].value == 2
    assert "footprint 1610-1" in rows["firms"].computed.source


def test_a_stated_value_overrides_only_when_stated_and_both_stay(wood):
    study = services.start_study(wood.officer, wood.cluster)
    services.state_indicator(wood.officer, study, "employment", {"value": 310, "source": "Association survey 2026"})
    row = figures(study)["employment"]
    assert (row.value, row.origin) == (310, Indicator.Origin.STATED)
    assert row.computed.value == 275 and row.stated.stated_by == wood.officer
    # refreshing from the register keeps the stated value in force
    services.refresh_indicators(wood.officer, study)
    row = figures(study)["employment"]
    assert (row.value, row.computed.value) == (310, 275)
    services.withdraw_stated(wood.officer, study, "employment")
    assert figures(study)["employment"].value == 275
    with pytest.raises(ValidationFailed) as refused:
        services.state_indicator(wood.officer, study, "firms", {"value": 5})
    assert "source" in refused.value.errors


def test_refresh_takes_the_register_again(wood):
    study = services.start_study(wood.officer, wood.cluster)
    wood.big.employees = 200
    wood.big.save()
    assert figures(study)["employment"].value == 275
    services.refresh_indicators(wood.officer, study)
    assert figures(study)["employment"].value == 215


def test_completed_is_read_only_and_a_new_version_copies_it(wood):
    study = services.start_study(wood.officer, wood.cluster)
    with pytest.raises(ValidationFailed):  # nothing assessed yet
        services.complete_study(wood.officer, study)
    services.update_study(wood.officer, study, {
        "attributes": {"trust": {"assessment": "weak", "text": "Little joint action", "source": "Interviews"}},
        "problems": [{"kind": "problem", "text": "No drying kiln", "priority": "high"}, {"kind": "", "text": ""}],
        "instruments": [{"instrument": "procurement", "reason": "School desks"}],
        "competitive_path": "low", "governance": "producer"})
    services.state_indicator(wood.officer, study, "employment", {"value": 310, "source": "Survey"})
    services.complete_study(wood.officer, study)
    study.refresh_from_db()
    assert study.status == Study.Status.COMPLETED and study.completed_by == wood.officer
    for write in (lambda: services.update_study(wood.officer, study, {"summary": "late"}),
                  lambda: services.refresh_indicators(wood.officer, study),
                  lambda: services.state_indicator(wood.officer, study, "firms", {"value": 1, "source": "x"}),
                  lambda: services.complete_study(wood.officer, study)):
        with pytest.raises(ValidationFailed):
            write()
    wood.big.employees = 200
    wood.big.save()
    second = services.start_study(wood.officer, wood.cluster)
    assert second.version == 2 and second.is_draft
    assert second.attributes == study.attributes and second.problems == [
        {"kind": "problem", "text": "No drying kiln", "priority": "high"}]
    assert second.instruments == study.instruments and second.competitive_path == "low"
    rows = figures(second)
    assert (rows["employment"].value, rows["employment"].computed.value) == (310, 215)  # stated copied, computed anew
    assert figures(study)["employment"].computed.value == 275  # the completed one is untouched
    assert study.history.count() >= 3


def test_versions_are_numbered_per_cluster(wood):
    from triplec.clusters.models import Cluster

    other = Cluster.objects.create(name="Other", sector_codes="15")
    assert [services.start_study(wood.officer, c).version for c in (wood.cluster, other, wood.cluster)] == [1, 1, 2]


def test_wrong_sections_are_refused_field_by_field(wood):
    study = services.start_study(wood.officer, wood.cluster)
    with pytest.raises(ValidationFailed) as refused:
        services.update_study(wood.officer, study, {
            "attributes": {"trust": {"assessment": "excellent"}, "weather": {}},
            "problems": [{"kind": "problem", "text": ""}],
            "instruments": [{"instrument": "loans"}],
            "buyers": [{"market": "Fortaleza"}], "title": "", "colour": "red"})
    assert set(refused.value.errors) == {"attributes", "attributes.trust.assessment", "problems.1.text",
                                         "instruments.1.instrument", "buyers.1.name", "title", "__all__"}
    with pytest.raises(ValidationFailed) as refused:
        services.update_study(wood.officer, study, {"attributes": {"trust": {"link": "not a link"}}})
    assert set(refused.value.errors) == {"attributes.trust.link"}


def test_only_editors_write(wood):
    study = services.start_study(wood.officer, wood.cluster)
    for name in ("broker", "evaluator", "association-manager", "enterprise-user"):
        with pytest.raises(PermissionDenied):
            services.start_study(wood.world.users[name], wood.cluster)
        with pytest.raises(PermissionDenied):
            services.update_study(wood.world.users[name], study, {"summary": "x"})


def test_compare_and_baseline(wood):
    assert services.baseline(wood.cluster) is None
    first = services.start_study(wood.officer, wood.cluster)
    services.update_study(wood.officer, first, {"attributes": {"trust": {"assessment": "weak"},
                                                               "skills": {"assessment": "strong"}}})
    first = services.complete_study(wood.officer, first)
    wood.big.employees = 300
    wood.big.save()
    second = services.start_study(wood.officer, wood.cluster)
    second = services.update_study(wood.officer, second, {"attributes": {"trust": {"assessment": "moderate"},
                                                                "skills": {"assessment": "strong"}}})
    base = services.baseline(wood.cluster)
    assert (base["study_id"], base["version"]) == (first.pk, 1)  # a draft is never the baseline
    assert base["figures"]["employment"]["value"] == 275 and base["attributes"]["trust"] == "weak"
    side = services.compare(second, first)
    assert (side["old"], side["new"]) == (first, second)
    employment = next(f for f in side["figures"] if f["key"] == "employment")
    assert (employment["old"], employment["new"], employment["change"]) == (275, 315, 40)
    changed = {a["attribute"]: a["changed"] for a in side["attributes"]}
    assert changed["trust"] and not changed["skills"] and not changed["government"]
