"""Impact estimates for researchers and the platform: Callaway and Sant'Anna's (2021) difference in
differences with staggered entry (doubly robust cells, analytic standard errors, aggregations and a
pre-trend test). Django-free: numpy, pandas and scipy only.

    from triplec.impact import att_gt, aggregate
    effects = att_gt(panel, "firm", "year", "sales", "first_year", control="not-yet", covariates=["size"])
    effects.table            # cohort, time, att, se, base, post, n_treated, n_control
    aggregate(effects, "dynamic").table   # event-study figures
    effects.pretrend         # Wald chi-square test of the pre-period cells

Names are loaded on first use, so that importing the package (and the ``triplec`` command line) does not
pay for pandas and scipy until an estimate needs them.
"""

from __future__ import annotations

from triplec.lazy_exports import lazy_exports

_EXPORTS = {
    "triplec.impact.aggregations": ["KINDS", "Aggregation", "aggregate", "aggregate_table"],
    "triplec.impact.attgt": ["CONTROLS", "GroupTimeEffects", "PretrendTest", "att_gt", "att_gt_wide"],
    "triplec.impact.drdid": ["EstimationError"],
    "triplec.impact.panel": ["PanelError", "WidePanel", "wide_panel"],
}
__all__, __getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
