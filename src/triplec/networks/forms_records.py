"""Forms of the network's record pages: money (contracts, ledgers, reversals), evaluations,
independence assessments and the portfolio filter. Like `forms`, they only parse and present input;
the rules live in `services`."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from . import page_queries, selectors
from .form_fields import date_field as _date_field
from .form_fields import new_key
from .form_fields import text_area as _text_area
from .independence import BY_CODE, JUDGED
from .models import SCORE_MAX, SCORE_MIN, CostCategory, score_label

# Money ------------------------------------------------------------------------------------------------

def _money_field(label):
    return forms.DecimalField(label=label, min_value=0, max_digits=14, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))


class ContractForm(forms.Form):
    manager = forms.TypedChoiceField(label=_("Manager (user)"), required=False, coerce=int, empty_value=None)
    manager_name = forms.CharField(label=_("Manager's name"), required=False, max_length=200,
                                   help_text=_("Empty: the user's name."))
    start_date = _date_field(_("Start"))
    end_date = _date_field(_("End"), required=False)
    monthly_fee = _money_field(_("Monthly fee"))
    notes = forms.CharField(label=_("Notes"), required=False, max_length=500)

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("auto_id", "contract_%s")  # ids unique on the money page, names unchanged
        super().__init__(data, **kwargs)
        self.fields["manager"].choices = [("", "—")] + [
            (u.pk, u.get_full_name() or u.username) for u in page_queries.broker_users()]


class ContractEndForm(forms.Form):
    end_date = _date_field(_("End"))


class AccrueForm(forms.Form):
    through = _date_field(_("Accrue monthly fees through"), initial=date.today)


# A repeated key is about the whole entry, not a field the person can see.
LEDGER_ALIASES = {"idempotency_key": "__all__"}


class CostForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=CostCategory.choices)
    amount = _money_field(_("Amount"))
    incurred_on = _date_field(_("Incurred on"), initial=date.today)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, initial=new_key)

    def __init__(self, data=None, **kwargs):
        kwargs.setdefault("auto_id", "cost_%s")
        super().__init__(data, **kwargs)


class ContributionForm(forms.Form):
    enterprise = forms.TypedChoiceField(label=_("Member firm"), coerce=int)
    amount = _money_field(_("Amount"))
    paid_on = _date_field(_("Paid on"), initial=date.today)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, initial=new_key)

    def __init__(self, data=None, *, firms, **kwargs):
        kwargs.setdefault("auto_id", "paid_%s")
        super().__init__(data, **kwargs)
        self.fields["enterprise"].choices = [("", _("Choose…"))] + [(e.pk, e.legal_name) for e in firms]


class ReverseForm(forms.Form):
    reason = forms.CharField(label=_("Why reverse it?"), max_length=250)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, initial=new_key)


# Evaluations ----------------------------------------------------------------------------------------------

def score_choices() -> list[tuple[str, str]]:
    """1-5, each with its meaning, in the reader's language."""
    return [("", "—")] + [(str(i), f"{i} – {score_label(i)}") for i in range(SCORE_MIN, SCORE_MAX + 1)]


class EvaluationForm(forms.Form):
    """A member firm's scores (1-5) in each area on a date: `score_<area code>`."""

    enterprise = forms.TypedChoiceField(label=_("Member firm"), coerce=int)
    evaluated_on = _date_field(_("Evaluated on"), initial=date.today)
    notes = _text_area(_("Notes"))

    def __init__(self, data=None, *, firms, areas, **kwargs):
        super().__init__(data, **kwargs)
        self.areas = list(areas)
        self.fields["enterprise"].choices = [("", _("Choose…"))] + [(e.pk, e.legal_name) for e in firms]
        for area in self.areas:
            self.fields[f"score_{area.code}"] = forms.TypedChoiceField(
                label=_(area.name), required=False, choices=score_choices, coerce=int, empty_value=None,
                help_text=_(area.description) if area.description else "")

    def score_fields(self):
        return [self[f"score_{a.code}"] for a in self.areas]

    def scores(self) -> dict[str, int]:
        return {a.code: self.cleaned_data[f"score_{a.code}"] for a in self.areas
                if self.cleaned_data.get(f"score_{a.code}") is not None}

    def aliases(self) -> dict[str, str]:
        return {f"scores.{a.code}": f"score_{a.code}" for a in self.areas}


# Independence --------------------------------------------------------------------------------------------

class AssessmentForm(forms.Form):
    """Dini's five judged criteria (met + evidence each); the seven others are computed."""

    assessed_on = _date_field(_("Assessed on"), initial=date.today)
    window_months = forms.IntegerField(label=_("Window (months)"), initial=12, min_value=1, max_value=60,
                                       help_text=_("Computed criteria look at this many months up to the date."))
    notes = _text_area(_("Notes"))

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        for code in JUDGED:
            c = BY_CODE[code]
            self.fields[f"met_{code}"] = forms.BooleanField(label=_("Met"), required=False)
            self.fields[f"evidence_{code}"] = forms.CharField(
                label=_("Evidence"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(c.question))

    def judged_rows(self):
        return [(BY_CODE[code], self[f"met_{code}"], self[f"evidence_{code}"]) for code in JUDGED]

    def judgements(self) -> dict:
        d = self.cleaned_data
        return {code: {"met": bool(d.get(f"met_{code}")), "evidence": d.get(f"evidence_{code}", "")}
                for code in JUDGED}

    def aliases(self) -> dict[str, str]:
        return {f"judgements.{code}": f"evidence_{code}" for code in JUDGED}


class PortfolioFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label=_("Kinds"), required=False, widget=forms.CheckboxSelectMultiple)
    min_age = forms.IntegerField(label=_("Age at assessment from (months)"), required=False, min_value=0)
    max_age = forms.IntegerField(label=_("to (months)"), required=False, min_value=0)
    on = _date_field(_("Latest assessment on or before"), required=False)

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["kind"].choices = [(k.code, _(k.name)) for k in selectors.kinds()]
