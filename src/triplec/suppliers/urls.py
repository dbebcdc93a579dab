"""URLs of the supplier-programme pages (included at /suppliers/)."""

from django.urls import path

from . import views, views_setup

app_name = "suppliers"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("programmes/new/", views_setup.programme_add, name="programme_add"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/import/", views.import_orders, name="import_orders"),
    path("programmes/<int:pk>/consent/", views_setup.consent, name="consent"),
    path("programmes/<int:pk>/enrol/", views_setup.enrol, name="enrol"),
    path("firms/", views_setup.firm_options, name="firm_options"),
    path("programmes/<int:pk>/homeworkers/", views_setup.enrol_homeworker, name="enrol_homeworker"),
    path("programmes/<int:pk>/sessions/", views_setup.session_add, name="session_add"),
    path("programmes/<int:pk>/kpis.<str:fmt>", views_setup.export_kpis, name="export_kpis"),
    path("sessions/<int:pk>/", views_setup.session_detail, name="session_detail"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/diagnostic/", views.diagnostic_add, name="diagnostic_add"),
    path("suppliers/<int:pk>/actions/", views.action_add, name="action_add"),
    path("suppliers/<int:pk>/other-sales/", views_setup.other_sales, name="other_sales"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
]
