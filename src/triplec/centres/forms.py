"""Forms of the centres' pages: booking a piece of equipment."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

HOURS = [(str(Decimal(h) / 2), str(Decimal(h) / 2)) for h in range(1, 25)]  # 0.5 to 12 hours


class BookingForm(forms.Form):
    enterprise = forms.TypedChoiceField(label=_("Firm"), coerce=int)
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time", "step": 1800}))
    hours = forms.TypedChoiceField(label=_("Hours"), choices=HOURS, coerce=Decimal, initial="2")

    def __init__(self, *args, firms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(f.pk, f.legal_name) for f in firms]
        if len(self.fields["enterprise"].choices) == 1:
            self.fields["enterprise"].widget = forms.HiddenInput()
            self.fields["enterprise"].initial = self.fields["enterprise"].choices[0][0]

    def slot(self) -> tuple[datetime, datetime]:
        data = self.cleaned_data
        start = timezone.make_aware(datetime.combine(data["day"], data["start"]))
        return start, start + timedelta(minutes=int(data["hours"] * 60))
