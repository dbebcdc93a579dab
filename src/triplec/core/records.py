"""Saving a model instance the way every service does: validated, with its history's author, and a
database conflict turned into a form error instead of a 500."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from .errors import ValidationFailed


def save_validated(instance, actor, *, exclude: Iterable[str] = ()) -> None:
    """full_clean + save; database integrity errors become field errors, never a 500."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        raise ValidationFailed.from_django(exc) from exc
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ValidationFailed({"__all__": [_("Conflicts with an existing record (%(error)s).") % {
            "error": exc}]}) from exc
