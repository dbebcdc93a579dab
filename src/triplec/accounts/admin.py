"""Back office for people: users with their role and scope, and API tokens (only their prefix is shown;
tokens are issued with `triplec token USERNAME`)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import ApiToken, User


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
