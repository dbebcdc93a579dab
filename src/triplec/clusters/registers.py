"""The establishment table a mapping run screens, from the enterprise register or an uploaded file.

Both sources give one frame with the columns `triplec.mapping.pipeline.run_map` reads: ``id``,
``sector`` (aggregated to the run's level), ``sector_name``, coordinates (``lon``/``lat`` in degrees,
or ``x``/``y`` with a unit), ``employees`` when weighted, ``region``. Establishments that cannot take part
are left out and counted, so the run page can say how many and why:

- without coordinates (a site is what the distance test is about);
- without employees, in a weighted run (their weight is unknown, not zero);
- coded above the chosen level (a division code cannot be placed in a class).

Anything else that is wrong with an uploaded file (a missing column, a value that is not a number, a
code that is not in the classification) stops the run with a message naming the row and the column.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from triplec.mapping import codes as codelists
from triplec.mapping.pipeline import MapInputError, read_points

# The columns of the prepared frame.
ID, SECTOR, NAME, LON, LAT, X, Y, WEIGHT, REGION = ("id", "sector", "sector_name", "lon", "lat", "x", "y",
                                                    "employees", "region")
UPLOAD_SUFFIXES = (".csv", ".tsv", ".txt", ".parquet", ".pq")
MAX_ERRORS_SHOWN = 5


@dataclass
class PreparedInput:
    """The frame for `run_map`, the keyword arguments that describe its columns, and the counts."""

    frame: pd.DataFrame
    columns: dict
    counts: dict = field(default_factory=dict)
    classification: str = ""


# Sector codes -----------------------------------------------------------------------------------------

# The levels of the shipped classifications in the reader's language (through `level_label`).
LEVEL_NAMES = {
    "section": pgettext_lazy("sector level", "section"),
    "division": pgettext_lazy("sector level", "division"),
    "group": pgettext_lazy("sector level", "group"),
    "class": pgettext_lazy("sector level", "class"),
    "sector": pgettext_lazy("sector level", "sector"),
    "subsector": pgettext_lazy("sector level", "subsector"),
    "industry_group": pgettext_lazy("sector level", "industry group"),
    "industry": pgettext_lazy("sector level", "industry"),
    "national_industry": pgettext_lazy("sector level", "national industry"),
}


def level_label(level: str) -> str:
    """A level's name in the active language ("industry_group": "industry group")."""
    english = level.replace("_", " ")
    return str(LEVEL_NAMES[level]) if level in LEVEL_NAMES else english


def check_level(classification: str, level: str) -> None:
    """ValueError unless `level` is one of the classification's levels (blank: codes as recorded)."""
    if not level:
        return
    if not classification:
        raise ValueError(_("Choose the classification of the codes to aggregate them to a level."))
    names = codelists.levels(classification)
    if level not in names:
        title = codelists.CODELISTS[classification].title
        raise ValueError(_("%(title)s has no level %(level)r; its levels are %(levels)s.")
                         % {"title": title, "level": level_label(level),
                            "levels": ", ".join(level_label(n) for n in names)})


@lru_cache(maxsize=20000)
def code_at_level(classification: str, code: str, level: str) -> str | None:
    """The code of `level` above (or equal to) `code`; None when `code` sits above that level.

    Example: ``code_at_level("nace2", "25.11", "division") == "25"``. Raises ValueError for a code that
    is not in the classification."""
    canonical = codelists.normalise_code(classification, code)
    if not level or codelists.code_level(classification, canonical) == level:
        return canonical
    for ancestor in codelists.ancestors(classification, canonical):
        if codelists.code_level(classification, ancestor) == level:
            return ancestor
    return None


def sector_label(classification: str, code: str, language: str | None = None) -> str:
    """Title of `code`: official English, or in `language` where a translation ships (pages pass the
    reader's language; the mapping outputs stay English)."""
    if not classification:
        return ""
    try:
        return codelists.label(classification, code, language)
    except (KeyError, ValueError):
        return ""


