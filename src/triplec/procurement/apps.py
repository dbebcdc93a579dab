from django.apps import AppConfig


class ProcurementConfig(AppConfig):
    name = "triplec.procurement"
    label = "procurement"
    verbose_name = "Public procurement through associations"
    default_auto_field = "django.db.models.BigAutoField"
