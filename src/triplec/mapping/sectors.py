"""Sector code hierarchies and crosswalks: NAICS (2-6 digits), NAF/NACE (section to sub-class).

Sector codes arrive at any level of a hierarchy. This module moves them to a chosen level
(`truncate_codes`), tells the parent of a code (`parent_code`, used to fill suppressed cells
top-down), and maps codes through a crosswalk such as the U.S. Cluster Mapping NAICS -> cluster
table shipped in `triplec/mapping/data/` (`load_uscm_crosswalk`, `load_crosswalk`, `apply_crosswalk`).

Conventions
- Codes are strings. NAICS codes are digits ("336411"); the three NAICS sectors that span several
  2-digit codes are written as ranges, as the Census Bureau does: "31-33" (manufacturing), "44-45"
  (retail), "48-49" (transportation). "00" is the all-sector total of County Business Patterns.
- NAF rév. 2 (France) / NACE Rev. 2 codes are accepted with or without the dot: "25.11Z" == "2511Z".
  Levels: 1 section (letter), 2 division ("25"), 3 group ("251"), 4 class ("2511"), 5 sub-class
  ("2511Z"). NACE classes are the NAF classes without the final letter.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from triplec.mapping.codes import (
    NAF_SECTIONS,
    NAICS_SECTOR_RANGES,
    SectorCodeError,
    naf_section_of_division,
    normalise_naf,
)

__all__ = [
    "CrosswalkError",
    "CrosswalkResult",
    "SectorCodeError",
    "NAICS_SECTOR_RANGES",
    "NAF_SECTIONS",
    "apply_crosswalk",
    "code_level",
    "load_crosswalk",
    "load_uscm_crosswalk",
    "nested_code_pairs",
    "normalise_naf",
    "parent_code",
    "truncate_codes",
    "truncate_naf",
    "truncate_naics",
    "uscm_crosswalk_path",
]

SCHEMES = ("naics", "naf", "plain")


class CrosswalkError(ValueError):
    """A crosswalk file or table that cannot be used (missing columns, ambiguous or unmapped codes)."""


# --------------------------------------------------------------------------------------------- NAICS

_NAICS_RE = re.compile(r"^(\d{2,6}|\d{2}-\d{2})$")


def _check_naics(code: str) -> str:
    code = str(code).strip()
    if not _NAICS_RE.match(code):
        raise SectorCodeError(f"{code!r} is not a NAICS code (2 to 6 digits, or a sector range such as '31-33')", code)
    return code


def _naics_level(code: str) -> int:
    return 2 if "-" in code else len(code)


def truncate_naics(codes: Iterable[str] | pd.Series, level: int, *, sector_ranges: bool = True) -> pd.Series:
    """Truncate NAICS codes to `level` digits (2..6).

    With `sector_ranges=True`, level 2 writes the multi-code sectors as the Census Bureau does
    ("336411" -> "31-33"); otherwise plain 2-digit prefixes ("33"). A code shorter than `level`
    (or a range code asked for more than 2 digits) cannot be made more detailed: SectorCodeError.

    >>> truncate_naics(["336411"], 2).tolist(), truncate_naics(["336411"], 2, sector_ranges=False).tolist()
    (['31-33'], ['33'])
    """
    if level not in (2, 3, 4, 5, 6):
        raise SectorCodeError(f"NAICS level must be 2, 3, 4, 5 or 6, not {level!r}")

    def truncated(code) -> str:
        checked = _check_naics(code)
        if _naics_level(checked) < level:
            raise SectorCodeError(f"NAICS code {checked!r} has fewer than {level} digits; it cannot be truncated to "
                                  f"level {level}", checked)
        if "-" in checked:
            return checked if sector_ranges else checked[:2]
        cut = checked[:level]
        return NAICS_SECTOR_RANGES.get(cut, cut) if (level == 2 and sector_ranges) else cut

    return _map_each_code(codes, truncated)


def _map_each_code(codes: Iterable[str] | pd.Series, convert: Callable[[object], str]) -> pd.Series:
    """``convert`` applied once per distinct code, the result in the codes' order (object dtype)."""
    series = pd.Series(codes, dtype=object) if not isinstance(codes, pd.Series) else codes.astype(object)
    return series.map({code: convert(code) for code in pd.unique(series)}).astype(object)


