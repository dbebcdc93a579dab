"""The platform's URLs plus one view that fails, for the 500 page tests (tests/web/test_error_pages.py)."""

from django.urls import path

from triplec.web.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def _boom(request):
    raise RuntimeError("a bug")


def _api_boom(request):
    raise RuntimeError("a bug in the API")


urlpatterns = [path("boom/", _boom), path("api/v1/boom/", _api_boom), *urlpatterns]
