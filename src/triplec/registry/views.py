"""HTML pages of the register: enterprises, organisations, memberships, contacts and the map.

Every page needs a login. Reads go through `registry.policy` / `selectors` (scoped to the user), writes
through `services`. Objects the user may not see answer 404; actions the user may not take answer 403.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from triplec.core.idsets import pk_among
from triplec.core.shortcuts import (
    HISTORY_ROWS,
    button_done,
    errors_on_form,
    first_or_404,
    form_saved,
    found_or_404,
    history_records,
    history_rows,
    is_partial,
    map_tiles,
    page_of,
    require_page,
)

from . import mapdata, policy, sectors, selectors, services
from .countries import country_name
from .exporting_options import export_options_context
from .forms import (
    ContactForm,
    EnterpriseFilterForm,
    EnterpriseForm,
    MembershipAddForm,
    MembershipEndForm,
    OrganisationForm,
    territory_field,
)
from .models import Enterprise, Membership, Organisation, OrganisationKind, Territory
from .search import identifier_q
from .table_rows import table_html, table_rows

PAGE_SIZE = 50
MATERIALISE_BELOW = 2000  # see RegisterPaginator
MEMBERS_SHOWN = 100  # an association page lists this many; the filtered list shows them all


# How a history table names the values of these fields.
NAMED_IN_HISTORY = {"country": country_name}


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # the import/export pages are an optional part of the URL map
        return None


class RegisterPaginator(Paginator):
    """Pages of a filtered register that stay fast on 100,000s of rows.

    A selective filter (a text search, a rare sector) leaves a few hundred rows scattered through the
    register. Asking the database for "the first 50 by name" then makes it walk the name index and
    read row after row until 50 match: about a second on 100,000 rows in SQLite when the matches sort
    late. So the paginator first fetches the ids of the matching rows, unordered, stopping after
    `small` + 1 (one scan, as a count would be). When they are no more than `small`, the count is
    their number and each page is read by primary key among them and sorted (milliseconds); otherwise
    the matches are dense, the usual ordered LIMIT/OFFSET is quick, and the count is an exact COUNT(*).
    """

    def __init__(self, object_list, per_page, small: int = 2000, counted=None):
        super().__init__(object_list, per_page)
        self.small = small
        self.counted = counted  # () -> the same rows, filtered the way quicker to count (a text search)

    @cached_property
    def _few_ids(self) -> list | None:
        return selectors.few_ids(self.object_list, self.small)

    @cached_property
    def count(self) -> int:
        if self._few_ids is not None:
            return len(self._few_ids)
        return selectors.count(self.counted() if self.counted else self.object_list)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        objects = self.object_list
        ordered = objects if self._few_ids is None else objects.filter(pk_among(self._few_ids, objects.db))
        # The page's ids first, by the sort index alone (an OFFSET over the joined rows read 10,000
        # territories for page 200: 17 ms vs 1) and kept while the database is unchanged; then its rows.
        objects = objects.filter(pk__in=selectors.page_ids(ordered, bottom, top))
        return self._get_page(objects, number, self)


def paginate(request, queryset, per_page: int = PAGE_SIZE, counted=None) -> Page:
    return page_of(request, queryset, per_page, RegisterPaginator, small=MATERIALISE_BELOW, counted=counted)


# Enterprises ----------------------------------------------------------------------------------------

def _sort_links(current: str) -> dict[str, str]:
    """For each sortable column, the sort value its header link sets (toggles direction when active)."""
    links = {}
    for key in ("name", "employees", "sector", "founded", "updated"):
        links[key] = f"-{key}" if current == key else key
    return links


def _list_context(request, form: EnterpriseFilterForm) -> dict:
    f = form.to_filter()
    qs = selectors.filter_enterprises(request.user, f).select_related("territory")
    page = paginate(request, qs, counted=(lambda: selectors.filter_enterprises(request.user, f, counting=True))
                    if f.q else None)
    query = request.GET.copy()
    query.pop("page", None)
    if f.sector:  # the normalised code (NACE 2511 -> 25.11), so that export and map select the same rows
        query["sector"] = f.sector
    rows = table_rows(page.object_list)
    return {
        "form": form, "filter": f, "page": page, "enterprises": rows, "enterprise_rows": table_html(rows),
        "sort": f.sort, "sort_links": _sort_links(f.sort), "query": query.urlencode(),
        "export_url": _url_or_none("enterprise_export") if policy.can_export(request.user) else None,
        **export_options_context([(k, v) for k, values in query.lists() if k != "format" for v in values],
                                 [("csv", "CSV"), ("xlsx", "XLSX")]),
        "can_create": policy.can_create_enterprise(request.user),
    }


@login_required
@require_GET
def enterprise_list(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    context = _list_context(request, form)
    if is_partial(request):
        return render(request, "registry/_enterprise_results.html", {**context, "partial": True})
    return render(request, "registry/enterprise_list.html", context)


def _sector_context(ent) -> dict:
    section = ent.sector_section
    return {
        "sector_label": sectors.label(ent.sector_classification, ent.sector_code),
        "official_sector_label": sectors.official_label(ent.sector_classification, ent.sector_code),
        "section_label": sectors.label(ent.sector_classification, section) if section else "",
    }


def _enterprise_detail_context(request, ent: Enterprise, contact_form: ContactForm | None = None) -> dict:
    user = request.user
    can_edit = policy.can_edit_enterprise(user, ent)
    memberships = (policy.visible_memberships(user).filter(enterprise=ent)
                   .select_related("association").order_by("-start_date"))
    today = date.today()
    return {
        "enterprise": ent,
        **_sector_context(ent),
        "territory_path": ent.territory.lineage() if ent.territory_id else [],
        "memberships": [(m, m.is_active_on(today)) for m in memberships],
        "contacts": ent.contacts.all(),
        "can_edit": can_edit,
        "contact_form": contact_form or (ContactForm() if can_edit else None),
        "history": history_rows(history_records(ent.history.all()), Enterprise, {"territory": Territory},
                                NAMED_IN_HISTORY),
        "change_requests": list(policy.visible_change_requests(user).filter(enterprise=ent)
                                .select_related("requested_by", "decided_by")[:HISTORY_ROWS]),
        "can_request_change": policy.can_request_enterprise_change(user, ent),
        **map_tiles(),
    }


@login_required
@require_GET
def enterprise_detail(request, pk: int):
    ent = found_or_404(services.get_enterprise, request.user, pk)
    return render(request, "registry/enterprise_detail.html", _enterprise_detail_context(request, ent))


@login_required
@require_GET
def enterprise_popup(request, pk: int):
    """The map's popup for one point: name, sector, place and a link."""
    ent = found_or_404(services.get_enterprise, request.user, pk)
    return render(request, "registry/_map_popup.html", {"enterprise": ent, **_sector_context(ent)})