def _aggregate(classification: str, level: str, codes: pd.Series, row_numbers: Iterable[int] | None = None,
               column: str = "sector") -> tuple[pd.Series, pd.Series]:
    """(aggregated codes, names): codes above the level become NA. Unknown codes raise MapInputError
    naming the first rows."""
    mapping: dict[str, str | None] = {}
    bad: dict[str, str] = {}
    for code in pd.unique(codes.dropna()):
        try:
            mapping[code] = code_at_level(classification, str(code), level)
        except (KeyError, ValueError) as exc:
            bad[code] = str(exc)
    if bad:
        rows = list(row_numbers) if row_numbers is not None else list(range(1, len(codes) + 1))
        shown = []
        for position, value in enumerate(codes.tolist()):
            if value in bad:
                shown.append(f"row {rows[position]}: {value!r} ({bad[value]})")
                if len(shown) == MAX_ERRORS_SHOWN:
                    break
        title = codelists.CODELISTS[classification].title
        raise MapInputError(f"column {column!r} has codes that are not {title} codes: " + "; ".join(shown))
    aggregated = codes.map(mapping)
    names = aggregated.map(lambda c: sector_label(classification, c) if isinstance(c, str) else "")
    return aggregated, names


# The register --------------------------------------------------------------------------------------------

def register_queryset(user, *, classification: str, country: str = "", territory_id: int | None = None,
                      sector_filter: str = ""):
    """Enterprises the run may use: visible to `user`, of the classification, filtered (any coordinates)."""
    from triplec.registry.selectors import EnterpriseFilter, filter_enterprises

    f = EnterpriseFilter(classification=classification, country=country, territory=territory_id,
                         sector=sector_filter)
    return filter_enterprises(user, f).order_by("pk")


def register_frame(run) -> PreparedInput:
    """The register's enterprises selected by `run` (as its creator sees the register)."""
    qs = register_queryset(run.created_by, classification=run.classification, country=run.country,
                           territory_id=run.territory_id, sector_filter=run.sector_filter)
    rows = list(qs.values_list("pk", "sector_code", "longitude", "latitude", "employees", "territory__name"))
    frame = pd.DataFrame(rows, columns=[ID, SECTOR, LON, LAT, WEIGHT, REGION])
    counts = {"matched": len(frame)}
    has_site = frame[LON].notna() & frame[LAT].notna()
    counts["without_coordinates"] = int((~has_site).sum())
    frame = frame[has_site]
    if run.weighted:
        has_weight = frame[WEIGHT].notna()
        counts["without_employees"] = int((~has_weight).sum())
        frame = frame[has_weight]
    frame = frame.copy()
    frame[ID] = frame[ID].astype(str)
    frame[SECTOR], frame[NAME] = _aggregate(run.classification, run.sector_level, frame[SECTOR].astype(str))
    above = frame[SECTOR].isna()
    counts["coded_above_level"] = int(above.sum())
    frame = frame[~above].reset_index(drop=True)
    frame[REGION] = frame[REGION].fillna("")
    counts["used"] = len(frame)
    columns = {"id_col": ID, "sector_col": SECTOR, "lon_col": LON, "lat_col": LAT, "label_col": NAME,
               "region_col": REGION, "weight_col": WEIGHT if run.weighted else None}
    return PreparedInput(frame=frame, columns=columns, counts=counts, classification=run.classification)


# Uploaded files -------------------------------------------------------------------------------------------

def read_header(handle, name: str) -> list[str]:
    """Column names of an uploaded CSV/TSV/Parquet file (`handle`: a binary file object)."""
    suffix = Path(name).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise ValueError(_("%(name)r is not a CSV, TSV or Parquet file (expected one of %(suffixes)s).")
                         % {"name": name, "suffixes": ", ".join(UPLOAD_SUFFIXES)})
    handle.seek(0)
    try:
        if suffix in (".parquet", ".pq"):
            import pyarrow.parquet as pq

            names = list(pq.read_schema(handle).names)
        else:
            names = list(pd.read_csv(handle, sep="\t" if suffix == ".tsv" else ",", nrows=0).columns)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError, ValueError) as exc:
        raise ValueError(_("%(name)r cannot be read as %(format)s: %(error)s")
                         % {"name": name, "format": suffix[1:].upper(), "error": exc}) from exc
    finally:
        handle.seek(0)
    if not names:
        raise ValueError(_("%(name)r has no columns.") % {"name": name})
    return [str(n) for n in names]


def _numeric(frame: pd.DataFrame, column: str, rows: pd.Series) -> pd.Series:
    """Numbers of `column`; blanks are NA; text that is not a number raises MapInputError."""
    raw = frame[column]
    values = pd.to_numeric(raw, errors="coerce")
    blank = raw.isna() | raw.astype(str).str.strip().eq("")
    wrong = values.isna() & ~blank
    if wrong.any():
        shown = [f"row {rows[i]}: {raw.iloc[i]!r}" for i in list(wrong.to_numpy().nonzero()[0][:MAX_ERRORS_SHOWN])]
        raise MapInputError(f"column {column!r} must hold numbers; not a number at " + "; ".join(shown))
    return values


