"""Back office for the register. Everyday editing happens on the pages (which go through the service
layer); the admin is for agency administrators fixing data, with history on every model."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Contact, Enterprise, Membership, Organisation, Territory


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ("name", "position", "email", "phone")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("enterprise", "association", "start_date", "end_date")
    raw_id_fields = ("enterprise",)  # registers hold 100,000s of enterprises: no giant selects


@admin.register(Territory)
class TerritoryAdmin(SimpleHistoryAdmin):
    list_display = ("name", "level", "code", "parent")
    list_filter = ("level",)
    search_fields = ("name", "code")
    raw_id_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "country", "territory", "updated_at")
    list_filter = ("kind", "country")
    search_fields = ("name", "national_id")
    raw_id_fields = ("territory", "enterprise")
    list_select_related = ("territory",)
    inlines = [ContactInline]

    def get_inlines(self, request, obj):
        if obj is not None and obj.is_association:
            return [ContactInline, MembershipInline]
        return [ContactInline]


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("legal_name", "country", "national_id", "sector_classification", "sector_code",
                    "employees", "territory", "exporter")
    list_filter = ("sector_classification", "sector_section", "exporter", "country")
    search_fields = ("legal_name", "trade_name", "national_id")
    raw_id_fields = ("territory",)
    list_select_related = ("territory",)
    readonly_fields = ("sector_section", "created_at", "updated_at")
    show_full_result_count = False  # an exact COUNT(*) of a large register on every admin page is slow
    inlines = [ContactInline]


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ("enterprise", "association", "start_date", "end_date")
    list_filter = ("association",)
    search_fields = ("enterprise__legal_name", "enterprise__national_id", "association__name")
    raw_id_fields = ("enterprise", "association")
    list_select_related = ("enterprise", "association")
    date_hierarchy = "start_date"


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ("name", "position", "email", "enterprise", "organisation")
    search_fields = ("name", "email")
    raw_id_fields = ("enterprise", "organisation")
    list_select_related = ("enterprise", "organisation")
