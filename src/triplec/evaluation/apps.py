from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "triplec.evaluation"
    label = "evaluation"
    verbose_name = "Triple C evaluation"
    default_auto_field = "django.db.models.BigAutoField"
