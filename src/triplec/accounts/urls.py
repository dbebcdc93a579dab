"""URLs of the user pages (included under /users/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.user_list, name="user_list"),
    path("new/", views.user_create, name="user_create"),
    path("<int:pk>/", views.user_detail, name="user_detail"),
    path("<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("<int:pk>/active/", views.user_set_active, name="user_set_active"),
    path("<int:pk>/password-reset/", views.user_send_reset, name="user_send_reset"),
    path("<int:pk>/temporary-password/", views.user_temporary_password, name="user_temporary_password"),
    path("<int:pk>/tokens/", views.token_issue, name="user_token_issue"),
    path("<int:pk>/tokens/<int:token_pk>/revoke/", views.token_revoke, name="user_token_revoke"),
]
