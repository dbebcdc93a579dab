from django.apps import AppConfig


class CentresConfig(AppConfig):
    name = "triplec.centres"
    label = "centres"
    verbose_name = "Real service centres"
    default_auto_field = "django.db.models.BigAutoField"
