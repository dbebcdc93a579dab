"""Back office for mapping runs and cluster records (everyday work happens on the pages)."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Cluster, ClusterFootprint, MappingRun


@admin.register(MappingRun)
class MappingRunAdmin(admin.ModelAdmin):
    list_display = ("title", "source", "classification", "sector_level", "sims", "created_by", "created_at")
    list_filter = ("source", "classification")
    search_fields = ("title",)
    raw_id_fields = ("territory", "task", "created_by", "cancel_requested_by")
    readonly_fields = ("summary", "output_dir", "input_file", "cancel_requested_at")

    def has_delete_permission(self, request, obj=None):
        """Deleted from the run's page only: it refuses running runs and removes the run's files."""
        return False


class ClusterFootprintInline(admin.TabularInline):
    model = ClusterFootprint
    extra = 0
    fields = ("footprint_id", "run_title", "sector", "observed_at", "establishments", "employment")
    readonly_fields = fields
    can_delete = True


@admin.register(Cluster)
class ClusterAdmin(SimpleHistoryAdmin):
    list_display = ("name", "sector_classification", "sector_codes", "territory", "updated_at")
    list_filter = ("sector_classification",)
    search_fields = ("name", "sector_codes")
    raw_id_fields = ("territory", "created_by")
    inlines = [ClusterFootprintInline]
