"""URLs of cluster mapping and cluster records (included at /clusters/)."""

from django.urls import path

from . import views

app_name = "clusters"

urlpatterns = [
    path("", views.cluster_list, name="cluster_list"),
    path("new/", views.cluster_create, name="cluster_create"),
    path("export/", views.cluster_export, name="cluster_export"),
    path("<int:pk>/", views.cluster_detail, name="cluster_detail"),
    path("<int:pk>/edit/", views.cluster_edit, name="cluster_edit"),
    path("<int:pk>/footprints/<int:link_id>/remove/", views.footprint_detach, name="footprint_detach"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/new/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/delete/", views.run_delete, name="run_delete"),
    path("runs/<int:pk>/map-data/", views.run_map_data, name="run_map_data"),
    # Sector codes and footprint ids are user text (an uploaded file's codes): never path segments.
    path("runs/<int:pk>/plot/", views.run_plot, name="run_plot"),
    path("runs/<int:pk>/files/<str:name>", views.run_file, name="run_file"),
    path("runs/<int:pk>/footprints/attach/", views.footprint_attach, name="footprint_attach"),
]
