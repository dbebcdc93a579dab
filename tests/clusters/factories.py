"""A small generated register for mapping tests: three manufacturing divisions (ISIC Rev.4) in central
Portugal, one of them clearly clustered.

- division 16 (wood): 60 establishments within a few km of one point near Leiria (classes 1610, 1622, 1629);
- division 25 (metal products): 150 establishments spread uniformly over a 180 x 180 km box;
- division 10 (food): 150 establishments spread uniformly over the same box;
- 7 more enterprises (class 2511) without coordinates; 11 enterprises without employees.

Everything comes from one seeded generator, so a test knows which enterprises form the cluster. (The
uniform sectors are not clustered, but against random location among *all* sites, a quarter of which sit
in the wood cluster, a uniform sector can come out weakly "localised" at tens of km with few
simulations: tests assert on the wood sector and on the contrast, not on chance findings.)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

COUNTRY = "PT"
CENTRE = (39.75, -8.62)  # lat, lon of the wood cluster
BOX = (39.0, 40.6, -8.9, -7.0)  # lat min, lat max, lon min, lon max
MUNICIPALITIES = [("1010", "Leiria", 39.75, -8.80), ("0603", "Coimbra", 40.20, -8.42),
                  ("1823", "Viseu", 40.66, -7.91), ("0502", "Castelo Branco", 39.82, -7.49),
                  ("1421", "Tomar", 39.60, -8.41)]
DIVISIONS = {"16": ["1610", "1622", "1629"], "25": ["2511", "2592", "2599"], "10": ["1071", "1050"]}


def register_points(seed: int = 7, n_wood: int = 60, n_metal: int = 150, n_food: int = 150) -> pd.DataFrame:
    """The establishments with coordinates: key, division, class, lat, lon, employees (no database)."""
    rng = np.random.default_rng(seed)
    rows = []

    def add(division: str, lat, lon):
        for la, lo in zip(lat, lon, strict=True):
            code = DIVISIONS[division][int(rng.integers(len(DIVISIONS[division])))]
            rows.append((division, code, round(float(la), 5), round(float(lo), 5), int(rng.integers(2, 120))))

    add("16", rng.normal(CENTRE[0], 0.035, n_wood), rng.normal(CENTRE[1], 0.045, n_wood))
    for division, n in (("25", n_metal), ("10", n_food)):
        add(division, rng.uniform(BOX[0], BOX[1], n), rng.uniform(BOX[2], BOX[3], n))
    frame = pd.DataFrame(rows, columns=["division", "code", "lat", "lon", "employees"])
    frame.insert(0, "key", [f"G{i:04d}" for i in range(len(frame))])
    return frame


@dataclass
class GeneratedRegister:
    frame: pd.DataFrame
    ids: dict = field(default_factory=dict)  # division -> enterprise ids (with coordinates)
    without_coordinates: list = field(default_factory=list)
    without_employees: list = field(default_factory=list)
    country: object = None
    region: object = None
    municipalities: dict = field(default_factory=dict)

    @property
    def with_coordinates(self) -> int:
        return sum(len(v) for v in self.ids.values())


def _nearest(lat: float, lon: float) -> str:
    return min(MUNICIPALITIES, key=lambda m: (m[2] - lat) ** 2 + (m[3] - lon) ** 2)[0]


def build_register(seed: int = 7, no_coordinates: int = 7, no_employees: int = 11) -> GeneratedRegister:
    """Write the generated register into the database (enterprises, territories)."""
    from triplec.registry.models import Enterprise, Territory

    frame = register_points(seed)
    country = Territory.objects.create(level="country", code=COUNTRY, name="Portugal")
    region = Territory.objects.create(level="region", code="16", name="Centro", parent=country)
    munis = {code: Territory.objects.create(level="municipality", code=code, name=name, parent=region)
             for code, name, _lat, _lon in MUNICIPALITIES}
    rng = np.random.default_rng(seed + 1)
    drop_employees = set(rng.choice(len(frame), size=no_employees, replace=False).tolist())
    objs = []
    for i, row in enumerate(frame.itertuples(index=False)):
        objs.append(Enterprise(
            legal_name=f"Empresa {row.key}", country=COUNTRY, national_id=row.key, sector_classification="isic4",
            sector_code=row.code, sector_section="C", employees=None if i in drop_employees else row.employees,
            latitude=row.lat, longitude=row.lon, territory=munis[_nearest(row.lat, row.lon)]))
    for j in range(no_coordinates):
        objs.append(Enterprise(legal_name=f"Sem Coordenadas {j}", country=COUNTRY, national_id=f"NC{j:03d}",
                               sector_classification="isic4", sector_code="2511", sector_section="C", employees=5,
                               territory=region))
    created = Enterprise.objects.bulk_create(objs)
    if not all(e.pk for e in created):  # backends without RETURNING: read the ids back
        created = list(Enterprise.objects.filter(country=COUNTRY).order_by("national_id"))
    by_key = {e.national_id: e.pk for e in created}
    reg = GeneratedRegister(frame=frame, country=country, region=region, municipalities=munis)
    for division in DIVISIONS:
        reg.ids[division] = [by_key[k] for k in frame.loc[frame["division"] == division, "key"]]
    reg.without_coordinates = [by_key[f"NC{j:03d}"] for j in range(no_coordinates)]
    reg.without_employees = [by_key[frame["key"].iloc[i]] for i in sorted(drop_employees)]
    return reg


def run_data(**overrides) -> dict:
    """Form-like data of a quick register run on the generated register (19 simulations)."""
    data = {"title": "Centro manufacturing", "source": "register", "classification": "isic4",
            "sector_level": "division", "country": COUNTRY, "territory": "", "sector_filter": "",
            "r_max": 60, "r_step": 2, "sims": 19, "alpha": 0.1, "seed": 1, "min_n": 30, "weighted": False,
            "fdr": False}
    data.update(overrides)
    return data
