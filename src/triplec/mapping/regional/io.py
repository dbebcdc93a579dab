"""Read region x sector tables (and crosswalks) from CSV or Parquet, keeping codes as text.

Codes such as FIPS "01001" or NAICS "311111" must stay strings: a CSV reader that guesses types
would turn "01001" into 1001. `read_table_file` reads the named code columns as text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from triplec.mapping.table_files import CSV_SUFFIXES, PARQUET_SUFFIXES, read_frame

__all__ = ["TableFileError", "read_table_file", "row_label_for"]



class TableFileError(ValueError):
    """A table file that cannot be read (missing, unknown type, unreadable, missing columns)."""


def read_table_file(path: str | Path, *, str_cols: Iterable[str] = (), required: Iterable[str] = ()) -> pd.DataFrame:
    """Read a CSV (comma; tab for .tsv) or Parquet file; `str_cols` come back as text (None where empty).

    Parameters
    ----------
    path : str or Path
        A ``.csv``, ``.txt``, ``.tsv`` (tab-separated), ``.parquet`` or ``.pq`` file.
    str_cols : iterable of str
        Columns read as text (codes such as FIPS "01001" keep their leading zeros).
    required : iterable of str
        Columns the file must have.

    Returns
    -------
    pandas.DataFrame
        The table.

    Raises
    ------
    TableFileError
        Naming the file when it is missing, of an unknown type, unreadable, or lacks one of the
        ``required`` columns.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "cbp.csv"
    ...     pd.DataFrame({"county": ["01001"], "naics": ["311111"], "emp": [12]}).to_csv(path, index=False)
    ...     table = read_table_file(path, str_cols=["county", "naics"], required=["emp"])
    >>> table.loc[0, "county"], table.loc[0, "naics"], int(table.loc[0, "emp"])
    ('01001', '311111', 12)
    """
    path = Path(path)
    str_cols = [c for c in str_cols if c]
    if not path.exists():
        raise TableFileError(f"{path}: file not found")
    try:
        frame = read_frame(path, str_cols)
        if frame is None:
            raise TableFileError(f"{path.name}: unknown file type {path.suffix.lower()!r}; use .csv, .tsv or .parquet")
        if path.suffix.lower() in PARQUET_SUFFIXES:  # typed columns: codes made text here, None where empty
            for col in str_cols:
                if col in frame.columns:
                    values = frame[col]
                    frame[col] = values.astype(object).where(values.isna(), values.astype(str))
    except TableFileError:
        raise
    except Exception as exc:  # pandas/pyarrow raise many types; report them with the file name
        raise TableFileError(f"{path.name}: cannot be read ({type(exc).__name__}: {exc})") from None
    missing = [c for c in required if c and c not in frame.columns]
    if missing:
        raise TableFileError(f"{path.name}: missing column(s) {missing}; columns are {list(frame.columns)}")
    return frame


def row_label_for(path: str | Path) -> Callable[[int], str]:
    """How to name data row i (0-based) of a file in messages: CSV line numbers count the header."""
    path = Path(path)
    if path.suffix.lower() in CSV_SUFFIXES:
        return lambda i: f"{path.name} line {i + 2}"
    return lambda i: f"{path.name} row {i + 1}"
