"""Change requests: an enterprise user asks for a new legal name, country, identifier or sector of
their own firm; an agency admin or programme officer approves (the change is made, in the record's
history under the approver, with the request's number) or rejects it. One request may wait per firm."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.errors import NotFound, ValidationFailed

from . import policy, services
from .models import Enterprise
from .models_changes import CONFIRMED_FIELDS, EnterpriseChangeRequest

Status = EnterpriseChangeRequest.Status


def _pending_of(enterprise: Enterprise) -> EnterpriseChangeRequest | None:
    return enterprise.change_requests.filter(status=Status.PENDING).first()


@transaction.atomic
def request_change(actor, enterprise: Enterprise, data: Mapping[str, Any], reason: str = "") -> EnterpriseChangeRequest:
    """Record the fields of `data` that differ from the record, checked as an edit would check them."""
    require(policy.can_request_enterprise_change, actor, enterprise)
    unknown = set(data) - set(CONFIRMED_FIELDS)
    if unknown:
        raise ValidationFailed({f: [_("Change this field on the enterprise's edit page.")] for f in sorted(unknown)})
    current = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    if _pending_of(current) is not None:
        raise ValidationFailed({"__all__": [_("A change request of this enterprise is already waiting for the "
                                              "agency; it decides that one first.")]})
    candidate = Enterprise.objects.get(pk=enterprise.pk)
    services._apply(candidate, data, CONFIRMED_FIELDS)
    services._normalise_enterprise(candidate)
    services._check_identifier_free(actor, candidate)
    try:
        candidate.full_clean()
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    previous = {f: getattr(current, f) for f in CONFIRMED_FIELDS}
    changes = {f: getattr(candidate, f) for f in CONFIRMED_FIELDS if getattr(candidate, f) != previous[f]}
    if not changes:
        raise ValidationFailed({"__all__": [_("Nothing would change: the values are the record's.")]})
    request = EnterpriseChangeRequest(enterprise=current, requested_by=actor, changes=changes, previous=previous,
                                      reason=(reason or "").strip())
    request._history_user = actor
    try:
        with transaction.atomic():
            request.save()
    except IntegrityError as exc:  # a second request saved meanwhile
        raise ValidationFailed({"__all__": [_("A change request of this enterprise is already waiting for the "
                                              "agency; it decides that one first.")]}) from exc
    return request


def get_request(actor, pk: int) -> EnterpriseChangeRequest:
    found = policy.visible_change_requests(actor).select_related("enterprise").filter(pk=pk).first()
    if found is None:
        raise NotFound(_("No such change request."))
    return found


@transaction.atomic
def decide(actor, request: EnterpriseChangeRequest, approve: bool, note: str = "") -> EnterpriseChangeRequest:
    """Approve (the record takes the requested values, validated again) or reject, with a note."""
    require(policy.can_decide_change_requests, actor)
    locked = EnterpriseChangeRequest.objects.select_for_update().select_related("enterprise").get(pk=request.pk)
    if locked.status != Status.PENDING:
        raise ValidationFailed({"__all__": [_("This request was already decided (%(status)s).") % {
            "status": locked.get_status_display()}]})
    if approve:
        services.update_enterprise(actor, locked.enterprise, dict(locked.changes),
                                   change_reason=f"change request #{locked.pk}")
    elif not (note or "").strip():
        raise ValidationFailed({"decision_note": [_("Say why the request is rejected: the enterprise reads it.")]})
    locked.status = Status.APPROVED if approve else Status.REJECTED
    locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), (note or "").strip()
    locked._history_user = actor
    locked.save()
    return locked
