"""The service layer of diagnostic studies: pages, API and tests all call these."""

from .evidence import add_evidence, evidence_data, evidence_rows, open_evidence, remove_evidence
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

__all__ = ["add_evidence", "baseline", "compare", "complete_study", "evidence_data", "evidence_rows", "get_cluster",
           "get_study", "indicator_rows", "open_evidence", "refresh_indicators", "remove_evidence", "start_study",
           "state_indicator", "study_data", "update_study", "withdraw_stated"]