def _record_saved(request, form, save, message: str, detail: str):
    """A register record's form sent (not a territory refresh): when `save(form.service_data())` goes
    through, its `message` and the record's `detail` page; else None (the form shows its errors)."""
    if request.method != "POST" or "_refresh" in request.POST:
        return None
    record = form_saved(form, lambda _data: save(form.service_data()))
    if record is None:
        return None
    messages.success(request, message % {"name": record})
    return redirect(detail, pk=record.pk)


def _enterprise_form_page(request, form, ent=None):
    locked = ent is not None and bool(policy.fields_confirmed_by_agency(request.user))
    return render(request, "registry/enterprise_form.html", {"form": form, "enterprise": ent, "locked": locked})


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_create(request):
    require_page(policy.can_create_enterprise, request.user)
    form = EnterpriseForm(request.POST if request.method == "POST" else None)
    return (_record_saved(request, form, lambda data: services.create_enterprise(request.user, data),
                          _("%(name)s was added to the register."), "enterprise_detail")
            or _enterprise_form_page(request, form))


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, pk: int):
    ent = found_or_404(services.get_enterprise, request.user, pk)
    require_page(policy.can_edit_enterprise, request.user, ent)
    locked = policy.fields_confirmed_by_agency(request.user)
    form = EnterpriseForm(request.POST if request.method == "POST" else None, instance=ent, locked=locked)
    return (_record_saved(request, form, lambda data: services.update_enterprise(request.user, ent, data),
                          _("Saved the changes to %(name)s."), "enterprise_detail")
            or _enterprise_form_page(request, form, ent))


