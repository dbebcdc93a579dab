"""Forms of the network pages (the list's filters, the network record, members, gates and
activities; the record pages' forms are in `forms_records`).

Forms only parse and present input; every rule lives in `services` (and `lifecycle`), whose
`ValidationFailed` errors are put back on the form fields with `core.shortcuts.errors_on_form`, so each message appears
next to the field it is about. Choices come from `page_queries` (scoped by the policy).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from triplec.accounts import policy as accounts_policy
from triplec.registry import policy as registry_policy
from triplec.registry.forms import territory_field
from triplec.registry.models import BUYER_KINDS, OrganisationKind, SectorClassification

from . import page_queries, policy, selectors, services
from .form_fields import DATE, new_key  # noqa: F401  (re-exported for the views)
from .form_fields import date_field as _date_field
from .form_fields import text_area as _text_area
from .forms_records import (  # noqa: F401  (re-exported for the views)
    LEDGER_ALIASES,
    AccrueForm,
    AssessmentForm,
    ContractEndForm,
    ContractForm,
    ContributionForm,
    CostForm,
    EvaluationForm,
    PortfolioFilterForm,
    ReverseForm,
)
from .models import ActivityKind, FundingSchedule, Network, RequirementType

# Filters ---------------------------------------------------------------------------------------------

OVERDUE_CHOICES = [("", _("Any")), ("yes", _("Evaluations overdue")), ("no", _("Nothing overdue"))]


class NetworkFilterForm(forms.Form):
    """The list's filters (a GET form) -> a `selectors.NetworkFilter` and a sort key."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Words in the name")}))
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    stage = forms.ChoiceField(label=_("Stage"), required=False)
    broker = forms.TypedChoiceField(label=_("Broker"), required=False, coerce=int, empty_value=None)
    overdue = forms.ChoiceField(label=_("Evaluations"), required=False, choices=OVERDUE_CHOICES)
    sort = forms.ChoiceField(required=False, widget=forms.HiddenInput,
                             choices=[(k, k) for key in page_queries.SORTS for k in (key, f"-{key}")])

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind"))] + [(k.code, _(k.name)) for k in selectors.kinds()]
        self.fields["stage"].choices = [("", _("Any stage"))] + page_queries.stage_choices()
        self.fields["broker"].choices = [("", _("Any broker"))] + [
            (u.pk, u.get_full_name() or u.username) for u in page_queries.broker_users()]
        selected = None
        if data is not None:
            try:
                selected = int(data.get("territory") or 0) or None
            except (TypeError, ValueError):
                selected = None
        self.fields["territory"] = territory_field("filter", selected)
        # Brokers see only their own networks; firms and associations need no list of the agency's brokers.
        self.show_broker = accounts_policy.role_of(user) in policy.NETWORK_READ_ALL_ROLES
        if not self.show_broker:
            del self.fields["broker"]

    def to_filter(self) -> tuple[selectors.NetworkFilter, str]:
        data = self.cleaned_data if self.is_valid() else {}
        overdue = {"yes": True, "no": False}.get(data.get("overdue") or "")
        f = selectors.NetworkFilter(kind=data.get("kind") or "", stage=data.get("stage") or "",
                                    broker=data.get("broker"), territory=data.get("territory"),
                                    overdue=overdue, q=data.get("q") or "")
        return f, data.get("sort") or "name"


# The network record -------------------------------------------------------------------------------------

CODE_SPLIT = re.compile(r"[\s,;]+")


