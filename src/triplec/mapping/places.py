"""Where things are: the shipped place names (GeoNames cities of 15,000 people or more, CC BY 4.0) and
administrative borders (Natural Earth admin-1 states and regions, public domain), offline.

The data ships with the library (``triplec/mapping/report_assets/places``, built by
``scripts/build_places.py``; its README gives sources and licences; the platform's pages serve it as
``static/vendor/places``) and is read here for the library's own uses: naming the city a footprint is
in, and the labels of the offline HTML report.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

PLACES_DIR = Path(str(resources.files("triplec.mapping") / "report_assets" / "places"))
ATTRIBUTION = "Places: GeoNames (CC BY 4.0), borders: Natural Earth"
EARTH_RADIUS_KM = 6371.0088
MAIN_CITY_RADIUS_KM = 25.0  # a much bigger city this close is "the" city of a point (its suburbs) ...
MAIN_CITY_FACTOR = 5.0  # ... when it has at least this many times the nearest town's people
NEAREST_CITY_MAX_KM = 150.0  # farther than this, a point is near no city

__all__ = ["ATTRIBUTION", "PLACES_DIR", "Place", "available", "city_near", "countries", "country_bounds",
           "distances_km", "report_places"]


@dataclass(frozen=True)
class Place:
    """A city: its name, admin-1 (state, region) and country (ISO 3166 alpha-2), and how far it is."""

    name: str
    admin1: str
    country: str
    population: int
    lat: float
    lon: float
    distance_km: float

    def describe(self) -> str:
        """'Caxias do Sul, Rio Grande do Sul' (the state only when known)."""
        return f"{self.name}, {self.admin1}" if self.admin1 else self.name


def available() -> bool:
    return (PLACES_DIR / "countries.json").is_file()


def _read(relative: str) -> dict | None:
    path = PLACES_DIR / relative
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def countries() -> list[dict]:
    data = _read("countries.json")
    return data["countries"] if data else []


@dataclass(frozen=True)
class _Cities:
    names: list
    admin1: list
    country: list
    population: np.ndarray
    lat: np.ndarray
    lon: np.ndarray


@lru_cache(maxsize=1)
def _all_cities() -> _Cities:
    names, admin1, country, population, lat, lon = [], [], [], [], [], []
    folder = PLACES_DIR / "cities"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        data = json.loads(path.read_text(encoding="utf-8"))
        states = data["admin1"]
        for name, la, lo, pop, state in data["cities"]:
            names.append(name)
            admin1.append(states[state] if state >= 0 else "")
            country.append(path.stem)
            population.append(pop)
            lat.append(la)
            lon.append(lo)
    return _Cities(names, admin1, country, np.asarray(population, float), np.asarray(lat, float),
                   np.asarray(lon, float))


def distances_km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Great-circle distances (haversine) from one point to many, in km."""
    p1, p2 = np.radians(lat), np.radians(lats)
    dp, dl = p2 - p1, np.radians(lons - lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def city_near(lat: float, lon: float, *, radius_km: float = MAIN_CITY_RADIUS_KM,
              max_km: float = NEAREST_CITY_MAX_KM) -> Place | None:
    """The city a point belongs to: the nearest city (within ``max_km``), unless a city within
    ``radius_km`` has MAIN_CITY_FACTOR times its people or more (then the most populous of those: a point
    in a suburb is "near São Paulo"). None when there is none (or no place data is installed, or the
    point is not a valid lon/lat)."""
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90:
        return None
    cities = _all_cities()
    if not len(cities.names):
        return None
    d = distances_km(lat, lon, cities.lat, cities.lon)
    k = int(np.argmin(d))
    if d[k] > max_km:
        return None
    bigger = np.flatnonzero((d <= radius_km) & (cities.population >= MAIN_CITY_FACTOR * cities.population[k]))
    if len(bigger):
        k = int(bigger[np.argmax(cities.population[bigger])])
    return Place(name=cities.names[k], admin1=cities.admin1[k], country=cities.country[k],
                 population=int(cities.population[k]), lat=float(cities.lat[k]), lon=float(cities.lon[k]),
                 distance_km=round(float(d[k]), 1))


def country_bounds(code: str) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of a country's largest part (mainland), by ISO alpha-2 or -3; None if unknown."""
    code = (code or "").strip().upper()
    for country in countries():
        if code in (country["iso2"], country["iso3"]):
            return tuple(country.get("main") or country["bbox"])
    return None


def report_places(bounds: tuple[float, float, float, float], *, margin: float = 2.0,
                  max_cities: int = 400) -> dict | None:
    """What the offline report's map labels within ``bounds`` (lon/lat) plus ``margin`` degrees, in the
    form web/places.js reads: the countries, the admin-1 borders (TopoJSON) of the countries in view and
    their cities (most populous ``max_cities``). None when no place data is installed."""
    if not available():
        return None
    west, south, east, north = bounds[0] - margin, bounds[1] - margin, bounds[2] + margin, bounds[3] + margin
    data: dict = {"countries.json": {"countries": countries()}}
    shown = [c for c in countries() if any(not (box[2] < west or box[0] > east or box[3] < south or box[1] > north)
                                           for box in c.get("boxes") or [c["bbox"]])]
    major = _read("cities-major.json") or {"cities": []}
    data["cities-major.json"] = {"cities": [c for c in major["cities"]
                                            if south <= c[1] <= north and west <= c[2] <= east]}
    for country in shown:
        if country["admin1"]:
            data[f"admin1/{country['iso3']}.json"] = _read(f"admin1/{country['iso3']}.json")
        cities = _read(f"cities/{country['iso2']}.json")
        if cities:
            inside = [c for c in cities["cities"] if south <= c[1] <= north and west <= c[2] <= east]
            data[f"cities/{country['iso2']}.json"] = {"admin1": cities["admin1"], "cities": inside[:max_cities]}
    return data
