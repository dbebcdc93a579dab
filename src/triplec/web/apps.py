from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "triplec.web"
    label = "web"

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)
