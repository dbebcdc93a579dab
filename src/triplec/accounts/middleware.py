"""After a temporary password set by an administrator, the user's first stop is the password change."""

from django.shortcuts import redirect
from django.urls import reverse

# Pages a user with a temporary password may still open.
_ALLOWED = ("password_change", "password_change_done", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated and getattr(user, "password_change_required", False)
                and request.path not in {reverse(name) for name in _ALLOWED}
                and not request.path.startswith(("/static/", "/api/"))):
            return redirect("password_change")
        return self.get_response(request)
