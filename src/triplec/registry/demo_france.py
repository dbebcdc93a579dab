"""The French IREP register of industrial facilities as a second, larger demo register.

Mainland rows carry Lambert II étendu (EPSG:27572) metres, converted here to WGS84 degrees; overseas
rows use other, undocumented systems, so they are loaded without coordinates. NAF codes (e.g. 2511Z)
are NACE Rev.2 classes plus a French letter. The register holds one enterprise per SIRET (an
establishment's number, checked with its check digit like every French identifier, see
registry.identifiers): where several IREP facilities share a SIRET only the first listed is loaded (757
rows), and the 6 rows whose SIRET fails its check digit are left out.
"""

from __future__ import annotations

import re
import unicodedata
from importlib import resources

import pandas as pd
from stdnum.fr import siret as siret_number

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
    siret = raw["Numero_SIRET"].str.strip()
    keep = siret.map(siret_number.is_valid) & ~siret.duplicated(keep="first")
    raw, siret = raw[keep].reset_index(drop=True), siret[keep].reset_index(drop=True)
    mainland = ~raw["Region"].isin(OVERSEAS_REGIONS)
    national_id = siret
    x = pd.to_numeric(raw["Coordonnees_X"], errors="coerce")
    y = pd.to_numeric(raw["Coordonnees_Y"], errors="coerce")
    to_wgs84 = Transformer.from_crs("EPSG:27572", "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(x.where(mainland).to_numpy(), y.where(mainland).to_numpy())
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


def load_french_register(progress=None) -> int:
    """Import the register through the ordinary import service (idempotent); returns its row count."""
    from .importing import commit_import

    frame = french_register_frame()
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    result = commit_import(None, rows, filename="irep_france_facilities_etablissements.csv",
                           change_reason="demo: French IREP register", progress=progress)
    return result.created + result.updated + result.unchanged
