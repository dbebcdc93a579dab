"""URLs of the procurement pages (included at /procurement/)."""

from django.urls import path

from . import views, views_work

app_name = "procurement"

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/lines/<int:line_id>/allocate/", views_work.allocate, name="allocate"),
    path("contracts/<int:pk>/inspect/", views_work.inspection, name="inspection"),
    path("contracts/<int:pk>/deliveries/<int:delivery_id>/inspect/", views_work.inspect_delivery,
         name="inspect_delivery"),
    path("associations/<int:pk>/scoreboard/", views_work.scoreboard, name="scoreboard"),
]
