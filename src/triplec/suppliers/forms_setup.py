"""Forms of the agency's set-up pages: a programme and its cost-sharing rule, the buyer's consent,
enrolment (a register enterprise or a homeworker), training sessions and attendance, and a supplier's
sales to other customers."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from triplec.registry.models import Organisation, OrganisationKind
from triplec.registry.picker import FirmSearchInput

from .models import TrainingKind

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class ProgrammeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    buyer = forms.ModelChoiceField(label=_("Large buyer"), queryset=Organisation.objects.filter(
        kind=OrganisationKind.BUYER_LARGE_FIRM).order_by("name"))
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="BRL", help_text=_("ISO 4217, e.g. BRL."))
    started_on = forms.DateField(label=_("Started on"), **DATE)
    agency_share = forms.DecimalField(label=_("Agency's share of costs"), initial=Decimal("0.5"), min_value=0,
                                      max_value=1, decimal_places=4, max_digits=5)
    supplier_share = forms.DecimalField(label=_("Supplier's share of its own diagnostic"), initial=Decimal(0),
                                        min_value=0, max_value=1, decimal_places=4, max_digits=5,
                                        help_text=_("The large buyer pays what the agency and the supplier do not."))


class ConsentForm(forms.Form):
    given_by = forms.CharField(label=_("Consent given by"), max_length=200)
    given_on = forms.DateField(label=_("Consent given on"), **DATE)
    reference = forms.CharField(label=_("Consent document"), max_length=200,
                                help_text=_("The signed agreement's reference or file name."))


class EnrolForm(forms.Form):
    enterprise = forms.CharField(label=_("Enterprise (national identifier or name)"), max_length=200,
                                 widget=FirmSearchInput(reverse_lazy("suppliers:firm_options")))
    enrolled_on = forms.DateField(label=_("Enrolled on"), required=False, **DATE)


class HomeworkerForm(forms.Form):
    person_name = forms.CharField(label=_("Homeworker's name"), max_length=200)
    product = forms.CharField(label=_("Product"), max_length=200)
    municipality = forms.CharField(label=_("Municipality code"), max_length=16, required=False,
                                   help_text=_("The official code (IBGE in Brazil, CUT in Chile); may be left empty."))
    enrolled_on = forms.DateField(label=_("Enrolled on"), required=False, **DATE)


class SessionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingKind.choices)
    held_on = forms.DateField(label=_("Held on"), **DATE)
    trainer = forms.CharField(label=_("Trainer"), max_length=200, required=False)
    cost = forms.DecimalField(label=_("Cost"), min_value=0, decimal_places=2, max_digits=16, initial=0)


class AttendanceForm(forms.Form):
    suppliers = forms.ModelMultipleChoiceField(label=_("Suppliers who attended"), queryset=None, required=False,
                                               widget=forms.CheckboxSelectMultiple)
    staff = forms.CharField(label=_("The buyer's staff who attended"), required=False,
                            widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One name per line."))

    def __init__(self, *args, suppliers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["suppliers"].queryset = suppliers

    def staff_names(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["staff"].splitlines() if line.strip()]


class OtherSalesForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1950, max_value=2100)
    amount = forms.DecimalField(label=_("Sales to other customers"), min_value=0, decimal_places=2, max_digits=16)
    customers = forms.IntegerField(label=_("Other customers"), min_value=0, initial=0)
