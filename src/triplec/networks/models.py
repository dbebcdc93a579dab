"""Networks of firms and everything that happens to them.

- Definitions, held as data so an agency can add its own kinds: `NetworkKind` with its `Stage`s, the
  `Gate` between each stage and the next, and each gate's `GateRequirement`s (the evidence it needs);
  `FundingSchedule` + `FundingRule` (who pays which share of which cost, by network age);
  `EvaluationArea` (what the bi-annual evaluations score).
- A `Network`: kind, stage, members over time (`NetworkMember`), target buyers (`TargetBuyer`) or a
  described market, goals, broker. Its stage changes only through `lifecycle.transition`, which writes
  a `Transition` row with the evidence (`GateEvidence`) it relied on.
- What the network does: `Activity` with `Attendance` per member firm and broker hours.
- Money: `ManagerContract`, and two append-only ledgers, `CostEntry` (the network's expenses) and
  `ContributionEntry` (what member firms paid). Corrections are reversing entries; shares are derived.
- `Evaluation` + `EvaluationScore` (each member firm, each area, every six months) and
  `IndependenceAssessment` + `CriterionJudgement` (Dini's twelve criteria; the seven that data can
  answer are computed from the records in `independence.py`, the five others are judged here).
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 14, "decimal_places": 2}


# Definitions ---------------------------------------------------------------------------------------

class FundingSchedule(models.Model):
    """Who pays a network's costs: a set of rules giving the agency's share by cost category and
    network age. Members are expected to pay the rest."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    shipped = models.BooleanField(_("shipped with triplec"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return gettext(self.name)  # shipped names are in the catalogue; others pass through


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


class NetworkKind(models.Model):
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

    def __str__(self):
        return gettext(self.name)  # shipped names are in the catalogue; others pass through

    def initial_stage(self) -> Stage:
        return self.stages.filter(is_closed=False).order_by("order").first()

    def closed_stage(self) -> Stage | None:
        return self.stages.filter(is_closed=True).first()


class Stage(models.Model):
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

    def __str__(self):
        return gettext(self.name)  # shipped names are in the catalogue; others pass through


class Gate(models.Model):
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

    def __str__(self):
        return gettext(self.name)  # shipped names are in the catalogue; others pass through


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

        from .lifecycle import CONDITION_CHECKS, COUNT_SOURCES

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


class EvaluationArea(models.Model):
    """An area in which member firms are scored at each evaluation (configurable)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    shipped = models.BooleanField(_("shipped with triplec"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "code"]

    def __str__(self):
        return gettext(self.name)  # shipped names are in the catalogue; others pass through


# Networks ------------------------------------------------------------------------------------------

class Network(models.Model):
    """A group of firms with a broker or manager, formed around a market; the network is the client."""

    kind = models.ForeignKey(NetworkKind, on_delete=models.PROTECT, related_name="networks", verbose_name=_("kind"))
    name = models.CharField(_("name"), max_length=200)
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="networks", verbose_name=_("stage"),
                              help_text=_("Changed only by the transition function."))
    stage_since = models.DateField(_("in this stage since"))
    sectors = models.JSONField(_("sectors"), default=list, blank=True,
                               help_text=_('[{"classification": "isic4", "code": "1610"}, ...]'))
    territory = models.ForeignKey("registry.Territory", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="networks", verbose_name=_("territory"))
    broker = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="brokered_networks", verbose_name=_("broker / manager"))
    lead_firm = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="led_networks", verbose_name=_("lead firm"))
    target_buyers = models.ManyToManyField("registry.Organisation", through="TargetBuyer", blank=True,
                                           related_name="target_of_networks", verbose_name=_("target buyers"))
    market_product = models.CharField(_("market: product"), max_length=300, blank=True)
    market_volume = models.CharField(_("market: volume"), max_length=300, blank=True)
    market_quality = models.CharField(_("market: quality"), max_length=300, blank=True)
    basis_for_collaboration = models.TextField(_("basis for collaboration"), blank=True)
    short_term_goals = models.TextField(_("short-term goals"), blank=True)
    medium_term_goals = models.TextField(_("medium-term goals"), blank=True)
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. CLP, DKK, BRL."))
    funding_schedule = models.ForeignKey(
        FundingSchedule, null=True, blank=True, on_delete=models.PROTECT, related_name="networks",
        verbose_name=_("funding schedule"), help_text=_("Empty: the kind's schedule."))
    started_on = models.DateField(_("first contact"))
    funding_start = models.DateField(_("funding starts"), null=True, blank=True,
                                     help_text=_("Month 0 of the funding schedule; empty: first contact."))
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="network_name_unique_in_kind"),
        ]
        indexes = [models.Index(fields=["kind", "stage"]), models.Index(fields=["broker"])]

    def __str__(self):
        return self.name

    @property
    def schedule(self) -> FundingSchedule | None:
        return self.funding_schedule or self.kind.funding_schedule

    @property
    def funding_start_date(self):
        return self.funding_start or self.started_on

    @property
    def has_described_market(self) -> bool:
        return all(v.strip() for v in (self.market_product, self.market_volume, self.market_quality))


class TargetBuyer(models.Model):
    """A named buyer (a registry organisation of a buyer kind) the network is formed around."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="buyer_links")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["organisation__name"]
        constraints = [models.UniqueConstraint(fields=["network", "organisation"], name="targetbuyer_unique")]

    def __str__(self):
        return f"{self.network} -> {self.organisation}"


