"""Point registers: one row an establishment with its sector, location and optional size.

A :class:`PointRegister` is the validated input of the distance-based tests (Kd, Kemp). Locations are
either

- projected coordinates ``x, y`` in ``km`` or ``m`` (Euclidean distances, reported in km), or
- longitude / latitude in degrees (great-circle distances by the haversine formula on a sphere of radius
  ``R = 6371.0088 km``, the IUGG mean Earth radius):

  ``d = 2 R asin( sqrt( sin^2(dphi/2) + cos(phi1) cos(phi2) sin^2(dlambda/2) ) )``.

  Internally a lon/lat point is stored as a point of the sphere in 3-D (km); the great-circle distance of
  two points at chord length ``c`` is ``2 R asin(c / 2R)``, the same number as the haversine formula.

Validation happens here, once, at the boundary: every error names the row (its position in the input,
counted from 1, and its id), the field and the reason. The same register feeds the screen, locate,
profile, trajectories and the report; a projected register may carry a CRS (or a ``to_lonlat``
transform) to be drawn on lon/lat maps, and municipality or region names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from triplec.mapping.geo import (
    GEO_LAT,
    GEO_LON,
    UNIT_TO_KM,
    LonLatTransform,
    is_geodataframe,
    lonlat_transformer,
)

EARTH_RADIUS_KM = 6371.0088  # IUGG mean Earth radius
_MAX_LISTED = 5


class RegisterError(ValueError):
    """Bad input for a point register (missing column, bad value, duplicate id...)."""


def _rows_text(frame_rows: np.ndarray, ids: np.ndarray) -> str:
    shown = ", ".join(f"row {int(i) + 1} (id {ids[i]!r})" for i in frame_rows[:_MAX_LISTED])
    more = len(frame_rows) - _MAX_LISTED
    return shown + (f" and {more} more" if more > 0 else "")


def _numeric_column(df: pd.DataFrame, col: str, ids: np.ndarray, what: str, allow_missing: bool = False) -> np.ndarray:
    raw = df[col]
    values = pd.to_numeric(raw, errors="coerce").to_numpy(dtype=float)
    bad_text = np.flatnonzero(np.isnan(values) & raw.notna().to_numpy())
    if len(bad_text):
        i = bad_text[0]
        raise RegisterError(
            f"{what} column {col!r} is not numeric at {_rows_text(bad_text, ids)}: "
            f"value {raw.iloc[i]!r} in row {i + 1}"
        )
    missing = np.flatnonzero(np.isnan(values))
    if len(missing) and not allow_missing:
        raise RegisterError(f"{what} column {col!r} is missing (empty/NaN) at {_rows_text(missing, ids)}")
    infinite = np.flatnonzero(np.isinf(values))
    if len(infinite):
        raise RegisterError(f"{what} column {col!r} is infinite at {_rows_text(infinite, ids)}")
    return values


def _check_range(values: np.ndarray, lo: float, hi: float, col: str, ids: np.ndarray, what: str) -> None:
    bad = np.flatnonzero((values < lo) | (values > hi))
    if len(bad):
        i = bad[0]
        raise RegisterError(
            f"{what} column {col!r} is out of range [{lo}, {hi}] at {_rows_text(bad, ids)}: "
            f"value {values[i]!r} in row {i + 1}"
        )


@dataclass(frozen=True, eq=False)
class PointRegister:
    """A validated establishment register.

    Attributes
    ----------
    ids : array of str, unique
    sectors : array of str (sector codes as text, e.g. ``"0146Z"``, ``"311811"``)
    coords : float array ``(n, 2)`` (projected, km) or ``(n, 3)`` (lon/lat as points of the sphere, km)
    weights : float array ``(n,)`` of employees (>= 0), or ``None`` when sizes are unknown
    geometry : ``"planar"`` or ``"sphere"``
    lonlat : ``(n, 2)`` degrees for lon/lat registers, else ``None``
    unit : ``"deg"`` for lon/lat registers, else the unit of the input coordinates (``"km"`` or ``"m"``)
    xy : ``(n, 2)`` projected coordinates as given (in ``unit``), else ``None``
    regions : municipality or region of each establishment (pandas string array), or ``None``
    to_lonlat : ``f(x, y) -> (lon, lat)`` for a projected register (from its CRS), or ``None``
    """

    ids: np.ndarray
    sectors: np.ndarray
    coords: np.ndarray
    weights: np.ndarray | None
    geometry: str
    lonlat: np.ndarray | None = None
    unit: str = "km"
    xy: np.ndarray | None = None
    regions: pd.api.extensions.ExtensionArray | None = None
    to_lonlat: LonLatTransform | None = None

    # ---------------------------------------------------------------- construction
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
        crs: str | None = None,
        to_lonlat: LonLatTransform | None = None,
        allow_missing_weights: bool = False,
    ) -> PointRegister:
        """Build a register from a DataFrame, validating every row.

        Give either ``x_col`` and ``y_col`` (projected, ``unit`` "km" or "m") or ``lon_col`` and
        ``lat_col`` (degrees, WGS84 treated as a sphere), or a GeoDataFrame of points (its CRS is
        transformed to EPSG:4326; without a CRS the points are taken as lon/lat).
        ``weight_col`` (employees) is optional.

        Parameters
        ----------
        df : pandas.DataFrame or geopandas.GeoDataFrame
            One row an establishment.
        id_col, sector_col : str
            Columns of the unique ids and of the sector codes (read as text).
        x_col, y_col, unit : str, optional
            Projected coordinates and their unit.
        lon_col, lat_col : str, optional
            Longitude and latitude in degrees.
        weight_col : str, optional
            Employees (>= 0).
        allow_missing_weights : bool
            Accept unknown employees (NaN) for locate and profile; the weighted tests refuse them.
        region_col : str, optional
            Municipality or region of each establishment (named in the footprints).
        crs, to_lonlat : optional
            For projected coordinates: their CRS (e.g. ``"EPSG:27572"``) or a ``f(x, y) -> (lon, lat)``
            transform, to draw them on lon/lat maps.

        Returns
        -------
        PointRegister
            Raises :class:`RegisterError` naming the row, the field and the reason for bad input.

        References
        ----------
        Duranton, G. & Overman, H. G. (2005). Testing for localization using micro-geographic data.
        Review of Economic Studies 72(4), 1077-1106 (the register the Kd tests read).

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"id": ["a", "b", "c"], "naf": ["2511Z", "2511Z", "1610A"],
        ...                    "lon": [-8.61, -8.60, -8.0], "lat": [41.15, 41.16, 40.0]})
        >>> reg = PointRegister.from_frame(df, id_col="id", sector_col="naf", lon_col="lon", lat_col="lat")
        >>> reg.n, reg.geometry, reg.sector_counts.to_dict()
        (3, 'sphere', {'2511Z': 2, '1610A': 1})
        >>> round(reg.distance(0, 1), 2)  # km, great-circle
        1.39
        """
        if is_geodataframe(df):
            if any(c is not None for c in (x_col, y_col, lon_col, lat_col)):
                raise RegisterError("a GeoDataFrame gives its coordinates in its geometry; no x/y or lon/lat columns")
            from triplec.mapping.geo import with_lonlat_columns

            df, lon_col, lat_col = with_lonlat_columns(df), GEO_LON, GEO_LAT
        if not isinstance(df, pd.DataFrame):
            raise RegisterError(f"expected a pandas DataFrame, got {type(df).__name__}")
        planar = x_col is not None or y_col is not None
        spherical = lon_col is not None or lat_col is not None
        if planar and spherical:
            raise RegisterError("give either x_col/y_col (projected) or lon_col/lat_col (degrees), not both")
        if planar and (x_col is None or y_col is None):
            raise RegisterError("projected coordinates need both x_col and y_col")
        if spherical and (lon_col is None or lat_col is None):
            raise RegisterError("geographic coordinates need both lon_col and lat_col")
        if not planar and not spherical:
            raise RegisterError("no coordinates: give x_col/y_col (projected) or lon_col/lat_col (degrees)")
        if planar and unit not in UNIT_TO_KM:
            raise RegisterError(f"unit must be one of {sorted(UNIT_TO_KM)}, got {unit!r}")
        if spherical and (crs is not None or to_lonlat is not None):
            raise RegisterError("a CRS or to_lonlat transform only applies to projected x/y registers")
        if crs is not None and to_lonlat is not None:
            raise RegisterError("give either a CRS or a to_lonlat transform, not both")
        roles = {"id_col": id_col, "sector_col": sector_col}
        roles.update({"x_col": x_col, "y_col": y_col} if planar else {"lon_col": lon_col, "lat_col": lat_col})
        for role, col in (("weight_col", weight_col), ("region_col", region_col)):
            if col is not None:
                roles[role] = col
        missing = {role: c for role, c in roles.items() if c not in df.columns}
        if missing:
            named = ", ".join(f"{c!r} ({role})" for role, c in missing.items())
            raise RegisterError(
                f"missing column(s) {named}; the table has columns {list(map(str, df.columns))}"
            )
        if len(df) == 0:
            raise RegisterError("the register is empty")

        raw_ids = df[id_col]
        ids_missing = np.flatnonzero(raw_ids.isna().to_numpy() | (raw_ids.astype(str).str.strip() == "").to_numpy())
        ids = code_text(raw_ids).to_numpy()
        if len(ids_missing):
            raise RegisterError(f"id column {id_col!r} is empty at {_rows_text(ids_missing, ids)}")
        dup = pd.Series(ids).duplicated(keep=False).to_numpy()
        if dup.any():
            first = ids[np.flatnonzero(dup)[0]]
            rows = np.flatnonzero(ids == first)
            n_dup = int(pd.Series(ids).duplicated().sum())
            raise RegisterError(
                f"duplicate ids in column {id_col!r}: {first!r} appears in rows "
                f"{', '.join(str(int(r) + 1) for r in rows[:_MAX_LISTED])} ({n_dup} duplicate row(s) in all)"
            )

        raw_sec = df[sector_col]
        sec_missing = np.flatnonzero(raw_sec.isna().to_numpy() | (raw_sec.astype(str).str.strip() == "").to_numpy())
        if len(sec_missing):
            raise RegisterError(f"sector column {sector_col!r} is empty at {_rows_text(sec_missing, ids)}")
        sectors = code_text(raw_sec).to_numpy()

        if planar:
            xy = np.column_stack([_numeric_column(df, x_col, ids, "x"), _numeric_column(df, y_col, ids, "y")])
            coords = xy * UNIT_TO_KM[unit]
            geometry, lonlat = "planar", None
            if crs is not None:
                try:
                    to_lonlat = lonlat_transformer(crs, unit)
                except ValueError as exc:
                    raise RegisterError(str(exc)) from exc
        else:
            lon = _numeric_column(df, lon_col, ids, "longitude")
            lat = _numeric_column(df, lat_col, ids, "latitude")
            _check_range(lon, -180.0, 180.0, lon_col, ids, "longitude")
            _check_range(lat, -90.0, 90.0, lat_col, ids, "latitude")
            coords = lonlat_to_sphere(lon, lat)
            geometry, lonlat, xy, unit = "sphere", np.column_stack([lon, lat]), None, "deg"

        weights = None
        if weight_col is not None:
            weights = _numeric_column(df, weight_col, ids, "weight", allow_missing_weights)
            neg = np.flatnonzero(weights < 0)
            if len(neg):
                raise RegisterError(
                    f"weight column {weight_col!r} is negative at {_rows_text(neg, ids)}: "
                    f"value {weights[neg[0]]!r} in row {neg[0] + 1}"
                )
        regions = None if region_col is None else pd.Series(df[region_col].to_numpy()).astype("string").array
        return cls(ids=ids, sectors=sectors, coords=np.ascontiguousarray(coords, dtype=np.float64),
                   weights=weights, geometry=geometry, lonlat=lonlat, unit=unit, xy=xy, regions=regions,
                   to_lonlat=to_lonlat)

    @classmethod
    def from_arrays(cls, x, y, sectors, *, ids=None, weights=None, unit: str = "km") -> PointRegister:
        """Projected register from arrays (convenience for notebooks and tests); ids default to "0", "1"...

        >>> reg = PointRegister.from_arrays([0, 3, 0], [0, 4, 1], ["A", "A", "B"], weights=[12, 3, 250])
        >>> reg.n, reg.indices("A").tolist(), reg.employment("A"), reg.distance(0, 1)
        (3, [0, 1], 15.0, 5.0)
        """
        n = len(x)
        frame = pd.DataFrame({
            "id": np.arange(n).astype(str) if ids is None else ids,
            "sector": sectors, "x": x, "y": y,
        })
        if weights is not None:
            frame["w"] = weights
        return cls.from_frame(frame, id_col="id", sector_col="sector", x_col="x", y_col="y", unit=unit,
                              weight_col=None if weights is None else "w")

    # ---------------------------------------------------------------- queries
    @property
    def n(self) -> int:
        return len(self.ids)

    @property
    def weighted(self) -> bool:
        return self.weights is not None

    @property
    def geographic(self) -> bool:
        """True when the positions are lon/lat degrees."""
        return self.geometry == "sphere"

    @property
    def has_weights(self) -> bool:
        return self.weights is not None and bool(np.isfinite(self.weights).any())

    def require_weights(self) -> None:
        """Raise ValueError unless every establishment's employees are known (the weighted tests).

        Examples
        --------
        >>> PointRegister.from_arrays([0, 1], [0, 1], ["A", "A"], weights=[5, 8]).require_weights()
        >>> PointRegister.from_arrays([0, 1], [0, 1], ["A", "A"]).require_weights()
        Traceback (most recent call last):
        ValueError: weighted=True needs a register with employees (weight_col)
        """
        if self.weights is None:
            raise ValueError("weighted=True needs a register with employees (weight_col)")
        unknown = np.flatnonzero(np.isnan(self.weights))
        if len(unknown):
            raise ValueError(f"weighted=True needs every establishment's employees; unknown at "
                             f"{_rows_text(unknown, self.ids)}")

    @property
    def has_regions(self) -> bool:
        return self.regions is not None

    @property
    def can_map(self) -> bool:
        """True when positions can be drawn in lon/lat."""
        return self.geographic or self.to_lonlat is not None

    @property
    def km_per_unit(self) -> float:
        if self.geographic:
            raise ValueError("lon/lat registers have no planar unit; distances are great-circle km")
        return UNIT_TO_KM[self.unit]

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The register as a table: ``id, sector, x, y`` (lon/lat, or projected in ``unit``), and
        ``weight`` and ``region`` when known."""
        positions = self.lonlat if self.geographic else self.xy
        frame = pd.DataFrame({"id": self.ids, "sector": self.sectors, "x": positions[:, 0], "y": positions[:, 1]})
        if self.weights is not None:
            frame["weight"] = self.weights
        if self.regions is not None:
            frame["region"] = self.regions
        return frame

    def lonlat_degrees(self) -> tuple[np.ndarray, np.ndarray]:
        """Positions in lon/lat degrees (raises when a projected register has no CRS / transform).

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"id": ["a", "b"], "naf": ["2511Z", "1610A"], "lon": [-8.61, -8.0], "lat": [41.15, 40.0]})
        >>> lon, lat = PointRegister.from_frame(df, sector_col="naf", lon_col="lon", lat_col="lat").lonlat_degrees()
        >>> lon.tolist(), lat.tolist()
        ([-8.61, -8.0], [41.15, 40.0])
        >>> PointRegister.from_arrays([0], [0], ["A"]).lonlat_degrees()
        Traceback (most recent call last):
        ValueError: this projected register has no CRS / to_lonlat transform; cannot give lon/lat
        """
        if self.geographic:
            return self.lonlat[:, 0], self.lonlat[:, 1]
        if self.to_lonlat is None:
            raise ValueError("this projected register has no CRS / to_lonlat transform; cannot give lon/lat")
        return self.to_lonlat(self.xy[:, 0], self.xy[:, 1])

    @cached_property
    def sector_counts(self) -> pd.Series:
        """Number of establishments per sector, largest first."""
        return pd.Series(self.sectors).value_counts()

    @cached_property
    def _sector_index(self) -> dict[str, np.ndarray]:
        order = np.argsort(self.sectors, kind="stable")
        codes, starts = np.unique(self.sectors[order], return_index=True)
        bounds = list(starts) + [len(order)]
        return {str(c): order[bounds[k]:bounds[k + 1]] for k, c in enumerate(codes)}

    def indices(self, sector: str) -> np.ndarray:
        """Row positions of a sector's establishments (KeyError naming the sector if absent).

        Examples
        --------
        >>> reg = PointRegister.from_arrays([0, 1, 2], [0, 0, 0], ["A", "B", "A"])
        >>> reg.indices("A").tolist()
        [0, 2]
        >>> reg.indices("C")
        Traceback (most recent call last):
        KeyError: "sector 'C' is not in the register"
        """
        try:
            return self._sector_index[str(sector)]
        except KeyError:
            raise KeyError(f"sector {sector!r} is not in the register") from None

    def employment(self, sector: str) -> float:
        """Total employees of a sector (NaN when sizes are unknown).

        Examples
        --------
        >>> PointRegister.from_arrays([0, 1, 2], [0, 0, 0], ["A", "B", "A"], weights=[4, 9, 6]).employment("A")
        10.0
        >>> PointRegister.from_arrays([0, 1], [0, 0], ["A", "A"]).employment("A")
        nan
        """
        if self.weights is None:
            return float("nan")
        return float(self.weights[self.indices(sector)].sum())

    def distance(self, i: int, j: int) -> float:
        """Distance in km between rows i and j (Euclidean or great-circle).

        Examples
        --------
        >>> PointRegister.from_arrays([0, 3], [0, 4], ["A", "A"]).distance(0, 1)  # projected, km
        5.0
        """
        a, b = self.coords[i], self.coords[j]
        c = float(np.sqrt(((a - b) ** 2).sum()))
        if self.geometry == "sphere":
            return 2.0 * EARTH_RADIUS_KM * float(np.arcsin(min(1.0, c / (2.0 * EARTH_RADIUS_KM))))
        return c


