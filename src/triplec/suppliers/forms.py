"""Forms of the supplier pages: an order, an action's status, an order file to import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ActionStatus


class OrderForm(forms.Form):
    reference = forms.CharField(label=_("Order reference"), max_length=60)
    ordered_on = forms.DateField(label=_("Order date"), widget=forms.DateInput(attrs={"type": "date"}))
    promised_on = forms.DateField(label=_("Promised delivery date"), widget=forms.DateInput(attrs={"type": "date"}))
    delivered_on = forms.DateField(label=_("Actual delivery date"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    defective = forms.IntegerField(label=_("Defective quantity"), min_value=0, initial=0)
    unit_price = forms.DecimalField(label=_("Unit price"), min_value=0, decimal_places=2, max_digits=16)


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus.choices)


class OrderFileForm(forms.Form):
    file = forms.FileField(label=_("Orders file (CSV or XLSX)"),
                           help_text=_("Columns: supplier, reference, order_date, promised_date, delivered_date, "
                                       "quantity, defective, unit_price. Nothing is imported if any row is wrong."))
