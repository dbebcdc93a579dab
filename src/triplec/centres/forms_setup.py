"""Forms of the pages that set up and run a centre: its catalogue, fees, publications, memberships,
paid uses and public funds; and a post on the subcontracting exchange. The services check the rules;
these forms only read the input."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.registry.models import Enterprise, Organisation, SizeClass
from triplec.registry.picker import FirmSearchField

from .models import ExchangePost, ServiceKind

MONEY = {"max_digits": 14, "decimal_places": 2, "min_value": 0}


class ServiceForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ServiceKind.choices)
    member_price = forms.DecimalField(label=_("Member price"), **MONEY,
                                      help_text=_("Per hour for equipment, per use otherwise; 0 if included."))
    non_member_price = forms.DecimalField(label=_("Non-member price"), required=False, **MONEY,
                                          help_text=_("Empty: for members only."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class FeeForm(forms.Form):
    size_class = forms.ChoiceField(label=_("Firm size"), choices=SizeClass.choices)
    yearly_fee = forms.DecimalField(label=_("Yearly fee"), **MONEY)


class PublicationForm(forms.Form):
    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    issued_on = forms.DateField(label=_("Issued on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                initial=timezone.localdate)
    document = forms.FileField(label=_("File"), help_text=_("PDF, text, CSV or office file."), widget=forms.ClearableFileInput(
        attrs={"accept": ".pdf,.txt,.csv,.xlsx,.docx,.pptx,.odt,.ods"}))

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.pk, s.name) for s in services]


class FirmChoiceForm(forms.Form):
    """`firms`: those the form may name (a queryset). One firm (a firm's own user): chosen already; more:
    a search box by identifier or name, its suggestions from `options_url`. Cleans to the Enterprise."""

    def __init__(self, *args, firms=None, options_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        firms = Enterprise.objects.none() if firms is None else firms
        field = FirmSearchField(allowed=firms, options_url=options_url)
        only = list(firms[:2])
        if len(only) == 1:
            field.widget, field.initial = forms.HiddenInput(), only[0].national_id or only[0].legal_name
        self.fields = {"enterprise": field, **self.fields}


class SubscriptionForm(FirmChoiceForm):
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                help_text=_("Empty: today."))


class UseForm(FirmChoiceForm):
    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=10, decimal_places=2, min_value=0, initial=1)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.pk, s.name) for s in services]


class HoursForm(forms.Form):
    """A piece of equipment's opening weekdays and hours."""

    equipment = forms.TypedChoiceField(label=_("Equipment"), coerce=int)
    open_days = forms.CharField(label=_("Open on"), max_length=7, initial="12345",
                                help_text=_("The weekdays it opens, 1 (Monday) to 7 (Sunday), e.g. 12345."))
    opens_at = forms.TimeField(label=_("Opens at"), required=False,
                               widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    closes_at = forms.TimeField(label=_("Closes at"), required=False,
                                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                help_text=_("Both empty: any time of an open day."))

    def __init__(self, *args, equipment=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["equipment"].choices = [(e.pk, e.name) for e in equipment]


class PublicFundsForm(forms.Form):
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Organisation.objects.none())
    amount = forms.DecimalField(label=_("Amount"), **MONEY)
    reference = forms.CharField(label=_("Grant reference"), max_length=80)
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = Organisation.objects.exclude(kind="service-centre").order_by("name")


class ExchangePostForm(FirmChoiceForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=ExchangePost.Kind.choices)
    code = forms.CharField(label=_("Product or process code"), max_length=40,
                           help_text=_("Dotted codes: 'sewing.leather' is a kind of 'sewing'."))
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.IntegerField(label=_("Quantity per month"), min_value=1)
    unit = forms.CharField(label=_("Unit"), max_length=20, initial="units")
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                                help_text=_("Empty: the firm's place in the register."))
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
