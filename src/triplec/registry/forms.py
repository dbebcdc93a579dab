"""Forms of the register's pages.

Forms only parse and present input. Every rule (permissions, sector codes, uniqueness, coordinates)
lives in `services`; its `ValidationFailed` errors are put back onto the form's fields with
`core.shortcuts.errors_on_form`, so a person sees each message next to the field it is about.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from triplec.mapping import codes as codelists

from . import policy
from .models import (
    ASSOCIATION_KINDS,
    Enterprise,
    OrganisationKind,
    SectorClassification,
    SizeClass,
    Territory,
)
from .search import identifier_q
from .selectors import SORTABLE, EnterpriseFilter
from .widgets import QuickSelect

# Territory selects ---------------------------------------------------------------------------------
# Countries and regions are few and always listed; municipalities can number tens of thousands, so a
# select lists only those of the region around the current choice. Choosing a region (re)loads its
# municipalities: with htmx at once, without JavaScript on the next submit.


def _territory_region_of(selected: int | None) -> int | None:
    if not selected:
        return None
    row = Territory.objects.filter(pk=selected).values_list("level", "parent_id").first()
    if row is None:
        return None
    level, parent_id = row
    if level == Territory.Level.REGION:
        return selected
    if level == Territory.Level.MUNICIPALITY:
        return parent_id
    return None


def territory_choices(selected: int | None, blank_label: str) -> list:
    """Grouped choices: one group per country with the country, its regions and the municipalities
    of the selected region (or of the selected municipality's region)."""
    upper = list(Territory.objects.filter(level__in=[Territory.Level.COUNTRY, Territory.Level.REGION])
                 .values_list("id", "level", "name", "parent_id").order_by("name"))
    region_id = _territory_region_of(selected)
    municipalities = []
    if region_id:
        municipalities = list(Territory.objects.filter(parent_id=region_id)
                              .values_list("id", "name").order_by("name"))
    countries = [row for row in upper if row[1] == Territory.Level.COUNTRY]
    regions_by_country: dict[int | None, list] = {}
    for row in upper:
        if row[1] == Territory.Level.REGION:
            regions_by_country.setdefault(row[3], []).append(row)
    choices: list = [("", blank_label)]
    for cid, _level, cname, _parent in countries:
        options = [(cid, _("%(name)s (whole country)") % {"name": cname})]
        for rid, _rl, rname, _rp in regions_by_country.pop(cid, []):
            options.append((rid, f"\u2003{rname}"))
            if rid == region_id:
                options.extend((mid, f"\u2003\u2003{mname}") for mid, mname in municipalities)
        choices.append((cname, options))
    orphans = [row for rows in regions_by_country.values() for row in rows]
    if orphans:  # regions whose country is missing (hand-made data): still selectable
        choices.append((_("Other"), [(rid, rname) for rid, _l, rname, _p in orphans]))
    return choices


class TerritorySelect(QuickSelect):
    """A select that reloads its own options (municipalities of the chosen region) via htmx."""

    def __init__(self, purpose: str, attrs=None):
        attrs = dict(attrs or {})
        attrs.update({
            "hx-get": reverse("territory_select"),
            "hx-vals": f'{{"purpose": "{purpose}"}}',
            "hx-trigger": "change",
            "hx-target": "this",
            "hx-swap": "outerHTML",
            "class": "territory-select",
        })
        super().__init__(attrs)


TERRITORY_BLANK = {"filter": _("Any territory"), "form": _("(none)")}


def territory_field(purpose: str, selected: int | None) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Territory"), required=False, coerce=int, empty_value=None,
        choices=territory_choices(selected, str(TERRITORY_BLANK[purpose])),
        widget=TerritorySelect(purpose),
        help_text=_("Pick a region to list its municipalities.") if purpose == "form" else "",
    )


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# Filters --------------------------------------------------------------------------------------------

EXPORTER_CHOICES = [("", _("Exporters and others")), ("yes", _("Exporters only")), ("no", _("Non-exporters"))]


