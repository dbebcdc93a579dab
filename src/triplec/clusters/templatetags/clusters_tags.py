"""Template helpers of the clusters pages; permissions come from `clusters.policy`."""

from django import template

from triplec.clusters import messages, policy

register = template.Library()


@register.filter
def may_view_mapping(user) -> bool:
    return policy.can_view_mapping(user)


@register.filter
def number(value, digits: int = 3):
    """A statistic for a table: '—' when missing, else `digits` significant digits."""
    if value is None or value == "":
        return "—"
    try:
        x = float(value)
    except (TypeError, ValueError):
        return value
    if x != x:
        return "—"
    return f"{x:.{int(digits)}g}"


@register.filter
def percent(value):
    if value is None or value == "":
        return "—"
    return f"{100 * float(value):.0f}%"


@register.filter
def signed(value):
    if value is None:
        return ""
    return f"{value:+,.0f}"


@register.filter
def run_message(value) -> str:
    """A message the run's task stored (in English), in the reader's language when it is a known one."""
    return messages.shown(value)


@register.filter
def footprint_anchor(footprint_id) -> str:
    """The HTML id of a footprint's row on its run page (see selectors.footprint_anchor)."""
    from triplec.clusters.selectors import footprint_anchor as anchor

    return anchor(footprint_id)
