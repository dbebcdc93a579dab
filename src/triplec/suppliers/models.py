"""Supplier upgrading with a large firm.

- `Programme`: anchored on one large buyer (organisation of kind buyer-large-firm); its consent is
  recorded (who, when, document) and no supplier is enrolled before it. `agency_share` and
  `supplier_share` say who pays the programme's costs; the buyer pays the rest.
- `Supplier`: a register enterprise, or a homeworker kept here by name, municipality and product (the
  register requires a national identifier, which homeworkers often do not have).
- `Area`: the areas a diagnostic scores (data, as networks' evaluation areas); `Diagnostic` with one
  `Score` per area; `Action`s of the supplier's improvement plan.
- `TrainingSession` with `Attendance`; `Order`s (KPIs) and `OtherSales` (spillover) in
  `models_records`.

Money is never stored here as the truth: every cost is posted on the shared ledger (`triplec.ledger`);
`Cost` rows only say which posting paid for what (see services.costs).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.core.model_fields import MONEY, SHARE
from triplec.core.models import ShippedArea
from triplec.registry.models import Enterprise, Organisation, Territory


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=200)
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="supplier_programmes",
                              verbose_name=_("large buyer"), limit_choices_to={"kind": "buyer-large-firm"})
    currency = models.CharField(_("currency"), max_length=3, help_text=_("ISO 4217, e.g. BRL."))
    agency_share = models.DecimalField(_("agency's share of costs"), default=Decimal("0.5"), **SHARE)
    supplier_share = models.DecimalField(_("supplier's share of costs"), default=Decimal(0), **SHARE,
                                         help_text=_("The large buyer pays what the agency and the supplier do not."))
    started_on = models.DateField(_("started on"))
    consent_by = models.CharField(_("consent given by"), max_length=200, blank=True)
    consent_on = models.DateField(_("consent given on"), null=True, blank=True)
    consent_reference = models.CharField(_("consent document"), max_length=200, blank=True,
                                         help_text=_("The signed agreement's reference or file name."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["buyer", "name"], name="suppliers_programme_unique"),
            models.CheckConstraint(condition=Q(agency_share__lte=1) & Q(supplier_share__lte=1),
                                   name="suppliers_programme_shares_valid"),
        ]

    def __str__(self):
        return self.name

    @property
    def buyer_share(self) -> Decimal:
        return 1 - self.agency_share - self.supplier_share

    @property
    def consented(self) -> bool:
        return self.consent_on is not None


class Supplier(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="suppliers")
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="supplier_enrolments", verbose_name=_("enterprise"))
    person_name = models.CharField(_("homeworker's name"), max_length=200, blank=True)
    municipality = models.ForeignKey(Territory, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("municipality"))
    product = models.CharField(_("product"), max_length=200, blank=True)
    enrolled_on = models.DateField(_("enrolled on"))

    class Meta:
        ordering = ["programme", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(enterprise__isnull=False, person_name="")
                                   | Q(enterprise__isnull=True) & ~Q(person_name=""),
                                   name="suppliers_supplier_enterprise_or_homeworker"),
            models.UniqueConstraint(fields=["programme", "enterprise"], condition=Q(enterprise__isnull=False),
                                    name="suppliers_supplier_enterprise_once"),
        ]

    def __str__(self):
        return str(self.enterprise) if self.enterprise_id else self.person_name

    @property
    def is_homeworker(self) -> bool:
        return self.enterprise_id is None


class Area(ShippedArea):
    """An area a diagnostic scores (configurable; the five of the programme are shipped)."""


class Diagnostic(models.Model):
    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="diagnostics")
    carried_out_on = models.DateField(_("carried out on"))
    consultant = models.CharField(_("consultant"), max_length=200)
    cost = models.DecimalField(_("cost"), **MONEY)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        ordering = ["supplier", "carried_out_on", "id"]


class Score(models.Model):
    diagnostic = models.ForeignKey(Diagnostic, on_delete=models.CASCADE, related_name="scores")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+", verbose_name=_("area"))
    score = models.PositiveSmallIntegerField(_("score"), validators=[MaxValueValidator(5)])
    needs = models.TextField(_("needs"), blank=True)

    class Meta:
        ordering = ["diagnostic", "area__order", "area__code"]
        constraints = [
            models.UniqueConstraint(fields=["diagnostic", "area"], name="suppliers_score_once_per_area"),
            models.CheckConstraint(condition=Q(score__lte=5), name="suppliers_score_0_to_5"),
        ]


class ActionOwner(models.TextChoices):
    BUYER_STAFF = "buyer-staff", _("The buyer's staff")
    SUPPLIER = "supplier", _("The supplier")
    CONSULTANT = "consultant", _("The consultant")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in-progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Action(models.Model):
    """One action of a supplier's improvement plan."""

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="actions")
    area = models.ForeignKey(Area, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("area"))
    description = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("owner"), max_length=16, choices=ActionOwner.choices)
    due_on = models.DateField(_("due on"))
    status = models.CharField(_("status"), max_length=16, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        ordering = ["supplier", "due_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(status="done", done_on__isnull=False)
                                              | ~Q(status="done") & Q(done_on__isnull=True),
                                              name="suppliers_action_done_on_when_done")]


class TrainingKind(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    BEHAVIOURAL = "behavioural", _("Behavioural")


class TrainingSession(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="sessions")
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=TrainingKind.choices)
    held_on = models.DateField(_("held on"))
    trainer = models.CharField(_("trainer"), max_length=200, blank=True)
    cost = models.DecimalField(_("cost"), default=0, **MONEY)

    class Meta:
        ordering = ["programme", "held_on", "id"]


class Attendance(models.Model):
    """Who attended a session: one of the programme's suppliers, or a member of the buyer's staff
    (by name; `staff_user` when they have an account)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendances")
    supplier = models.ForeignKey(Supplier, null=True, blank=True, on_delete=models.PROTECT, related_name="attendances")
    staff_name = models.CharField(_("buyer's staff member"), max_length=200, blank=True)
    staff_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(supplier__isnull=False, staff_name="")
                                   | Q(supplier__isnull=True) & ~Q(staff_name=""),
                                   name="suppliers_attendance_supplier_or_staff"),
            models.UniqueConstraint(fields=["session", "supplier"], condition=Q(supplier__isnull=False),
                                    name="suppliers_attendance_supplier_once"),
            models.UniqueConstraint(fields=["session", "staff_name"], condition=~Q(staff_name=""),
                                    name="suppliers_attendance_staff_once"),
        ]


from .models_records import Cost, Order, OtherSales  # noqa: E402,F401,I001
