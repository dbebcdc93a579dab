"""Writes about people: users, their role and scope, passwords and API tokens, each recorded as an
AccessEvent. `actor=None` means the operator at the command line (trusted: they hold the server),
everything else is checked against the policy. Pages, API and CLI all call these functions."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from triplec.core.errors import NotFound, PermissionDenied, ValidationFailed

from . import policy
from .models import AccessEvent, ApiToken, User
from .roles import Role

Action = AccessEvent.Action


def require_user_manager(actor) -> None:
    if actor is not None:
        policy.require(policy.can_manage_users, actor)


def _check_access_change(actor, target: User) -> None:
    require_user_manager(actor)
    if actor is not None and not policy.can_change_access(actor, target):
        raise PermissionDenied(_("You may not change the role, scope or access of your own account; "
                                 "another administrator must do it."))


def _record(actor, user: User, action: str, **detail) -> AccessEvent:
    return AccessEvent.objects.create(user=user, actor=actor, action=action, detail=detail)


def _role(value) -> Role:
    try:
        return Role(value)
    except ValueError as exc:
        raise ValidationFailed({"role": [_("Unknown role %(value)r; use one of %(choices)s.") % {
            "value": value, "choices": ", ".join(Role.values)}]}) from exc


def _full_clean(user: User) -> None:
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc


def _scope_names(user: User) -> dict:
    return {"organisation": user.organisation.name if user.organisation_id else "",
            "enterprise": user.enterprise.legal_name if user.enterprise_id else ""}


def _keep_an_admin(user: User) -> None:
    """Refuse a change that would leave no active agency administrator."""
    others = User.objects.filter(role=Role.AGENCY_ADMIN, is_active=True).exclude(pk=user.pk)
    if user.role == Role.AGENCY_ADMIN and user.is_active and not others.exists():
        raise ValidationFailed({"role": [_("%(name)s is the last active agency administrator; make another "
                                           "user an administrator first.") % {"name": user.username}]})


def get_user(actor, pk: int) -> User:
    user = policy.visible_users(actor).select_related("organisation", "enterprise").filter(pk=pk).first()
    if user is None:
        require_user_manager(actor)
        raise NotFound(_("No such user."))
    return user


@transaction.atomic
def create_user(actor, *, username: str, role: str, password: str | None = None, email: str = "",
                first_name: str = "", last_name: str = "", organisation=None, enterprise=None) -> User:
    """A new user. `password=None` makes an account with no usable password (send a reset link or
    set a temporary password next)."""
    require_user_manager(actor)
    role = _role(role)
    username = (username or "").strip()
    if not username:
        raise ValidationFailed({"username": [_("A user name is needed.")]})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed({"username": [_("A user named %(name)r already exists.") % {"name": username}]})
    user = User(username=username, role=role, email=email.strip(), first_name=first_name, last_name=last_name,
                organisation=organisation, enterprise=enterprise)
    if password is not None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise ValidationFailed({"password": exc.messages}) from exc
    _full_clean(user)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    _record(actor, user, Action.CREATED, role=role.value, **_scope_names(user))
    return user


@transaction.atomic
def update_user(actor, user: User, *, role: str | None = None, organisation=..., enterprise=...,
                first_name: str | None = None, last_name: str | None = None, email: str | None = None) -> User:
    """Change what is given (`...`/None: unchanged; organisation/enterprise None: cleared)."""
    require_user_manager(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    before_role, before_scope = user.role, _scope_names(user)
    before_details = {"name": user.get_full_name(), "email": user.email}
    if role is not None:
        user.role = _role(role).value
    if organisation is not ...:
        user.organisation = organisation
    if enterprise is not ...:
        user.enterprise = enterprise
    access_changed = user.role != before_role or _scope_names(user) != before_scope
    if access_changed:
        _check_access_change(actor, user)
        if before_role == Role.AGENCY_ADMIN and user.role != Role.AGENCY_ADMIN:
            _keep_an_admin(User.objects.get(pk=user.pk))
    if first_name is not None:
        user.first_name = first_name.strip()
    if last_name is not None:
        user.last_name = last_name.strip()
    if email is not None:
        user.email = email.strip()
    _full_clean(user)
    user.save()
    if user.role != before_role:
        _record(actor, user, Action.ROLE_CHANGED, old=before_role, new=user.role)
    if _scope_names(user) != before_scope:
        _record(actor, user, Action.SCOPE_CHANGED, old=before_scope, new=_scope_names(user))
    after_details = {"name": user.get_full_name(), "email": user.email}
    if after_details != before_details:
        _record(actor, user, Action.DETAILS_CHANGED, old=before_details, new=after_details)
    return user


@transaction.atomic
def set_active(actor, user: User, active: bool) -> User:
    """Deactivate (no login, no API token works, sessions end) or reactivate a user."""
    _check_access_change(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    if not active:
        _keep_an_admin(user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    _record(actor, user, Action.REACTIVATED if active else Action.DEACTIVATED)
    return user


def send_password_reset(actor, user: User, *, base_url: str) -> None:
    """E-mail `user` a one-time link to choose a new password (Django's reset link, valid for
    PASSWORD_RESET_TIMEOUT). `base_url` is the site's address, e.g. https://triplec.example.org."""
    require_user_manager(actor)
    if not user.is_active:
        raise ValidationFailed({"email": [_("This user is inactive; reactivate it first.")]})
    if not user.email:
        raise ValidationFailed({"email": [_("This user has no e-mail address; add one or set a temporary "
                                            "password.")]})
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = base_url.rstrip("/") + reverse("password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    context = {"user": user, "link": link, "site": base_url}
    subject = render_to_string("accounts/password_set_subject.txt", context).strip()  # in the actor's language
    body = render_to_string("accounts/password_set_email.txt", context)
    send_mail(subject, body, None, [user.email])
    _record(actor, user, Action.RESET_LINK_SENT, email=user.email)


def _temporary_password() -> str:
    return "-".join(secrets.token_urlsafe(6) for _i in range(3))


@transaction.atomic
def set_temporary_password(actor, user: User, password: str | None = None) -> str:
    """Set a password for `user` to pass on by hand; they must change it at their next login. Their
    other sessions end. Returns the password (shown once)."""
    require_user_manager(actor)
    if actor is not None and actor.pk == user.pk:
        raise PermissionDenied(_("Change your own password with “Change password”."))
    password = password or _temporary_password()
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed({"password": exc.messages}) from exc
    user.set_password(password)
    user.password_change_required = True
    user.save(update_fields=["password", "password_change_required"])
    _record(actor, user, Action.TEMPORARY_PASSWORD)
    return password


def password_changed(user: User) -> None:
    """The user chose their own password: a temporary one no longer needs changing."""
    if user.password_change_required:
        User.objects.filter(pk=user.pk).update(password_change_required=False)
        user.password_change_required = False


@transaction.atomic
def issue_token(actor, user: User, name: str = "") -> str:
    """A new API token for `user`; returns the token text, which is shown only once."""
    require_user_manager(actor)
    if not user.is_active:
        raise ValidationFailed({"user": [_("This user is inactive.")]})
    token, raw = ApiToken.issue(user, name=name.strip()[:100])
    _record(actor, user, Action.TOKEN_ISSUED, prefix=token.prefix, name=token.name)
    return raw


@transaction.atomic
def revoke_token(actor, token: ApiToken) -> ApiToken:
    require_user_manager(actor)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _record(actor, token.user, Action.TOKEN_REVOKED, prefix=token.prefix, name=token.name)
    return token
