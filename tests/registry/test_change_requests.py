"""An enterprise user's legal name, country, identifier and sector go to the agency to confirm (issue 8,
item 14): a change request the enterprise submits, approved or rejected by an agency admin or programme
officer, with history; other own-record fields stay directly editable."""

from __future__ import annotations

import pytest
from django.urls import reverse

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.registry import services, services_changes
from triplec.registry.models import Enterprise, EnterpriseChangeRequest

NEW_ID = "11.222.333/0001-81"


def test_enterprise_user_may_not_change_identity_fields_directly_but_may_change_contacts(world):
    user = world.users["enterprise-user"]
    for data in ({"legal_name": "Serraria Nova"}, {"national_id": NEW_ID}, {"sector_code": "1622"},
                 {"country": "AO"}):
        with pytest.raises(PermissionDenied, match="change request"):
            services.update_enterprise(user, world.ent_a1, data)
    services.update_enterprise(user, world.ent_a1, {"phone": "+55 85 3333-0000", "employees": 14,
                                                    "legal_name": world.ent_a1.legal_name})  # unchanged: fine
    ent = Enterprise.objects.get(pk=world.ent_a1.pk)
    assert (ent.phone, ent.employees, ent.legal_name) == ("+55 85 3333-0000", 14, "Serraria Alfa Ltda")
    # The agency's editors still change them directly.
    services.update_enterprise(world.users["programme-officer"], world.ent_a1, {"legal_name": "Serraria Alfa S.A."})
    assert Enterprise.objects.get(pk=world.ent_a1.pk).legal_name == "Serraria Alfa S.A."


def test_request_then_approval_changes_the_record_with_history(world):
    user, officer = world.users["enterprise-user"], world.users["programme-officer"]
    change = services_changes.request_change(user, world.ent_a1, {
        "legal_name": "Serraria Alfa S.A.", "national_id": NEW_ID, "sector_code": "1610"}, reason="new statutes")
    assert change.status == "pending" and change.changes == {"legal_name": "Serraria Alfa S.A.",
                                                             "national_id": "11222333000181"}
    assert Enterprise.objects.get(pk=world.ent_a1.pk).legal_name == "Serraria Alfa Ltda"  # not before approval
    with pytest.raises(ValidationFailed, match="already waiting"):
        services_changes.request_change(user, world.ent_a1, {"legal_name": "Other"})
    services_changes.decide(officer, change, True, "checked in the Junta Comercial")
    ent = Enterprise.objects.get(pk=world.ent_a1.pk)
    assert (ent.legal_name, ent.national_id) == ("Serraria Alfa S.A.", "11222333000181")
    latest = ent.history.first()
    assert latest.history_user == officer and latest.history_change_reason == f"change request #{change.pk}"
    change.refresh_from_db()
    assert (change.status, change.decided_by, change.decision_note) == ("approved", officer,
                                                                       "checked in the Junta Comercial")
    assert [h.status for h in change.history.order_by("history_date")] == ["pending", "approved"]
    with pytest.raises(ValidationFailed, match="already decided"):
        services_changes.decide(officer, change, False, "no")


def test_rejection_needs_a_note_and_leaves_the_record(world):
    change = services_changes.request_change(world.users["enterprise-user"], world.ent_a1, {"sector_code": "1622"})
    admin = world.users["agency-admin"]
    with pytest.raises(ValidationFailed):
        services_changes.decide(admin, change, False, "")
    services_changes.decide(admin, change, False, "1622 is not what the firm does")
    assert Enterprise.objects.get(pk=world.ent_a1.pk).sector_code == "1610"
    assert EnterpriseChangeRequest.objects.get(pk=change.pk).status == "rejected"


def test_requests_are_checked_like_edits(world):
    user = world.users["enterprise-user"]
    with pytest.raises(ValidationFailed) as exc:
        services_changes.request_change(user, world.ent_a1, {"national_id": "12.345.678/0001-00"})
    assert "check digit" in exc.value.errors["national_id"][0]
    with pytest.raises(ValidationFailed) as exc:
        services_changes.request_change(user, world.ent_a1, {"sector_code": "9999"})
    assert "sector_code" in exc.value.errors
    with pytest.raises(ValidationFailed, match="Nothing would change"):
        services_changes.request_change(user, world.ent_a1, {"legal_name": world.ent_a1.legal_name})
    with pytest.raises(ValidationFailed):
        services_changes.request_change(user, world.ent_a1, {"phone": "1"})  # not an identity field
    assert not EnterpriseChangeRequest.objects.exists()


@pytest.mark.parametrize("role, may_request, may_decide", [
    ("enterprise-user", True, False), ("other-enterprise-user", False, False), ("agency-admin", False, True),
    ("programme-officer", False, True), ("broker", False, False), ("evaluator", False, False),
    ("association-manager", False, False)])
