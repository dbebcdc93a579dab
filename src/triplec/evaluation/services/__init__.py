"""Evaluation's services: the firm panel (`panel`, `panel_import`) and the Triple C scorecards
(`scorecards` and one module per instrument)."""
