"""URLs of the network pages (included at /networks/)."""

from django.urls import path

from . import views, views_money, views_overview, views_records

app_name = "networks"

urlpatterns = [
    path("", views.network_list, name="network_list"),
    path("new/", views.network_create, name="network_create"),
    path("mine/", views.my_networks, name="my_networks"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("<int:pk>/", views_overview.network_detail, name="network_detail"),
    path("<int:pk>/edit/", views.network_edit, name="network_edit"),
    path("<int:pk>/members/", views_overview.member_add, name="member_add"),
    path("<int:pk>/members/candidates/", views_overview.member_candidates, name="member_candidates"),
    path("<int:pk>/members/<int:member_id>/leave/", views_overview.member_leave, name="member_leave"),
    path("<int:pk>/evidence/", views_overview.evidence_add, name="evidence_add"),
    path("<int:pk>/evidence/<int:evidence_id>/withdraw/", views_overview.evidence_withdraw, name="evidence_withdraw"),
    path("<int:pk>/evidence/<int:evidence_id>/document/", views_overview.evidence_document, name="evidence_document"),
    path("<int:pk>/stage/", views_overview.stage_change, name="stage_change"),
    path("<int:pk>/activities/", views_records.activities, name="activities"),
    path("<int:pk>/money/", views_money.money, name="money"),
    path("<int:pk>/money/costs/", views_money.cost_add, name="cost_add"),
    path("<int:pk>/money/costs/<int:entry_id>/reverse/", views_money.cost_reverse, name="cost_reverse"),
    path("<int:pk>/money/contributions/", views_money.contribution_add, name="contribution_add"),
    path("<int:pk>/money/contributions/<int:entry_id>/reverse/", views_money.contribution_reverse,
         name="contribution_reverse"),
    path("<int:pk>/money/contracts/", views_money.contract_add, name="contract_add"),
    path("<int:pk>/money/contracts/accrue/", views_money.contracts_accrue, name="contracts_accrue"),
    path("<int:pk>/money/contracts/<int:contract_id>/end/", views_money.contract_end, name="contract_end"),
    path("<int:pk>/evaluations/", views_records.evaluations, name="evaluations"),
    path("<int:pk>/independence/", views_records.independence, name="independence"),
]
