from django.apps import AppConfig


class FairsConfig(AppConfig):
    name = "triplec.fairs"
    label = "fairs"
    verbose_name = "Trade fairs and buyer links"
    default_auto_field = "django.db.models.BigAutoField"
