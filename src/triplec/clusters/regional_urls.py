"""URLs of the regional series (included at /clusters/series/, namespace "regional")."""

from django.urls import path

from . import regional_views as views

app_name = "regional"

urlpatterns = [
    path("", views.series_list, name="series_list"),
    path("<int:pk>/", views.series_detail, name="series_detail"),
    path("<int:pk>/progress/", views.series_progress, name="series_progress"),
    path("<int:pk>/export/", views.series_export, name="series_export"),
]
