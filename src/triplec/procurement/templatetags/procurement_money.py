"""{% load procurement_money %}{% money_actions %}: the money block of a contract's page (the buttons
the reader may press now, see `money_pages`), drawn from the page's `contract`, `request` and, when a
settlement was refused, its bound `settle_form`."""

from __future__ import annotations

from django import template

from ..money_pages import money_actions as actions_for

register = template.Library()


@register.inclusion_tag("procurement/_money_actions.html", takes_context=True)
def money_actions(context):
    contract = context["contract"]
    return {"actions": actions_for(context["request"].user, contract, context.get("settle_form")),
            "contract": contract, "csrf_token": context.get("csrf_token")}
