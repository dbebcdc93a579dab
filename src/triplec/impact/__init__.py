"""Impact estimates for researchers and the platform: Callaway and Sant'Anna's (2021) difference in
differences with staggered entry (doubly robust cells, analytic standard errors, aggregations and a
pre-trend test). Django-free: numpy, pandas and scipy only.

    from triplec.impact import att_gt, aggregate
    effects = att_gt(panel, "firm", "year", "sales", "first_year", control="not-yet", covariates=["size"])
    effects.table            # cohort, time, att, se, base, post, n_treated, n_control
    aggregate(effects, "dynamic").table   # event-study figures
    effects.pretrend         # Wald chi-square test of the pre-period cells
"""

from .aggregate import KINDS, Aggregation, aggregate, aggregate_table
from .attgt import CONTROLS, GroupTimeEffects, PretrendTest, att_gt, att_gt_wide
from .drdid import EstimationError
from .panel import PanelError, WidePanel, wide_panel

__all__ = ["CONTROLS", "KINDS", "Aggregation", "EstimationError", "GroupTimeEffects", "PanelError",
           "PretrendTest", "WidePanel", "aggregate", "aggregate_table", "att_gt", "att_gt_wide", "wide_panel"]
