"""Template filters shared by every app's pages."""

import math

from django import template

register = template.Library()


def _whole_percent(value) -> int:
    """0..100, rounded; a positive value never rounds down to an invisible 0."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return 0
    if math.isnan(number) or number <= 0:
        return 0
    return max(1, min(100, round(number)))


@register.filter
def width_class(percent) -> str:
    """`w-NN`: a bar `percent` wide (web/bars.css), since the Content-Security-Policy forbids style=."""
    return f"w-{_whole_percent(percent)}"


@register.filter
def height_class(percent) -> str:
    """`h-NN`: a bar `percent` high (web/bars.css)."""
    return f"h-{_whole_percent(percent)}"
