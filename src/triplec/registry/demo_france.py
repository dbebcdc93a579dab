"""The French IREP register of industrial facilities: a named mapping data set for the demo.

It is not the demo agency's register (a Brazilian agency's officer must not open their register on
French facilities): it is stored as a `MappingDataset`, a points file that mapping runs start from.

Mainland rows carry Lambert II étendu (EPSG:27572) metres, converted here to WGS84 degrees; overseas
rows use other, undocumented systems, so they are loaded without coordinates. NAF codes (e.g. 2511Z)
are NACE Rev.2 classes plus a French letter. Several facilities share one SIRET: those get the SIRET
followed by the IREP facility identifier, so that each row keeps a unique national identifier.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

import pandas as pd

OVERSEAS_REGIONS = {"REUNION", "GUADELOUPE", "MARTINIQUE", "GUYANE", "MAYOTTE"}


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Z0-9]+", "-", ascii_text.upper()).strip("-")


def french_register_frame() -> pd.DataFrame:
    """The IREP file as rows of the register's import columns."""
    from pyproj import Transformer

    path = resources.files("triplec.registry") / "data" / "irep_france_facilities_etablissements.csv"
    with resources.as_file(path) as p:
        raw = pd.read_csv(p, dtype=str, keep_default_na=False)
    mainland = ~raw["Region"].isin(OVERSEAS_REGIONS)
    x = pd.to_numeric(raw["Coordonnees_X"], errors="coerce")
    y = pd.to_numeric(raw["Coordonnees_Y"], errors="coerce")
    to_wgs84 = Transformer.from_crs("EPSG:27572", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(x.where(mainland).to_numpy(), y.where(mainland).to_numpy())
    siret = raw["Numero_SIRET"].str.strip()
    shared = siret.duplicated(keep=False)
    national_id = siret.where(~shared, siret + "-" + raw["Identifiant"].str.strip())
    frame = pd.DataFrame({
        "legal_name": raw["Nom_Etablissement"].str.strip(),
        "country": "FR",
        "national_id": national_id,
        "sector_classification": "nace2",
        "sector_code": raw["Code_APE"].str.strip(),
        "address": raw["Adresse"].str.replace("\n", ", ").str.strip().str.slice(0, 300),
        "postal_code": raw["Code_Postal"].str.strip(),
        "region_code": raw["Region"].map(_slug),
        "region_name": raw["Region"].str.title(),
        # No INSEE commune code in the file: postal code + name, cut to the register's 32 characters.
        "municipality_code": (raw["Code_Postal"].str.strip() + "-" + raw["Commune"].map(_slug)).str.slice(0, 32),
        "municipality_name": raw["Commune"].str.title(),
        "latitude": pd.Series(lat).round(6),
        "longitude": pd.Series(lon).round(6),
    })
    # A handful of mainland rows carry coordinates that land far outside France: drop those too.
    outside = ~(frame["longitude"].between(-5.5, 10.0) & frame["latitude"].between(41.0, 51.5))
    frame.loc[(~mainland).to_numpy() | outside.to_numpy(), ["latitude", "longitude"]] = None
    return frame


DATASET_SLUG = "irep-france"
DATASET_FILE = "datasets/irep-france.parquet"
IMPORT_REASON = "demo: French IREP register"  # how earlier demo versions imported it into the register


def load_french_dataset() -> MappingDataset:  # noqa: F821
    """Store the IREP facilities as the mapping data set "irep-france" (idempotent); returns it."""
    from pathlib import Path

    from django.conf import settings

    from .models import MappingDataset

    frame = french_register_frame()
    points = pd.DataFrame({"id": frame["national_id"], "sector": frame["sector_code"],
                           "lon": frame["longitude"], "lat": frame["latitude"],
                           "region": frame["municipality_name"], "name": frame["legal_name"]})
    target = Path(settings.MEDIA_ROOT) / DATASET_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    points.to_parquet(target, index=False)
    dataset, _created = MappingDataset.objects.update_or_create(slug=DATASET_SLUG, defaults={
        "name": "France: IREP industrial facilities (demo)",
        "description": "Facilities declared to the French register of pollutant emissions (IREP), coded in "
                       "NAF (NACE Rev.2 classes). A data set for trying cluster mapping; not the agency's register.",
        "source": "Géorisques, IREP; Licence Ouverte / Open Licence 2.0",
        "country": "FR", "classification": "nace2", "file": DATASET_FILE,
        "columns": {"id": "id", "sector": "sector", "lon": "lon", "lat": "lat", "region": "region"},
        "rows": len(points), "with_coordinates": int(points["lon"].notna().sum()),
    })
    return dataset


def remove_french_rows_from_register() -> int:
    """Earlier demo versions imported the IREP facilities into the agency's register; take those rows
    (and only those: created by that import) out again. Returns how many were removed."""
    from .models import Enterprise

    ids = set(Enterprise.history.filter(history_type="+", history_change_reason=IMPORT_REASON)
              .values_list("id", flat=True))
    if not ids:
        return 0
    qs = Enterprise.objects.filter(pk__in=ids, country="FR", users__isnull=True)
    removed = 0
    for chunk_start in range(0, len(ids), 2000):
        chunk = sorted(ids)[chunk_start:chunk_start + 2000]
        removed += qs.filter(pk__in=chunk).delete()[1].get("registry.Enterprise", 0)
    return removed
