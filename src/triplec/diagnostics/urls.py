"""URLs of diagnostic studies (included at /diagnostics/)."""

from django.urls import path

from . import views

app_name = "diagnostics"

urlpatterns = [
    path("", views.study_list, name="study_list"),
    path("clusters/<int:cluster_id>/start/", views.study_start, name="study_start"),
    path("<int:pk>/", views.study_detail, name="study_detail"),
    path("<int:pk>/edit/", views.study_edit, name="study_edit"),
    path("<int:pk>/complete/", views.study_complete, name="study_complete"),
    path("<int:pk>/refresh/", views.study_refresh, name="study_refresh"),
    path("<int:pk>/indicators/", views.indicator_state, name="indicator_state"),
    path("<int:pk>/indicators/<slug:key>/withdraw/", views.indicator_withdraw, name="indicator_withdraw"),
    path("<int:pk>/print/", views.study_print, name="study_print"),
    path("<int:pk>/download.<str:fmt>", views.study_download, name="study_download"),
    path("<int:pk>/compare/<int:other>/", views.study_compare, name="study_compare"),
    path("<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/evidence/<int:evidence_id>/remove/", views.evidence_remove, name="evidence_remove"),
    path("<int:pk>/evidence/<int:evidence_id>/file", views.evidence_download, name="evidence_download"),
]
