"""Forms of a contract's money actions and of recording a delivery (views_money)."""

from __future__ import annotations

import uuid
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from triplec.core.money_format import format_money


def new_key() -> str:
    """An idempotency key made when the form is shown: sending the form twice settles once."""
    return uuid.uuid4().hex


class SettleDebtForm(forms.Form):
    """A member pays back (part of) its debt to the association on this contract."""

    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    amount = forms.DecimalField(label=_("Amount"), max_digits=16, decimal_places=2, min_value=0)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=60, initial=new_key)

    def __init__(self, data=None, *, debtors=(), currency="", **kwargs):
        """`debtors`: (member, owed) pairs; the amount starts at the first one's debt."""
        kwargs.setdefault("auto_id", "settle_%s")
        super().__init__(data, **kwargs)
        self.debtors = {member.pk: member for member, _owed in debtors}
        self.fields["member"].choices = [(m.pk, f"{m} ({format_money(owed, currency)})")
                                          for m, owed in debtors]
        if debtors:
            self.fields["amount"].initial = debtors[0][1]

    def chosen_member(self):
        return self.debtors[self.cleaned_data["member"]]


class DeliveryForm(forms.Form):
    """Units handed to the purchaser from one open allocation or repair (`source`: "allocation:<id>"
    or "rework:<id>"). `deliveries_seen` is how many deliveries the contract had when the form was
    shown: a form sent twice finds one more and records nothing the second time."""

    source = forms.ChoiceField(label=_("Lot or repair"))
    quantity = forms.IntegerField(label=_("Units delivered"), min_value=1)
    delivered_on = forms.DateField(label=_("Delivered on"), initial=date.today,
                                   widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    deliveries_seen = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, data=None, *, sources=(), **kwargs):
        """`sources`: (value, label) pairs of the allocations and repairs with units left to deliver."""
        kwargs.setdefault("auto_id", "delivery_%s")
        super().__init__(data, **kwargs)
        self.fields["source"].choices = list(sources)
