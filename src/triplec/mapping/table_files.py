"""Reading a table file (CSV, TSV or Parquet) with its code columns as text: the point registers of the
mapping pipeline and the regional tables are read the same way and differ only in their error words."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")


def read_frame(path: Path, text_columns: Iterable[str] = (), sep: str = ",") -> pd.DataFrame | None:
    """The table in `path` (a .tsv is tab-separated, other text files use `sep`); in a text file the
    `text_columns` are read as text (ids and codes such as FIPS "01001" keep their leading zeros), a
    Parquet file keeps its own types. None when the suffix is none of those; pandas' and pyarrow's own
    errors pass through for the caller to word."""
    import pandas as pd

    text_columns = [c for c in text_columns if c]
    suffix = path.suffix.lower()
    if suffix in PARQUET_SUFFIXES:
        return pd.read_parquet(path)
    if suffix in CSV_SUFFIXES:
        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else sep, dtype=dict.fromkeys(text_columns, str),
                           low_memory=False)
    return None
