"""Forms of the maker labels and of the inspection page's lot-code field."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class LabelOptions(forms.Form):
    """How the labels are cut: one per unit (no batch size) or one per batch of `batch` units."""

    batch = forms.IntegerField(label=_("Units per label"), min_value=1, max_value=100_000, required=False)


class ScanForm(forms.Form):
    """A USB scanner types the barcode's code and Enter, which sends the form."""

    code = forms.CharField(label=_("Lot code"), max_length=80, required=False,
                           help_text=_("Scan the label or type its code, then Enter."))