@login_required
@require_POST
def contact_add(request, pk: int):
    ent = found_or_404(services.get_enterprise, request.user, pk)
    require_page(policy.can_edit_enterprise, request.user, ent)
    form = ContactForm(request.POST)
    if form.is_valid():
        with errors_on_form(form):
            services.add_contact(request.user, enterprise=ent, **form.cleaned_data)
        if not form.errors:
            messages.success(request, _("Contact added."))
            return redirect("enterprise_detail", pk=ent.pk)
    return render(request, "registry/enterprise_detail.html", _enterprise_detail_context(request, ent, form))


# Territory select (htmx) ----------------------------------------------------------------------------

@login_required
@require_GET
def territory_select(request):
    """A territory select listing the municipalities of the chosen region (swapped in by htmx)."""
    purpose = request.GET.get("purpose", "form")
    if purpose not in ("filter", "form"):
        purpose = "form"
    value = request.GET.get("territory") or None
    field = territory_field(purpose, int(value) if value and value.isdigit() else None)
    return HttpResponse(field.widget.render("territory", value, attrs={"id": "id_territory"}))


# Map ------------------------------------------------------------------------------------------------

@login_required
@require_GET
def enterprise_map(request):
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    return render(request, "registry/enterprise_map.html", {"form": form, **map_tiles()})


@login_required
@require_GET
def enterprise_map_data(request):
    """Every visible enterprise with coordinates under the list's filters, in compact form (see mapdata)."""
    form = EnterpriseFilterForm(request.GET or None, user=request.user)
    qs = selectors.filter_enterprises(request.user, form.to_filter())
    response = HttpResponse(mapdata.map_payload_json(qs), content_type="application/json")
    response["Cache-Control"] = "private, no-cache"
    return response


# Organisations --------------------------------------------------------------------------------------

@login_required
@require_GET
def organisation_list(request):
    qs = policy.visible_organisations(request.user).select_related("territory")
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()
    if kind in OrganisationKind.values:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | identifier_q(q))
    page = paginate(request, qs.order_by("name", "id"))
    _count_current_members(request.user, page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "registry/organisation_list.html", {
        "page": page, "organisations": page.object_list, "kind": kind, "q": q,
        "kinds": OrganisationKind.choices, "query": query.urlencode(),
        "can_create": policy.can_manage_organisations(request.user),
    })


def _count_current_members(user, organisations) -> None:
    """Sets `current_members` on each organisation of a page: the memberships current today that
    `user` may see (an enterprise user sees its own), counted for the page's rows only."""
    counts = dict(policy.visible_memberships(user)
                  .filter(Membership.current_q(), association__in=[o.pk for o in organisations])
                  .values("association").annotate(n=Count("pk")).values_list("association", "n"))
    for org in organisations:
        org.current_members = counts.get(org.pk, 0)


