"""{% load networks_scores %}: {{ score|score_meaning }}, the meaning of an evaluation score 1-5."""

from __future__ import annotations

from django import template

from triplec.networks.models import score_label

register = template.Library()


@register.filter
def score_meaning(score) -> str:
    return score_label(score)
