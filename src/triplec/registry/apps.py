from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "triplec.registry"
    label = "registry"
    verbose_name = "Enterprise register"

    def ready(self):
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from . import search

        # SQLite: the function the search index's triggers call, and their repair after migrations.
        connection_created.connect(search.register_sqlite_function, dispatch_uid="registry_search_function")
        post_migrate.connect(search.repair_after_migrate, sender=self, dispatch_uid="registry_search_repair")
