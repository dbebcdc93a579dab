"""Links from a contract's page to the association's records on it (repairs, defaults, warranty)
and to its yearly outcomes, each shown only to who may open it (the policy decides)."""

from django import template

from .. import policy

register = template.Library()


@register.inclusion_tag("procurement/_records_links.html", takes_context=True)
def records_links(context, contract):
    user = context["request"].user
    return {"contract": contract, "run": policy.can_run_contract(user, contract),
            "warranty": policy.can_claim_warranty(user, contract),
            "outcomes": policy.can_view_outcomes(user, contract.association)}
