"""Small helpers shared by the procurement services."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from triplec.core.errors import ValidationFailed, refuse  # noqa: F401 (re-exported to the services)
from triplec.core.money_format import CENT, cents  # noqa: F401 (this app's services round with them)
from triplec.core.months import (
    add_months,  # noqa: F401 (the procurement services' month arithmetic)
    today,  # noqa: F401 (re-exported to the services)
)
from triplec.registry.models import Enterprise, Membership, Organisation


def save_validated(instance) -> None:
    try:
        instance.full_clean()
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    instance.save()


def current_members(association: Organisation, on: date | None = None) -> QuerySet:
    """Enterprises that are members of the association on `on` (today if not given)."""
    return Enterprise.objects.filter(
        Q(memberships__association=association) & Membership.current_q(today(on), prefix="memberships__")).distinct()


def is_current_member(association: Organisation, enterprise: Enterprise, on: date | None = None) -> bool:
    return current_members(association, on).filter(pk=enterprise.pk).exists()
