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

import importlib

_EXPORTS = {
    "triplec.impact.aggregations": ["KINDS", "Aggregation", "aggregate", "aggregate_table"],
    "triplec.impact.attgt": ["CONTROLS", "GroupTimeEffects", "PretrendTest", "att_gt", "att_gt_wide"],
    "triplec.impact.drdid": ["EstimationError"],
    "triplec.impact.panel": ["PanelError", "WidePanel", "wide_panel"],
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_WHERE)


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'triplec.impact' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
