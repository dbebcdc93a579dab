"""The register: territories, organisations (agencies, associations, buyers, service centres),
enterprises, their memberships of associations and their contacts."""

import math
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import identifiers


class Territory(models.Model):
    """Country > region > municipality, each with an official code unique under its parent."""

    class Level(models.TextChoices):
        COUNTRY = "country", _("Country")
        REGION = "region", _("Region")
        MUNICIPALITY = "municipality", _("Municipality")

    level = models.CharField(max_length=16, choices=Level.choices)
    code = models.CharField(max_length=32)
    name = models.CharField(max_length=200)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "code"], name="territory_code_unique_in_parent"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(parent__isnull=True), name="territory_root_code_unique"
            ),
        ]
        verbose_name_plural = "territories"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """A country in the reader's language ("Brasil" for BR in Portuguese), other levels as named."""
        if self.level == self.Level.COUNTRY:
            from .countries import country_name

            named = country_name(self.code)
            if named != self.code:
                return named
        return self.name

    _PARENT_LEVEL = {"country": None, "region": "country", "municipality": "region"}

    def clean(self):
        expected = self._PARENT_LEVEL.get(self.level)
        actual = self.parent.level if self.parent_id else None
        if expected != actual:
            raise ValidationError({"parent": _("A %(level)s must sit under a %(parent)s.") % {
                "level": self.level, "parent": expected or _("nothing")}})

    def lineage(self) -> list["Territory"]:
        """This territory and its ancestors, country first."""
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def path(self) -> str:
        return " > ".join(t.display_name for t in self.lineage())


class OrganisationKind(models.TextChoices):
    SUPPORT_AGENCY = "support-agency", _("Support agency")
    PRODUCERS_ASSOCIATION = "producers-association", _("Producers' association or cooperative")
    BUSINESS_ASSOCIATION = "business-association", _("Business or sectoral association")
    BUYER_LARGE_FIRM = "buyer-large-firm", _("Buyer: large firm")
    BUYER_PUBLIC = "buyer-public", _("Buyer: public purchaser")
    BUYER_AGENT = "buyer-agent", _("Buyer: export/marketing agent")
    BUYER_RETAILER = "buyer-retailer", _("Buyer: retailer")
    SERVICE_CENTRE = "service-centre", _("Service centre")


ASSOCIATION_KINDS = (OrganisationKind.PRODUCERS_ASSOCIATION, OrganisationKind.BUSINESS_ASSOCIATION)
BUYER_KINDS = (
    OrganisationKind.BUYER_LARGE_FIRM, OrganisationKind.BUYER_PUBLIC,
    OrganisationKind.BUYER_AGENT, OrganisationKind.BUYER_RETAILER,
)


