"""Forms of the fairs pages: signing a firm up, a buyer met, an order, a follow-up done."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from triplec.registry.models import BUYER_KINDS, Enterprise, Organisation
from triplec.registry.picker import FirmSearchField

from .models import Contact

# Service field names that are not form fields: their messages go on top of the form.
SERVICE_ALIASES = {"enterprise": "firm", "follow_up": "__all__"}


class SignUpForm(forms.Form):
    """`firms`: the firms the reader may sign up (a queryset; one: its own, chosen already); None: any
    firm of the register (agency staff). More than one: a search box by identifier or name, with
    suggestions from `options_url`. `stands`: the group stands open to the reader at this fair."""

    stand = forms.ModelChoiceField(label=_("Group stand"), queryset=Organisation.objects.none(), required=False,
                                   empty_label=_("Alone (own stand)"))
    cost = forms.DecimalField(label=_("Exhibition cost (alone)"), max_digits=16, decimal_places=2, required=False)
    area_m2 = forms.DecimalField(label=_("Area at the stand (m²)"), max_digits=8, decimal_places=2, required=False)
    agreed_share = forms.DecimalField(label=_("Agreed share of the stand (0-1)"), max_digits=5, decimal_places=4,
                                      required=False)
    subsidy_requested = forms.BooleanField(label=_("Ask for the programme's subsidy"), required=False, initial=True)

    def __init__(self, *args, firms=None, stands=None, stand_required=False, options_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        firms = Enterprise.objects.all() if firms is None else firms
        field = FirmSearchField(allowed=firms, options_url=options_url)
        only = list(firms[:2])
        if len(only) == 1:  # a firm's user: its own firm, shown by name
            field.widget = forms.Select(choices=[(only[0].national_id or only[0].legal_name, only[0].legal_name)])
        self.fields = {"firm": field, **self.fields}
        self.fields["stand"].queryset = stands
        self.fields["stand"].required = stand_required
        self.fields["stand"].label_from_instance = lambda s: str(s.holder)


class ContactForm(forms.Form):
    buyer = forms.ModelChoiceField(label=_("Buyer or agent in the register"), required=False,
                                   queryset=Organisation.objects.filter(kind__in=BUYER_KINDS).order_by("name"))
    person = forms.CharField(label=_("Or a person"), max_length=200, required=False)
    company = forms.CharField(label=_("Company"), max_length=200, required=False)
    country = forms.CharField(label=_("Country (ISO code)"), max_length=2, required=False)
    is_agent = forms.BooleanField(label=_("Marketing or export agent"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class OrderForm(forms.Form):
    contact = forms.ModelChoiceField(label=_("Buyer"), queryset=Contact.objects.none())
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3)
    ordered_on = forms.DateField(label=_("Ordered on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, contacts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = contacts


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=300, required=False)
