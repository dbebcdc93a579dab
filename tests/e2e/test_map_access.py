"""The shared map component (web/static/web/basemap.js) on the register's and the clusters' pages:
keyboard access to points and their popups, accessible names, legends as lists, and text typed by users
shown as text in tooltips (never read as HTML)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from triplec.clusters.models import Cluster, ClusterFootprint
from triplec.registry.models import Enterprise, Territory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INJECTED = '<img src="x" onerror="window.injected = 1">'


@pytest.fixture
def sign_in(page, live_server):
    """sign_in(user): a session for `user` in the browser, without the login form (tested elsewhere)."""

    def _sign_in(user):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    return _sign_in


def test_register_map_points_open_and_close_with_the_keyboard(world, page, sign_in):
    aruaru = Territory.objects.get(code="2301950")
    Enterprise.objects.create(legal_name="Oficina Única", country="BR", national_id="OF-UNICA",
                              sector_classification="isic4", sector_code="2592", sector_section="C",
                              territory=aruaru, latitude=-4.52, longitude=-38.81)
    sign_in(world.users["programme-officer"])
    page.goto("/enterprises/map/?q=OF-UNICA")
    expect(page.get_by_test_id("map-count")).to_have_text("1 enterprise on the map")
    expect(page.locator("#map")).to_have_attribute("role", "region")
    expect(page.locator("#map")).to_have_attribute("aria-label", "Map of enterprises")
    expect(page.locator("#map-legend[role=list] [role=listitem]")).to_have_count(1)

    point = page.locator("#map path.map-point")
    expect(point).to_have_attribute("tabindex", "0")
    expect(point).to_have_attribute("role", "button")
    point.focus()
    page.keyboard.press("Enter")
    link = page.get_by_test_id("map-popup").get_by_role("link")
    expect(link).to_be_focused()  # the popup takes the focus once its content has arrived
    page.keyboard.press("Escape")
    expect(page.get_by_test_id("map-popup")).to_have_count(0)
    expect(page.locator("#map path.map-point")).to_be_focused()  # back where it was opened from
    assert page.js_errors == []


def test_cluster_map_shows_run_titles_as_text(world, page, sign_in):
    cluster = Cluster.objects.create(name="Leiria wood")
    square = [[-8.7, 39.7], [-8.5, 39.7], [-8.5, 39.8], [-8.7, 39.8], [-8.7, 39.7]]
    ClusterFootprint.objects.create(
        cluster=cluster, run_title=f"Wood {INJECTED}", footprint_id="16-F1", sector="16",
        observed_at=datetime(2026, 1, 5, tzinfo=UTC), geometry={"type": "Polygon", "coordinates": [square]},
        centroid_lon=-8.6, centroid_lat=39.75, establishments=60, area_km2=190.0)
    sign_in(world.users["programme-officer"])
    page.goto(f"/clusters/{cluster.pk}/")
    expect(page.locator("#cluster-map[data-loaded=true]")).to_be_attached()
    expect(page.locator("#cluster-map")).to_have_attribute("role", "region")  # interactive: not an image
    page.locator("#cluster-map path.footprint").hover()
    tooltip = page.locator("#cluster-map .leaflet-tooltip")
    expect(tooltip).to_contain_text(INJECTED)
    assert tooltip.locator("img").count() == 0
    assert page.evaluate("window.injected") is None
    assert page.js_errors == []
