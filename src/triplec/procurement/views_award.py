"""The agency awards a contract to an association: a single enterprise or another kind of organisation
is refused with the reason, and the page offers to register the producers' association instead."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from triplec.core.shortcuts import errors_on_form, require_page

from . import policy
from .forms_award import AwardForm
from .services import programmes as programme_services


@login_required
@require_http_methods(["GET", "POST"])
def award(request):
    require_page(policy.can_manage_programmes, request.user)
    form = AwardForm(request.POST or None, programmes=policy.visible_programmes(request.user).order_by("name"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form, aliases={"association": "awardee", "lines": "product_1",
                                           "unit_price": "unit_price_1"}):
            contract = programme_services.award_contract(
                request.user, data["programme"], association=data["awardee"], reference=data["reference"],
                lines=form.lines(), awarded_on=data["awarded_on"])
            messages.success(request, _("Contract %(reference)s awarded to %(association)s.")
                             % {"reference": contract.reference, "association": contract.association})
            return redirect("procurement:contract_detail", pk=contract.pk)
    return render(request, "procurement/award.html", {"form": form, "offer_registration": "awardee" in form.errors})
