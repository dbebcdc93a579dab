from django.urls import path

from . import views, views_dashboard, views_impact

app_name = "evaluation"

urlpatterns = [
    path("", views.scorecard_list, name="scorecard_list"),
    path("scorecards/<str:instrument>/<str:level>/<int:pk>/", views.scorecard_detail, name="scorecard_detail"),
    path("panel/", views.panel_list, name="panel_list"),
    path("panel/import/", views.import_panel, name="import_panel"),
    path("panel/<int:pk>/", views.firm_panel, name="firm_panel"),
    path("panel/<int:pk>/baseline/", views.fill_baseline, name="fill_baseline"),
    path("impact/", views_impact.run_list, name="impact_list"),
    path("impact/<int:pk>/", views_impact.run_detail, name="impact_detail"),
    path("impact/<int:pk>/progress/", views_impact.run_progress, name="impact_progress"),
    path("impact/<int:pk>/cancel/", views_impact.run_cancel, name="impact_cancel"),
    path("impact/<int:pk>/download/", views_impact.run_download, name="impact_download"),
    path("dashboard/", views_dashboard.dashboard_page, name="dashboard"),
    path("dashboard/report.pdf", views_dashboard.dashboard_pdf, name="dashboard_pdf"),
    path("dashboard/tables.xlsx", views_dashboard.dashboard_xlsx, name="dashboard_xlsx"),
    path("scorecards.<str:fmt>", views_dashboard.scorecard_export, name="scorecard_export"),
]
