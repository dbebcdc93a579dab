"""URLs of the procurement pages (included at /procurement/)."""

from django.urls import path

from . import views, views_award, views_labels, views_money, views_outcomes, views_records, views_work

app_name = "procurement"

urlpatterns = [
    path("contracts/", views.contract_list, name="contract_list"),
    path("contracts/<int:pk>/", views.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/lines/<int:line_id>/allocate/", views_work.allocate, name="allocate"),
    path("contracts/<int:pk>/inspect/", views_work.inspection, name="inspection"),
    path("contracts/<int:pk>/deliveries/<int:delivery_id>/inspect/", views_work.inspect_delivery,
         name="inspect_delivery"),
    path("associations/<int:pk>/scoreboard/", views_work.scoreboard, name="scoreboard"),
    path("contracts/<int:pk>/rework/", views_records.rework, name="rework"),
    path("contracts/<int:pk>/deliveries/<int:delivery_id>/rework/", views_records.assign_rework, name="assign_rework"),
    path("contracts/<int:pk>/defaults/", views_records.defaults, name="defaults"),
    path("contracts/<int:pk>/allocations/<int:allocation_id>/default/", views_records.record_default,
         name="record_default"),
    path("contracts/<int:pk>/warranty/", views_records.warranty, name="warranty"),
    path("associations/<int:pk>/outcomes/", views_outcomes.outcomes, name="outcomes"),
    path("associations/<int:pk>/outcomes/import/", views_outcomes.import_outcomes, name="outcomes_import"),
    path("associations/<int:pk>/outcomes/export.<str:fmt>", views_outcomes.export_outcomes, name="outcomes_export"),
    # Money actions and deliveries (views_money)
    path("contracts/<int:pk>/money/advance/", views_money.pay_advance, name="pay_advance"),
    path("contracts/<int:pk>/money/pass-advances/", views_money.pass_advances, name="pass_advances"),
    path("contracts/<int:pk>/money/final/", views_money.pay_final, name="pay_final"),
    path("contracts/<int:pk>/money/retention/", views_money.release_retention, name="release_retention"),
    path("contracts/<int:pk>/money/settle-debt/", views_money.settle_debt, name="settle_debt"),
    path("contracts/<int:pk>/deliveries/record/", views_money.record_delivery, name="record_delivery"),
    path("contracts/<int:pk>/labels/", views_labels.labels, name="labels"),
    path("contracts/<int:pk>/labels.pdf", views_labels.contract_labels, name="contract_labels"),
    path("contracts/<int:pk>/allocations/<int:allocation_id>/labels.pdf", views_labels.allocation_labels,
         name="allocation_labels"),
    path("contracts/<int:pk>/inspect/scan/", views_labels.scan, name="inspection_scan"),
    path("award/", views_award.award, name="award"),
]
