"""Forms of the clusters pages. They parse and present; the rules live in `services` (their
`ValidationFailed` errors are put back on the fields with `core.shortcuts.errors_on_form`)."""

from __future__ import annotations

from django import forms
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from triplec.mapping import codes as codelists
from triplec.registry import policy as registry_policy
from triplec.registry.forms import territory_field
from triplec.registry.models import SectorClassification

from .models import Cluster, MappingRun
from .registers import level_label

NEW_CLUSTER = "new"


def level_choices() -> list:
    """Level names of the shipped classifications, each with the classifications that have it."""
    systems: dict[str, list[str]] = {}
    for info in codelists.CODELISTS.values():
        for level in info.levels:
            systems.setdefault(level, []).append(info.title)
    return [("", _("Codes as recorded"))] + [
        (level, f"{level_label(level)} ({', '.join(titles)})") for level, titles in systems.items()]


class MappingRunForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False,  # the service says why
                            widget=forms.TextInput(attrs={"placeholder": _("e.g. Manufacturing, Ceará, 2026")}))
    source = forms.ChoiceField(label=_("Establishments"), choices=MappingRun.Source.choices,
                               initial=MappingRun.Source.REGISTER, widget=forms.RadioSelect)

    classification = forms.ChoiceField(
        label=_("Classification of the codes"), required=False,
        choices=[("", _("None: codes as they are (uploaded files)"))] + SectorClassification.choices)
    sector_level = forms.ChoiceField(
        label=_("Aggregate codes to"), required=False, initial="division",
        help_text=_("Each establishment counts in the sector of this level above its own code."))

    country = forms.ChoiceField(label=_("Country"), required=False)
    sector_filter = forms.CharField(
        label=_("Only sectors under"), required=False, max_length=16,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. C (manufacturing)")}),
        help_text=_("Optional: the comparison sites are then these sectors' establishments only."))

    dataset = forms.ModelChoiceField(
        label=_("A stored mapping data set"), required=False, queryset=None, empty_label=_("None: upload a file"),
        help_text=_("Establishments kept apart from the register for mapping (e.g. the French IREP facilities of "
                    "the demo); their columns are known."))
    file = forms.FileField(label=_("File (CSV or Parquet)"), required=False,
                           widget=forms.ClearableFileInput(attrs={"accept": ".csv,.tsv,.txt,.parquet,.pq"}))
    id_col = forms.CharField(label=_("Identifier column"), required=False, max_length=100,
                             help_text=_("Optional; rows are numbered otherwise."))
    sector_col = forms.CharField(label=_("Sector code column"), required=False, max_length=100, initial="sector")
    lon_col = forms.CharField(label=_("Longitude column"), required=False, max_length=100, initial="lon")
    lat_col = forms.CharField(label=_("Latitude column"), required=False, max_length=100, initial="lat")
    x_col = forms.CharField(label=_("or x column"), required=False, max_length=100)
    y_col = forms.CharField(label=_("and y column"), required=False, max_length=100)
    unit = forms.ChoiceField(label=_("Unit of x and y"), choices=[("km", "km"), ("m", "m")], initial="km",
                             required=False)
    crs = forms.CharField(label=_("Coordinate system of x and y"), required=False, max_length=100,
                          widget=forms.TextInput(attrs={"placeholder": "EPSG:27572"}),
                          help_text=_("Optional; needed to draw x/y registers on the map."))
    weight_col = forms.CharField(label=_("Employees column"), required=False, max_length=100)
    label_col = forms.CharField(label=_("Sector name column"), required=False, max_length=100)
    region_col = forms.CharField(label=_("Municipality or region column"), required=False, max_length=100)

    r_max = forms.FloatField(label=_("Largest distance (km)"), initial=100)
    r_step = forms.FloatField(label=_("Distance step (km)"), initial=2)
    sims = forms.IntegerField(label=_("Simulations"), initial=999,
                              help_text=_("Random-location counterfactuals; 0 draws the curves only."))
    alpha = forms.FloatField(label=_("Significance level"), initial=0.05)
    min_n = forms.IntegerField(label=_("Smallest sector tested"), initial=30,
                               help_text=_("Establishments a sector needs to be tested."))
    seed = forms.IntegerField(label=_("Random seed"), initial=1, min_value=0)
    weighted = forms.BooleanField(
        label=_("Weight by employees"), required=False,
        help_text=_("Adds the employment-weighted test (Kemp) and weights the footprints; establishments "
                    "without employees are left out."))
    fdr = forms.BooleanField(label=_("Footprints only for sectors significant after the false-discovery-rate "
                                     "correction"), required=False, initial=True)
    with_m = forms.BooleanField(
        label=_("Also Marcon & Puech's M"), required=False,
        help_text=_("Tests every sector with M too, the relative and cumulative companion of Kd (exact, as "
                    "dbmss computes it), with its own simulations: the run takes longer."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector_level"].choices = level_choices()
        from triplec.registry.models import MappingDataset

        self.fields["dataset"].queryset = MappingDataset.objects.all()
        visible = registry_policy.visible_enterprises(user)
        countries = sorted(set(visible.values_list("country", flat=True).distinct()))
        if not self.is_bound and "classification" not in self.initial:  # the register's usual coding
            usual = (visible.order_by().values("sector_classification").annotate(n=Count("id")).order_by("-n")
                     .values_list("sector_classification", flat=True).first())
            self.initial["classification"] = usual or ""
        self.fields["country"].choices = [("", _("All countries"))] + [(c, c) for c in countries]
        selected = self.data.get("territory") if self.is_bound else self.initial.get("territory")
        self.fields["territory"] = territory_field("filter", int(selected) if str(selected or "").isdigit() else None)
        self.fields["territory"].label = _("Territory")
        self.fields["territory"].help_text = _("Optional: the territory and everything in it.")
        self.order_fields(["title", "source", "classification", "sector_level", "country", "territory"])

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("file", None)
        return data


class ClusterForm(forms.Form):
    """A cluster record's own fields (its footprints are attached from mapping runs)."""

    name = forms.CharField(label=_("Name"), max_length=200)
    sector_classification = forms.ChoiceField(label=_("Classification"), required=False,
                                              choices=[("", "—")] + SectorClassification.choices)
    sector_codes = forms.CharField(label=_("Sector codes"), required=False, max_length=200,
                                   help_text=_("One or more codes, separated by commas."))
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, instance: Cluster | None = None, **kwargs):
        if instance is not None and data is None:
            kwargs.setdefault("initial", {
                "name": instance.name, "sector_classification": instance.sector_classification,
                "sector_codes": instance.sector_codes, "territory": instance.territory_id,
                "description": instance.description, "notes": instance.notes})
        super().__init__(data, **kwargs)
        selected = self.data.get("territory") if self.is_bound else self.initial.get("territory")
        self.fields["territory"] = territory_field("form", int(selected) if str(selected or "").isdigit() else None)
        self.order_fields(["name", "sector_classification", "sector_codes", "territory"])

    def service_data(self) -> dict:
        return dict(self.cleaned_data)


class AttachForm(forms.Form):
    """Attach one footprint: to a new cluster (named here) or to an existing cluster record."""

    cluster = forms.ChoiceField(label=_("Cluster"))
    name = forms.CharField(label=_("Name of the new cluster"), required=False, max_length=200)

    def __init__(self, *args, clusters=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cluster"].choices = [(NEW_CLUSTER, _("A new cluster…"))] + [
            (str(c.pk), c.name) for c in clusters]
