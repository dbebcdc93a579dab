"""The user pages (agency administrators only): list, create, change role and scope, deactivate,
passwords and API tokens, with the history of these changes. Every write goes through services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import (
    button_done,
    domain_errors,
    errors_as_messages,
    errors_on_form,
    first_or_404,
    page_of,
    require_page,
)

from . import policy, services
from .events import describe
from .forms import TokenForm, UserAccessForm, UserCreateForm, UserFilterForm
from .models import ApiToken

HISTORY_ROWS = 100


def _require_manager(request) -> None:
    require_page(policy.can_manage_users, request.user)


def _base_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


@login_required
@require_GET
def user_list(request):
    _require_manager(request)
    form = UserFilterForm(request.GET or None)
    users = policy.visible_users(request.user).select_related("organisation", "enterprise").order_by("username")
    if form.is_valid():
        q, role, active = form.cleaned_data["q"].strip(), form.cleaned_data["role"], form.cleaned_data["active"]
        if q:
            users = users.filter(Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q)
                                 | Q(email__icontains=q))
        if role:
            users = users.filter(role=role)
        if active:
            users = users.filter(is_active=(active == "yes"))
    page = page_of(request, users, 50)
    return render(request, "accounts/user_list.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def user_create(request):
    _require_manager(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        temporary = data["password_mode"] == UserCreateForm.TEMPORARY
        with errors_on_form(form):
            user = services.create_user(
                request.user, username=data["username"], role=data["role"], email=data["email"],
                first_name=data["first_name"], last_name=data["last_name"],
                organisation=data["organisation"], enterprise=data["enterprise"])
            if temporary:
                password = services.set_temporary_password(request.user, user)
            else:
                services.send_password_reset(request.user, user, base_url=_base_url(request))
        if not form.errors:
            if temporary:
                messages.success(request, _("Created %(name)s.") % {"name": user.username})
                return _detail(request, user, temporary_password=password)
            messages.success(request, _("Created %(name)s and sent a link to %(email)s to choose a password.")
                             % {"name": user.username, "email": user.email})
            return redirect("user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


def _detail(request, user, *, access_form=None, token_form=None, temporary_password=None, new_token=None,
            status=200):
    own = user.pk == request.user.pk
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email,
               "role": user.role, "organisation": user.organisation_id, "enterprise": user.enterprise_id}
    events = user.access_events.select_related("actor")[:HISTORY_ROWS]
    return render(request, "accounts/user_detail.html", {
        "person": user,
        "own_account": own,
        "can_change_access": policy.can_change_access(request.user, user),
        "access_form": access_form or UserAccessForm(initial=initial, own_account=own),
        "token_form": token_form or TokenForm(),
        "tokens": user.api_tokens.all(),
        "history": [{"when": e.at, "who": e.actor, "text": describe(e)} for e in events],
        "temporary_password": temporary_password,
        "new_token": new_token,
    }, status=status)


def _get(request, pk):
    _require_manager(request)
    with domain_errors():
        return services.get_user(request.user, pk)


@login_required
@require_GET
def user_detail(request, pk: int):
    return _detail(request, _get(request, pk))


@login_required
@require_POST
def user_edit(request, pk: int):
    user = _get(request, pk)
    own = user.pk == request.user.pk
    initial = {"role": user.role, "organisation": user.organisation_id, "enterprise": user.enterprise_id}
    form = UserAccessForm(request.POST, initial=initial, own_account=own)
    if form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            services.update_user(request.user, user, role=data["role"], organisation=data["organisation"],
                                 enterprise=data["enterprise"], first_name=data["first_name"],
                                 last_name=data["last_name"], email=data["email"])
        if not form.errors:
            messages.success(request, _("Saved the changes to %(name)s.") % {"name": user.username})
            return redirect("user_detail", pk=user.pk)
    return _detail(request, user, access_form=form)


@login_required
@require_POST
def user_set_active(request, pk: int):
    user = _get(request, pk)
    active = request.POST.get("active") == "1"
    button_done(request, lambda: services.set_active(request.user, user, active),
                (_("%(name)s can log in again.") if active else
                 _("%(name)s is deactivated: no login, no API token.")) % {"name": user.username})
    return redirect("user_detail", pk=user.pk)


@login_required
@require_POST
def user_send_reset(request, pk: int):
    user = _get(request, pk)
    button_done(request, lambda: services.send_password_reset(request.user, user, base_url=_base_url(request)),
                _("Sent a link to choose a new password to %(email)s.") % {"email": user.email})
    return redirect("user_detail", pk=user.pk)


@login_required
@require_POST
def user_temporary_password(request, pk: int):
    user = _get(request, pk)
    with errors_as_messages(request) as outcome:
        password = services.set_temporary_password(request.user, user)
    if outcome.failed:
        return redirect("user_detail", pk=user.pk)
    return _detail(request, user, temporary_password=password)


@login_required
@require_POST
def token_issue(request, pk: int):
    user = _get(request, pk)
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _detail(request, user, token_form=form)
    with errors_on_form(form):
        raw = services.issue_token(request.user, user, name=form.cleaned_data["name"])
    if form.errors:
        return _detail(request, user, token_form=form)
    return _detail(request, user, new_token=raw)


@login_required
@require_POST
def token_revoke(request, pk: int, token_pk: int):
    user = _get(request, pk)
    token = first_or_404(ApiToken.objects.filter(pk=token_pk, user=user), _("No such token."))
    with domain_errors():
        services.revoke_token(request.user, token)
    messages.success(request, _("Revoked the token %(prefix)s…") % {"prefix": token.prefix})
    return redirect("user_detail", pk=user.pk)
