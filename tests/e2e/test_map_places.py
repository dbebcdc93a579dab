"""Maps show where things are (issue 8, item 11): place names and state borders, offline, loaded by zoom;
a cluster's page and map say which city it is in, in the reader's language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from triplec.clusters.models import Cluster, ClusterFootprint
from triplec.registry.models import Enterprise, Territory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sign_in(page, live_server):
    def _sign_in(user):
        client = Client()
        client.force_login(user)
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])

    return _sign_in


def place_bytes(page) -> dict[str, int]:
    """Bytes of each place-data file the page fetched."""
    entries = page.evaluate("performance.getEntriesByType('resource').map(e => [e.name, e.encodedBodySize])")
    return {name.split("/vendor/places/")[1]: size for name, size in entries if "/vendor/places/" in name}


def test_the_cluster_page_and_map_name_the_city_a_brazilian_cluster_is_in(world, page, sign_in, shot, live_server):
    cluster = Cluster.objects.create(name="Serrarias do Aruaru")
    ring = [[-38.83, -4.56], [-38.74, -4.56], [-38.74, -4.47], [-38.83, -4.47], [-38.83, -4.56]]
    ClusterFootprint.objects.create(
        cluster=cluster, run_title="Ceará 2026", footprint_id="1610-F1", sector="1610",
        observed_at=datetime(2026, 1, 5, tzinfo=UTC), geometry={"type": "Polygon", "coordinates": [ring]},
        centroid_lon=-38.78, centroid_lat=-4.52, establishments=24, area_km2=95.0)
    sign_in(world.users["programme-officer"])
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    page.goto(f"/clusters/{cluster.pk}/")
    expect(page.get_by_test_id("cluster-near")).to_contain_text("perto de Capistrano, Ceará")
    expect(page.locator("#cluster-map[data-loaded=true]")).to_be_attached()
    labels = page.locator("#cluster-map .place-label")
    expect(labels.filter(has_text="Capistrano")).to_have_count(1)   # the map, zoomed in, names the city
    page.locator("#cluster-map path.footprint").hover()
    expect(page.locator("#cluster-map .leaflet-tooltip")).to_contain_text("perto de Capistrano, Ceará")
    expect(page.locator("#cluster-map .leaflet-control-attribution")).to_contain_text("GeoNames")
    shot(page, "cluster-places-pt")
    # zoomed in: the country's cities and state borders were fetched, nothing of other countries
    fetched = place_bytes(page)
    assert {"countries.json", "cities-major.json", "admin1/BRA.json", "cities/BR.json"} <= set(fetched)
    assert all(not name.startswith(("cities/", "admin1/")) or name in ("cities/BR.json", "admin1/BRA.json")
               for name in fetched), fetched
    print("place data fetched (bytes on the wire):", fetched, "total", sum(fetched.values()))
    assert page.js_errors == []


def test_register_map_labels_states_when_zoomed_out_and_cities_when_zoomed_in(world, page, sign_in, shot,
                                                                             live_server):
    aruaru = Territory.objects.get(code="2301950")
    Enterprise.objects.create(legal_name="Serraria Aruaru", country="BR", national_id="SER-ARU",
                              sector_classification="isic4", sector_code="1610", sector_section="C",
                              territory=aruaru, latitude=-4.52, longitude=-38.81)
    Enterprise.objects.create(legal_name="Móveis Porto Alegre", country="BR", national_id="MOV-POA",
                              sector_classification="isic4", sector_code="3100", sector_section="C",
                              territory=aruaru, latitude=-30.03, longitude=-51.23)
    sign_in(world.users["programme-officer"])
    page.goto("/enterprises/map/")
    expect(page.locator("#map[data-loaded=true]")).to_be_attached()
    labels = page.locator("#map .place-label")
    # a continent: countries and the biggest cities, no state, no town
    expect(labels.filter(has_text="Brazil")).to_have_count(1)
    expect(labels.filter(has_text="São Paulo")).to_have_count(1)
    assert page.locator("#map .place-state").count() == 0
    page.locator("#map .leaflet-control-zoom-in").click()
    # a country: its states and their borders appear once the country's state file has loaded and
    # drawn (seconds when the machine is busy: CI once needed more than expect's default 5 s)
    expect(page.locator("#map .place-state").first).to_be_attached(timeout=30_000)
    expect(page.locator("#map .leaflet-placeBorders-pane path").first).to_be_attached(timeout=30_000)
    shot(page, "register-map-places")

    page.goto("/enterprises/map/?q=SER-ARU")   # one enterprise: the map zooms in on it
    expect(page.locator("#map[data-loaded=true]")).to_be_attached()
    expect(labels.filter(has_text="Capistrano")).to_have_count(1, timeout=30_000)   # a town of 17,000 people
    shot(page, "register-map-places-town")

    # in Portuguese, the country is named as a Brazilian reads it (the browser's CLDR names)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "pt-br", "url": live_server.url}])
    page.goto("/enterprises/map/")
    expect(page.locator("#map[data-loaded=true]")).to_be_attached()
    expect(labels.filter(has_text="Brasil")).to_have_count(1)
    expect(labels.filter(has_text="Brazil")).to_have_count(0)
    shot(page, "register-map-places-pt")
    assert page.js_errors == []
