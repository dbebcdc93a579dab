"""The service layer of diagnostic studies: pages, API and tests all call these."""

from .readings import baseline, compare, indicator_rows, study_data
from .studies import (
                      complete_study,
                      get_cluster,
                      get_study,
                      refresh_indicators,
                      start_study,
                      state_indicator,
                      update_study,
                      withdraw_stated,
)

__all__ = ["baseline", "compare", "complete_study", "get_cluster", "get_study", "indicator_rows",
           "refresh_indicators", "start_study", "state_indicator", "study_data", "update_study", "withdraw_stated"]