def _naics_parent(code: str) -> str | None:
    code = _check_naics(code) if code != "00" else code
    if code == "00":
        return None
    if _naics_level(code) == 2:
        return "00"
    if len(code) == 3:
        return NAICS_SECTOR_RANGES.get(code[:2], code[:2])
    return code[:-1]


# ----------------------------------------------------------------------------------------------- NAF

_NAF_LEVELS = {"section": 1, "division": 2, "group": 3, "class": 4, "subclass": 5}


def _naf_level(code: str) -> int:
    return 1 if code.isalpha() else len(code)


def truncate_naf(codes: Iterable[str] | pd.Series, level: int | str) -> pd.Series:
    """Move NAF/NACE codes to `level`: 'section' (1), 'division' (2), 'group' (3), 'class' (4),
    'subclass' (5) or the number. "2511Z" -> class "2511", division "25", section "C".

    >>> truncate_naf(["25.11Z", "1011Z"], "division").tolist(), truncate_naf(["25.11Z"], "section").tolist()
    (['25', '10'], ['C'])
    """
    lvl = _NAF_LEVELS.get(level, level) if isinstance(level, str) else level
    if lvl not in (1, 2, 3, 4, 5):
        raise SectorCodeError(f"NAF level must be one of {sorted(_NAF_LEVELS)} or 1..5, not {level!r}")

    def moved(code) -> str:
        norm = normalise_naf(code)
        if _naf_level(norm) < lvl:
            raise SectorCodeError(f"NAF code {code!r} is coarser than level {level!r}; it cannot be made more detailed",
                                  str(code).strip())
        return naf_section_of_division(int(norm[:2])) if lvl == 1 else norm[:lvl]

    return _map_each_code(codes, moved)


def _naf_parent(code: str) -> str | None:
    norm = normalise_naf(code)
    level = _naf_level(norm)
    if level == 1:
        return None
    if level == 2:
        return naf_section_of_division(int(norm))
    return norm[:-1]


# ------------------------------------------------------------------------------------------ dispatch

def truncate_codes(codes: Iterable[str] | pd.Series, level: int | str, scheme: str = "naics") -> pd.Series:
    """Truncate codes of `scheme` ('naics', 'naf' or 'plain' = first `level` characters) to `level`.

    Parameters
    ----------
    codes : iterable of str or pandas.Series
        The codes, at any level at least as detailed as ``level``.
    level : int or str
        NAICS: 2 to 6 digits; NAF/NACE: 1 to 5 or 'section', 'division', 'group', 'class', 'subclass';
        plain: the number of characters kept.
    scheme : {"naics", "naf", "plain"}
        The code list.

    Returns
    -------
    pandas.Series
        The truncated codes, as text (NAICS sectors 31-33, 44-45, 48-49 written as ranges).

    Raises
    ------
    SectorCodeError
        A code that is not of the scheme, or less detailed than ``level``.

    References
    ----------
    U.S. Census Bureau, North American Industry Classification System (NAICS) 2017. INSEE, Nomenclature
    d'activités française (NAF rév. 2), and Eurostat, NACE Rev. 2 (2008).

    Examples
    --------
    >>> truncate_codes(["336411", "311111", "4451"], 3).tolist()
    ['336', '311', '445']
    >>> truncate_codes(["25.11Z", "2562B"], 2, scheme="naf").tolist()
    ['25', '25']
    """
    if scheme == "naics":
        return truncate_naics(codes, int(level))
    if scheme == "naf":
        return truncate_naf(codes, level)
    if scheme == "plain":
        series = pd.Series(codes, dtype=object).astype(str)
        short = series[series.str.len() < int(level)]
        if len(short):
            raise SectorCodeError(f"code {short.iloc[0]!r} is shorter than {level} characters", short.iloc[0])
        return series.str[: int(level)]
    raise SectorCodeError(f"unknown code scheme {scheme!r}; use one of {SCHEMES}")


