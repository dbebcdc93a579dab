"""URLs of the import and export pages (included by registry/urls.py at the site root)."""

from django.urls import path

from . import views_import

urlpatterns = [
    path("enterprises/import/", views_import.enterprise_import, name="enterprise_import"),
    path("enterprises/import/template.csv", views_import.enterprise_import_template,
         name="enterprise_import_template"),
    path("enterprises/import/<uuid:pk>/", views_import.enterprise_import_preview, name="enterprise_import_preview"),
    path("enterprises/import/<uuid:pk>/confirm/", views_import.enterprise_import_confirm,
         name="enterprise_import_confirm"),
    path("enterprises/import/<uuid:pk>/rejected.csv", views_import.enterprise_import_rejected,
         name="enterprise_import_rejected"),
    path("enterprises/import/<uuid:pk>/progress/", views_import.enterprise_import_progress,
         name="enterprise_import_progress"),
    path("enterprises/export/", views_import.enterprise_export, name="enterprise_export"),
]
