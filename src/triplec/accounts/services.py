"""Writes about people: creating users and API tokens. `actor=None` means the operator at the
command line (trusted: they hold the server), everything else is checked against the policy."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from triplec.core.errors import PermissionDenied, ValidationFailed

from . import policy
from .models import ApiToken, User
from .roles import Role


def _check_actor(actor, target: User | None = None) -> None:
    if actor is None:
        return
    if target is not None and actor.pk == target.pk:
        return
    if not policy.can_manage_users(actor):
        raise PermissionDenied(_("Only an agency administrator may manage users."))


@transaction.atomic
def create_user(actor, *, username: str, role: str, password: str, email: str = "",
                first_name: str = "", last_name: str = "", organisation=None, enterprise=None) -> User:
    _check_actor(actor)
    try:
        role = Role(role)
    except ValueError as exc:
        raise ValidationFailed({"role": [_("Unknown role %(value)r; use one of %(choices)s.") % {
            "value": role, "choices": ", ".join(Role.values)}]}) from exc
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed({"username": [_("A user named %(name)r already exists.") % {"name": username}]})
    user = User(username=username, role=role, email=email, first_name=first_name, last_name=last_name,
                organisation=organisation, enterprise=enterprise, is_staff=(role == Role.AGENCY_ADMIN))
    try:
        validate_password(password, user)
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        if hasattr(exc, "message_dict"):
            raise ValidationFailed(exc.message_dict) from exc
        raise ValidationFailed({"password": exc.messages}) from exc
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def issue_token(actor, user: User, name: str = "") -> str:
    """A new API token for `user`; returns the token text, which is shown only once."""
    _check_actor(actor, target=user)
    if not user.is_active:
        raise ValidationFailed({"user": [_("This user is inactive.")]})
    _token, raw = ApiToken.issue(user, name=name)
    return raw
