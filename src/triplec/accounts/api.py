"""User management in the REST API (/api/v1/users), for agency administrators; the same services as
the user pages (who may, no change to one's own role or access, the last administrator stays)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from pydantic import ConfigDict

from triplec.core.api_schemas import answers
from triplec.core.errors import NotFound, ValidationFailed

from . import policy, services
from .models import ApiToken, enterprise_model, organisation_model

Enterprise = enterprise_model()
Organisation = organisation_model()

router = Router(tags=["users"])


class UserOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    role: str
    organisation_id: int | None
    enterprise_id: int | None
    is_active: bool
    last_login: datetime | None


class UserCreate(Schema):
    model_config = ConfigDict(extra="forbid")
    username: str
    role: str
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    organisation_id: int | None = None
    enterprise_id: int | None = None
    password: str | None = None


class UserPatch(Schema):
    model_config = ConfigDict(extra="forbid")
    role: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    organisation_id: int | None = None
    enterprise_id: int | None = None
    is_active: bool | None = None


class TokenCreate(Schema):
    model_config = ConfigDict(extra="forbid")
    name: str = ""


class TokenIssued(Schema):
    token: str


class TokenOut(Schema):
    id: int
    prefix: str
    name: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class Sent(Schema):
    detail: str


def _actor(request: HttpRequest):
    return request.auth


def _related(model, pk, field):
    if pk is None:
        return None
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise ValidationFailed({field: [_("No such record: %(id)s.") % {"id": pk}]})
    return obj


@router.get("", response=answers(200, list[UserOut], 401, 403))
def list_users(request):
    """Every user (agency administrators only)."""
    services.require_user_manager(_actor(request))
    return list(policy.visible_users(_actor(request)).order_by("username"))


@router.get("/{user_id}", response=answers(200, UserOut, 401, 403, 404))
def get_user(request, user_id: int):
    return services.get_user(_actor(request), user_id)


@router.post("", response=answers(201, UserOut, 401, 403, 422))
def create_user(request, payload: UserCreate):
    """Create a user. Without a password the account has none until a reset link is used
    (POST /users/{id}/password-reset)."""
    services.require_user_manager(_actor(request))
    user = services.create_user(
        _actor(request), username=payload.username, role=payload.role, password=payload.password,
        email=payload.email, first_name=payload.first_name, last_name=payload.last_name,
        organisation=_related(Organisation, payload.organisation_id, "organisation_id"),
        enterprise=_related(Enterprise, payload.enterprise_id, "enterprise_id"))
    return Status(201, user)


@router.patch("/{user_id}", response=answers(200, UserOut, 401, 403, 404, 422))
def update_user(request, user_id: int, payload: UserPatch):
    """Change the fields sent (null organisation_id/enterprise_id clears them); is_active deactivates
    or reactivates. No one changes their own role, scope or access."""
    actor = _actor(request)
    user = services.get_user(actor, user_id)
    sent = payload.model_dump(exclude_unset=True)
    changes = {k: v for k, v in sent.items() if k in ("role", "email", "first_name", "last_name")}
    if "organisation_id" in sent:
        changes["organisation"] = _related(Organisation, sent["organisation_id"], "organisation_id")
    if "enterprise_id" in sent:
        changes["enterprise"] = _related(Enterprise, sent["enterprise_id"], "enterprise_id")
    if changes:
        user = services.update_user(actor, user, **changes)
    if sent.get("is_active") is not None:
        user = services.set_active(actor, user, sent["is_active"])
    return user


@router.post("/{user_id}/password-reset", response=answers(200, Sent, 401, 403, 404, 422))
def send_password_reset(request, user_id: int):
    """E-mail the user a one-time link to choose a new password."""
    user = services.get_user(_actor(request), user_id)
    services.send_password_reset(_actor(request), user, base_url=request.build_absolute_uri("/"))
    return {"detail": _("Sent a link to choose a new password to %(email)s.") % {"email": user.email}}


@router.get("/{user_id}/tokens", response=answers(200, list[TokenOut], 401, 403, 404))
def list_tokens(request, user_id: int):
    return list(services.get_user(_actor(request), user_id).api_tokens.all())


@router.post("/{user_id}/tokens", response=answers(201, TokenIssued, 401, 403, 404, 422))
def issue_token(request, user_id: int, payload: TokenCreate):
    """A new API token for the user; the answer is the only time the token is shown."""
    user = services.get_user(_actor(request), user_id)
    return Status(201, {"token": services.issue_token(_actor(request), user, name=payload.name)})


@router.delete("/{user_id}/tokens/{token_id}", response=answers(200, TokenOut, 401, 403, 404))
def revoke_token(request, user_id: int, token_id: int):
    user = services.get_user(_actor(request), user_id)
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise NotFound(_("No such token."))
    return services.revoke_token(_actor(request), token)
