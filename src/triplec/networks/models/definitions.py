"""Definitions, held as data so an agency can add its own: `NetworkKind` with its `Stage`s, the `Gate`
between each stage and the next, and each gate's `GateRequirement`s (the evidence it needs);
`FundingSchedule` + `FundingRule` (who pays which share of which cost, by network age);
`EvaluationArea` (what the bi-annual evaluations score)."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from triplec.core.models import ShippedArea, ShippedName


class FundingSchedule(ShippedName, models.Model):
    """Who pays a network's costs: a set of rules giving the agency's share by cost category and
    network age. Members are expected to pay the rest."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    shipped = models.BooleanField(_("shipped with triplec"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]


class CostCategory(models.TextChoices):
    MANAGER = "manager", _("Network manager / broker")
    CONSULTANT = "consultant", _("Consultants and technical assistance")
    TRAVEL = "travel", _("Group travel")
    EVENTS = "events", _("Workshops, fairs and events")
    MARKETING = "marketing", _("Joint marketing")
    EQUIPMENT = "equipment", _("Shared equipment")
    OTHER = "other", _("Other")


ALL_CATEGORIES = "*"


class FundingRule(models.Model):
    """The agency pays `agency_share` (0..1) of costs of `category` ("*" = any) incurred in network
    months [from_month, to_month) counted from the network's funding start (month 0 = first month).
    The first matching rule in (category-specific before "*", then from_month) order applies;
    no rule means the members pay everything."""

    schedule = models.ForeignKey(FundingSchedule, on_delete=models.CASCADE, related_name="rules")
    category = models.CharField(_("cost category"), max_length=16,
                                choices=[(ALL_CATEGORIES, _("Any category")), *CostCategory.choices])
    from_month = models.PositiveSmallIntegerField(_("from month"), default=0)
    to_month = models.PositiveSmallIntegerField(_("to month (exclusive)"), null=True, blank=True)
    agency_share = models.DecimalField(_("agency share"), max_digits=5, decimal_places=4,
                                       validators=[MinValueValidator(0), MaxValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        ordering = ["schedule", "category", "from_month"]
        constraints = [
            models.CheckConstraint(condition=Q(agency_share__gte=0) & Q(agency_share__lte=1),
                                   name="fundingrule_share_in_unit_interval"),
            models.CheckConstraint(condition=Q(to_month__isnull=True) | Q(to_month__gt=F("from_month")),
                                   name="fundingrule_months_ordered"),
            models.UniqueConstraint(fields=["schedule", "category", "from_month"],
                                    name="fundingrule_unique_start"),
        ]

    def __str__(self):
        end = self.to_month if self.to_month is not None else "..."
        return f"{self.category} months {self.from_month}-{end}: agency {self.agency_share:.0%}"


class NetworkKind(ShippedName, models.Model):
    """A kind of network with its lifecycle (stages and gates), size guidance, funding schedule and
    evaluation rhythm. Shipped kinds are installed from `lifecycle.SHIPPED_KINDS`; an agency may
    define its own with `services.define_kind`."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    lifecycle = models.CharField(_("lifecycle"), max_length=40, blank=True,
                                 help_text=_("Name of the lifecycle the stages follow (e.g. danish-hurdles)."))
    size_min = models.PositiveSmallIntegerField(_("usual minimum of firms"), null=True, blank=True)
    size_max = models.PositiveSmallIntegerField(_("usual maximum of firms"), null=True, blank=True)
    funding_schedule = models.ForeignKey(FundingSchedule, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="kinds", verbose_name=_("funding schedule"))
    evaluation_interval_months = models.PositiveSmallIntegerField(
        _("evaluation interval (months)"), default=6, validators=[MinValueValidator(1)])
    shipped = models.BooleanField(_("shipped with triplec"), default=False)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(size_min__isnull=True) | Q(size_max__isnull=True)
                                   | Q(size_max__gte=F("size_min")), name="networkkind_size_ordered"),
        ]

    def initial_stage(self) -> Stage:
        return self.stages.filter(is_closed=False).order_by("order").first()

    def closed_stage(self) -> Stage | None:
        return self.stages.filter(is_closed=True).first()


class Stage(ShippedName, models.Model):
    """A stage of a kind's lifecycle. Open stages are ordered; the closed stage stands apart and can
    be reached from any stage."""

    kind = models.ForeignKey(NetworkKind, on_delete=models.CASCADE, related_name="stages")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"))
    is_closed = models.BooleanField(_("closed stage"), default=False)
    evaluations_due = models.BooleanField(
        _("member firms evaluated here"), default=False,
        help_text=_("Each member firm is due an evaluation every interval while the network is here."))
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "order"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="stage_code_unique_in_kind"),
            models.UniqueConstraint(fields=["kind", "order"], name="stage_order_unique_in_kind"),
            models.UniqueConstraint(fields=["kind"], condition=Q(is_closed=True), name="stage_one_closed_per_kind"),
        ]


class Gate(ShippedName, models.Model):
    """The hurdle between a stage and the next one: what must be true, the evidence it needs and
    who may pass it. One gate leaves each open stage and leads to the next (no skipping)."""

    kind = models.ForeignKey(NetworkKind, on_delete=models.CASCADE, related_name="gates")
    from_stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="gate_out")
    to_stage = models.OneToOneField(Stage, on_delete=models.CASCADE, related_name="gate_in")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    allowed_roles = models.JSONField(_("roles that may pass it"), default=list)
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "from_stage__order"]


class RequirementType(models.TextChoices):
    DOCUMENT = "document", _("Document (uploaded file or reference)")
    DECISION = "decision", _("Decision (what was decided, and when)")
    DATE = "date", _("Date (of something done: not in the future)")
    PLANNED_DATE = "planned-date", _("Planned date (may be in the future)")
    COUNT = "count", _("Count")
    CONDITION = "condition", _("Condition checked from the records")


class GateRequirement(models.Model):
    """One item of a gate's checklist.

    document/decision/date/planned-date: satisfied by `GateEvidence` of that requirement (a file or
    reference; text and date; a date). The date of a fact (date, decision) cannot lie in the future; a
    planned date (when a study or a fair starts) may. count: `check` names where the number comes from (see
    `lifecycle.COUNT_SOURCES`; "evidence" means a number given as evidence) and it must reach
    `minimum`. condition: `check` names a predicate on the network's records
    (`lifecycle.CONDITION_CHECKS`), some of which also use `minimum`."""

    gate = models.ForeignKey(Gate, on_delete=models.CASCADE, related_name="requirements")
    code = models.SlugField(_("code"), max_length=40)
    label = models.CharField(_("label"), max_length=300)
    help_text = models.TextField(_("help"), blank=True)
    type = models.CharField(_("type"), max_length=16, choices=RequirementType.choices)
    check_name = models.CharField(_("check"), max_length=40, blank=True)
    minimum = models.PositiveIntegerField(_("minimum"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["gate", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["gate", "code"], name="requirement_code_unique_in_gate")]

    def __str__(self):
        return gettext(self.label)  # shipped names are in the catalogue; others pass through

    def clean(self):
        from django.core.exceptions import ValidationError

        from ..lifecycle import CONDITION_CHECKS, COUNT_SOURCES

        if self.type == RequirementType.CONDITION and self.check_name not in CONDITION_CHECKS:
            raise ValidationError({"check_name": _("Use one of %(choices)s.") % {
                "choices": ', '.join(sorted(CONDITION_CHECKS))}})
        if self.type == RequirementType.COUNT:
            if self.check_name not in COUNT_SOURCES:
                raise ValidationError({"check_name": _("Use one of %(choices)s.") % {
                    "choices": ', '.join(sorted(COUNT_SOURCES))}})
            if self.minimum is None:
                raise ValidationError({"minimum": _("A count needs a minimum.")})

    @property
    def takes_evidence(self) -> bool:
        return self.type in (RequirementType.DOCUMENT, RequirementType.DECISION, RequirementType.DATE,
                             RequirementType.PLANNED_DATE) or (
            self.type == RequirementType.COUNT and self.check_name == "evidence")


class EvaluationArea(ShippedArea):
    """An area in which member firms are scored at each evaluation (configurable)."""

    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()
