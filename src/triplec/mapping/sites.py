"""Sites: establishments with a position in a standard frame, as locate, profile, trajectories and the
report read them (``id, sector, x, y`` and optionally ``weight`` and ``region``), with the transform of
projected coordinates to lon/lat for maps.

:class:`triplec.mapping.PointRegister` is the validated input of the distance-based tests; a register
becomes sites with :meth:`Sites.from_register`. Both use the code-text rule and the unit table of
:mod:`triplec.mapping.points`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from triplec.mapping.points import UNIT_TO_KM, code_text

LonLatTransform = Callable[[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


def lonlat_transformer(crs: str, unit: str = "m") -> LonLatTransform:
    """Return ``f(x, y) -> (lon, lat)`` from a projected CRS (e.g. ``"EPSG:27572"``) to WGS84 degrees.

    ``unit`` is the unit of the register's coordinates; they are rescaled to the CRS's own axis unit
    first, so a register in km with a CRS in metres is handled. Uses PROJ through pyproj, offline
    (no grid downloads; datum shifts fall back to PROJ's built-in Helmert parameters).
    """
    import pyproj

    try:
        source = pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError as exc:
        raise ValueError(f"unknown coordinate reference system {crs!r}: {exc}") from exc
    if source.is_geographic:
        raise ValueError(
            f"{crs!r} is a geographic CRS (degrees); give the coordinates as --lon-col/--lat-col instead"
        )
    if unit not in UNIT_TO_KM:
        raise ValueError(f"unit must be one of {sorted(UNIT_TO_KM)}, not {unit!r}")
    axis_metres = source.axis_info[0].unit_conversion_factor if source.axis_info else 1.0
    factor = UNIT_TO_KM[unit] * 1000.0 / axis_metres
    transformer = pyproj.Transformer.from_crs(source, "EPSG:4326", always_xy=True)

    def to_lonlat(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.atleast_1d(np.asarray(x, float)) * factor
        y = np.atleast_1d(np.asarray(y, float)) * factor
        n = len(x)
        if n == 1:  # pyproj would take its scalar path for one-element arrays (deprecated in NumPy)
            x, y = np.repeat(x, 2), np.repeat(y, 2)
        lon, lat = transformer.transform(x, y)
        return np.asarray(lon, float)[:n], np.asarray(lat, float)[:n]

    return to_lonlat


@dataclass(frozen=True)
class Sites:
    """Establishments with a position, in a standard frame used by locate, profile and trajectories.

    ``frame`` has columns ``id, sector, x, y`` and optionally ``weight`` (employees; NaN = unknown) and
    ``region`` (municipality or region name). ``geographic`` is True when ``x, y`` are lon/lat degrees;
    otherwise they are projected coordinates in ``unit`` ("km" or "m"), and ``to_lonlat`` (optional)
    maps them to lon/lat for maps.
    """

    frame: pd.DataFrame
    geographic: bool
    unit: str
    to_lonlat: LonLatTransform | None = None

    @classmethod
    def from_frame(
        cls,
        df: pd.DataFrame,
        *,
        id_col: str = "id",
        sector_col: str = "sector",
        x_col: str | None = None,
        y_col: str | None = None,
        lon_col: str | None = None,
        lat_col: str | None = None,
        unit: str = "km",
        weight_col: str | None = None,
        region_col: str | None = None,
        to_lonlat: LonLatTransform | None = None,
        crs: str | None = None,
    ) -> Sites:
        """Validate a register and standardise it. Errors name the column, the rows and the reason."""
        if not isinstance(df, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(df).__name__}")
        geographic = lon_col is not None or lat_col is not None
        if geographic and (x_col is not None or y_col is not None):
            raise ValueError("give either lon/lat columns or x/y columns, not both")
        if geographic and (lon_col is None or lat_col is None):
            raise ValueError("lon/lat registers need both a lon column and a lat column")
        if not geographic and (x_col is None or y_col is None):
            raise ValueError("give the coordinate columns: lon_col and lat_col, or x_col and y_col")
        if not geographic and unit not in UNIT_TO_KM:
            raise ValueError(f"unit must be one of {sorted(UNIT_TO_KM)}, not {unit!r}")
        if geographic and (crs is not None or to_lonlat is not None):
            raise ValueError("a CRS or to_lonlat transform only applies to projected x/y registers")
        cx, cy = (lon_col, lat_col) if geographic else (x_col, y_col)
        wanted = {"id": id_col, "sector": sector_col, "x": cx, "y": cy}
        if weight_col is not None:
            wanted["weight"] = weight_col
        if region_col is not None:
            wanted["region"] = region_col
        missing = [col for col in wanted.values() if col not in df.columns]
        if missing:
            raise ValueError(
                f"column(s) {missing} not found in the register; available columns: {list(df.columns)}"
            )
        frame = pd.DataFrame({key: df[col].to_numpy() for key, col in wanted.items()})
        frame.index = df.index
        _require_present(frame, "id", id_col)
        _require_present(frame, "sector", sector_col)
        frame["sector"] = code_text(frame["sector"])
        frame["id"] = code_text(frame["id"])
        duplicated = frame["id"].duplicated(keep=False)
        if duplicated.any():
            rows = list(frame.index[duplicated][:5])
            raise ValueError(f"column {id_col!r}: ids must be unique (read as text); duplicates at rows {rows}")
        for key, col in (("x", cx), ("y", cy)):
            values = pd.to_numeric(frame[key], errors="coerce")
            bad = values.isna() | ~np.isfinite(values.to_numpy(float, na_value=np.nan))
            if bad.any():
                rows = list(frame.index[bad][:5])
                raise ValueError(f"column {col!r}: missing or non-numeric coordinates at rows {rows}")
            frame[key] = values.astype(float)
        if geographic:
            _require_range(frame, "x", lon_col, -180.0, 180.0)
            _require_range(frame, "y", lat_col, -90.0, 90.0)
        if weight_col is not None:
            weights = pd.to_numeric(frame["weight"], errors="coerce")
            non_numeric = weights.isna() & frame["weight"].notna()
            if non_numeric.any():
                rows = list(frame.index[non_numeric][:5])
                raise ValueError(f"column {weight_col!r}: non-numeric employment at rows {rows}")
            negative = weights < 0
            if negative.any():
                rows = list(frame.index[negative][:5])
                raise ValueError(f"column {weight_col!r}: negative employment at rows {rows}")
            frame["weight"] = weights.astype(float)
        if region_col is not None:
            frame["region"] = frame["region"].astype("string")
        if crs is not None:
            if to_lonlat is not None:
                raise ValueError("give either a CRS or a to_lonlat transform, not both")
            to_lonlat = lonlat_transformer(crs, unit)
        return cls(frame=frame.reset_index(drop=True), geographic=geographic,
                   unit="deg" if geographic else unit, to_lonlat=to_lonlat)

    @classmethod
    def from_register(
        cls,
        register,
        *,
        regions: Sequence | None = None,
        to_lonlat: LonLatTransform | None = None,
        crs: str | None = None,
    ) -> Sites:
        """Sites of a :class:`triplec.mapping.PointRegister` (planar coordinates are in km there).

        ``regions`` (one value per establishment, in register order) names the municipality or region;
        ``crs`` / ``to_lonlat`` place a projected register on a lon/lat map (coordinates in km).
        """
        frame = pd.DataFrame({"id": register.ids, "sector": register.sectors})
        if register.geometry == "sphere":
            frame["x"], frame["y"] = register.lonlat[:, 0], register.lonlat[:, 1]
            coords: dict = {"lon_col": "x", "lat_col": "y"}
        else:
            frame["x"], frame["y"] = register.coords[:, 0], register.coords[:, 1]
            coords = {"x_col": "x", "y_col": "y", "unit": "km", "crs": crs, "to_lonlat": to_lonlat}
        if register.weights is not None:
            frame["weight"] = register.weights
        if regions is not None:
            if len(regions) != len(frame):
                raise ValueError(f"regions has {len(regions)} values for {len(frame)} establishments")
            frame["region"] = list(regions)
        return cls.from_frame(frame, id_col="id", sector_col="sector",
                              weight_col="weight" if register.weights is not None else None,
                              region_col="region" if regions is not None else None, **coords)

    @property
    def has_weights(self) -> bool:
        return "weight" in self.frame.columns and bool(self.frame["weight"].notna().any())

    @property
    def has_regions(self) -> bool:
        return "region" in self.frame.columns

    @property
    def can_map(self) -> bool:
        """True when positions can be drawn in lon/lat."""
        return self.geographic or self.to_lonlat is not None

    @property
    def km_per_unit(self) -> float:
        if self.geographic:
            raise ValueError("lon/lat registers have no planar unit; distances are great-circle km")
        return UNIT_TO_KM[self.unit]

    def lonlat(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions in lon/lat degrees (raises when a projected register has no transform)."""
        x = self.frame["x"].to_numpy(float)
        y = self.frame["y"].to_numpy(float)
        if self.geographic:
            return x, y
        if self.to_lonlat is None:
            raise ValueError("this projected register has no CRS / to_lonlat transform; cannot give lon/lat")
        return self.to_lonlat(x, y)


def _require_present(frame: pd.DataFrame, key: str, col: str) -> None:
    empty = frame[key].isna() | (frame[key].astype(str).str.strip() == "")
    if empty.any():
        rows = list(frame.index[empty][:5])
        raise ValueError(f"column {col!r}: missing values at rows {rows}")


def _require_range(frame: pd.DataFrame, key: str, col: str, low: float, high: float) -> None:
    bad = (frame[key] < low) | (frame[key] > high)
    if bad.any():
        rows = list(frame.index[bad][:5])
        raise ValueError(f"column {col!r}: values outside [{low:g}, {high:g}] degrees at rows {rows}")