class NetworkMember(models.Model):
    """An enterprise's membership of a network, from joined_on to left_on (the last day), if any."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="members")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="network_memberships")
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    leave_reason = models.CharField(_("reason for leaving"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["network", "enterprise", "joined_on"], name="networkmember_unique_start"),
            models.UniqueConstraint(fields=["network", "enterprise"], condition=Q(left_on__isnull=True),
                                    name="networkmember_one_open_membership"),
            models.CheckConstraint(condition=Q(left_on__isnull=True) | Q(left_on__gte=F("joined_on")),
                                   name="networkmember_left_after_joined"),
        ]

    def __str__(self):
        return f"{self.enterprise} in {self.network}"

    def is_active_on(self, day) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on >= day)


def active_members_q(day, prefix: str = "") -> Q:
    """Members in the network on `day` (joined on or before, not left before)."""
    return Q(**{f"{prefix}joined_on__lte": day}) & (
        Q(**{f"{prefix}left_on__isnull": True}) | Q(**{f"{prefix}left_on__gte": day}))


# Lifecycle records ---------------------------------------------------------------------------------

def _evidence_path(instance, filename):
    return f"networks/{instance.network_id}/evidence/{filename}"


class GateEvidence(models.Model):
    """Evidence for one requirement of a gate: a document (file or reference), a decision (text and
    date), a date or a number. It counts for its requirement until withdrawn."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="evidence")
    requirement = models.ForeignKey(GateRequirement, on_delete=models.PROTECT, related_name="evidence")
    text = models.TextField(_("text"), blank=True)
    date = models.DateField(_("date"), null=True, blank=True)
    number = models.IntegerField(_("number"), null=True, blank=True)
    document = models.FileField(_("document"), upload_to=_evidence_path, blank=True, max_length=300)
    reference = models.CharField(_("reference"), max_length=500, blank=True,
                                 help_text=_("A URL or an archive reference to the document."))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawn_reason = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]

    def __str__(self):
        return f"{self.requirement.label}: {self.summary}"

    @property
    def summary(self) -> str:
        parts = []
        if self.text:
            parts.append(self.text[:80])
        if self.date:
            parts.append(self.date.isoformat())
        if self.number is not None:
            parts.append(str(self.number))
        if self.document:
            parts.append(self.document.name.rsplit("/", 1)[-1])
        if self.reference:
            parts.append(self.reference)
        return "; ".join(parts)


class TransitionKind(models.TextChoices):
    START = "start", _("Started")
    FORWARD = "forward", _("Passed a gate")
    BACK = "back", _("Went back")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")


