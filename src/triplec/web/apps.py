from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "triplec.web"
    label = "web"
