"""Shared fixtures of the mapping tests (pure library: no database)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
DBMSS_DIR = REPO / "tests" / "data" / "dbmss"
IREP_CSV = REPO / "src" / "triplec" / "registry" / "data" / "irep_france_facilities_etablissements.csv"


def load_irep_mainland() -> pd.DataFrame:
    """IREP facilities of mainland France: rows whose Lambert II etendu coordinates fall in the
    mainland box (10,052 rows; overseas rows use other coordinate systems)."""
    df = pd.read_csv(IREP_CSV, dtype=str)
    x = pd.to_numeric(df["Coordonnees_X"], errors="coerce")
    y = pd.to_numeric(df["Coordonnees_Y"], errors="coerce")
    mainland = (x > 0) & (x < 1.3e6) & (y > 1.6e6) & (y < 2.8e6)
    return df[mainland].reset_index(drop=True)


@pytest.fixture(scope="session")
def irep_mainland() -> pd.DataFrame:
    return load_irep_mainland()


@pytest.fixture(scope="session")
def synthetic_points() -> pd.DataFrame:
    """dbmss reference register: 4,000 establishments in km with employees, sectors S1..S5 + OTHER."""
    return pd.read_csv(DBMSS_DIR / "synthetic_points.csv")