class Transition(models.Model):
    """One change of stage (append-only): who, when (recorded and effective), why, and for a gate
    the checklist as it stood and the evidence relied on."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="transitions")
    kind = models.CharField(max_length=16, choices=TransitionKind.choices)
    from_stage = models.ForeignKey(Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    gate = models.ForeignKey(Gate, null=True, blank=True, on_delete=models.PROTECT, related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    effective_on = models.DateField()
    reason = models.TextField(blank=True)
    evidence = models.ManyToManyField(GateEvidence, blank=True, related_name="transitions")
    checklist = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="forward") | Q(gate__isnull=False), name="transition_forward_has_gate"),
            models.CheckConstraint(condition=Q(kind="forward") | Q(kind="start") | ~Q(reason=""),
                                   name="transition_back_close_reopen_have_reason"),
        ]

    def __str__(self):
        return f"{self.network}: {self.from_stage or '-'} -> {self.to_stage} ({self.kind})"


# Activities ----------------------------------------------------------------------------------------

class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    FACTORY_VISIT = "factory-visit", _("Factory visit")
    GROUP_WORKSHOP = "group-workshop", _("Group workshop")
    GROUP_TRAVEL = "group-travel", _("Group travel")
    JOINT_PURCHASE = "joint-purchase", _("Joint purchase")
    JOINT_MARKETING = "joint-marketing", _("Joint marketing")
    JOINT_PROJECT = "joint-project", _("Joint project")
    SUPPORT_CONTACT = "support-contact", _("Contact with a support body")
    OTHER = "other", _("Other")


# Dini's first criterion: business the firms do together (as opposed to meetings and visits).
COLLECTIVE_BUSINESS_KINDS = (ActivityKind.JOINT_PURCHASE, ActivityKind.JOINT_MARKETING, ActivityKind.JOINT_PROJECT)


class Activity(models.Model):
    """Something the broker/manager and members did, with the firms that took part and the
    broker's hours. A contact with a support body names the body and the service taken up."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(_("kind"), max_length=24, choices=ActivityKind.choices)
    occurred_on = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    broker_hours = models.DecimalField(_("broker hours"), max_digits=7, decimal_places=2, default=0)
    support_body = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="network_activities", verbose_name=_("support body"))
    service_taken_up = models.CharField(_("service taken up"), max_length=300, blank=True)
    host_enterprise = models.ForeignKey("registry.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="hosted_network_activities", verbose_name=_("host firm"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(condition=Q(broker_hours__gte=0), name="activity_hours_not_negative"),
            models.CheckConstraint(
                condition=~Q(kind="support-contact") | (Q(support_body__isnull=False) & ~Q(service_taken_up="")),
                name="activity_support_contact_names_body_and_service"),
        ]
        indexes = [models.Index(fields=["network", "occurred_on"])]

    def __str__(self):
        return f"{self.occurred_on} {self.title}"

    @property
    def is_collective_business(self) -> bool:
        return self.kind in COLLECTIVE_BUSINESS_KINDS


class Attendance(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="+")
    participants = models.PositiveSmallIntegerField(_("people attending"), default=1,
                                                    validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["enterprise__legal_name"]
        constraints = [models.UniqueConstraint(fields=["activity", "enterprise"], name="attendance_unique")]


# Money ---------------------------------------------------------------------------------------------

class ManagerContract(models.Model):
    """The contract of the network's manager/broker: a monthly fee from start to end (inclusive).
    Its monthly costs are written to the cost ledger by `services.accrue_manager_costs`."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="contracts")
    manager = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="manager_contracts")
    manager_name = models.CharField(_("manager's name"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    monthly_fee = models.DecimalField(_("monthly fee"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(monthly_fee__gt=0), name="contract_fee_positive"),
            models.CheckConstraint(condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                                   name="contract_end_after_start"),
        ]

    def __str__(self):
        return f"{self.manager_name} ({self.network})"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} is an append-only ledger: record a reversing entry instead.")

    def delete(self):
        raise TypeError(f"{self.model.__name__} is an append-only ledger: record a reversing entry instead.")


class EntryKind(models.TextChoices):
    ORIGINAL = "original", _("Entry")
    REVERSAL = "reversal", _("Reversal")


class LedgerEntry(models.Model):
    """Common shape of the two ledgers: entries are only ever added. A correction is a reversal
    (the negated amount, same effective date, pointing at the entry it reverses, at most one per
    entry), followed by a new entry if needed. `idempotency_key` (unique per network) makes
    recording the same entry twice a no-op."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    entry_kind = models.CharField(max_length=16, choices=EntryKind.choices, default=EntryKind.ORIGINAL)
    note = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.CharField(max_length=100)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # The entry's posting on the shared ledger (see `books`); empty only before the data migration.
    ledger_transaction = models.OneToOneField("ledger.Transaction", null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+")

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError(f"{type(self).__name__} is an append-only ledger: record a reversing entry instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} is an append-only ledger: record a reversing entry instead.")


def _ledger_constraints(prefix: str) -> list:
    return [
        models.UniqueConstraint(fields=["network", "idempotency_key"], name=f"{prefix}_idempotency_key_unique"),
        models.CheckConstraint(
            condition=(Q(entry_kind="original") & Q(amount__gt=0) & Q(reverses__isnull=True))
            | (Q(entry_kind="reversal") & Q(amount__lt=0) & Q(reverses__isnull=False)),
            name=f"{prefix}_sign_matches_kind"),
    ]


class CostEntry(LedgerEntry):
    """An expense of the network (append-only)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="cost_entries")
    category = models.CharField(_("category"), max_length=16, choices=CostCategory.choices)
    incurred_on = models.DateField(_("incurred on"))
    contract = models.ForeignKey(ManagerContract, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="cost_entries")
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")

    class Meta:
        ordering = ["incurred_on", "id"]
        constraints = _ledger_constraints("costentry")
        indexes = [models.Index(fields=["network", "incurred_on"])]

    def __str__(self):
        return f"{self.incurred_on} {self.get_category_display()} {self.amount} {self.currency}"


class ContributionEntry(LedgerEntry):
    """Money a member firm paid towards the network's expenses (append-only)."""

    network = models.ForeignKey(Network, on_delete=models.PROTECT, related_name="contribution_entries")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="network_contributions")
    paid_on = models.DateField(_("paid on"))
    reverses = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="reversed_by")

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = _ledger_constraints("contributionentry")
        indexes = [models.Index(fields=["network", "paid_on"])]

    def __str__(self):
        return f"{self.paid_on} {self.enterprise} {self.amount} {self.currency}"