def upload_frame(run) -> PreparedInput:
    """The uploaded file of `run`, with its column choices applied."""
    from django.conf import settings

    cols = dict(run.columns or {})
    path = Path(settings.MEDIA_ROOT) / run.input_file
    text = [c for c in (cols.get("id"), cols.get("sector"), cols.get("label"), cols.get("region")) if c]
    raw = read_points(path, text)
    wanted = {"id": cols.get("id"), "sector": cols.get("sector"), "longitude": cols.get("lon"),
              "latitude": cols.get("lat"), "x": cols.get("x"), "y": cols.get("y"),
              "employees": cols.get("weight") if run.weighted else None, "sector name": cols.get("label"),
              "region": cols.get("region")}
    missing = [f"{role} column {name!r}" for role, name in wanted.items() if name and name not in raw.columns]
    if missing:
        raise MapInputError(f"{run.input_name}: {', '.join(missing)} not found; the file's columns are "
                            f"{', '.join(map(str, raw.columns))}")
    rows = pd.Series(range(1, len(raw) + 1))  # 1 = the first row after the header
    lonlat = bool(cols.get("lon"))
    a, b = (cols["lon"], cols["lat"]) if lonlat else (cols["x"], cols["y"])
    frame = pd.DataFrame({ID: raw[cols["id"]].astype(str) if cols.get("id") else rows.astype(str)})
    first, second = (LON, LAT) if lonlat else (X, Y)
    frame[first] = _numeric(raw, a, rows).to_numpy()
    frame[second] = _numeric(raw, b, rows).to_numpy()
    sector = raw[cols["sector"]]
    blank_sector = sector.isna() | sector.astype(str).str.strip().eq("")
    if blank_sector.any():
        shown = ", ".join(str(rows[i]) for i in list(blank_sector.to_numpy().nonzero()[0][:MAX_ERRORS_SHOWN]))
        raise MapInputError(f"column {cols['sector']!r} is empty at rows {shown}: every establishment needs a "
                            "sector code")
    frame[SECTOR] = sector.astype(str).str.strip().to_numpy()
    frame[NAME] = raw[cols["label"]].astype("string").to_numpy() if cols.get("label") else ""
    frame[REGION] = raw[cols["region"]].astype("string").fillna("").to_numpy() if cols.get("region") else ""
    frame["_row"] = rows.to_numpy()
    counts = {"matched": len(frame)}
    has_site = frame[first].notna() & frame[second].notna()
    counts["without_coordinates"] = int((~has_site).sum())
    frame = frame[has_site]
    if run.weighted:
        weights = _numeric(raw, cols["weight"], rows).to_numpy()
        frame[WEIGHT] = weights[frame["_row"].to_numpy() - 1]
        has_weight = frame[WEIGHT].notna()
        counts["without_employees"] = int((~has_weight).sum())
        frame = frame[has_weight]
    frame = frame.copy()
    if run.classification:
        frame[SECTOR], names = _aggregate(run.classification, run.sector_level, frame[SECTOR],
                                          frame["_row"].tolist(), column=cols["sector"])
        frame[NAME] = names  # the file's own names would describe the codes before aggregation
        above = frame[SECTOR].isna()
        counts["coded_above_level"] = int(above.sum())
        frame = frame[~above]
    frame = frame.drop(columns="_row").reset_index(drop=True)
    counts["used"] = len(frame)
    columns = {"id_col": ID, "sector_col": SECTOR, "weight_col": WEIGHT if run.weighted else None,
               "label_col": NAME if (cols.get("label") or run.classification) else None,
               "region_col": REGION if cols.get("region") else None}
    if lonlat:
        columns.update(lon_col=LON, lat_col=LAT)
    else:
        columns.update(x_col=X, y_col=Y, unit=cols.get("unit") or "km", crs=cols.get("crs") or None)
    return PreparedInput(frame=frame, columns=columns, counts=counts, classification=run.classification)


def prepare(run) -> PreparedInput:
    from .models import MappingRun

    return register_frame(run) if run.source == MappingRun.Source.REGISTER else upload_frame(run)
