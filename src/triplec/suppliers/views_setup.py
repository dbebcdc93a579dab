"""The agency's set-up pages of a supplier programme: a new programme with its cost-sharing rule, the
large buyer's consent, enrolment (a register enterprise by identifier or name, or a homeworker),
training sessions and their attendance, a supplier's sales to other customers, and the KPI exports.

A form sent with errors shows the programme's page again with the errors on it; a write that worked
redirects to the page. Permissions are checked before any input is read (`policy` via `require_page`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.shortcuts import errors_on_form, first_or_404, require_page
from triplec.registry.models import Enterprise, Territory
from triplec.registry.picker import options_response

from . import pages, policy
from .forms import OrderFileForm
from .forms_setup import (
    AttendanceForm,
    ConsentForm,
    EnrolForm,
    HomeworkerForm,
    OtherSalesForm,
    ProgrammeForm,
    SessionForm,
)
from .models import TrainingSession
from .pages import programme_or_404, supplier_or_404
from .services import exports, orders, programmes, training

SETUP_FORMS = {"consent_form": ConsentForm, "enrol_form": EnrolForm, "homeworker_form": HomeworkerForm,
               "session_form": SessionForm}


def render_programme(request, programme, **bound):
    """The programme's page, with `bound` forms (sent with errors) in place of empty ones."""
    context = pages.programme_page(request.user, programme)
    context["file_form"] = OrderFileForm()
    if context["can_manage"]:
        context.update({name: bound.get(name) or form() for name, form in SETUP_FORMS.items()})
    return render(request, "suppliers/programme_detail.html", context, status=200)


def _to_programme(programme):
    return redirect(reverse("suppliers:programme_detail", args=[programme.pk]))


@login_required
@require_GET
def firm_options(request):
    """Suggestions for the enrolment form's search box: any enterprise of the register (agency editors)."""
    require_page(policy.can_manage_programmes, request.user)
    return options_response(request, Enterprise.objects.all())


@login_required
@require_http_methods(["GET", "POST"])
def programme_add(request):
    require_page(policy.can_manage_programmes, request.user)
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with errors_on_form(form):
            programme = programmes.create_programme(request.user, **form.cleaned_data)
            messages.success(request, _("Programme created. Record the large buyer's consent before enrolling "
                                        "suppliers."))
            return _to_programme(programme)
    return render(request, "suppliers/programme_form.html", {"form": form})


@login_required
@require_POST
def consent(request, pk: int):
    programme = programme_or_404(request.user, pk)
    require_page(policy.can_manage_programmes, request.user)
    form = ConsentForm(request.POST)
    if form.is_valid():
        with errors_on_form(form):
            programmes.record_consent(request.user, programme, **form.cleaned_data)
            messages.success(request, _("The buyer's consent is recorded; suppliers may now be enrolled."))
            return _to_programme(programme)
    return render_programme(request, programme, consent_form=form)


@login_required
@require_POST
def enrol(request, pk: int):
    """A register enterprise, named by its national identifier or its name."""
    programme = programme_or_404(request.user, pk)
    require_page(policy.can_manage_programmes, request.user)
    form = EnrolForm(request.POST)
    if form.is_valid():
        with errors_on_form(form):
            enterprise = programmes.find_enterprise(form.cleaned_data["enterprise"])
            supplier = programmes.enrol_enterprise(request.user, programme, enterprise,
                                                   on=form.cleaned_data["enrolled_on"])
            messages.success(request, _("%(name)s enrolled.") % {"name": supplier})
            return _to_programme(programme)
    return render_programme(request, programme, enrol_form=form)


@login_required
@require_POST
def enrol_homeworker(request, pk: int):
    """A homeworker without a formal identifier, by name, product and (if known) municipality."""
    programme = programme_or_404(request.user, pk)
    require_page(policy.can_manage_programmes, request.user)
    form = HomeworkerForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        municipality = None
        if data["municipality"]:
            municipality = Territory.objects.filter(code=data["municipality"].strip(),
                                                    level=Territory.Level.MUNICIPALITY).first()
            if municipality is None:
                form.add_error("municipality", _("No municipality has this code."))
        if not form.errors:
            with errors_on_form(form):
                supplier = programmes.enrol_homeworker(request.user, programme, name=data["person_name"],
                                                       product=data["product"], municipality=municipality,
                                                       on=data["enrolled_on"])
                messages.success(request, _("%(name)s enrolled.") % {"name": supplier})
                return _to_programme(programme)
    return render_programme(request, programme, homeworker_form=form)