def code_level(code: str, scheme: str = "naics") -> int:
    """Depth of a code in its hierarchy: NAICS 1 = total '00', 2..6 digits; NAF 1 section .. 5 sub-class.

    >>> code_level("336411"), code_level("00"), code_level("25.11Z", "naf"), code_level("C", "naf")
    (6, 1, 5, 1)
    """
    if scheme == "naics":
        code = str(code).strip()
        return 1 if code == "00" else _naics_level(_check_naics(code))
    if scheme == "naf":
        return _naf_level(normalise_naf(code))
    if scheme == "plain":
        return len(str(code))
    raise SectorCodeError(f"unknown code scheme {scheme!r}; use one of {SCHEMES}")


def parent_code(code: str, scheme: str = "naics") -> str | None:
    """The code one level up ("336411" -> "33641"; "311" -> "31-33"; "31-33" -> "00"; NAF "2511Z" -> "2511",
    "25" -> "C"), or None at the top.

    >>> parent_code("336411"), parent_code("311"), parent_code("2511Z", "naf"), parent_code("00")
    ('33641', '31-33', '2511', None)
    """
    if scheme == "naics":
        return _naics_parent(str(code).strip())
    if scheme == "naf":
        return _naf_parent(code)
    if scheme == "plain":
        code = str(code)
        return code[:-1] if len(code) > 1 else None
    raise SectorCodeError(f"unknown code scheme {scheme!r}; use one of {SCHEMES}")


def nested_code_pairs(codes: Iterable[str], scheme: str = "naics") -> list[tuple[str, str]]:
    """Pairs (ancestor, descendant) both present in `codes`: a table holding both double counts
    when summed. Empty list when the codes sit on disjoint branches.

    >>> nested_code_pairs(["31-33", "336", "3364", "52"])
    [('31-33', '336'), ('336', '3364')]
    """
    present = {str(c) for c in codes}
    pairs = []
    for code in sorted(present):
        ancestor = parent_code(code, scheme)
        while ancestor is not None:
            if ancestor in present:
                pairs.append((ancestor, code))
                break
            ancestor = parent_code(ancestor, scheme)
    return pairs


# ----------------------------------------------------------------------------------------- crosswalks

def uscm_crosswalk_path() -> Path:
    """Path of the shipped U.S. Cluster Mapping NAICS-2017 (6-digit) -> cluster crosswalk (CC-BY-SA).

    >>> uscm_crosswalk_path().name
    'uscm_naics_to_cluster_crosswalk.csv'
    """
    return Path(str(resources.files("triplec.mapping") / "data" / "uscm_naics_to_cluster_crosswalk.csv"))


def load_uscm_crosswalk(*, traded_only: bool = False) -> pd.DataFrame:
    """The U.S. Cluster Mapping crosswalk: one 6-digit NAICS code per row, 51 traded and 19 local clusters.

    The shipped file also lists 814110 (Private Households) with no cluster; it is left out here,
    leaving 991 codes (County Business Patterns does not cover private households anyway).

    Parameters
    ----------
    traded_only : bool
        Keep only the codes of the 51 traded clusters.

    Returns
    -------
    pandas.DataFrame
        Columns ``naics, traded_local, cluster, subcluster, emsi_specific_naics, naics_description``
        (text, but ``emsi_specific_naics`` bool); use ``naics`` and ``cluster`` with
        :func:`load_crosswalk`.

    References
    ----------
    Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related industries. Journal of
    Economic Geography 16(1), 1-38.

    Examples
    --------
    >>> crosswalk = load_uscm_crosswalk()
    >>> len(crosswalk), crosswalk["cluster"].nunique(), load_uscm_crosswalk(traded_only=True)["cluster"].nunique()
    (991, 70, 51)
    >>> crosswalk.loc[crosswalk["naics"] == "336411", ["cluster", "traded_local"]].iloc[0].tolist()
    ['Aerospace Vehicles and Defense', 'Traded']
    """
    frame = pd.read_csv(uscm_crosswalk_path(), dtype=str, keep_default_na=False)
    frame = frame[frame["cluster"].str.strip() != ""].reset_index(drop=True)
    frame["emsi_specific_naics"] = frame["emsi_specific_naics"].eq("True")
    if traded_only:
        frame = frame[frame["traded_local"] == "Traded"].reset_index(drop=True)
    return frame


