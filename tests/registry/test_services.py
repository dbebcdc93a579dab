"""The register's service layer: rules, validation and permissions, independent of pages and API."""

from datetime import date

import pytest

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.registry import services
from triplec.registry.models import Enterprise, Membership, Territory

VALID = dict(legal_name="Nova Serraria", country="br", national_id="55.555.555/0001-91",
             sector_classification="isic4", sector_code="C1610", employees=7)


def test_officer_creates_enterprise_with_normalised_code_and_history(world):
    officer = world.users["programme-officer"]
    ent = services.create_enterprise(officer, VALID)
    assert (ent.country, ent.sector_code, ent.sector_section, ent.size_class) == ("BR", "1610", "C", "micro")
    record = ent.history.first()
    assert record.history_type == "+" and record.history_user == officer


@pytest.mark.parametrize("field,value,reason", [
    ("sector_code", "9999", "9999"),
    ("legal_name", "", "blank"),
    ("latitude", 91.0, "less than or equal to 90"),
    ("sector_classification", "sic", "classification"),
])
def test_bad_input_is_refused_with_the_field_named(world, field, value, reason):
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise(world.users["programme-officer"], {**VALID, field: value})
    assert field in exc.value.errors or "__all__" in exc.value.errors
    assert reason.lower() in str(exc.value).lower()
    assert not Enterprise.objects.filter(national_id="55555555000191").exists()


def test_only_one_coordinate_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise(world.users["programme-officer"], {**VALID, "latitude": -4.0})
    assert "longitude" in exc.value.errors


def test_duplicate_identifier_in_a_country_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise(world.users["programme-officer"],
                                   {**VALID, "national_id": world.ent_a1.national_id})
    assert "national" in str(exc.value).lower()
    # The same identifier in another country is another enterprise.
    services.create_enterprise(world.users["programme-officer"],
                               {**VALID, "national_id": world.ent_a1.national_id, "country": "AO"})


@pytest.mark.parametrize("role", ["broker", "evaluator", "enterprise-user"])
def test_read_only_roles_cannot_create(world, role):
    with pytest.raises(PermissionDenied):
        services.create_enterprise(world.users[role], VALID)


def test_association_manager_registers_members_of_own_association_only(world):
    manager = world.users["association-manager"]
    ent = services.create_enterprise(manager, VALID)
    assert Membership.objects.filter(enterprise=ent, association=world.assoc_a, end_date=None).exists()
    services.update_enterprise(manager, world.ent_a1, {"employees": 14})
    with pytest.raises(PermissionDenied):
        services.update_enterprise(manager, world.ent_b1, {"employees": 14})
    with pytest.raises(PermissionDenied):
        services.add_membership(manager, world.ent_none, world.assoc_b, date(2024, 1, 1))


def test_enterprise_user_edits_only_own_record(world):
    user = world.users["enterprise-user"]
    services.update_enterprise(user, world.ent_a1, {"phone": "+55 85 3333-0000"})
    with pytest.raises(PermissionDenied):
        services.update_enterprise(user, world.ent_a2, {"phone": "x"})


def test_update_records_who_changed_what(world):
    officer = world.users["programme-officer"]
    services.update_enterprise(officer, world.ent_none, {"employees": 320, "exporter": True})
    new, old = world.ent_none.history.all()[:2]
    changed = {c.field for c in new.diff_against(old).changes}
    assert changed == {"employees", "exporter"} and new.history_user == officer


def test_unknown_field_is_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        services.update_enterprise(world.users["programme-officer"], world.ent_a1, {"salary": 3})
    assert "salary" in exc.value.errors


def test_overlapping_membership_is_refused_but_a_later_one_is_fine(world):
    officer = world.users["programme-officer"]
    with pytest.raises(ValidationFailed):
        services.add_membership(officer, world.ent_a1, world.assoc_a, date(2022, 5, 1))
    m = Membership.objects.get(enterprise=world.ent_a1, association=world.assoc_a)
    services.end_membership(officer, m, date(2023, 1, 31))
    with pytest.raises(ValidationFailed):
        services.end_membership(officer, m, date(2023, 3, 1))
    services.add_membership(officer, world.ent_a1, world.assoc_a, date(2024, 1, 1))
    assert Membership.objects.filter(enterprise=world.ent_a1, association=world.assoc_a).count() == 2


def test_membership_needs_an_association(world):
    with pytest.raises(ValidationFailed):
        services.add_membership(world.users["programme-officer"], world.ent_a1, world.buyer, date(2024, 1, 1))


def test_membership_cannot_end_before_it_starts(world):
    m = Membership.objects.get(enterprise=world.ent_b1)
    with pytest.raises(ValidationFailed):
        services.end_membership(world.users["programme-officer"], m, date(2000, 1, 1))


def test_territory_levels_are_enforced(world):
    with pytest.raises(ValidationFailed):
        services.ensure_territory("municipality", "X1", "Nowhere")  # a municipality needs a region
    brazil = Territory.objects.get(code="BR", parent=None)
    region = services.ensure_territory("region", "PE", "Pernambuco", parent=brazil)
    assert services.ensure_territory("region", "PE", "Pernambuco", parent=brazil) == region


def test_size_class_follows_configured_thresholds(world, settings):
    settings.TRIPLEC_SIZE_THRESHOLDS = {"micro": 5, "small": 20, "medium": 100}
    world.ent_a1.employees = 12
    assert world.ent_a1.size_class == "small"
    world.ent_a1.employees = 100
    assert world.ent_a1.size_class == "large"


def test_non_finite_coordinates_are_refused(world):
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise(world.users["programme-officer"],
                                   {**VALID, "latitude": float("nan"), "longitude": -38.5})
    assert "latitude" in exc.value.errors


def test_duplicate_identifier_is_reported_on_the_identifier_field(world):
    with pytest.raises(ValidationFailed) as exc:
        services.create_enterprise(world.users["programme-officer"],
                                   {**VALID, "national_id": world.ent_a1.national_id})
    assert "national_id" in exc.value.errors
