"""Forms of the supplier pages: an order, an action's status, an order file to import."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ActionOwner, ActionStatus, Area


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


class DiagnosticForm(forms.Form):
    """The diagnostic's date, consultant and cost, and a score 0-5 with needs for each active area."""

    carried_out_on = forms.DateField(label=_("Carried out on"), widget=forms.DateInput(attrs={"type": "date"}))
    consultant = forms.CharField(label=_("Consultant"), max_length=200)
    cost = forms.DecimalField(label=_("Cost"), min_value=0, decimal_places=2, max_digits=16)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = list(areas)
        for area in self.areas:
            self.fields[f"score_{area.code}"] = forms.IntegerField(label=str(area), min_value=0, max_value=5)
            needs = _("Needs: %(area)s") % {"area": area}
            self.fields[f"needs_{area.code}"] = forms.CharField(
                label=needs, required=False, max_length=2000, widget=forms.TextInput(attrs={"aria-label": needs}))

    def scores(self) -> dict[str, tuple[int, str]]:
        return {a.code: (self.cleaned_data[f"score_{a.code}"], self.cleaned_data[f"needs_{a.code}"])
                for a in self.areas}


class ActionForm(forms.Form):
    """A new action of the supplier's improvement plan."""

    description = forms.CharField(label=_("Action"), max_length=300)
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.filter(active=True), required=False)
    owner = forms.ChoiceField(label=_("Owner"), choices=ActionOwner.choices)
    due_on = forms.DateField(label=_("Due on"), widget=forms.DateInput(attrs={"type": "date"}))
