"""URLs of the centres' pages (included at /centres/)."""

from django.urls import path

from . import views, views_exchange, views_setup

app_name = "centres"

urlpatterns = [
    path("", views.centre_list, name="centre_list"),
    path("<int:pk>/", views.centre_detail, name="centre_detail"),
    path("<int:pk>/equipment/<int:service_id>/book/", views.book, name="book"),
    path("<int:pk>/finance/", views.finance, name="finance"),
    path("bookings/<int:pk>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("publications/<int:pk>/", views.publication, name="publication"),
    path("exchange/<int:pk>/matches/", views.matches, name="matches"),
    path("<int:pk>/setup/", views_setup.setup, name="centre_setup"),
    path("<int:pk>/setup/firms/", views_setup.firm_options, name="firm_options"),
    path("<int:pk>/setup/services/", views_setup.add_service, name="centre_add_service"),
    path("<int:pk>/setup/services/<int:service_id>/offered/", views_setup.set_offered, name="centre_set_offered"),
    path("<int:pk>/setup/fees/", views_setup.set_fee, name="centre_set_fee"),
    path("<int:pk>/setup/publications/", views_setup.publish, name="centre_publish"),
    path("<int:pk>/setup/subscriptions/", views_setup.subscribe, name="centre_subscribe"),
    path("<int:pk>/setup/uses/", views_setup.record_use, name="centre_record_use"),
    path("<int:pk>/setup/hours/", views_setup.set_hours, name="centre_set_hours"),
    path("<int:pk>/setup/public-funds/", views_setup.public_funds, name="centre_public_funds"),
    path("<int:pk>/join/", views_setup.join, name="centre_join"),
    path("<int:pk>/usage/", views_setup.usage_records, name="centre_usage"),
    path("<int:pk>/finance/export.<str:fmt>", views_setup.finance_export, name="centre_finance_export"),
    path("<int:pk>/exchange/post/", views_exchange.post, name="exchange_post"),
    path("exchange/<int:pk>/withdraw/", views_exchange.withdraw, name="exchange_withdraw"),
]
