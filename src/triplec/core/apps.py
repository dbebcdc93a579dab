from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "triplec.core"
    label = "core"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import table_versions

        # The triggers counting each table's writes (core.table_versions), put back after every migrate.
        post_migrate.connect(table_versions.install_after_migrate, sender=self, dispatch_uid="core_table_versions")
