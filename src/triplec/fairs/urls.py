"""URLs of the fairs pages (included at /fairs/)."""

from django.urls import path

from . import views

app_name = "fairs"

urlpatterns = [
    path("", views.fair_list, name="fair_list"),
    path("<int:pk>/", views.fair_detail, name="fair_detail"),
    path("follow-ups/", views.follow_ups, name="follow_ups"),
    path("participations/<int:pk>/", views.participation_detail, name="participation_detail"),
    path("participations/<int:pk>/pay/", views.pay, name="pay"),
    path("participations/<int:pk>/buyers/", views.add_contact, name="add_contact"),
    path("participations/<int:pk>/orders/", views.add_order, name="add_order"),
    path("participations/<int:pk>/follow-ups/<int:follow_up_id>/done/", views.follow_up_done, name="follow_up_done"),
]
