"""The map page and its data endpoint: compact points, the list's filters, scoping, popups."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from django.urls import reverse
from tests.conftest import make_enterprise

from triplec.registry import mapdata
from triplec.registry.models import Enterprise, Territory


def map_data(client, **params) -> dict:
    response = client.get(reverse("enterprise_map_data"), params)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_payload_is_compact_rows_of_visible_points(world, client_for):
    data = map_data(client_for(world.users["programme-officer"]))
    assert data["fields"] == ["id", "lat", "lon", "section"]
    # ent_a1 and ent_b1 have coordinates; ent_a2 and ent_none do not.
    assert sorted(map(tuple, data["points"])) == sorted([
        (world.ent_a1.pk, -4.3, -38.9, "C"), (world.ent_b1.pk, -29.7, -51.1, "C")])
    assert data["count"] == 2 and data["without_coordinates"] == 2
    assert data["sections"]["C"] == "Manufacturing" and data["sections"]["31-33"] == "Manufacturing"


def test_map_data_uses_the_list_filters(world, client_for):
    client = client_for(world.users["programme-officer"])
    assert [p[0] for p in map_data(client, sector="1520")["points"]] == [world.ent_b1.pk]
    aruaru = Territory.objects.get(code="2301950")
    data = map_data(client, territory=aruaru.parent_id)
    assert [p[0] for p in data["points"]] == [world.ent_a1.pk] and data["without_coordinates"] == 1
    empty = map_data(client, q="no such firm")
    assert (empty["points"], empty["count"], empty["without_coordinates"]) == ([], 0, 0)


@pytest.mark.parametrize("user,expected", [
    ("enterprise-user", ["ent_a1"]),
    ("other-enterprise-user", ["ent_b1"]),
    ("association-manager", ["ent_a1"]),
    ("other-association-manager", ["ent_b1"]),
    ("evaluator", ["ent_a1", "ent_b1"]),
])
def test_map_data_is_scoped(world, client_for, user, expected):
    data = map_data(client_for(world.users[user]))
    assert sorted(p[0] for p in data["points"]) == sorted(getattr(world, name).pk for name in expected)


def test_database_json_equals_the_python_reference(world):
    """The database-built JSON (SQLite json_group_array / PostgreSQL json_agg) and the values_list
    reference give the same points, rounded to 5 decimals."""
    rng = random.Random(7)
    for i in range(300):
        make_enterprise(legal_name=f"Random {i}", national_id=f"R{i}", sector_code=rng.choice(["1610", "1520", "4711"]),
                        sector_section=rng.choice(["C", "G"]),
                        latitude=rng.uniform(-89.9, 89.9), longitude=rng.uniform(-179.9, 179.9))
    qs = Enterprise.objects.all()
    built = mapdata.points_json(qs)
    if built is None:
        pytest.skip("this database has no JSON aggregate; the reference path serves it")
    text, count, without = built
    from_db = sorted(json.loads(text))
    reference = sorted(mapdata.map_points(qs))
    assert count == len(reference) == 302 and without == 2
    assert [(p[0], p[3]) for p in from_db] == [(p[0], p[3]) for p in reference]
    for a, b in zip(from_db, reference, strict=True):
        # Both round to 5 decimals; allow only the last binary digit to differ.
        assert a[1] == pytest.approx(b[1], abs=1e-9) and a[2] == pytest.approx(b[2], abs=1e-9)
        assert abs(a[1] * 1e5 - round(a[1] * 1e5)) < 1e-6


def test_python_fallback_gives_the_same_payload(world, client_for, monkeypatch):
    client = client_for(world.users["programme-officer"])
    from_db = map_data(client)
    monkeypatch.setattr(mapdata, "points_json", lambda qs: None)
    reference = map_data(client)
    assert sorted(map(tuple, reference["points"])) == sorted(map(tuple, from_db["points"]))
    assert {k: v for k, v in reference.items() if k != "points"} == {
        k: v for k, v in from_db.items() if k != "points"}


def test_points_json_on_an_empty_selection(world):
    built = mapdata.points_json(Enterprise.objects.none())
    if built is not None:
        assert built == ("[]", 0, 0)
    assert mapdata.map_points(Enterprise.objects.none()) == []


def test_popup_shows_name_and_link(world, client_for):
    html = client_for(world.users["programme-officer"]).get(
        reverse("enterprise_popup", args=[world.ent_a1.pk])).content.decode()
    assert "Serraria Alfa Ltda" in html and reverse("enterprise_detail", args=[world.ent_a1.pk]) in html
    assert "Sawmilling" in html and "12 employees" in html


def test_popup_of_an_invisible_enterprise_is_404(world, client_for):
    client = client_for(world.users["enterprise-user"])
    assert client.get(reverse("enterprise_popup", args=[world.ent_b1.pk])).status_code == 404


def test_map_page_has_the_filters_and_data_urls(world, client_for, settings):
    settings.TRIPLEC_TILE_URL = ""
    html = client_for(world.users["broker"]).get(reverse("enterprise_map"), {"sector": "C"}).content.decode()
    assert 'id="map"' in html and f'data-points-url="{reverse("enterprise_map_data")}"' in html
    assert 'data-tile-url=""' in html
    assert 'name="sector" value="C"' in html
    for script in ("vendor/leaflet/leaflet.js", "vendor/supercluster/supercluster.min.js",
                   "vendor/topojson-client/topojson-client.min.js", "registry/map.js"):
        assert f"/static/{script}" in html


def test_tile_layer_url_comes_from_the_setting(world, client_for, settings):
    settings.TRIPLEC_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client_for(world.users["broker"]).get(reverse("enterprise_map")).content.decode()
    assert 'data-tile-url="https://tiles.example.org/{z}/{x}/{y}.png"' in html


def test_vendored_outline_is_topojson_with_countries():
    from django.contrib.staticfiles import finders

    root = Path(finders.find("vendor/world-atlas/countries-50m.json"))  # served from the library's files
    topo = json.loads(root.read_text())
    assert topo["type"] == "Topology" and len(topo["objects"]["countries"]["geometries"]) > 200
