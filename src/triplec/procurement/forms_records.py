"""Forms of the association's records on a contract (repairs of rejected units, defaults, warranty claims)
and of its yearly outcomes. The services check every rule; the forms only read the input."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import Default, Rework
from .models_association import AssociationOutcome


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.legal_name


class ReworkForm(forms.Form):
    """Rejected units of one delivery sent back to their maker or another member."""

    member = MemberChoiceField(label=_("Repaired or replaced by"), queryset=None)
    quantity = forms.IntegerField(label=_("Units"), min_value=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=Rework.Kind.choices)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class DefaultForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why the member failed"), choices=Default.Reason.choices)
    remedy = forms.ChoiceField(label=_("Remedy"), choices=Default.Remedy.choices, widget=forms.RadioSelect)
    successor = MemberChoiceField(label=_("Member taking the units over"), queryset=None, required=False,
                                  help_text=_("Only when the quantity is reallocated."))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = members


class WarrantyClaimForm(forms.Form):
    line = forms.ModelChoiceField(label=_("Product"), queryset=None)
    maker = MemberChoiceField(label=_("Maker"), queryset=None)
    units = forms.IntegerField(label=_("Units"), min_value=1)
    description = forms.CharField(label=_("Fault"), widget=forms.Textarea(attrs={"rows": 2}))
    repair_cost = forms.DecimalField(label=_("Repair cost"), min_value=0, max_digits=16, decimal_places=2)
    repairer = MemberChoiceField(label=_("Repaired by"), queryset=None, required=False,
                                 help_text=_("Leave empty for the maker; needed when the maker has gone."))

    def __init__(self, *args, lines, makers, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["maker"].queryset = makers
        self.fields["repairer"].queryset = members


class OutcomeForm(forms.ModelForm):
    """One year of the association's trajectory; entering a year already there corrects it."""

    class Meta:
        model = AssociationOutcome
        fields = ["year", "members", "workers", "equipment_bought", "share_sold_elsewhere", "illustration", "note"]

    def validate_unique(self):
        """The service corrects an existing year rather than refusing it."""


class OutcomeImportForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))

    def clean_file(self):
        """The register's limit on imported files (setting `TRIPLEC_IMPORT_MAX_BYTES`)."""
        upload = self.cleaned_data["file"]
        limit = int(getattr(settings, "TRIPLEC_IMPORT_MAX_BYTES", 200 * 1024 * 1024))
        if upload.size > limit:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)})
        return upload