class Organisation(models.Model):
    """Any organisation other than a member enterprise: the agency, associations, buyers, centres.
    (Enterprises are the register proper, in `Enterprise`; a buyer that is also in the register
    links to its enterprise record.)"""

    kind = models.CharField(_("kind"), max_length=32, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    national_id = models.CharField(_("national identifier"), max_length=64, blank=True)
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT,
                                  verbose_name=_("territory"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    sector_classification = models.CharField(_("classification"), max_length=16, blank=True)
    sector_code = models.CharField(_("sector code"), max_length=16, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    enterprise = models.ForeignKey("Enterprise", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="as_organisations", verbose_name=_("enterprise record"))
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "country", "name"], name="organisation_name_unique"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_association(self) -> bool:
        return self.kind in ASSOCIATION_KINDS

    @property
    def is_public_purchaser(self) -> bool:
        return self.kind == OrganisationKind.BUYER_PUBLIC

    @property
    def is_large_buyer(self) -> bool:
        return self.kind == OrganisationKind.BUYER_LARGE_FIRM

    @property
    def is_service_centre(self) -> bool:
        return self.kind == OrganisationKind.SERVICE_CENTRE

    @property
    def national_id_display(self) -> str:
        return identifiers.display(self.country, self.national_id)


class SectorClassification(models.TextChoices):
    ISIC4 = "isic4", "ISIC Rev.4"
    NACE2 = "nace2", "NACE Rev.2"
    NAICS2017 = "naics2017", "NAICS 2017"


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")
    UNKNOWN = "unknown", _("Unknown")


def size_class_for(employees: int | None) -> str:
    """Size class from the number of employees, with the thresholds in settings."""
    if employees is None:
        return SizeClass.UNKNOWN
    t = settings.TRIPLEC_SIZE_THRESHOLDS
    if employees < t["micro"]:
        return SizeClass.MICRO
    if employees < t["small"]:
        return SizeClass.SMALL
    if employees < t["medium"]:
        return SizeClass.MEDIUM
    return SizeClass.LARGE


def size_class_ranges() -> dict[str, tuple[int | None, int | None]]:
    """Employee ranges [low, high) per size class, for filtering in the database."""
    t = settings.TRIPLEC_SIZE_THRESHOLDS
    return {
        SizeClass.MICRO: (None, t["micro"]),
        SizeClass.SMALL: (t["micro"], t["small"]),
        SizeClass.MEDIUM: (t["small"], t["medium"]),
        SizeClass.LARGE: (t["medium"], None),
    }


class Enterprise(models.Model):
    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    national_id = models.CharField(_("national identifier"), max_length=64)
    sector_classification = models.CharField(
        _("classification"), max_length=16, choices=SectorClassification.choices)
    sector_code = models.CharField(_("sector code"), max_length=16, db_index=True)
    # Top level of the code's hierarchy (ISIC/NACE section letter, NAICS 2-digit sector), kept for
    # filtering by section, which is not a prefix of the code. Derived in services.
    sector_section = models.CharField(_("sector section"), max_length=8, blank=True, db_index=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True, db_index=True)
    founding_year = models.PositiveSmallIntegerField(
        _("founding year"), null=True, blank=True, validators=[MinValueValidator(1600), MaxValueValidator(2100)])
    address = models.CharField(_("address"), max_length=300, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    territory = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT,
                                  verbose_name=_("territory"), related_name="enterprises")
    latitude = models.FloatField(_("latitude"), null=True, blank=True,
                                 validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(_("longitude"), null=True, blank=True,
                                  validators=[MinValueValidator(-180), MaxValueValidator(180)])
    exporter = models.BooleanField(_("exporter"), default=False)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = models.URLField(_("website"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    # Legal and trade name without accents and case, for the search box. Written by the DATABASE (a
    # trigger, whoever writes the names: forms, API, the bulk import's own SQL); the value on a Python
    # instance may be stale. See registry.search.
    search_names = models.TextField(editable=False, blank=True, default="")
    history = HistoricalRecords(excluded_fields=["search_names"])

    class Meta:
        ordering = ["legal_name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["country", "national_id"], name="enterprise_national_id_unique"),
            models.CheckConstraint(
                condition=(Q(latitude__isnull=True) & Q(longitude__isnull=True))
                | (Q(latitude__gte=-90) & Q(latitude__lte=90) & Q(longitude__gte=-180) & Q(longitude__lte=180)),
                name="enterprise_coordinates_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["territory", "sector_code"]),
            models.Index(fields=["legal_name"]),
            # The search box's identifier match (registry.search); the names have their own search
            # index, made by migration 0003 for each database.
            models.Index(Upper("national_id"), name="enterprise_national_id_upper"),
        ]

    def __str__(self):
        return self.trade_name or self.legal_name

    @property
    def size_class(self) -> str:
        return size_class_for(self.employees)

    @property
    def national_id_display(self) -> str:
        """The identifier in the country's usual format (stored compact: see registry.identifiers)."""
        return identifiers.display(self.country, self.national_id)

    @property
    def display_name(self) -> str:
        if self.trade_name and self.trade_name != self.legal_name:
            return f"{self.trade_name} ({self.legal_name})"
        return self.legal_name

    def clean(self):
        for name in ("latitude", "longitude"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise ValidationError({name: _("Give a finite number of degrees.")})
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError({"longitude": _("Give both latitude and longitude, or neither.")})

    def validate_constraints(self, exclude=None):
        # Name the field a person must change, not the two-field constraint.
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            if Enterprise.objects.filter(country=self.country, national_id=self.national_id).exclude(
                    pk=self.pk).exists():
                raise ValidationError({"national_id": _(
                    "Another enterprise in %(country)s already has the identifier %(id)s.") % {
                    "country": self.country, "id": self.national_id_display}}) from exc
            raise


class Membership(models.Model):
    """An enterprise's membership of an association, from start to (optional) end."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="memberships")
    association = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="memberships",
                                    limit_choices_to={"kind__in": ASSOCIATION_KINDS})
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "association", "start_date"],
                                    name="membership_unique_start"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                                   name="membership_end_after_start"),
        ]

    def __str__(self):
        return f"{self.enterprise} in {self.association}"

    def is_active_on(self, day) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)

    @staticmethod
    def current_q(day=None, prefix: str = "") -> Q:
        """Memberships current on `day` (today if not given): started on or before it, not ended before.
        `prefix` reaches them through a relation, e.g. "memberships__" from Enterprise."""
        day = day or date.today()
        return Q(**{f"{prefix}start_date__lte": day}) & (
            Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": day}))


class Contact(models.Model):
    """A person to talk to at an enterprise or organisation."""

    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.CASCADE,
                                   related_name="contacts")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="contacts")
    name = models.CharField(_("name"), max_length=200)
    position = models.CharField(_("position"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(enterprise__isnull=False, organisation__isnull=True)
                | Q(enterprise__isnull=True, organisation__isnull=False),
                name="contact_belongs_to_one",
            ),
        ]

    def __str__(self):
        return self.name


from .models_changes import EnterpriseChangeRequest  # noqa: E402,F401,I001  (agency-confirmed own-record changes)
from .models_dataset import MappingDataset  # noqa: E402,F401  (named point sets for mapping runs)
from .models_import import ImportBatch  # noqa: E402,F401  (kept in its own module: the import pages' model)
