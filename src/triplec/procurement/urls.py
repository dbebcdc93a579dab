"""URLs of the procurement pages (included at /procurement/)."""

from django.urls import path

from . import views, views_labels, views_work

app_name = "procurement"

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/lines/<int:line_id>/allocate/", views_work.allocate, name="allocate"),
    path("contracts/<int:pk>/inspect/", views_work.inspection, name="inspection"),
    path("contracts/<int:pk>/deliveries/<int:delivery_id>/inspect/", views_work.inspect_delivery,
         name="inspect_delivery"),
    path("associations/<int:pk>/scoreboard/", views_work.scoreboard, name="scoreboard"),
    path("contracts/<int:pk>/labels/", views_labels.labels, name="labels"),
    path("contracts/<int:pk>/labels.pdf", views_labels.contract_labels, name="contract_labels"),
    path("contracts/<int:pk>/allocations/<int:allocation_id>/labels.pdf", views_labels.allocation_labels,
         name="allocation_labels"),
    path("contracts/<int:pk>/inspect/scan/", views_labels.scan, name="inspection_scan"),
]
