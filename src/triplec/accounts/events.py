"""Access events as sentences in the reader's language (built when shown, from the stored values)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import AccessEvent
from .roles import Role

Action = AccessEvent.Action


def _role(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code


def _scope(values: dict) -> str:
    parts = [v for v in (values.get("organisation"), values.get("enterprise")) if v]
    return ", ".join(parts) or "—"


def describe(event: AccessEvent) -> str:
    d = event.detail or {}
    action = event.action
    if action == Action.CREATED:
        text = _("Account created with the role %(role)s") % {"role": _role(d.get("role", ""))}
        scope = _scope(d)
        return text if scope == "—" else f"{text} ({scope})"
    if action == Action.ROLE_CHANGED:
        return _("Role: %(old)s → %(new)s") % {"old": _role(d.get("old", "")), "new": _role(d.get("new", ""))}
    if action == Action.SCOPE_CHANGED:
        return _("Organisation or enterprise: %(old)s → %(new)s") % {
            "old": _scope(d.get("old", {})), "new": _scope(d.get("new", {}))}
    if action == Action.DETAILS_CHANGED:
        old, new = d.get("old", {}), d.get("new", {})
        return _("Name and e-mail: %(old)s → %(new)s") % {
            "old": " · ".join(v for v in old.values() if v) or "—",
            "new": " · ".join(v for v in new.values() if v) or "—"}
    if action == Action.RESET_LINK_SENT:
        return _("Password reset link sent to %(email)s") % {"email": d.get("email", "")}
    if action == Action.TOKEN_ISSUED:
        return _("API token %(prefix)s… issued (%(name)s)") % {"prefix": d.get("prefix", ""),
                                                               "name": d.get("name") or "—"}
    if action == Action.TOKEN_REVOKED:
        return _("API token %(prefix)s… revoked (%(name)s)") % {"prefix": d.get("prefix", ""),
                                                                "name": d.get("name") or "—"}
    return str(Action(action).label) if action in Action.values else action
