"""HTML pages of networks of firms: the list, the broker's dashboard, the independence portfolio, creating
and editing a network, and what each network's pages share. The network's tabs are in `views_overview`
(members, market, stage and the next gate's checklist), `views_money` and `views_records` (activities,
evaluations, independence).

Every page needs a login. Reads go through `selectors` / `page_queries` (scoped by `networks.policy`),
writes through `services` (the stage only through `services.transition`). A network the user may not
see answers 404; an action the user may not take answers 403 before any input is read. No rule is
decided here: when a service refuses, the page shows its reason.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from triplec.accounts import policy as accounts_policy
from triplec.accounts.roles import Role
from triplec.core.shortcuts import domain_errors, errors_on_form, is_partial, page_of, require_page

from . import page_queries, policy, selectors, services
from .forms import NetworkFilterForm, NetworkForm, PortfolioFilterForm
from .independence import CRITERIA
from .models import Network

LIST_PAGE_SIZE = 25


def network_or_404(request, pk: int, may: Callable | None = None) -> Network:
    """The network the user may see (else a 404 page) and, given a `can_*` check, may act on (else 403)."""
    with domain_errors():
        network = services.get_network(request.user, pk)
    if may is not None:
        require_page(may, request.user, network)
    return network


def page_controls(user, network: Network) -> dict[str, bool]:
    """What the user may do on this network (the policy decides; the page shows or hides controls)."""
    open_ = not network.stage.is_closed
    return {
        "manage": policy.can_manage_network(user, network),
        "edit": policy.can_manage_network(user, network),
        "change_stage": policy.can_change_stage(user, network),
        "members": policy.can_manage_network_members(user, network) and open_,
        "activity": policy.can_record_activity(user, network) and open_,
        "cost": policy.can_record_cost(user, network),
        "contribution": policy.can_record_contribution(user, network),
        "contracts": policy.can_manage_contracts(user, network),
        "evaluate": policy.can_record_evaluation(user, network) and open_,
        "assess": policy.can_assess_independence(user, network),
    }


def tab_context(request, network: Network, tab: str) -> dict:
    due = selectors.due_evaluations(request.user, network=network, within_days=0)
    return {"network": network, "tab": tab, "can": page_controls(request.user, network),
            "overdue_count": sum(1 for d in due if d.overdue)}


# The list, the broker's dashboard, the portfolio ---------------------------------------------------------

@login_required
@require_GET
def network_list(request):
    user = request.user
    form = NetworkFilterForm(request.GET or None, user=user)
    f, sort = form.to_filter()
    qs = page_queries.sort_networks(selectors.filter_networks(user, f), sort)
    page = page_of(request, qs, LIST_PAGE_SIZE)
    due = page_queries.due_counts(user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "page": page, "sort": sort, "query": query.urlencode(),
        "rows": [(n, due.get(n.pk, page_queries.DueCount())) for n in page.object_list],
        "can_create": policy.can_create_network(user),
        "show_broker_filter": form.show_broker, "show_broker": accounts_policy.role_of(user) != Role.BROKER, "tab": "list",
    }
    if is_partial(request):
        return render(request, "networks/_network_results.html", {**context, "partial": True})
    return render(request, "networks/network_list.html", context)


@login_required
@require_GET
def my_networks(request):
    """The broker's own dashboard: each open network, its stage and next gate, what is missing,
    evaluations due and overdue, recent activities. Agency staff see every open network."""
    user = request.user
    rows = selectors.broker_dashboard(user)
    rows.sort(key=lambda r: (-r.overdue_evaluations, r.network.name))
    due = selectors.due_evaluations(user, within_days=30)
    return render(request, "networks/my_networks.html", {
        "rows": rows, "due": due, "overdue": [d for d in due if d.overdue],
        "recent": selectors.recent_activities(user, 10), "can_create": policy.can_create_network(user),
        "tab": "mine",
    })


@login_required
@require_GET
def portfolio(request):
    """Independence across networks: each network's latest assessment (k of 12), how many meet at
    least 4 and at least 6, the distribution and how often each criterion is met."""
    form = PortfolioFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    result = selectors.independence_portfolio(
        request.user, kinds=data.get("kind") or None, on=data.get("on"),
        min_age_months=data.get("min_age"), max_age_months=data.get("max_age"))
    distribution = list(result.distribution.items())
    counts = result.criterion_counts()
    return render(request, "networks/portfolio.html", {
        "form": form, "portfolio": result, "at_least_4": result.at_least(4), "at_least_6": result.at_least(6),
        "distribution": distribution, "top": max([n for _k, n in distribution] + [1]),
        "criteria": [(c, counts[c.code]) for c in CRITERIA], "tab": "portfolio",
        "rows": [(r, [c.number for c in CRITERIA if c.code in r.met]) for r in result.rows],
    })


# Creating and editing ------------------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def network_create(request):
    user = request.user
    require_page(policy.can_create_network, user)
    if request.method == "GET":
        form = NetworkForm(user=user, initial={"kind": request.GET.get("kind", "")})
        return render(request, "networks/network_form.html", {"form": form})
    form = NetworkForm(request.POST, user=user)
    if "_refresh" not in request.POST and form.is_valid():
        with errors_on_form(form, NetworkForm.ALIASES):
            network = services.create_network(user, form.service_data())
        if not form.errors:
            messages.success(request, _("%(name)s was created in the stage %(stage)s. Add its member firms.")
                             % {"name": network.name, "stage": network.stage})
            return redirect(reverse("networks:network_detail", args=[network.pk]) + "#members")
    return render(request, "networks/network_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def network_edit(request, pk: int):
    user = request.user
    network = network_or_404(request, pk, policy.can_manage_network)
    if request.method == "GET":
        return render(request, "networks/network_form.html",
                      {"form": NetworkForm(user=user, network=network), "network": network})
    form = NetworkForm(request.POST, user=user, network=network)
    if "_refresh" not in request.POST and form.is_valid():
        with errors_on_form(form, NetworkForm.ALIASES):
            services.update_network(user, network, form.service_data())
        if not form.errors:
            messages.success(request, _("Saved the changes to %(name)s.") % {"name": network.name})
            return redirect("networks:network_detail", pk=network.pk)
    return render(request, "networks/network_form.html", {"form": form, "network": network})
