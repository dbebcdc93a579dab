from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_missing_definitions(sender, using="default", **kwargs):
    """Shipped kinds, schedules and areas are data (installed by migration 0002). A flush (as in
    `flush` or transactional tests) empties the tables and then emits post_migrate: put back what
    is missing, never overwriting an agency's edits."""
    from django.db import connections

    from .lifecycle import install_shipped

    if "networks_networkkind" not in connections[using].introspection.table_names():
        return
    install_shipped(refresh=False)


class NetworksConfig(AppConfig):
    name = "triplec.networks"
    label = "networks"
    verbose_name = "Networks of firms"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        post_migrate.connect(_install_missing_definitions, sender=self,
                             dispatch_uid="triplec.networks.install_missing_definitions")