@login_required
@require_POST
def session_add(request, pk: int):
    """A training session; its cost is shared on the ledger by the programme's rule."""
    programme = programme_or_404(request.user, pk)
    require_page(policy.can_manage_programmes, request.user)
    form = SessionForm(request.POST)
    if form.is_valid():
        with errors_on_form(form):
            session = training.create_session(request.user, programme, **form.cleaned_data)
            messages.success(request, _("Training session scheduled; record its attendance on its page."))
            return redirect(reverse("suppliers:session_detail", args=[session.pk]))
    return render_programme(request, programme, session_form=form)


def _session_or_404(user, pk: int) -> TrainingSession:
    session = first_or_404(TrainingSession.objects.filter(pk=pk, programme__in=policy.visible_programmes(user))
                           .select_related("programme__buyer"), _("No such training session."))
    if not policy.sees_whole_programme(user, session.programme):
        raise Http404(_("No such training session."))
    return session


@login_required
@require_http_methods(["GET", "POST"])
def session_detail(request, pk: int):
    """A session and who attended; a POST records attendance (the buyer's staff or the agency)."""
    session = _session_or_404(request.user, pk)
    suppliers = session.programme.suppliers.select_related("enterprise").order_by("id")
    attended = list(session.attendances.exclude(supplier=None).values_list("supplier_id", flat=True))
    form = AttendanceForm(suppliers=suppliers, initial={"suppliers": attended})  # recording adds, never removes
    if request.method == "POST":
        require_page(policy.can_run_programme, request.user, session.programme)
        form = AttendanceForm(request.POST, suppliers=suppliers)
        if form.is_valid():
            with errors_on_form(form):
                rows = training.record_attendance(request.user, session, suppliers=form.cleaned_data["suppliers"],
                                                  staff=form.staff_names())
                messages.success(request, _("Attendance recorded (%(n)s).") % {"n": len(rows)})
                return redirect(reverse("suppliers:session_detail", args=[session.pk]))
    attendances = session.attendances.select_related("supplier__enterprise").order_by("id")
    return render(request, "suppliers/session_detail.html", {
        "session": session, "programme": session.programme, "currency": session.programme.currency,
        "attendances": attendances, "form": form, "can_run": policy.can_run_programme(request.user, session.programme)})


@login_required
@require_POST
def other_sales(request, pk: int):
    """The supplier's sales to other customers in a year (the spillover); sent again, the year is replaced."""
    supplier = supplier_or_404(request.user, pk)
    require_page(policy.can_update_supplier, request.user, supplier)
    form = OtherSalesForm(request.POST)
    if form.is_valid():
        with errors_on_form(form):
            orders.record_other_sales(request.user, supplier, **form.cleaned_data)
            messages.success(request, _("Sales to other customers recorded for %(year)s.")
                             % {"year": form.cleaned_data["year"]})
            return redirect(reverse("suppliers:supplier_detail", args=[supplier.pk]))
    for field_errors in form.errors.values():
        for error in field_errors:
            messages.error(request, error)
    return redirect(reverse("suppliers:supplier_detail", args=[supplier.pk]))


@login_required
@require_GET
def export_kpis(request, pk: int, fmt: str):
    """Per-order KPIs and the before/after table (`?what=orders` or `before-after` for CSV; XLSX has both)."""
    programme = programme_or_404(request.user, pk)
    require_page(policy.can_export_kpis, request.user, programme)
    what = request.GET.get("what", "before-after")
    if fmt not in ("csv", "xlsx") or what not in exports.TABLES:
        raise Http404(_("KPIs are exported as CSV (orders or before-after) or XLSX."))
    return pages.kpi_file(request, programme, fmt, what)
