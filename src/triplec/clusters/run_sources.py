"""Where a mapping run's establishments come from besides the register: an uploaded file (its
columns checked against the file's header) or a stored mapping data set (registry.MappingDataset)."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from . import registers

UPLOAD_COLUMN_FIELDS = {"id_col": "id", "sector_col": "sector", "lon_col": "lon", "lat_col": "lat",
                        "x_col": "x", "y_col": "y", "weight_col": "weight", "label_col": "label",
                        "region_col": "region"}


def check_upload_source(data: dict, upload, params: dict, errors) -> dict:
    columns = {key: (data.get(field) or "").strip() for field, key in UPLOAD_COLUMN_FIELDS.items()}
    unit = (data.get("unit") or "km").strip()
    crs = (data.get("crs") or "").strip()
    if upload is None:
        errors.add("file", _("Choose a CSV or Parquet file with one row per establishment."))
        return {}
    try:
        header = registers.read_header(upload, upload.name)
    except ValueError as exc:
        errors.add("file", str(exc))
        return {}
    if not columns["sector"]:
        errors.add("sector_col", _("Name the column of sector codes."))
    lonlat = bool(columns["lon"] or columns["lat"])
    xy = bool(columns["x"] or columns["y"])
    if lonlat and xy:
        errors.add("lon_col", _("Give either longitude and latitude columns or x and y columns, not both."))
    elif lonlat and not (columns["lon"] and columns["lat"]):
        errors.add("lon_col" if not columns["lon"] else "lat_col", _("Name both the longitude and latitude columns."))
    elif xy and not (columns["x"] and columns["y"]):
        errors.add("x_col" if not columns["x"] else "y_col", _("Name both the x and y columns."))
    elif not lonlat and not xy:
        errors.add("lon_col", _("Name the coordinate columns: longitude and latitude (degrees), or x and y."))
    if unit not in ("km", "m"):
        errors.add("unit", _("The unit of x and y is km or m."))
    if crs:
        if lonlat:
            errors.add("crs", _("A coordinate system is only for projected x and y columns."))
        else:
            from triplec.mapping.locate import lonlat_transformer

            try:
                lonlat_transformer(crs, unit if unit in ("km", "m") else "m")
            except ValueError as exc:
                errors.add("crs", str(exc))
    if params["weighted"] and not columns["weight"]:
        errors.add("weight_col", _("Name the employees column for a weighted run (or untick the weighting)."))
    available = ", ".join(header)
    for field, key in UPLOAD_COLUMN_FIELDS.items():
        if columns[key] and columns[key] not in header:
            errors.add(field, _("The file has no column %(c)r; its columns are: %(all)s.")
                       % {"c": columns[key], "all": available})
    kept = {key: value for key, value in columns.items() if value}
    if not params["weighted"]:
        kept.pop("weight", None)
    if xy:
        kept["unit"] = unit
        if crs:
            kept["crs"] = crs
    return {"columns": kept}


def chosen_dataset(data: dict, errors):
    """The mapping data set chosen instead of an uploaded file (None when none is chosen)."""
    from triplec.registry.models import MappingDataset

    value = data.get("dataset")
    if value in (None, ""):
        return None
    dataset = value if isinstance(value, MappingDataset) else (
        MappingDataset.objects.filter(pk=value).first() if str(value).isdigit() else None)
    if dataset is None or not (Path(settings.MEDIA_ROOT) / dataset.file).is_file():
        errors.add("dataset", _("This mapping data set is not available; load it again (triplec demo)."))
        return None
    return dataset


def check_dataset_source(dataset, params: dict) -> dict:
    """A stored data set's file and columns stand for an upload; its classification is its own."""
    columns = dict(dataset.columns)
    if not params["weighted"]:
        columns.pop("weight", None)
    return {"columns": columns, "input_name": dataset.name[:200]}
