"""Forms of the procurement pages: the contract filters, a line's allocation, one delivery's inspection."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .models import ContractStatus

# Service field names that are not form fields: their messages go on top of the form, unprefixed.
SERVICE_ALIASES = {"quantity": "__all__", "member": "__all__"}


class ContractFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Any status")), *ContractStatus.choices])
    association = forms.TypedChoiceField(label=_("Association"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, associations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["association"].choices = [("", _("Any association")),
                                              *[(a.pk, a.name) for a in associations]]


class AllocationForm(forms.Form):
    """One quantity per current member (the proposal as initial values) and a note."""

    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, proposal=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for row in proposal:
            name = f"member_{row.member.pk}"
            self.fields[name] = forms.IntegerField(label=row.member.legal_name, min_value=0, required=False,
                                                   initial=row.proposed)
            self.rows.append((row, self[name]))

    def quantities(self) -> dict:
        return {row.member: self.cleaned_data.get(f"member_{row.member.pk}") or 0 for row, _field in self.rows}


class InspectionForm(forms.Form):
    accepted = forms.IntegerField(label=_("Accepted"), min_value=0)
    rejected = forms.IntegerField(label=pgettext_lazy("units", "Rejected"), min_value=0)
    reasons = forms.CharField(label=_("Reasons for rejection"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
