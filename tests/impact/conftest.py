"""The published example panel (R `did`'s mpdta, see data/README.md) in its long form."""

from pathlib import Path

import pandas as pd
import pytest

MPDTA = Path(__file__).parent / "data" / "mpdta_wide.csv"


@pytest.fixture(scope="session")
def mpdta() -> pd.DataFrame:
    """One row a county and year: countyreal, first_treat, lpop, year, lemp (2,500 rows)."""
    wide = pd.read_csv(MPDTA)
    long = wide.melt(id_vars=["countyreal", "first_treat", "lpop"], var_name="year", value_name="lemp")
    long["year"] = long["year"].str.removeprefix("lemp_").astype(int)
    return long
