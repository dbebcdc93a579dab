from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "triplec.ledger"
    label = "ledger"
    verbose_name = "Money ledger"
    default_auto_field = "django.db.models.BigAutoField"
