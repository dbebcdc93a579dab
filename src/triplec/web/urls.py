from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views
from .api import api

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(),
         name="password_change_done"),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(),
         name="password_reset_confirm"),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the header's language switcher
    path("api/v1/", api.urls),
    path("admin/login/", views.admin_login, name="admin_login"),
    path("admin/", admin.site.urls),
    path("users/", include("triplec.accounts.urls")),
    path("clusters/series/", include("triplec.clusters.regional_urls")),
    path("clusters/", include("triplec.clusters.urls")),
    path("networks/", include("triplec.networks.urls")),
    path("procurement/", include("triplec.procurement.urls")),
    path("fairs/", include("triplec.fairs.urls")),
    path("centres/", include("triplec.centres.urls")),
    path("suppliers/", include("triplec.suppliers.urls")),
    path("evaluation/", include("triplec.evaluation.urls")),
    path("notifications/", include("triplec.notifications.urls")),
    path("diagnostics/", include("triplec.diagnostics.urls")),
    path("", include("triplec.registry.urls")),
]

handler404 = "triplec.web.errors.page_not_found"
handler403 = "triplec.web.errors.permission_denied"
handler500 = "triplec.web.errors.server_error"
