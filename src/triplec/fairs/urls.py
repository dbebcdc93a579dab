"""URLs of the fairs pages (included at /fairs/)."""

from django.urls import path

from . import views, views_setup

app_name = "fairs"

urlpatterns = [
    path("", views.fair_list, name="fair_list"),
    path("new/", views_setup.fair_edit, name="fair_new"),
    path("<int:pk>/edit/", views_setup.fair_edit, name="fair_edit"),
    path("<int:pk>/stands/new/", views_setup.stand_add, name="stand_add"),
    path("<int:pk>/network-stands/new/", views_setup.network_stand_add, name="network_stand_add"),
    path("programmes/", views_setup.programme_list, name="fair_programme_list"),
    path("programmes/new/", views_setup.programme_edit, name="fair_programme_new"),
    path("programmes/<int:pk>/edit/", views_setup.programme_edit, name="fair_programme_edit"),
    path("<int:pk>/", views.fair_detail, name="fair_detail"),
    path("<int:pk>/firms/", views.firm_options, name="firm_options"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("participations.<str:fmt>", views_setup.export_participations, name="export_participations"),
    path("participations/<int:pk>/", views.participation_detail, name="participation_detail"),
    path("participations/<int:pk>/pay/", views_setup.pay, name="pay"),
    path("participations/<int:pk>/cancel/", views_setup.cancel, name="cancel"),
    path("participations/<int:pk>/reverse/", views_setup.reverse_payment, name="reverse_payment"),
    path("participations/<int:pk>/buyers/", views.add_contact, name="add_contact"),
    path("participations/<int:pk>/orders/", views.add_order, name="add_order"),
    path("participations/<int:pk>/follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
]
