from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "triplec.registry"
    label = "registry"
    verbose_name = "Enterprise register"
