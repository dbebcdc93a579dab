from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "triplec.networks"
    label = "networks"
    verbose_name = "Networks of firms"
    default_auto_field = "django.db.models.BigAutoField"
