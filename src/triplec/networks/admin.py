"""Back office for networks. Everyday work goes through the pages and the API (the services);
here agency administrators maintain the definitions (kinds, stages, gates, requirements, funding
schedules, evaluation areas) and can inspect records. Stages change only through the transition
function, and the ledgers are append-only, so those are read-only here."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Activity,
    Attendance,
    ContributionEntry,
    CostEntry,
    CriterionJudgement,
    Evaluation,
    EvaluationArea,
    EvaluationScore,
    FundingRule,
    FundingSchedule,
    Gate,
    GateEvidence,
    GateRequirement,
    IndependenceAssessment,
    ManagerContract,
    Network,
    NetworkKind,
    NetworkMember,
    Stage,
    TargetBuyer,
    Transition,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class StageInline(admin.TabularInline):
    """Stages come from the kind's definition (services.define_kind/redefine_kind, validated so no
    gate can be skipped); here only names and the evaluation flag may change."""

    model = Stage
    extra = 0
    can_delete = False
    fields = ("order", "code", "name", "is_closed", "evaluations_due")
    readonly_fields = ("order", "code", "is_closed")

    def has_add_permission(self, request, obj=None):
        return False


class RequirementInline(admin.TabularInline):
    model = GateRequirement
    extra = 0
    fields = ("order", "code", "label", "type", "check_name", "minimum")


@admin.register(NetworkKind)
class NetworkKindAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "lifecycle", "size_min", "size_max", "funding_schedule", "shipped", "active")
    list_filter = ("shipped", "active")
    inlines = [StageInline]


@admin.register(Gate)
class GateAdmin(SimpleHistoryAdmin):
    """Which stages a gate joins is fixed by the kind's definition; names, roles and requirements
    may be edited (requirements are checked against the known conditions and counts)."""

    list_display = ("name", "kind", "from_stage", "to_stage", "allowed_roles")
    list_filter = ("kind",)
    readonly_fields = ("kind", "from_stage", "to_stage")
    inlines = [RequirementInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FundingRuleInline(admin.TabularInline):
    model = FundingRule
    extra = 0


@admin.register(FundingSchedule)
class FundingScheduleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "shipped")
    inlines = [FundingRuleInline]


@admin.register(EvaluationArea)
class EvaluationAreaAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "order", "active", "shipped")


class MemberInline(admin.TabularInline):
    model = NetworkMember
    extra = 0
    raw_id_fields = ("enterprise",)
    fields = ("enterprise", "joined_on", "left_on", "leave_reason")


class BuyerInline(admin.TabularInline):
    model = TargetBuyer
    extra = 0
    raw_id_fields = ("organisation",)


class TransitionInline(ReadOnlyInline):
    model = Transition
    fields = ("kind", "from_stage", "to_stage", "actor", "effective_on", "recorded_at", "reason")
    readonly_fields = fields


@admin.register(Network)
class NetworkAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "stage", "broker", "territory", "started_on")
    list_filter = ("kind", "stage__code")
    search_fields = ("name",)
    raw_id_fields = ("territory", "broker", "lead_firm")
    readonly_fields = ("stage", "stage_since", "created_by", "created_at")
    inlines = [MemberInline, BuyerInline, TransitionInline]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("enterprise",)


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("occurred_on", "title", "kind", "network", "broker_hours")
    list_filter = ("kind",)
    raw_id_fields = ("network", "support_body", "host_enterprise")
    inlines = [AttendanceInline]


@admin.register(ManagerContract)
class ManagerContractAdmin(SimpleHistoryAdmin):
    list_display = ("manager_name", "network", "start_date", "end_date", "monthly_fee", "currency")
    raw_id_fields = ("network", "manager")


class LedgerAdmin(admin.ModelAdmin):
    """Append-only: no adding, changing or deleting here (corrections are reversals, via services)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CostEntry)
class CostEntryAdmin(LedgerAdmin):
    list_display = ("incurred_on", "network", "category", "amount", "currency", "entry_kind", "idempotency_key")
    list_filter = ("category", "entry_kind")


@admin.register(ContributionEntry)
class ContributionEntryAdmin(LedgerAdmin):
    list_display = ("paid_on", "network", "enterprise", "amount", "currency", "entry_kind", "idempotency_key")
    list_filter = ("entry_kind",)


@admin.register(Transition)
class TransitionAdmin(LedgerAdmin):
    list_display = ("network", "kind", "from_stage", "to_stage", "actor", "effective_on", "recorded_at")
    list_filter = ("kind",)


@admin.register(GateEvidence)
class GateEvidenceAdmin(SimpleHistoryAdmin):
    list_display = ("network", "requirement", "added_by", "added_at", "withdrawn_at")
    raw_id_fields = ("network",)


class ScoreInline(admin.TabularInline):
    model = EvaluationScore
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(SimpleHistoryAdmin):
    list_display = ("evaluated_on", "enterprise", "network", "evaluator")
    raw_id_fields = ("network", "enterprise")
    inlines = [ScoreInline]


class JudgementInline(admin.TabularInline):
    model = CriterionJudgement
    extra = 0


@admin.register(IndependenceAssessment)
class IndependenceAssessmentAdmin(SimpleHistoryAdmin):
    list_display = ("network", "assessed_on", "assessor")
    raw_id_fields = ("network",)
    readonly_fields = ("snapshot",)
    inlines = [JudgementInline]
