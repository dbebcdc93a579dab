"""Managing users: services (who may, no escalation, last administrator), pages and their history."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from tests.web.test_page_permissions import Case, assert_page_permissions, matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def svc():
    from triplec.accounts import services

    return services


def test_admin_creates_changes_and_deactivates_a_user_with_history(world, svc):
    admin = world.users["agency-admin"]
    user = svc.create_user(admin, username="joana", role="broker", email="joana@example.org",
                           organisation=world.agency)
    assert not user.has_usable_password()
    svc.update_user(admin, user, role="evaluator", organisation=None)
    svc.set_active(admin, user, False)
    user.refresh_from_db()
    assert user.role == "evaluator" and user.organisation is None and not user.is_active
    actions = list(user.access_events.order_by("at", "id").values_list("action", "actor__username"))
    assert actions == [("created", "agency-admin"), ("role-changed", "agency-admin"),
                       ("scope-changed", "agency-admin"), ("deactivated", "agency-admin")]
    svc.set_active(admin, user, True)
    assert user.access_events.first().action == "reactivated"


@pytest.mark.parametrize("who", ["programme-officer", "broker", "evaluator", "association-manager",
                                 "enterprise-user"])
def test_only_the_agency_admin_manages_users(world, svc, who):
    from triplec.core.errors import PermissionDenied

    actor, target = world.users[who], world.users["other-enterprise-user"]
    for attempt in (lambda: svc.create_user(actor, username="x", role="agency-admin"),
                    lambda: svc.update_user(actor, actor, role="agency-admin"),
                    lambda: svc.update_user(actor, target, email="x@example.org"),
                    lambda: svc.set_active(actor, target, False),
                    lambda: svc.set_temporary_password(actor, target),
                    lambda: svc.issue_token(actor, target)):
        with pytest.raises(PermissionDenied):
            attempt()
    actor.refresh_from_db()
    assert actor.role == who.replace("other-", "")


def test_no_one_changes_their_own_role_or_locks_themselves_out(world, svc):
    from triplec.core.errors import PermissionDenied

    admin = world.users["agency-admin"]
    with pytest.raises(PermissionDenied):
        svc.update_user(admin, admin, role="evaluator")
    with pytest.raises(PermissionDenied):
        svc.set_active(admin, admin, False)
    svc.update_user(admin, admin, first_name="Ana")  # own name and e-mail are fine
    admin.refresh_from_db()
    assert admin.role == "agency-admin" and admin.is_active and admin.first_name == "Ana"


def test_the_last_active_admin_stays(world, svc):
    from triplec.core.errors import ValidationFailed

    admin = world.users["agency-admin"]
    with pytest.raises(ValidationFailed, match="last active agency administrator"):
        svc.update_user(None, admin, role="evaluator")  # even from the command line
    with pytest.raises(ValidationFailed, match="last active agency administrator"):
        svc.set_active(None, admin, False)
    second = svc.create_user(admin, username="second-admin", role="agency-admin")
    svc.set_active(second, admin, False)  # now another administrator remains
    admin.refresh_from_db()
    assert not admin.is_active


def test_tokens_issue_and_revoke(world, svc):
    from triplec.accounts.models import ApiToken

    admin, broker = world.users["agency-admin"], world.users["broker"]
    raw = svc.issue_token(admin, broker, name="ERP")
    assert ApiToken.authenticate(raw) == broker
    svc.revoke_token(admin, broker.api_tokens.get())
    assert ApiToken.authenticate(raw) is None
    assert [e.action for e in broker.access_events.all()] == ["token-revoked", "token-issued"]


def test_temporary_password_must_be_changed_at_next_login(world, svc, client):
    admin, broker = world.users["agency-admin"], world.users["broker"]
    password = svc.set_temporary_password(admin, broker)
    assert client.post("/accounts/login/", {"username": "broker", "password": password}).status_code == 302
    assert client.get("/enterprises/")["Location"] == reverse("password_change")
    client.post(reverse("password_change"), {"old_password": password, "new_password1": "Own-long-pw-2026",
                                             "new_password2": "Own-long-pw-2026"})
    assert client.get("/enterprises/").status_code == 200


def test_reset_link_is_mailed_and_works(world, svc, client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = world.users["agency-admin"]
    user = svc.create_user(admin, username="lucia", role="evaluator", email="lucia@example.org")
    svc.send_password_reset(admin, user, base_url="http://testserver")
    assert mail.outbox[0].to == ["lucia@example.org"]
    path = re.search(r"http://testserver(/accounts/reset/\S+/)", mail.outbox[0].body).group(1)
    form = client.get(path, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": "Lucia-long-pw-2026",
                                             "new_password2": "Lucia-long-pw-2026"})
    user.refresh_from_db()
    assert user.check_password("Lucia-long-pw-2026")
    assert user.access_events.first().action == "reset-link-sent"


# Pages -----------------------------------------------------------------------------------------------

def _target(w):
    return w.users["other-enterprise-user"].pk


def _admin(w):
    return w.users["agency-admin"].pk


ONLY_ADMIN_200 = matrix(403, agency_admin=200)
ONLY_ADMIN_302 = matrix(403, agency_admin=302)

PAGE_CASES = [
    Case("user list", "get", lambda w: reverse("user_list"), ONLY_ADMIN_200),
    Case("user create form", "get", lambda w: reverse("user_create"), ONLY_ADMIN_200),
    Case("user create", "post", lambda w: reverse("user_create"), ONLY_ADMIN_200,
         data=lambda w: {"username": "novo", "role": "evaluator", "password_mode": "temporary"}),
    Case("user detail", "get", lambda w: reverse("user_detail", args=[_target(w)]), ONLY_ADMIN_200),
    Case("user edit", "post", lambda w: reverse("user_edit", args=[_target(w)]), ONLY_ADMIN_302,
         data=lambda w: {"role": "evaluator"}),
    Case("user deactivate", "post", lambda w: reverse("user_set_active", args=[_target(w)]), ONLY_ADMIN_302,
         data=lambda w: {"active": "0"}),
    Case("user temporary password", "post", lambda w: reverse("user_temporary_password", args=[_target(w)]),
         ONLY_ADMIN_200),
    Case("user token issue", "post", lambda w: reverse("user_token_issue", args=[_target(w)]), ONLY_ADMIN_200,
         data=lambda w: {"name": "ERP"}),
    # Own account: no one changes their own role or deactivates themselves (the admin gets 200 = the
    # form again with the field locked, and 403 for deactivation).
    Case("own role", "post", lambda w: reverse("user_edit", args=[_admin(w)]), ONLY_ADMIN_302,
         data=lambda w: {"role": "evaluator"}),
    Case("own deactivation", "post", lambda w: reverse("user_set_active", args=[_admin(w)]), matrix(403),
         data=lambda w: {"active": "0"}),
    Case("own temporary password", "post", lambda w: reverse("user_temporary_password", args=[_admin(w)]),
         matrix(403)),
]


@pytest.mark.parametrize("case", PAGE_CASES, ids=lambda c: c.name)
def test_user_page_permissions(world, client_for, case):
    assert_page_permissions(world, client_for, case)


def test_own_role_field_is_locked_on_the_page(world, client_for):
    admin = world.users["agency-admin"]
    client_for(admin).post(reverse("user_edit", args=[admin.pk]), {"role": "evaluator", "first_name": "Ana"})
    admin.refresh_from_db()
    assert admin.role == "agency-admin" and admin.first_name == "Ana"


def test_pages_walk_through_create_token_and_history(world, client_for, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client = client_for(world.users["agency-admin"])
    created = client.post(reverse("user_create"), {
        "username": "carla", "email": "carla@example.org", "role": "association-manager",
        "organisation": world.assoc_a.pk, "password_mode": "link"})
    assert created.status_code == 302 and len(mail.outbox) == 1
    detail = client.get(created["Location"]).content.decode()
    assert "Sawmills Assoc" in detail and "Password reset link sent to carla@example.org" in detail
    token_page = client.post(created["Location"] + "tokens/", {"name": "ERP"}).content.decode()
    assert re.search(r"tc_[\w-]{20,}", token_page)
    missing_org = client.post(reverse("user_create"), {"username": "rui", "role": "association-manager",
                                                       "password_mode": "temporary"})
    assert missing_org.status_code == 200 and "must belong to an association" in missing_org.content.decode()


def test_admin_site_is_for_operators_only(world, client_for):
    page = client_for(world.users["agency-admin"]).get("/admin/", follow=True)
    assert page.status_code == 403 and "Users page" in page.content.decode()
    assert "/users/" in client_for(world.users["agency-admin"]).get("/").content.decode()
    assert "/users/" not in client_for(world.users["programme-officer"]).get("/").content.decode()


# API -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["programme-officer", "broker", "evaluator", "association-manager",
                                 "enterprise-user"])
def test_api_refuses_user_management_to_everyone_but_the_admin(world, svc, who):
    from django.test import Client

    user = world.users[who]
    client = Client(headers={"authorization": f"Bearer {svc.issue_token(None, user)}"})
    assert client.get("/api/v1/users").status_code == 403
    assert client.patch(f"/api/v1/users/{user.pk}", {"role": "agency-admin"},
                        content_type="application/json").status_code == 403
    assert client.post("/api/v1/users", {"username": "x", "role": "agency-admin"},
                       content_type="application/json").status_code == 403
    user.refresh_from_db()
    assert user.role == who


def test_api_admin_manages_users_and_tokens(world, svc):
    from django.test import Client

    admin = world.users["agency-admin"]
    client = Client(headers={"authorization": f"Bearer {svc.issue_token(None, admin)}"})
    created = client.post("/api/v1/users", {"username": "pedro", "role": "broker", "organisation_id": world.agency.pk},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    changed = client.patch(f"/api/v1/users/{pk}", {"role": "evaluator", "is_active": False},
                           content_type="application/json").json()
    assert changed["role"] == "evaluator" and changed["is_active"] is False
    own = client.patch(f"/api/v1/users/{admin.pk}", {"role": "evaluator"}, content_type="application/json")
    assert own.status_code == 403
    client.patch(f"/api/v1/users/{pk}", {"is_active": True}, content_type="application/json")
    token = client.post(f"/api/v1/users/{pk}/tokens", {"name": "ERP"}, content_type="application/json")
    assert token.status_code == 201 and token.json()["token"].startswith("tc_")
    token_id = client.get(f"/api/v1/users/{pk}/tokens").json()[0]["id"]
    assert client.delete(f"/api/v1/users/{pk}/tokens/{token_id}").json()["revoked_at"]
    assert Client(headers={"authorization": f"Bearer {token.json()['token']}"}).get(
        "/api/v1/enterprises").status_code == 401


@pytest.mark.parametrize("role, kind, message", [
    ("purchaser-inspector", "buyer-public", "must belong to a public purchaser"),
    ("buyer-staff", "buyer-large-firm", "must belong to a large-firm buyer"),
    ("centre-staff", "service-centre", "must belong to a service centre"),
])
def test_staff_of_an_outside_organisation_belong_to_one_of_its_kind(world, svc, role, kind, message):
    from triplec.core.errors import ValidationFailed
    from triplec.registry.models import Organisation

    admin = world.users["agency-admin"]
    for wrong in (None, world.assoc_a):
        with pytest.raises(ValidationFailed) as caught:
            svc.create_user(admin, username=f"x-{role}", role=role, organisation=wrong)
        assert message in str(caught.value.errors["organisation"])
    right = Organisation.objects.create(kind=kind, name=f"Right {kind}", country="BR")
    assert svc.create_user(admin, username=f"x-{role}", role=role, organisation=right).organisation == right
