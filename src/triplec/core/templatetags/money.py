"""{% load money %}: {{ amount|money:currency }} and {{ fraction|share }} in the reader's locale."""

from __future__ import annotations

from django import template

from triplec.core.money_format import format_money, format_share

register = template.Library()


@register.filter
def money(amount, currency):
    return format_money(amount, currency)


@register.filter
def share(fraction, places=0):
    return format_share(fraction, places=int(places or 0))
