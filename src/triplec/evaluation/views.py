"""Evaluation pages: the scorecards the reader may see (filtered by instrument and year), one
scorecard with each figure's evidence one click away, and the firm panel (a firm's years, entering a
year, filling the baseline from a diagnostic, importing a survey file). Every page needs a login;
what a page shows is scoped by `policy` (what the reader may not see answers 404)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as HttpForbidden
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.errors import ValidationFailed, domain_errors
from triplec.core.shortcuts import errors_as_messages, first_or_404, page_of, require_page

from . import policy
from .forms import FirmYearForm, PanelImportForm
from .services import panel, panel_import
from .services import scorecards as cards
from .services.cards import shown
from .services.panel import FIELDS

PAGE_SIZE = 25


def _reader(request):
    if not policy.sees_evaluation(request.user):
        raise HttpForbidden(_("You may not read evaluations."))
    return request.user


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@login_required
@require_GET
def scorecard_list(request):
    user = _reader(request)
    instrument = request.GET.get("instrument") or None
    if instrument not in cards.BY_KEY:
        instrument = None
    year = _int(request.GET.get("year"))
    number = max(_int(request.GET.get("page")) or 1, 1)
    page = cards.scorecards(user, instrument_key=instrument, year=year, limit=PAGE_SIZE,
                            offset=(number - 1) * PAGE_SIZE)
    pages = max((page.count + PAGE_SIZE - 1) // PAGE_SIZE, 1)
    return render(request, "evaluation/scorecard_list.html", {
        "cards": [(c, cards.BY_KEY[c.instrument].label, c.figure("firms_reached")) for c in page.items],
        "count": page.count, "number": number, "pages": pages,
        "instruments": cards.INSTRUMENTS, "instrument": instrument or "", "year": year or ""})


@login_required
@require_GET
def scorecard_detail(request, instrument: str, level: str, pk: int):
    with domain_errors():
        card = cards.scorecard(_reader(request), instrument, level, pk, _int(request.GET.get("year")))
    labels = {"customer_oriented": _("Customer-oriented"), "collective": _("Collective"), "cumulative": _("Cumulative")}
    return render(request, "evaluation/scorecard_detail.html", {
        "card": card, "instrument": cards.BY_KEY[instrument],
        "dimensions": [(name, labels[name], [(f, shown(f)) for f in figures]) for name, figures in card.dimensions()]})


@login_required
@require_GET
def panel_list(request):
    user = _reader(request)
    firms = policy.visible_panel_firms(user).filter(panel_years__isnull=False).distinct().order_by("legal_name")
    return render(request, "evaluation/panel_list.html", {
        "page": page_of(request, firms, PAGE_SIZE), "can_import": policy.can_import_panel(user),
        "import_form": PanelImportForm()})


def _firm_or_404(user, pk: int):
    return first_or_404(policy.visible_panel_firms(user).filter(pk=pk), _("No such firm."))


@login_required
@require_http_methods(["GET", "POST"])
def firm_panel(request, pk: int):
    user = _reader(request)
    firm = _firm_or_404(user, pk)
    can_enter = policy.can_enter_panel(user, firm)
    form = FirmYearForm()
    if request.method == "POST":
        require_page(policy.can_enter_panel, user, firm)
        form = FirmYearForm(request.POST)
        if form.is_valid():
            figures = {name: form.cleaned_data.get(name) for name in FIELDS}
            try:
                panel.record_year(user, firm, form.cleaned_data["year"], **figures)
            except ValidationFailed as exc:
                for name, errors in exc.errors.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                messages.success(request, _("The year is saved."))
                return redirect(reverse("evaluation:firm_panel", args=[firm.pk]))
    rows = list(policy.visible_panel(user).filter(enterprise=firm).order_by("year"))
    return render(request, "evaluation/firm_panel.html", {
        "firm": firm, "rows": rows, "form": form, "can_enter": can_enter,
        "can_fill": policy.can_import_panel(user), "diagnostic": panel.first_diagnostic(firm)},
        status=422 if request.method == "POST" else 200)


@login_required
@require_POST
def fill_baseline(request, pk: int):
    user = _reader(request)
    firm = _firm_or_404(user, pk)
    require_page(policy.can_import_panel, user)
    with errors_as_messages(request):
        if panel.fill_baseline(user, firm) is None:
            messages.warning(request, _("This firm has no diagnostic yet."))
        else:
            messages.success(request, _("The baseline is filled from the first diagnostic."))
    return redirect(reverse("evaluation:firm_panel", args=[firm.pk]))


@login_required
@require_POST
def import_panel(request):
    user = _reader(request)
    require_page(policy.can_import_panel, user)
    form = PanelImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to import."))
        return redirect(reverse("evaluation:panel_list"))
    upload = form.cleaned_data["file"]
    try:
        done = panel_import.import_panel(user, upload.read(), filename=upload.name,
                                         country=form.cleaned_data["country"].upper())
    except ValidationFailed as exc:
        rejected = getattr(exc, "preview", None)
        return render(request, "evaluation/panel_list.html", {
            "page": page_of(request, policy.visible_panel_firms(user).filter(panel_years__isnull=False).distinct()
                            .order_by("legal_name"), PAGE_SIZE),
            "can_import": True, "import_form": form,
            "import_errors": rejected.errors if rejected is not None else [], "import_message": str(exc)}, status=422)
    messages.success(request, _("Imported: %(created)s years added, %(updated)s replaced.")
                     % {"created": done.created, "updated": done.updated})
    return redirect(reverse("evaluation:panel_list"))
