"""Field builders and helpers shared by the network pages' forms (`forms`, `forms_records`)."""

from __future__ import annotations

import uuid

from django import forms

from triplec.core.errors import ValidationFailed

DATE = {"type": "date"}


def date_field(label, *, required=True, initial=None, help_text=""):
    return forms.DateField(label=label, required=required, initial=initial, help_text=help_text,
                           widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


def text_area(label, rows=2, required=False, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def put_errors(form: forms.Form, exc: ValidationFailed, aliases: dict[str, str] | None = None) -> None:
    """A service's field errors onto the form. `aliases` maps service names to form fields; names the
    form does not have (and "__all__") go on top, prefixed with the name when it helps."""
    aliases = aliases or {}
    for name, messages in exc.errors.items():
        field = aliases.get(name, name)
        target = field if field in form.fields else None
        for message in messages:
            if target is None and field not in ("__all__", "") and not name.startswith("requirements."):
                message = f"{name.replace('_', ' ')}: {message}"
            form.add_error(target, message)


def new_key() -> str:
    """An idempotency key made when a money form is shown: submitting it twice records one entry."""
    return uuid.uuid4().hex
