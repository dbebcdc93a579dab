"""A study's figures as the reader writes them: whole numbers without decimals, others to three places
at most without trailing zeros ("66,7" in Portuguese), thousands grouped; — for no value."""

from django import template
from django.utils import formats

register = template.Library()


def whole(value):
    """Whole numbers without decimals, others to three places; None stays None."""
    if value is None:
        return None
    number = round(float(value), 3)
    return int(number) if number == int(number) else number


@register.filter
def figure(value) -> str:
    if value is None:
        return "—"
    return formats.number_format(whole(value), use_l10n=True, force_grouping=True)


@register.filter
def signed_figure(value) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + figure(value)


@register.inclusion_tag("diagnostics/_baseline.html", takes_context=True)
def cluster_baseline(context, cluster):
    """The cluster's evaluation baseline (its latest completed study's figures) for pages of other apps:
    they load this tag instead of importing diagnostics, which imports them."""
    from triplec.diagnostics import policy, services

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not policy.can_view_studies(user):
        return {"shown": False}
    return {"shown": True, "cluster": cluster, "baseline": services.baseline(cluster)}
