"""Error pages: the site's layout in the reader's language with a way back home; JSON under /api/."""

from __future__ import annotations

import logging

from django.http import HttpResponseServerError, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template import loader

API_PREFIX = "/api/"
logger = logging.getLogger(__name__)


def _is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": "Not Found"}, status=404)
    # The exception's text is not shown: Django's own ("No Enterprise matches the given query") is English.
    return render(request, "404.html", status=404)


def permission_denied(request, exception):
    reason = str(exception) if exception is not None else ""
    if _is_api(request):
        return JsonResponse({"detail": reason or "Forbidden"}, status=403)
    return render(request, "403.html", {"reason": reason}, status=403)


def csrf_failure(request, reason=""):
    if _is_api(request):
        return JsonResponse({"detail": "CSRF check failed"}, status=403)
    return render(request, "403_csrf.html", status=403)


def server_error(request):
    """Rendered without the context processors (they may need the database that just failed)."""
    if _is_api(request):
        return JsonResponse({"detail": "Internal server error"}, status=500)
    try:
        html = loader.get_template("500.html").render({"request": request, "csrf_token": get_token(request)})
    except Exception:  # the error page must never fail in turn
        logger.exception("The 500 page could not be rendered")
        html = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(html)
