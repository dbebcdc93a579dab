"""URLs of the supplier-programme pages (included at /suppliers/)."""

from django.urls import path

from . import views

app_name = "suppliers"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/import/", views.import_orders, name="import_orders"),
    path("suppliers/<int:pk>/", views.supplier_detail, name="supplier_detail"),
    path("suppliers/<int:pk>/diagnostic/", views.diagnostic_add, name="diagnostic_add"),
    path("suppliers/<int:pk>/actions/", views.action_add, name="action_add"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
]
