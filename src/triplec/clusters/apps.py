from django.apps import AppConfig


class ClustersConfig(AppConfig):
    name = "triplec.clusters"
    label = "clusters"
    verbose_name = "Cluster mapping and cluster records"
    default_auto_field = "django.db.models.BigAutoField"