# Evaluations ---------------------------------------------------------------------------------------

SCORE_MIN, SCORE_MAX = 1, 5
# What each score means, the same in every area (shown beside the number on forms and pages).
SCORE_LABELS = {
    1: _("weak: the practice is missing or improvised"),
    2: _("basic: started, not applied regularly"),
    3: _("fair: applied in most of the firm's work"),
    4: _("good: applied regularly and checked"),
    5: _("good practice: a model for other firms"),
}


def score_label(score) -> str:
    """The meaning of a score 1-5 in the reader's language ("" for anything else)."""
    label = SCORE_LABELS.get(score)
    return str(label) if label is not None else ""


class Evaluation(models.Model):
    """A member firm's evaluation on a date: a score per area. The firm's first score in an area
    is its baseline; change = latest score - baseline."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="evaluations")
    enterprise = models.ForeignKey("registry.Enterprise", on_delete=models.PROTECT, related_name="network_evaluations")
    evaluated_on = models.DateField(_("evaluated on"))
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["evaluated_on", "id"]
        constraints = [models.UniqueConstraint(fields=["network", "enterprise", "evaluated_on"],
                                               name="evaluation_one_per_firm_and_day")]
        indexes = [models.Index(fields=["network", "enterprise", "evaluated_on"])]

    def __str__(self):
        return f"{self.enterprise} on {self.evaluated_on}"


class EvaluationScore(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(EvaluationArea, on_delete=models.PROTECT, related_name="scores")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
        help_text=_("1 = weak practice ... 5 = good practice."))
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__order"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "area"], name="score_one_per_area"),
            models.CheckConstraint(condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX),
                                   name="score_in_scale"),
        ]


class IndependenceAssessment(models.Model):
    """An assessment of a network against Dini's twelve criteria on a date. The five judged criteria
    are stored as `CriterionJudgement`s; the seven others are computed from the records as of
    `assessed_on` over the `window_months` before it (see `independence.py`). `snapshot` keeps the
    result as computed when recorded, for the history."""

    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField(_("assessed on"))
    window_months = models.PositiveSmallIntegerField(_("window (months)"), default=12,
                                                     validators=[MinValueValidator(1)])
    assessor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    snapshot = models.JSONField(default=dict, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assessed_on", "id"]

    def __str__(self):
        return f"{self.network} on {self.assessed_on}"


class CriterionJudgement(models.Model):
    assessment = models.ForeignKey(IndependenceAssessment, on_delete=models.CASCADE, related_name="judgements")
    criterion = models.CharField(max_length=40)
    met = models.BooleanField()
    evidence = models.TextField(_("evidence"), blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="judgement_one_per_criterion"),
            models.CheckConstraint(condition=Q(met=False) | ~Q(evidence=""), name="judgement_met_has_evidence"),
        ]