class EnterpriseFilterForm(forms.Form):
    """The list, map and export filters: a GET form whose cleaned data becomes an EnterpriseFilter."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or identifier")}))
    sector = forms.CharField(label=_("Sector"), required=False, max_length=16,
                             widget=forms.TextInput(attrs={"placeholder": _("C, 16, 1610, 31-33 …")}))
    classification = forms.ChoiceField(label=_("Classification"), required=False, widget=QuickSelect,
                                       choices=[("", _("Any classification"))] + SectorClassification.choices)
    size = forms.ChoiceField(label=_("Size"), required=False, choices=[("", _("Any size"))] + SizeClass.choices,
                             widget=QuickSelect)
    association = forms.TypedChoiceField(label=_("Association"), required=False, coerce=int, empty_value=None,
                                         widget=QuickSelect)
    exporter = forms.ChoiceField(label=_("Exporter"), required=False, choices=EXPORTER_CHOICES, widget=QuickSelect)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTABLE], widget=forms.HiddenInput)

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        selected = _int_or_none((data or {}).get("territory"))
        self.fields["territory"] = territory_field("filter", selected)
        self.order_fields(["q", "sector", "classification", "territory", "size", "association", "exporter"])
        associations = (policy.visible_organisations(user).filter(kind__in=ASSOCIATION_KINDS)
                        .values_list("id", "name").order_by("name"))
        self.fields["association"].choices = [("", _("Any association"))] + list(associations)

    def clean_sector(self):
        raw = self.cleaned_data["sector"].strip()
        classification = self.data.get("classification", "")
        if raw and classification in SectorClassification.values:
            try:
                return codelists.normalise_code(classification, raw)
            except ValueError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return raw.upper() if raw.isalpha() else raw

    def to_filter(self) -> EnterpriseFilter:
        """The filter from the fields that are valid; an invalid field is ignored (and shown as an error)."""
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        else:
            data = {}
        exporter = {"yes": True, "no": False}.get(data.get("exporter") or "")
        return EnterpriseFilter(
            q=data.get("q") or "", sector=data.get("sector") or "",
            classification=data.get("classification") or "", territory=data.get("territory"),
            size=data.get("size") or "", association=data.get("association"), exporter=exporter,
            sort=data.get("sort") or "name",
        )

    @property
    def active_count(self) -> int:
        """How many filters are set (search included), for the page's summary."""
        if not self.is_bound:
            return 0
        return sum(1 for name in ("q", "sector", "classification", "territory", "size", "association", "exporter")
                   if self.data.get(name))


# Enterprises ----------------------------------------------------------------------------------------

def _enterprise_initial(ent: Enterprise) -> dict:
    initial = {f: getattr(ent, f) for f in EnterpriseForm.SERVICE_FIELDS if f != "territory"}
    initial["territory"] = ent.territory_id
    initial["national_id"] = ent.national_id_display  # as people write it; stored compact
    return initial


class EnterpriseForm(forms.Form):
    """Create or edit an enterprise; `service_data()` is what `services.create/update_enterprise` take."""

    SERVICE_FIELDS = (
        "legal_name", "trade_name", "country", "national_id", "sector_classification", "sector_code",
        "employees", "founding_year", "address", "postal_code", "territory", "latitude", "longitude",
        "exporter", "email", "phone", "website",
    )

    legal_name = forms.CharField(label=_("Legal name"), max_length=200)
    trade_name = forms.CharField(label=_("Trade name"), max_length=200, required=False)
    country = forms.CharField(label=_("Country"), max_length=2, min_length=2,
                              help_text=_("Two-letter ISO code, e.g. BR, FR."),
                              widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 2}))
    national_id = forms.CharField(label=_("National identifier"), max_length=64,
                                  help_text=_("Unique within the country, with or without punctuation; checked "
                                              "with its check digits (BR: CNPJ or CPF, CL: RUT, FR: SIRET or "
                                              "SIREN, …)."))
    sector_classification = forms.ChoiceField(label=_("Classification"), choices=SectorClassification.choices,
                                              initial=SectorClassification.ISIC4)
    sector_code = forms.CharField(label=_("Sector code"), max_length=16,
                                  help_text=_("A code at any level of the classification, e.g. 1610, 25.11, 332710."))
    employees = forms.IntegerField(label=_("Employees"), required=False, min_value=0)
    founding_year = forms.IntegerField(label=_("Founding year"), required=False, min_value=1600, max_value=2100)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, help_text=_("Decimal degrees, −90 to 90."))
    longitude = forms.FloatField(label=_("Longitude"), required=False, help_text=_("Decimal degrees, −180 to 180."))
    exporter = forms.BooleanField(label=_("Exporter"), required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, data=None, *, instance: Enterprise | None = None, locked=frozenset(), **kwargs):
        """`locked`: fields this user changes through a change request (policy.fields_confirmed_by_agency):
        left out of the form, shown read-only by the page."""
        initial = _enterprise_initial(instance) if instance is not None else None
        super().__init__(data, initial=initial, **kwargs)
        selected = _int_or_none(data.get("territory")) if data is not None else (
            instance.territory_id if instance is not None else None)
        self.fields["territory"] = territory_field("form", selected)
        for name in locked:
            del self.fields[name]
        self.order_fields(list(self.SERVICE_FIELDS))

    def service_data(self) -> dict:
        data = {f: self.cleaned_data.get(f) for f in self.SERVICE_FIELDS if f in self.fields}
        for text_field in ("trade_name", "address", "postal_code", "email", "phone", "website"):
            data[text_field] = data[text_field] or ""
        return data


