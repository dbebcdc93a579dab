from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="notice_list"),
    path("refresh/", views.refresh, name="notices_refresh"),
    path("read-all/", views.read_all, name="notices_read_all"),
    path("<int:pk>/read/", views.read, name="notice_read"),
    path("<int:pk>/open/", views.open_notice, name="notice_open"),
]
