from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.scorecard_list, name="scorecard_list"),
    path("scorecards/<str:instrument>/<str:level>/<int:pk>/", views.scorecard_detail, name="scorecard_detail"),
    path("panel/", views.panel_list, name="panel_list"),
    path("panel/import/", views.import_panel, name="import_panel"),
    path("panel/<int:pk>/", views.firm_panel, name="firm_panel"),
    path("panel/<int:pk>/baseline/", views.fill_baseline, name="fill_baseline"),
]

from . import views_impact  # noqa: E402

urlpatterns += [
    path("impact/", views_impact.run_list, name="impact_list"),
    path("impact/<int:pk>/", views_impact.run_detail, name="impact_detail"),
    path("impact/<int:pk>/progress/", views_impact.run_progress, name="impact_progress"),
    path("impact/<int:pk>/download/", views_impact.run_download, name="impact_download"),
]