class NetworkForm(forms.Form):
    """Create (with a kind) or edit a network. Broker and funding schedule are for agency staff."""

    kind = forms.ChoiceField(label=_("Kind of network"))
    name = forms.CharField(label=_("Name"), max_length=200)
    currency = forms.CharField(label=_("Currency"), max_length=3, help_text=_("ISO 4217, e.g. BRL, CLP, DKK, EUR."),
                               widget=forms.TextInput(attrs={"size": 4, "autocapitalize": "characters"}))
    started_on = _date_field(_("First contact"), initial=date.today)
    sector_classification = forms.ChoiceField(label=_("Classification"), required=False,
                                              choices=SectorClassification.choices, initial="isic4")
    sector_codes = forms.CharField(label=_("Sector codes"), required=False, max_length=200,
                                   help_text=_("One or more codes, separated by commas, e.g. 1610, 3100."))
    target_buyers = forms.MultipleChoiceField(label=_("Named buyers"), required=False,
                                              widget=forms.CheckboxSelectMultiple)
    new_buyer_name = forms.CharField(label=_("Buyer not in the register: name"), required=False, max_length=200,
                                     help_text=_("Added to the register as a buyer with this network."))
    new_buyer_kind = forms.ChoiceField(label=_("Kind of buyer"), required=False)
    new_buyer_country = forms.CharField(label=_("Country"), required=False, max_length=2, initial="BR",
                                        help_text=_("ISO 3166-1, e.g. BR, CL."),
                                        widget=forms.TextInput(attrs={"size": 3, "autocapitalize": "characters"}))
    new_buyer_national_id = forms.CharField(label=_("National identifier"), required=False, max_length=64)
    market_product = forms.CharField(label=_("Product"), required=False, max_length=300)
    market_volume = forms.CharField(label=_("Volume"), required=False, max_length=300)
    market_quality = forms.CharField(label=_("Quality"), required=False, max_length=300)
    basis_for_collaboration = _text_area(_("Basis for collaboration"))
    short_term_goals = _text_area(_("Short-term goals"))
    medium_term_goals = _text_area(_("Medium-term goals"))
    lead_firm = forms.TypedChoiceField(label=_("Lead firm"), required=False, coerce=int, empty_value=None)
    broker = forms.TypedChoiceField(label=_("Broker / manager"), required=False, coerce=int, empty_value=None)
    funding_schedule = forms.TypedChoiceField(label=_("Funding schedule"), required=False, coerce=int,
                                              empty_value=None, help_text=_("Empty: the kind's schedule."))
    funding_start = _date_field(_("Funding starts"), required=False,
                                help_text=_("Month 0 of the funding schedule; empty: the first contact."))
    notes = _text_area(_("Notes"), rows=3)

    def __init__(self, data=None, *, user, network: Network | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if network is not None:
            initial = {**self.initial_from(network), **initial}
        super().__init__(data, initial=initial, **kwargs)
        self.user, self.network = user, network
        self.fields["target_buyers"].choices = [(str(o.pk), o.name) for o in page_queries.buyer_organisations(user)]
        self.can_add_buyer = registry_policy.can_add_buyer_organisation(user)
        if self.can_add_buyer:
            self.fields["new_buyer_kind"].choices = [(k, OrganisationKind(k).label) for k in BUYER_KINDS]
        else:
            for name in self.NEW_BUYER_FIELDS:
                del self.fields[name]
        if network is None:
            self.fields["kind"].choices = [("", _("Choose…"))] + [(k.code, _(k.name)) for k in selectors.kinds()]
            del self.fields["lead_firm"]
        else:
            del self.fields["kind"]
            self.fields["lead_firm"].choices = [("", _("(none)"))] + [
                (e.pk, e.legal_name) for e in page_queries.members_on(network)]
        selected = initial.get("territory")
        if data is not None:
            try:
                selected = int(data.get("territory") or 0) or None
            except (TypeError, ValueError):
                selected = None
        self.fields["territory"] = territory_field("form", selected)
        self.fields["territory"].initial = initial.get("territory")
        self.order_fields(["kind", "name", "currency", "started_on", "territory", "sector_classification",
                           "sector_codes"])
        if policy.can_assign_broker(user):
            self.fields["broker"].choices = [("", _("(none)"))] + [
                (u.pk, u.get_full_name() or u.username) for u in page_queries.broker_users()]
            self.fields["funding_schedule"].choices = [("", _("The kind's schedule"))] + [
                (s.pk, _(s.name)) for s in FundingSchedule.objects.order_by("name")]
        else:
            del self.fields["broker"]
            del self.fields["funding_schedule"]

    @staticmethod
    def initial_from(network: Network) -> dict:
        sectors = network.sectors or []
        return {
            "name": network.name, "currency": network.currency, "started_on": network.started_on,
            "territory": network.territory_id,
            "sector_classification": sectors[0]["classification"] if sectors else "isic4",
            "sector_codes": ", ".join(s["code"] for s in sectors),
            "target_buyers": [str(pk) for pk in network.target_buyers.values_list("pk", flat=True)],
            "market_product": network.market_product, "market_volume": network.market_volume,
            "market_quality": network.market_quality, "basis_for_collaboration": network.basis_for_collaboration,
            "short_term_goals": network.short_term_goals, "medium_term_goals": network.medium_term_goals,
            "lead_firm": network.lead_firm_id, "broker": network.broker_id,
            "funding_schedule": network.funding_schedule_id, "funding_start": network.funding_start,
            "notes": network.notes,
        }

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def service_data(self) -> dict:
        d = self.cleaned_data
        classification = d.get("sector_classification") or "isic4"
        codes = [c for c in CODE_SPLIT.split(d.get("sector_codes") or "") if c]
        data = {
            "name": d["name"], "currency": d["currency"], "started_on": d["started_on"],
            "territory": d.get("territory"),
            "sectors": [{"classification": classification, "code": c} for c in codes],
            "target_buyers": [int(pk) for pk in d.get("target_buyers") or []],
            "market_product": d.get("market_product", ""), "market_volume": d.get("market_volume", ""),
            "market_quality": d.get("market_quality", ""),
            "basis_for_collaboration": d.get("basis_for_collaboration", ""),
            "short_term_goals": d.get("short_term_goals", ""), "medium_term_goals": d.get("medium_term_goals", ""),
            "funding_start": d.get("funding_start"), "notes": d.get("notes", ""),
        }
        if self.can_add_buyer and (d.get("new_buyer_name") or "").strip():
            data["new_buyers"] = [{"name": d["new_buyer_name"], "kind": d.get("new_buyer_kind") or "",
                                   "country": (d.get("new_buyer_country") or "").strip().upper(),
                                   "national_id": d.get("new_buyer_national_id") or ""}]
        if "kind" in self.fields:
            data["kind"] = d["kind"]
        if "lead_firm" in self.fields:
            data["lead_firm"] = d.get("lead_firm")
        if "broker" in self.fields:
            data["broker"] = d.get("broker")
            data["funding_schedule"] = d.get("funding_schedule")
        return data

    NEW_BUYER_FIELDS = ("new_buyer_name", "new_buyer_kind", "new_buyer_country", "new_buyer_national_id")
    ALIASES = {"sectors": "sector_codes", **{f"new_buyers[0].{f.removeprefix('new_buyer_')}": f
                                             for f in NEW_BUYER_FIELDS}}


# Members ---------------------------------------------------------------------------------------------

class MemberAddForm(forms.Form):
    """Add one or more register firms (ticked in the candidate table) on a date; one may lead."""

    enterprises = forms.ModelMultipleChoiceField(label=_("Firms"), queryset=None,
                                                 error_messages={"required": _("Tick at least one firm.")})
    joined_on = _date_field(_("Joined on"), help_text=_("Founding members joined on the network's first contact."))
    lead = forms.ModelChoiceField(label=_("Lead firm"), queryset=None, required=False)

    def __init__(self, data=None, *, user, network, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["joined_on"].initial = services.default_joined_on(network)
        visible = registry_policy.visible_enterprises(user)
        self.fields["enterprises"].queryset = visible
        self.fields["lead"].queryset = visible

    def clean(self):
        data = super().clean()
        lead, firms = data.get("lead"), data.get("enterprises")
        if lead is not None and firms is not None and lead not in firms:
            self.add_error(None, _("The lead firm must be one of the firms added."))
        return data


class MemberLeaveForm(forms.Form):
    left_on = _date_field(_("Last day in the network"), initial=date.today)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


# Gates -----------------------------------------------------------------------------------------------

class EvidenceForm(forms.Form):
    """Evidence for one requirement; `fields_for(type)` says which inputs the page shows."""

    requirement = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label=_("What was decided / note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))
    date = _date_field(_("Date"), required=False)
    number = forms.IntegerField(label=_("Number"), required=False, min_value=0)
    document = forms.FileField(label=_("Document"), required=False)
    reference = forms.CharField(label=_("or a reference (URL, archive no.)"), required=False, max_length=500)

    SHOWN = {
        RequirementType.DOCUMENT: ("document", "reference"),
        RequirementType.DECISION: ("text", "date"),
        RequirementType.DATE: ("date",),
        RequirementType.PLANNED_DATE: ("date",),
        RequirementType.COUNT: ("number",),
    }

    def values(self) -> dict:
        """Only the inputs the requirement's type takes, without blanks."""
        d = self.cleaned_data
        out = {}
        for name in ("text", "date", "number", "document", "reference"):
            value = d.get(name)
            if value not in (None, ""):
                out[name] = value
        return out

    def shown(self, requirement_type: str) -> list:
        return [self[name] for name in self.SHOWN.get(requirement_type, ())]


class EvidenceWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why withdraw it?"), max_length=300)


TRANSITION_ACTIONS = [("forward", _("Pass the gate")), ("back", _("Go back")), ("close", _("Close")),
                      ("reopen", _("Reopen"))]


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=TRANSITION_ACTIONS, widget=forms.HiddenInput)
    to_stage = forms.CharField(label=_("Stage"), max_length=40)
    reason = forms.CharField(label=_("Why"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    effective_on = _date_field(_("Took effect on"), initial=date.today)


# Activities ----------------------------------------------------------------------------------------------

class ActivityForm(forms.Form):
    """An activity with attendance per member firm: `attended_<id>` and `people_<id>` per firm."""

    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    occurred_on = _date_field(_("Date"), initial=date.today)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = _text_area(_("Description"))
    broker_hours = forms.DecimalField(label=_("Broker hours"), required=False, min_value=0, max_digits=7,
                                      decimal_places=2, initial=0)
    host_enterprise = forms.TypedChoiceField(label=_("Host firm"), required=False, coerce=int, empty_value=None,
                                             help_text=_("For a factory visit."))
    support_body = forms.TypedChoiceField(label=_("Support body"), required=False, coerce=int, empty_value=None,
                                          help_text=_("For a contact with a support body."))
    service_taken_up = forms.CharField(label=_("Service taken up"), required=False, max_length=300)

    def __init__(self, data=None, *, user, members, **kwargs):
        super().__init__(data, **kwargs)
        self.members = list(members)
        self.fields["host_enterprise"].choices = [("", "—")] + [(e.pk, e.legal_name) for e in self.members]
        self.fields["support_body"].choices = [("", "—")] + [
            (o.pk, o.name) for o in page_queries.support_bodies(user)]
        for e in self.members:
            self.fields[f"attended_{e.pk}"] = forms.BooleanField(label=e.legal_name, required=False)
            self.fields[f"people_{e.pk}"] = forms.IntegerField(label=_("people"), required=False, min_value=1,
                                                               initial=1)

    def attendance_rows(self):
        """(enterprise, attended field, people field) for the template."""
        return [(e, self[f"attended_{e.pk}"], self[f"people_{e.pk}"]) for e in self.members]

    def _ticked(self) -> list:
        return [e for e in self.members if self.cleaned_data.get(f"attended_{e.pk}")]

    def aliases(self) -> dict[str, str]:
        """The service's attendance[i] errors next to the i-th ticked firm."""
        out = {}
        for i, e in enumerate(self._ticked()):
            out[f"attendance[{i}].enterprise"] = f"attended_{e.pk}"
            out[f"attendance[{i}].participants"] = f"people_{e.pk}"
        return out

    def service_data(self) -> dict:
        d = self.cleaned_data
        attendance = [{"enterprise": e.pk, "participants": d.get(f"people_{e.pk}") or 1} for e in self._ticked()]
        return {"kind": d["kind"], "occurred_on": d["occurred_on"], "title": d["title"],
                "description": d.get("description", ""), "broker_hours": d.get("broker_hours") or 0,
                "host_enterprise": d.get("host_enterprise"), "support_body": d.get("support_body"),
                "service_taken_up": d.get("service_taken_up", ""), "attendance": attendance}
