"""The agency's award of a contract: the programme, the awardee named as people know it (its name or
national identifier in the register) and up to LINES product lines."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from triplec.registry.models import Enterprise, Organisation

from .models import ProductLine

LINES = 4
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AwardForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=None)
    awardee = forms.CharField(label=_("Awarded to"), max_length=200, help_text=_(
        "The association's name or national identifier as in the register."))
    reference = forms.CharField(label=_("Contract reference"), max_length=80)
    awarded_on = forms.DateField(label=_("Awarded on"), required=False, widget=DATE)

    def __init__(self, *args, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = programmes
        for n in range(1, LINES + 1):
            first = n == 1  # one line at least; the others are used when filled
            self.fields[f"product_{n}"] = forms.ModelChoiceField(
                label=_("Product"), required=first,
                queryset=ProductLine.objects.filter(programme__in=programmes).select_related("programme"))
            self.fields[f"product_{n}"].label_from_instance = lambda p: f"{p.name} · {p.programme.name}"
            self.fields[f"quantity_{n}"] = forms.IntegerField(label=_("Quantity"), min_value=1, required=first)
            self.fields[f"unit_price_{n}"] = forms.DecimalField(label=_("Unit price"), min_value=0, max_digits=16,
                                                                decimal_places=2, required=first)
            self.fields[f"deadline_{n}"] = forms.DateField(label=_("Delivery deadline"), required=first, widget=DATE)

    def head_fields(self):
        return [self[name] for name in ("programme", "awardee", "reference", "awarded_on")]

    def line_rows(self):
        """The bound fields of each line, for the template's table."""
        return [[self[f"{name}_{n}"] for name in ("product", "quantity", "unit_price", "deadline")]
                for n in range(1, LINES + 1)]

    def clean_awardee(self):
        """The register's organisation (or, to be refused with the reason, enterprise) so named."""
        text = self.cleaned_data["awardee"].strip()
        digits = "".join(ch for ch in text if ch.isalnum())
        match = Q(name__iexact=text) | (Q(national_id__iexact=digits) if digits else Q(pk__in=[]))
        found = list(Organisation.objects.filter(match)[:2])
        if not found:
            found = list(Enterprise.objects.filter(Q(legal_name__iexact=text) | Q(trade_name__iexact=text)
                                                   | (Q(national_id__iexact=digits) if digits else Q(pk__in=[])))[:2])
        if not found:
            raise forms.ValidationError(_("No organisation or enterprise of the register has this name or identifier."))
        if len(found) > 1:
            raise forms.ValidationError(_("Several records have this name: give the national identifier."))
        return found[0]

    def lines(self) -> list[dict]:
        data = self.cleaned_data
        return [{"product": data[f"product_{n}"], "quantity": data[f"quantity_{n}"],
                 "unit_price": data[f"unit_price_{n}"], "deadline": data[f"deadline_{n}"]}
                for n in range(1, LINES + 1) if data.get(f"product_{n}")]

    def clean(self):
        data = super().clean()
        for n in range(2, LINES + 1):
            if data.get(f"product_{n}"):
                for name in ("quantity", "unit_price", "deadline"):
                    if data.get(f"{name}_{n}") in (None, ""):
                        self.add_error(f"{name}_{n}", _("Needed for this line."))
        return data
