from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FirmYear
from .services.panel import FIELDS


class FirmYearForm(forms.ModelForm):
    class Meta:
        model = FirmYear
        fields = ("year", *FIELDS)


class PanelImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file (KoboToolbox exports too)"))
    country = forms.CharField(label=_("Country of the firms' identifiers"), max_length=2, initial="BR")
