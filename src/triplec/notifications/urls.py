from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("", views.notice_list, name="list"),
    path("refresh/", views.refresh, name="refresh"),
    path("read-all/", views.read_all, name="read_all"),
    path("<int:pk>/read/", views.read, name="read"),
    path("<int:pk>/open/", views.open_notice, name="open"),
]