def load_crosswalk(
    source: str | Path | pd.DataFrame,
    from_col: str,
    to_col: str,
    *,
    weight_col: str | None = None,
    filters: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Read and check a crosswalk; returns columns `from`, `to`, `weight`.

    Parameters
    ----------
    source : str, Path or pandas.DataFrame
        A CSV or Parquet file, or a frame.
    from_col, to_col : str
        Columns of the source code and of its target.
    weight_col : str, optional
        Without it, every source code must map to exactly one target (weight 1); a code listed twice
        with different targets is an error naming both rows. With it, a source code may be split
        across targets; its weights must be >= 0 and sum to 1 (within 1e-6).
    filters : dict, optional
        Keep the rows whose columns equal the given values (e.g. ``{"traded_local": "Traded"}``).

    Returns
    -------
    pandas.DataFrame
        Columns ``from, to, weight``.

    Raises
    ------
    CrosswalkError
        A missing column, an empty code, an ambiguous code or weights that do not sum to 1.

    Examples
    --------
    A NAF class split three to one between two sectors:

    >>> load_crosswalk(pd.DataFrame({"naf": ["2511Z", "2511Z", "1011Z"], "sector": ["Metal", "Building", "Food"],
    ...                              "w": [0.75, 0.25, 1]}), "naf", "sector", weight_col="w")
        from        to  weight
    0  2511Z     Metal    0.75
    1  2511Z  Building    0.25
    2  1011Z      Food    1.00
    """
    from_frame = isinstance(source, pd.DataFrame)
    name = "crosswalk" if from_frame else Path(source).name
    if from_frame:
        frame = source.copy()
    else:
        from triplec.mapping.regional.io import TableFileError, read_table_file

        try:
            frame = read_table_file(source, str_cols=[from_col, to_col])
        except TableFileError as exc:
            raise CrosswalkError(str(exc)) from None
    needed = [from_col, to_col] + ([weight_col] if weight_col else []) + list((filters or {}).keys())
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise CrosswalkError(f"{name}: missing column(s) {missing}; columns are {list(frame.columns)}")
    for col, value in (filters or {}).items():
        frame = frame[frame[col].astype(str) == str(value)]
    if frame.empty:
        raise CrosswalkError(f"{name}: no rows left after filters {filters}")
    blank = np.zeros(len(frame), dtype=bool)
    for col in (from_col, to_col):
        blank |= frame[col].isna().to_numpy() | (frame[col].astype(str).str.strip() == "").to_numpy()
    if blank.any():
        first = frame.index[np.argmax(blank)]
        where = f"row {first!r}" if from_frame else f"line {first + 2}"
        raise CrosswalkError(f"{name} {where}: empty '{from_col}' or '{to_col}'")
    out = pd.DataFrame({"from": frame[from_col].astype(str).str.strip(), "to": frame[to_col].astype(str).str.strip()},
                       index=frame.index)
    if weight_col:
        weights = pd.to_numeric(frame[weight_col], errors="coerce")
        bad = weights[weights.isna() | (weights < 0)]
        if len(bad):
            raise CrosswalkError(f"{name}: weight {frame.loc[bad.index[0], weight_col]!r} of code "
                                 f"{out.loc[bad.index[0], 'from']!r} is not a number >= 0")
        out["weight"] = weights.astype(float)
        sums = out.groupby("from")["weight"].sum()
        off = sums[(sums - 1.0).abs() > 1e-6]
        if len(off):
            raise CrosswalkError(f"{name}: weights of code {off.index[0]!r} sum to {off.iloc[0]:.6g}, not 1")
    else:
        out = out.drop_duplicates()
        dup = out[out["from"].duplicated(keep=False)]
        if len(dup):
            code = dup["from"].iloc[0]
            targets = sorted(dup.loc[dup["from"] == code, "to"])
            raise CrosswalkError(f"{name}: code {code!r} maps to several targets {targets}; "
                                 f"give a weight column to split it")
        out["weight"] = 1.0
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class CrosswalkResult:
    """Outcome of `apply_crosswalk`: the mapped frame and the codes the crosswalk did not cover
    (`unmapped`: code, rows, and the total of each value column they carried)."""

    frame: pd.DataFrame
    unmapped: pd.DataFrame


def apply_crosswalk(
    frame: pd.DataFrame,
    code_col: str,
    crosswalk: pd.DataFrame,
    value_cols: list[str],
    *,
    unmapped: str = "drop",
) -> CrosswalkResult:
    """Replace `code_col` by the crosswalk target and multiply `value_cols` by the weight.

    Rows are not summed here (the caller groups).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table to map.
    code_col : str
        Column of the source codes.
    crosswalk : pandas.DataFrame
        Columns ``from, to, weight`` (see :func:`load_crosswalk`).
    value_cols : list of str
        Columns multiplied by the weight (employment, establishments...).
    unmapped : {"drop", "keep", "error"}
        What happens to codes the crosswalk does not list: dropped (and reported), kept as they are,
        or a :class:`CrosswalkError`.

    Returns
    -------
    CrosswalkResult
        ``frame`` (the mapped rows) and ``unmapped`` (``code``, the total of each value column and
        ``rows`` of the codes the crosswalk did not cover).

    Examples
    --------
    >>> crosswalk = load_crosswalk(pd.DataFrame({"naics": ["336411", "336412"], "cluster": ["Aerospace"] * 2}),
    ...                            "naics", "cluster")
    >>> table = pd.DataFrame({"state": ["WA", "WA", "KS"], "naics": ["336411", "999999", "336412"],
    ...                       "emp": [100, 7, 40]})
    >>> result = apply_crosswalk(table, "naics", crosswalk, ["emp"])
    >>> result.frame
      state      naics    emp
    0    WA  Aerospace  100.0
    1    KS  Aerospace   40.0
    >>> result.unmapped
         code  emp  rows
    0  999999    7     1
    """
    if unmapped not in ("drop", "keep", "error"):
        raise CrosswalkError(f"unmapped must be 'drop', 'keep' or 'error', not {unmapped!r}")
    codes = frame[code_col].astype(str)
    known = codes.isin(set(crosswalk["from"]))
    lost = frame.loc[~known]
    report = (
        lost.assign(_code=codes[~known]).groupby("_code")[value_cols].sum().assign(rows=lost.groupby(codes[~known]).size())
        .rename_axis("code").reset_index()
        if len(lost) else pd.DataFrame(columns=["code", *value_cols, "rows"])
    )
    if len(lost) and unmapped == "error":
        sample = ", ".join(repr(c) for c in report["code"].head(5))
        raise CrosswalkError(f"{len(report)} code(s) in column '{code_col}' are not in the crosswalk, e.g. {sample}")
    mapped = frame.loc[known].assign(_code=codes[known]).merge(
        crosswalk.rename(columns={"from": "_code"}), on="_code", how="inner", sort=False)
    mapped[code_col] = mapped["to"]
    for col in value_cols:
        mapped[col] = mapped[col].astype(float) * mapped["weight"].to_numpy()
    mapped = mapped.drop(columns=["_code", "to", "weight"])
    if unmapped == "keep" and len(lost):
        mapped = pd.concat([mapped, lost.assign(**{code_col: codes[~known]})], ignore_index=True)
    return CrosswalkResult(frame=mapped.reset_index(drop=True), unmapped=report)
