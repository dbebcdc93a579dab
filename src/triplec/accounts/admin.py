"""Django's back office (/admin/), deliberately for the server's operators only (superusers made with
`django-admin createsuperuser`). Agency administrators manage users on the platform's own pages
(/users/), which go through accounts.services and record history; /admin/ would bypass both."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AccessEvent, ApiToken, User


def _operators_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _operators_only


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "email", "role", "organisation", "enterprise", "is_active",
                    "last_login")
    list_filter = ("role", "is_active", "is_staff")
    list_select_related = ("organisation", "enterprise")
    raw_id_fields = ("organisation", "enterprise")
    fieldsets = DjangoUserAdmin.fieldsets + (
        ("triplec", {"fields": ("role", "organisation", "enterprise")}),
    )
    add_fieldsets = DjangoUserAdmin.add_fieldsets + (
        ("triplec", {"fields": ("role", "organisation", "enterprise")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "name", "user", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    search_fields = ("prefix", "name", "user__username")
    raw_id_fields = ("user",)
    readonly_fields = ("prefix", "key_hash", "created_at", "last_used_at")
    fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")

    def has_add_permission(self, request):
        return False  # a token's secret is shown once, by the command that issues it


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    list_display = ("at", "user", "action", "actor")
    list_filter = ("action",)
    readonly_fields = ("user", "actor", "action", "detail", "at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
