from pathlib import Path

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import FileResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

import triplec
from triplec.accounts import throttle
from triplec.registry import selectors

FAVICON = Path(__file__).resolve().parent / "static" / "web" / "favicon.ico"


@require_GET
@cache_control(max_age=7 * 24 * 3600, public=True)
def favicon(request):
    """/favicon.ico, which browsers and tools ask for on any site (pages link web/favicon.svg too)."""
    return FileResponse(FAVICON.open("rb"), content_type="image/x-icon")


@require_GET
@never_cache
def healthz(request):
    """Liveness and database reachability, for load balancers and scripts. No login needed."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        db = {"reachable": True, "vendor": connection.vendor}
        status = 200
    except Exception as exc:  # any database failure means "not healthy"; say which
        db = {"reachable": False, "vendor": connection.vendor, "error": str(exc)}
        status = 503
    return JsonResponse({"status": "ok" if status == 200 else "error", "version": triplec.__version__,
                         "database": db}, status=status)


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        from triplec.accounts.services import password_changed

        response = super().form_valid(form)
        password_changed(form.user)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    def form_valid(self, form):
        from triplec.accounts.services import password_changed

        response = super().form_valid(form)
        password_changed(form.user)
        return response


def admin_login(request):
    """/admin/ is for the server's operators (superusers); a signed-in user of the platform is told
    where users are managed instead of seeing the back office's login form."""
    from django.contrib import admin

    if request.user.is_authenticated and not request.user.is_superuser:
        return render(request, "web/operators_only.html", status=403)
    return admin.site.login(request)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, rate-limited per client address and per e-mail address. Unknown addresses
    count and answer exactly like known ones, so the page never tells whether an account exists."""

    def form_valid(self, form):
        if not throttle.take_password_reset(self.request, form.cleaned_data["email"]):
            form.add_error(None, _("Too many password-reset requests for this e-mail address or from your "
                                  "network. Please wait an hour and try again."))
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


@login_required
def dashboard(request):
    """Each role's home page: its own work first (see web.home), the register's figures after."""
    from triplec.networks.page_queries import networks_panel

    from . import home

    page = home.build(request.user)
    context = {"home": page, "panels": page.panels, "d": page.data,
               "stage_groups": home.group_stages(page.data.get("stages", [])),
               "networks_panel": networks_panel(request.user) if "broker" in page.panels else None}
    if "register" in page.panels:
        context["summary"] = selectors.register_summary(request.user)
    return render(request, "web/dashboard.html", context)
