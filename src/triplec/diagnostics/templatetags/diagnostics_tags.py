"""A study's figures as the reader writes them: whole numbers without decimals, others to three places
at most without trailing zeros ("66,7" in Portuguese), thousands grouped; — for no value."""

from django import template
from django.utils import formats

register = template.Library()


@register.filter
def figure(value) -> str:
    if value is None:
        return "—"
    number = round(float(value), 3)
    if number == int(number):
        number = int(number)
    return formats.number_format(number, use_l10n=True, force_grouping=True)


@register.filter
def signed_figure(value) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + figure(value)