class ChangeRequestForm(forms.Form):
    """What an enterprise user asks the agency to change in their firm's identity."""

    legal_name = EnterpriseForm.base_fields["legal_name"]
    country = EnterpriseForm.base_fields["country"]
    national_id = EnterpriseForm.base_fields["national_id"]
    sector_classification = EnterpriseForm.base_fields["sector_classification"]
    sector_code = EnterpriseForm.base_fields["sector_code"]
    reason = forms.CharField(label=_("Why"), required=False, max_length=1000,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("For the agency, e.g. the new name is in the registry since March."))

    def __init__(self, data=None, *, instance: Enterprise, **kwargs):
        initial = {f: getattr(instance, f) for f in ("legal_name", "country", "sector_classification", "sector_code")}
        initial["national_id"] = instance.national_id_display
        super().__init__(data, initial=initial, **kwargs)

    def service_data(self) -> dict:
        return {f: self.cleaned_data[f] for f in ("legal_name", "country", "national_id", "sector_classification",
                                                 "sector_code")}


class DecisionForm(forms.Form):
    decision_note = forms.CharField(label=_("Note to the enterprise"), required=False, max_length=1000,
                                    widget=forms.Textarea(attrs={"rows": 2}))


# Organisations --------------------------------------------------------------------------------------

class OrganisationForm(forms.Form):
    SERVICE_FIELDS = (
        "kind", "name", "country", "national_id", "territory", "address", "sector_classification",
        "sector_code", "email", "phone", "website", "notes",
    )

    kind = forms.ChoiceField(label=_("Kind"), choices=OrganisationKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    country = forms.CharField(label=_("Country"), max_length=2, min_length=2,
                              help_text=_("Two-letter ISO code, e.g. BR, FR."))
    national_id = forms.CharField(label=_("National identifier"), max_length=64, required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    sector_classification = forms.ChoiceField(label=_("Classification"), required=False,
                                              choices=[("", "—")] + SectorClassification.choices)
    sector_code = forms.CharField(label=_("Sector code"), max_length=16, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, instance=None, may_change_kind: bool = True, **kwargs):
        initial = None
        if instance is not None:
            initial = {f: getattr(instance, f) for f in self.SERVICE_FIELDS if f != "territory"}
            initial["territory"] = instance.territory_id
        super().__init__(data, initial=initial, **kwargs)
        selected = _int_or_none(data.get("territory")) if data is not None else (
            instance.territory_id if instance is not None else None)
        self.fields["territory"] = territory_field("form", selected)
        if not may_change_kind:
            del self.fields["kind"]
        self.order_fields(list(self.SERVICE_FIELDS))

    def service_data(self) -> dict:
        return {f: (self.cleaned_data.get(f) if f == "territory" else self.cleaned_data.get(f) or "")
                for f in self.SERVICE_FIELDS if f in self.fields}


# Memberships and contacts ---------------------------------------------------------------------------

class MembershipAddForm(forms.Form):
    """Add a member to an association. The enterprise is named by its national identifier or by its
    register number (#123, shown on its page), looked up among the enterprises the user may see."""

    enterprise = forms.CharField(
        label=_("Enterprise"), max_length=64,
        help_text=_("National identifier, or the register number shown on the enterprise's page (#123)."))
    start_date = forms.DateField(label=_("Member since"), initial=date.today,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    end_date = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data=None, *, user, **kwargs):
        super().__init__(data, **kwargs)
        self.user = user

    def clean_enterprise(self) -> Enterprise:
        text = self.cleaned_data["enterprise"].strip()
        visible = policy.visible_enterprises(self.user)
        number = text.lstrip("#")
        query = identifier_q(text)
        if number.isdigit():
            query |= Q(pk=int(number))
        matches = list(visible.filter(query)[:2])
        if not matches:
            raise forms.ValidationError(_("No enterprise you can see has the identifier or number %(v)s."),
                                        params={"v": text})
        if len(matches) > 1:
            raise forms.ValidationError(_("%(v)s matches several enterprises; use the register number (#123)."),
                                        params={"v": text})
        return matches[0]

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date is before the start date."))
        return data


class MembershipEndForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), initial=date.today,
                               widget=forms.DateInput(attrs={"type": "date"}))


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=100, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
