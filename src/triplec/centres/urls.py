"""URLs of the centres' pages (included at /centres/)."""

from django.urls import path

from . import views

app_name = "centres"

urlpatterns = [
    path("", views.centre_list, name="centre_list"),
    path("<int:pk>/", views.centre_detail, name="centre_detail"),
    path("<int:pk>/equipment/<int:service_id>/book/", views.book, name="book"),
    path("<int:pk>/finance/", views.finance, name="finance"),
    path("bookings/<int:pk>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("exchange/<int:pk>/matches/", views.matches, name="matches"),
]