def test_permission_matrix(world, role, may_request, may_decide):
    user = world.users[role]
    if may_request:
        services_changes.request_change(user, world.ent_a1, {"legal_name": "X Ltda"})
    else:
        with pytest.raises(PermissionDenied):
            services_changes.request_change(user, world.ent_a1, {"legal_name": "X Ltda"})
    change = EnterpriseChangeRequest.objects.first() or services_changes.request_change(
        world.users["enterprise-user"], world.ent_a1, {"legal_name": "X Ltda"})
    if may_decide:
        services_changes.decide(user, change, True)
        assert Enterprise.objects.get(pk=world.ent_a1.pk).legal_name == "X Ltda"
    else:
        with pytest.raises(PermissionDenied):
            services_changes.decide(user, change, True)


def test_pages_request_pending_then_approve(world, client_for):
    firm = client_for(world.users["enterprise-user"])
    edit = firm.get(reverse("enterprise_edit", args=[world.ent_a1.pk])).content.decode()
    assert 'name="legal_name"' not in edit and 'name="phone"' in edit and 'data-testid="request-change"' in edit
    url = reverse("change_request_create", args=[world.ent_a1.pk])
    response = firm.post(url, {"legal_name": "Serraria Alfa S.A.", "country": "BR", "national_id": NEW_ID,
                               "sector_classification": "isic4", "sector_code": "1610", "reason": "new name"})
    assert response.status_code == 302
    detail = firm.get(reverse("enterprise_detail", args=[world.ent_a1.pk])).content.decode()
    assert "Waiting for the agency" in detail and "Serraria Alfa S.A." in detail and "11.222.333/0001-81" in detail
    assert firm.get(reverse("change_request_list")).status_code == 403
    assert client_for(world.users["other-enterprise-user"]).get(url).status_code == 404

    officer = client_for(world.users["programme-officer"])
    listing = officer.get(reverse("change_request_list")).content.decode()
    change = EnterpriseChangeRequest.objects.get()
    assert f'data-testid="approve-{change.pk}"' in listing and "Serraria Alfa Ltda" in listing
    response = officer.post(reverse("change_request_decide", args=[change.pk]),
                            {"decision": "approve", "decision_note": "ok"})
    assert response.status_code == 302
    assert Enterprise.objects.get(pk=world.ent_a1.pk).legal_name == "Serraria Alfa S.A."
    assert "Approved" in firm.get(reverse("enterprise_detail", args=[world.ent_a1.pk])).content.decode()
    forbidden = client_for(world.users["broker"]).post(reverse("change_request_decide", args=[change.pk]),
                                                       {"decision": "approve"})
    assert forbidden.status_code == 403


def test_api_request_list_and_decide(world, client_for):
    firm = client_for(world.users["enterprise-user"])
    patch = firm.patch(f"/api/v1/enterprises/{world.ent_a1.pk}", {"legal_name": "Y Ltda"},
                       content_type="application/json")
    assert patch.status_code == 403 and "change request" in patch.json()["detail"]
    created = firm.post(f"/api/v1/enterprises/{world.ent_a1.pk}/change-requests",
                        {"legal_name": "Y Ltda", "reason": "merger"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["changes"] == {"legal_name": "Y Ltda"}
    assert [r["id"] for r in firm.get("/api/v1/change-requests").json()["items"]] == [body["id"]]
    assert client_for(world.users["other-enterprise-user"]).get("/api/v1/change-requests").json()["count"] == 0
    refused = firm.post(f"/api/v1/change-requests/{body['id']}/approve", {}, content_type="application/json")
    assert refused.status_code == 403
    rejected = client_for(world.users["agency-admin"]).post(
        f"/api/v1/change-requests/{body['id']}/reject", {"note": "no merger on file"},
        content_type="application/json")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert Enterprise.objects.get(pk=world.ent_a1.pk).legal_name == "Serraria Alfa Ltda"


def test_a_record_kept_as_written_by_the_migration_stays_editable(world):
    """Migration 0005 keeps an invalid identifier as written: edits that leave it alone still work."""
    Enterprise.objects.filter(pk=world.ent_a1.pk).update(national_id="12.345.678/0001-00")
    services.update_enterprise(world.users["enterprise-user"], world.ent_a1, {"phone": "+55 85 1234-5678"})
    services.update_enterprise(world.users["programme-officer"], world.ent_a1, {"employees": 20})
    ent = Enterprise.objects.get(pk=world.ent_a1.pk)
    assert (ent.national_id, ent.phone, ent.employees) == ("12.345.678/0001-00", "+55 85 1234-5678", 20)
    with pytest.raises(ValidationFailed):  # naming it again means correcting it
        services.update_enterprise(world.users["programme-officer"], world.ent_a1, {"national_id": "12.345.678/0001-00"})