def code_text(values: pd.Series) -> pd.Series:
    """Codes and ids as stripped text; integral floats (1234.0 from a CSV with gaps) lose the '.0'.

    The one rule for sectors and ids, so they match across the register, locate and profile.
    """
    if pd.api.types.is_float_dtype(values):
        numbers = values.to_numpy(float)
        if np.all(np.mod(numbers, 1) == 0):
            return pd.Series(numbers.astype(np.int64).astype(str), index=values.index)
    return values.astype(str).str.strip()


def lonlat_to_sphere(lon, lat) -> np.ndarray:
    """Points of the sphere of radius ``EARTH_RADIUS_KM`` (km) for lon/lat in degrees, shape (n, 3)."""
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    c = np.cos(phi)
    return EARTH_RADIUS_KM * np.column_stack([c * np.cos(lam), c * np.sin(lam), np.sin(phi)])


def haversine_km(lon1, lat1, lon2, lat2):
    """Great-circle distance in km by the haversine formula (R = 6371.0088 km).

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float or array_like
        Degrees.

    Returns
    -------
    float or numpy.ndarray
        Kilometres.

    References
    ----------
    Sinnott, R. W. (1984). Virtues of the haversine. Sky and Telescope 68(2), 159.

    Examples
    --------
    >>> round(float(haversine_km(-46.63, -23.55, -43.17, -22.91)), 1)  # São Paulo to Rio de Janeiro
    360.6
    """
    lam1, phi1, lam2, phi2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
