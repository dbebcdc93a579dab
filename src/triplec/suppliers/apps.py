from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    name = "triplec.suppliers"
    label = "suppliers"
    verbose_name = "Supplier upgrading with a large firm"
    default_auto_field = "django.db.models.BigAutoField"