def _organisation_detail_context(request, org: Organisation, membership_form=None) -> dict:
    user = request.user
    today = date.today()
    members, past = [], []
    if org.is_association:
        for m in (policy.visible_memberships(user).filter(association=org)
                  .select_related("enterprise").order_by("enterprise__legal_name", "-start_date")):
            (members if m.is_active_on(today) else past).append(m)
    can_manage_members = org.is_association and policy.can_manage_membership(user, org)
    visible_ids = policy.visible_memberships(user).filter(association=org).values("id")
    membership_history = history_records(Membership.history.filter(association_id=org.pk, id__in=visible_ids))
    enterprise_names = dict(Enterprise.objects.filter(pk__in={r.enterprise_id for r in membership_history})
                            .values_list("pk", "legal_name"))
    return {
        "organisation": org,
        "territory_path": org.territory.lineage() if org.territory_id else [],
        "members": members[:MEMBERS_SHOWN], "member_count": len(members),
        "more_members": max(0, len(members) - MEMBERS_SHOWN), "past_members": past[:200],
        "contacts": org.contacts.all(),
        "can_edit": policy.can_edit_organisation(user, org),
        "can_manage_members": can_manage_members,
        "membership_form": membership_form or (MembershipAddForm(user=user) if can_manage_members else None),
        "end_form": MembershipEndForm() if can_manage_members else None,
        "history": history_rows(history_records(org.history.all()), Organisation, {"territory": Territory},
                                NAMED_IN_HISTORY),
        "membership_history": [{"record": r, "enterprise": enterprise_names.get(r.enterprise_id, f"#{r.enterprise_id}")}
                               for r in membership_history[:HISTORY_ROWS]],
        "members_url": (reverse("enterprise_list") + f"?association={org.pk}") if org.is_association else None,
    }


@login_required
@require_GET
def organisation_detail(request, pk: int):
    org = found_or_404(services.get_organisation, request.user, pk)
    return render(request, "registry/organisation_detail.html", _organisation_detail_context(request, org))


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    require_page(policy.can_manage_organisations, request.user)
    form = OrganisationForm(request.POST if request.method == "POST" else None)
    saved = _record_saved(request, form, lambda data: services.create_organisation(request.user, data),
                          _("%(name)s was added."), "organisation_detail")
    return saved or render(request, "registry/organisation_form.html", {"form": form, "organisation": None})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, pk: int):
    org = found_or_404(services.get_organisation, request.user, pk)
    require_page(policy.can_edit_organisation, request.user, org)
    may_change_kind = policy.can_manage_organisations(request.user)
    form = OrganisationForm(request.POST if request.method == "POST" else None, instance=org,
                            may_change_kind=may_change_kind)
    saved = _record_saved(request, form, lambda data: services.update_organisation(request.user, org, data),
                          _("Saved the changes to %(name)s."), "organisation_detail")
    return saved or render(request, "registry/organisation_form.html", {"form": form, "organisation": org})


# Memberships ----------------------------------------------------------------------------------------

@login_required
@require_POST
def membership_add(request, pk: int):
    org = found_or_404(services.get_organisation, request.user, pk)
    if not org.is_association:
        raise Http404(_("Only associations have members."))
    require_page(policy.can_manage_membership, request.user, org)
    form = MembershipAddForm(request.POST, user=request.user)
    if form.is_valid():
        data = form.cleaned_data
        with errors_on_form(form):
            m = services.add_membership(request.user, data["enterprise"], org, data["start_date"],
                                        data.get("end_date"))
        if not form.errors:
            messages.success(request, _("%(ent)s is now a member of %(org)s.") % {"ent": m.enterprise, "org": org})
            return redirect("organisation_detail", pk=org.pk)
    return render(request, "registry/organisation_detail.html",
                  _organisation_detail_context(request, org, membership_form=form))


@login_required
@require_POST
def membership_end(request, pk: int):
    m = first_or_404(policy.visible_memberships(request.user).select_related("association", "enterprise").filter(pk=pk), _("No such membership."))
    form = MembershipEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a valid end date."))
        return redirect("organisation_detail", pk=m.association_id)
    end = form.cleaned_data["end_date"]
    button_done(request, lambda: services.end_membership(request.user, m, end),
                _("Membership of %(ent)s ended on %(day)s.") % {"ent": m.enterprise, "day": end})
    return redirect("organisation_detail", pk=m.association_id)
