"""Field builders and helpers shared by the network pages' forms (`forms`, `forms_records`)."""

from __future__ import annotations

import uuid

from django import forms

DATE = {"type": "date"}


def date_field(label, *, required=True, initial=None, help_text=""):
    return forms.DateField(label=label, required=required, initial=initial, help_text=help_text,
                           widget=forms.DateInput(attrs=DATE, format="%Y-%m-%d"))


def text_area(label, rows=2, required=False, help_text=""):
    return forms.CharField(label=label, required=required, help_text=help_text,
                           widget=forms.Textarea(attrs={"rows": rows}))


def new_key() -> str:
    """An idempotency key made when a money form is shown: submitting it twice records one entry."""
    return uuid.uuid4().hex
