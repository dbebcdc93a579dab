"""URLs of the procurement pages (included at /procurement/)."""

from django.urls import path

from . import views, views_money, views_work

app_name = "procurement"

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/lines/<int:line_id>/allocate/", views_work.allocate, name="allocate"),
    path("contracts/<int:pk>/inspect/", views_work.inspection, name="inspection"),
    path("contracts/<int:pk>/deliveries/<int:delivery_id>/inspect/", views_work.inspect_delivery,
         name="inspect_delivery"),
    path("associations/<int:pk>/scoreboard/", views_work.scoreboard, name="scoreboard"),
    # Money actions and deliveries (views_money)
    path("contracts/<int:pk>/money/advance/", views_money.pay_advance, name="pay_advance"),
    path("contracts/<int:pk>/money/pass-advances/", views_money.pass_advances, name="pass_advances"),
    path("contracts/<int:pk>/money/final/", views_money.pay_final, name="pay_final"),
    path("contracts/<int:pk>/money/retention/", views_money.release_retention, name="release_retention"),
    path("contracts/<int:pk>/money/settle-debt/", views_money.settle_debt, name="settle_debt"),
    path("contracts/<int:pk>/deliveries/record/", views_money.record_delivery, name="record_delivery"),
]
