from django.apps import AppConfig


class DiagnosticsConfig(AppConfig):
    name = "triplec.diagnostics"
    label = "diagnostics"
    verbose_name = "Diagnostic studies of clusters"
    default_auto_field = "django.db.models.BigAutoField"
