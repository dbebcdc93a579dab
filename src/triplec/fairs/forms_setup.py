"""Forms of the agency's set-up pages: a programme and its rules, a fair, a group stand; and the
buttons that undo: cancelling a participation, reversing a wrong payment."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from triplec.registry.models import ASSOCIATION_KINDS, Organisation

from .models import CostSharing, Fair, Programme

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["name", "currency", "share_micro", "share_small", "share_medium", "share_large", "yearly_cap",
                  "group_extra_share", "repeat_step", "distant_km"]

    def validate_unique(self):  # the service decides, with the names of its fields
        pass


class FairForm(forms.ModelForm):
    class Meta:
        model = Fair
        fields = ["programme", "name", "organiser", "place", "country", "latitude", "longitude", "starts_on",
                  "ends_on", "sectors", "scope", "distant"]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def validate_unique(self):
        pass

    def _post_clean(self):  # coordinates and dates are checked by the service, which names the field
        pass


class StandForm(forms.Form):
    association = forms.ModelChoiceField(label=_("Association"), queryset=Organisation.objects.filter(
        kind__in=ASSOCIATION_KINDS).order_by("name"))
    total_cost = forms.DecimalField(label=_("Exhibition cost of the stand"), max_digits=16, decimal_places=2)
    cost_sharing = forms.ChoiceField(label=_("Cost sharing"), choices=CostSharing.choices)


class NetworkStandForm(forms.Form):
    """A network signed up for a group stand with its members of the day, who share its cost in equal
    parts (a stand shared by area or by agreed shares is signed up through the API, which takes them)."""

    network = forms.ModelChoiceField(label=_("Network"), queryset=None)
    total_cost = forms.DecimalField(label=_("Exhibition cost of the stand"), max_digits=16, decimal_places=2)
    subsidy_requested = forms.BooleanField(label=_("Ask for the programme's subsidy"), required=False, initial=True)

    def __init__(self, *args, networks=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].queryset = networks


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why it is cancelled"), max_length=300)


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why the payment is reversed"), max_length=300)
    transaction = forms.IntegerField(widget=forms.HiddenInput)


class PayForm(forms.Form):
    round_no = forms.IntegerField(widget=forms.HiddenInput, required=False)
