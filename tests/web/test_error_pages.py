"""The 404, 403 and 500 pages (DEBUG off, as in production): the site's layout, in the reader's
language, with a way back home; under /api/ the errors stay JSON."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

TEXTS = {
    "en": {404: "Page not found", 403: "Access denied", 500: "Something went wrong", "home": "Back to the start page"},
    "pt-br": {404: "Página não encontrada", 403: "Acesso negado", 500: "Algo deu errado",
              "home": "Voltar à página inicial"},
    "es": {404: "Página no encontrada", 403: "Acceso denegado", 500: "Algo salió mal",
           "home": "Volver a la página de inicio"},
}


def client(language: str, **kw) -> Client:
    return Client(headers={"accept-language": language}, **kw)


def assert_site_page(response, language: str, status: int):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert f'<html lang="{language}"' in html
    assert 'class="container-fluid site-header"' in html  # the site's layout, with its stylesheet
    assert "/static/triplec/triplec.css" in html
    texts = TEXTS[language]
    assert re.search(rf"<h1[^>]*>{re.escape(texts[status])}</h1>", html), html
    assert re.search(rf'<a href="/"[^>]*>{re.escape(texts["home"])}</a>', html)
    if language != "en":
        for english in (TEXTS["en"][status], TEXTS["en"]["home"]):
            assert english not in html
    return html


@pytest.mark.parametrize("language", ["en", "pt-br", "es"])
def test_404_page(language, settings):
    assert settings.DEBUG is False
    html = assert_site_page(client(language).get("/no-such-page/"), language, 404)
    assert "No Enterprise matches" not in html


@pytest.mark.parametrize("language", ["en", "pt-br", "es"])
def test_404_page_of_a_missing_record(world, language):
    c = client(language)
    c.force_login(world.users["programme-officer"])
    html = assert_site_page(c.get("/enterprises/987654/"), language, 404)
    assert 'class="main-nav"' in html  # signed in: the navigation is there too
    assert "matches the given query" not in html  # Django's English internals are not shown


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_403_page(world, language):
    c = client(language)
    c.force_login(world.users["evaluator"])
    response = c.get("/organisations/new/")
    assert_site_page(response, language, 403)


@pytest.mark.parametrize("language", ["en", "pt-br", "es"])
def test_500_page(language, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    response = client(language, raise_request_exception=False).get("/boom/")
    html = assert_site_page(response, language, 500)
    assert "a bug" not in html and "Traceback" not in html


def test_csrf_failure_page_is_translated_and_styled(world):
    c = Client(enforce_csrf_checks=True, headers={"accept-language": "pt-br"})
    c.force_login(world.users["programme-officer"])
    response = c.post("/organisations/new/", {"name": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="container-fluid site-header"' in html
    assert "CSRF" not in html.split("<main", 1)[1]  # plain words, not the jargon
    assert "Recarregue a página" in html


def test_api_errors_stay_json(world, settings):
    settings.ROOT_URLCONF = "tests.web.error_urls"
    c = client("pt-br", raise_request_exception=False)
    missing = c.get("/api/v1/no-such-endpoint")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    failed = c.get("/api/v1/boom/")
    assert failed.status_code == 500 and failed["Content-Type"].startswith("application/json")
    assert "a bug" not in failed.content.decode()
