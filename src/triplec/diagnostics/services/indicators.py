"""The indicators of a study computed from the register: each a figure, the names behind it and the
query it came from, in words a reader can check by hand.

The cluster's firms are the establishments of its latest footprint found by a mapping run of the
register (their ids are enterprise ids); without one, the register's enterprises of the cluster's
sector codes (and classification) in its territory and the territories under it."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from triplec.centres.models import Subscription
from triplec.clusters import selectors as cluster_selectors
from triplec.clusters.models import Cluster, MappingRun
from triplec.fairs.models import Participation
from triplec.networks.models import Network, NetworkMember
from triplec.procurement.models import Contract
from triplec.registry.models import ASSOCIATION_KINDS, Enterprise, Membership, Territory
from triplec.registry.selectors import territory_descendant_ids
from triplec.suppliers.models import Supplier

# The computed indicators' labels and units, translated when shown (a study's rows keep the key).
LABELS = {
    "firms": gettext_lazy("Firms"),
    "employment": gettext_lazy("Employment"),
    "sme_share": gettext_lazy("SME share"),
    "lq": gettext_lazy("Location quotient"),
    "footprint_establishments": gettext_lazy("Establishments in the footprint"),
    "footprint_area": gettext_lazy("Area of the footprint"),
    "kd_gamma": gettext_lazy("Localisation index Γ (Kd)"),
    "kd_p_value": gettext_lazy("Kd p-value"),
    "kd_peak_distance": gettext_lazy("Kd peak distance"),
    "colocated_sectors": gettext_lazy("Co-located supplier and service sectors"),
    "associations": gettext_lazy("Associations present"),
    "association_members": gettext_lazy("Cluster firms in an association"),
    "networks": gettext_lazy("Networks running"),
    "procurement_contracts": gettext_lazy("Procurement contracts"),
    "fair_participations": gettext_lazy("Fair participations"),
    "supplier_programmes": gettext_lazy("Supplier programmes"),
    "centre_subscriptions": gettext_lazy("Service centre subscriptions"),
}
# A computed figure's unit for its count ("1 association", "2 associations"), in the reader's language.
UNITS = {
    "firms": lambda n: ngettext("firm", "firms", n),
    "employment": lambda n: ngettext("employee", "employees", n),
    "colocated_sectors": lambda n: ngettext("sector", "sectors", n),
    "associations": lambda n: ngettext("association", "associations", n),
    "association_members": lambda n: ngettext("firm", "firms", n),
    "networks": lambda n: ngettext("network", "networks", n),
    "procurement_contracts": lambda n: ngettext("contract", "contracts", n),
    "fair_participations": lambda n: ngettext("participation", "participations", n),
    "supplier_programmes": lambda n: ngettext("programme", "programmes", n),
    "centre_subscriptions": lambda n: ngettext("subscription", "subscriptions", n),
}


def unit_of(key: str, value, unit: str) -> str:
    """A computed figure's unit for its value, in the reader's language; another unit as it was given."""
    if key not in UNITS:
        return unit
    return UNITS[key](int(value) if value is not None and float(value).is_integer() else 2)
NAMES_SHOWN = 12  # names listed in an indicator's details; the count says how many there are


@dataclass
class Figure:
    key: str
    label: str
    value: float | None
    unit: str = ""
    source: str = ""
    text: str = ""
    as_of: date | None = None


@dataclass
class ClusterFirms:
    queryset: QuerySet
    described: str
    extra: list[Figure] = field(default_factory=list)


def _codes_q(cluster: Cluster) -> Q:
    q = Q()
    for code in cluster.code_list:
        q |= Q(sector_code__startswith=code)
    if cluster.sector_classification:
        q &= Q(sector_classification=cluster.sector_classification)
    return q


def cluster_firms(cluster: Cluster) -> ClusterFirms:
    footprint = cluster.current_footprint
    if footprint is not None and footprint.run_source == MappingRun.Source.REGISTER:
        ids = [int(i) for i in footprint.member_ids if str(i).isdigit()]
        return ClusterFirms(Enterprise.objects.filter(pk__in=ids), _(
            "enterprises of footprint %(fp)s found by the mapping run “%(run)s” on %(day)s") % {
            "fp": footprint.footprint_id, "run": footprint.run_title, "day": footprint.observed_at.date().isoformat()})
    if not cluster.code_list:
        return ClusterFirms(Enterprise.objects.none(), _("no footprint and no sector code recorded: no firm"))
    qs = Enterprise.objects.filter(_codes_q(cluster))
    where = _("the whole register")
    if cluster.territory_id:
        qs = qs.filter(territory_id__in=territory_descendant_ids(cluster.territory_id))
        where = cluster.territory.display_name
    return ClusterFirms(qs, _("enterprises of sector codes %(codes)s in %(where)s") % {
        "codes": ", ".join(cluster.code_list), "where": where})


def _names(items: list[str]) -> str:
    shown = "; ".join(items[:NAMES_SHOWN])
    return shown + (" …" if len(items) > NAMES_SHOWN else "")


def _size_figures(firms: ClusterFirms) -> list[Figure]:
    qs = firms.queryset
    n = qs.count()
    employment = qs.aggregate(total=Sum("employees"))["total"]
    known = qs.filter(employees__isnull=False).count()
    sme = qs.filter(employees__lt=settings.TRIPLEC_SIZE_THRESHOLDS["medium"]).count()
    limit = settings.TRIPLEC_SIZE_THRESHOLDS["medium"]
    return [
        Figure("firms", str(LABELS["firms"]), n, _("firms"), _("Count of the %(firms)s.") % {"firms": firms.described}),
        Figure("employment", str(LABELS["employment"]), employment if n else 0, _("employees"),
               _("Sum of the employees recorded for them (%(known)s of %(n)s firms with a number).") % {
                   "known": known, "n": n}),
        Figure("sme_share", str(LABELS["sme_share"]), round(100 * sme / known, 1) if known else None, "%",
               _("Firms with fewer than %(limit)s employees among the %(known)s with a number (the register's "
                 "size bands).") % {"limit": limit, "known": known}),
    ]


def _country_of(territory: Territory) -> Territory:
    while territory.parent_id:
        territory = territory.parent
    return territory


def location_quotient(cluster: Cluster) -> Figure | None:
    """(employment of the cluster's codes in its territory / all employment there) over the same share in
    the territory's country; establishments when no employment is recorded."""
    if not cluster.territory_id or not cluster.code_list:
        return None
    country = _country_of(cluster.territory)
    local_ids = territory_descendant_ids(cluster.territory_id)
    national = Enterprise.objects.filter(Q(territory_id__in=territory_descendant_ids(country.pk))
                                         | Q(country=country.code))
    if cluster.sector_classification:
        national = national.filter(sector_classification=cluster.sector_classification)
    local = national.filter(territory_id__in=local_ids)

    def employment(qs):
        return qs.aggregate(total=Sum("employees"))["total"] or 0

    measure, total = _("employment"), employment
    if not employment(national.filter(_codes_q(cluster))):
        measure, total = _("establishments"), QuerySet.count
    parts = [total(local.filter(_codes_q(cluster))), total(local), total(national.filter(_codes_q(cluster))),
             total(national)]
    value = None
    if parts[1] and parts[2] and parts[3]:
        value = round((parts[0] / parts[1]) / (parts[2] / parts[3]), 3)
    return Figure("lq", str(LABELS["lq"]), value, "", _(
        "Share of the cluster's codes in the %(measure)s of %(where)s (%(a)s of %(b)s) over their share in "
        "%(country)s (%(c)s of %(d)s), register enterprises of the same classification.") % {
        "measure": measure, "where": cluster.territory.display_name, "country": country.display_name,
        "a": parts[0], "b": parts[1], "c": parts[2], "d": parts[3]})


def _finite(value) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def footprint_figures(cluster: Cluster) -> list[Figure]:
    """The latest footprint's own figures and, when its run's files are still there, the Kd screen of its
    sector (Gamma, p- and q-value, peak distance) and the co-located sectors of its profile."""
    fp = cluster.current_footprint
    if fp is None:
        return []
    observed = fp.observed_at.date()
    said = _("Footprint %(fp)s found by “%(run)s”.") % {"fp": fp.footprint_id, "run": fp.run_title}
    figures = [Figure("footprint_establishments", str(LABELS["footprint_establishments"]), fp.establishments, "",
                      said, as_of=observed),
               Figure("footprint_area", str(LABELS["footprint_area"]), _finite(fp.area_km2), "km²", said, as_of=observed)]
    run = fp.run
    if run is None or not run.output_path.is_dir():
        return figures
    row = next((r for r in cluster_selectors.sector_rows(run) if str(r.get("sector")) == str(fp.sector)), None)
    screen = _("Kd screen of sector %(sector)s in the run “%(run)s” (sectors_detail.csv).") % {
        "sector": fp.sector, "run": fp.run_title}
    if row is not None:
        figures += [Figure("kd_gamma", str(LABELS["kd_gamma"]), _finite(row.get("gamma")), "", screen, as_of=observed),
                    Figure("kd_p_value", str(LABELS["kd_p_value"]), _finite(row.get("p_value")), "", screen, as_of=observed),
                    Figure("kd_peak_distance", str(LABELS["kd_peak_distance"]), _finite(row.get("peak_distance")), "km", screen,
                           as_of=observed)]
    figures.append(_colocated(run, fp, observed))
    return figures


def _colocated(run: MappingRun, fp, observed: date) -> Figure:
    import pandas as pd

    path = run.output_path / "profiles.csv"
    rows = []
    if path.is_file():
        frame = pd.read_csv(path, dtype={"footprint_id": str, "sector": str})
        mine = frame[(frame["footprint_id"] == str(fp.footprint_id))
                     & frame["co_located"].astype(str).str.lower().isin(["true", "1"])]
        labels = cluster_selectors.sector_names(run, list(mine["sector"]))
        rows = [f"{s} {labels.get(s, '')} (×{float(r):.1f})".replace("  ", " ")
                for s, r in zip(mine["sector"], mine["ratio"], strict=True)]
    return Figure("colocated_sectors", str(LABELS["colocated_sectors"]), len(rows), _("sectors"),
                  _("Sectors over-represented in footprint %(fp)s (local LQ > 1, q < α), profiles.csv of “%(run)s”.")
                  % {"fp": fp.footprint_id, "run": fp.run_title}, _names(rows), as_of=observed)


def association_figures(firms: ClusterFirms, on: date) -> list[Figure]:
    members = (Membership.objects.filter(enterprise__in=firms.queryset, association__kind__in=ASSOCIATION_KINDS,
                                         start_date__lte=on)
               .filter(Q(end_date__isnull=True) | Q(end_date__gte=on)))
    per_association: dict[str, set[int]] = {}
    for name, enterprise in members.values_list("association__name", "enterprise_id"):
        per_association.setdefault(name, set()).add(enterprise)
    firms_in = {e for ids in per_association.values() for e in ids}
    said = _("Associations with current members among the cluster's firms (memberships on %(day)s).") % {
        "day": on.isoformat()}
    return [Figure("associations", str(LABELS["associations"]), len(per_association), _("associations"), said,
                   _names([f"{n} ({len(ids)})" for n, ids in sorted(per_association.items())])),
            Figure("association_members", str(LABELS["association_members"]), len(firms_in), _("firms"), said)]


def intervention_figures(firms: ClusterFirms, on: date) -> list[Figure]:
    qs = firms.queryset
    members = NetworkMember.objects.filter(enterprise__in=qs, joined_on__lte=on).filter(
        Q(left_on__isnull=True) | Q(left_on__gte=on))
    networks = Network.objects.filter(pk__in=members.values("network_id"), stage__is_closed=False)
    contracts = Contract.objects.filter(lines__allocations__member__in=qs, awarded_on__lte=on).distinct()
    fairs = Participation.objects.filter(enterprise__in=qs, cancelled_on__isnull=True, signed_up_on__lte=on)
    suppliers = Supplier.objects.filter(enterprise__in=qs, enrolled_on__lte=on)
    subscriptions = Subscription.objects.filter(enterprise__in=qs, starts_on__lte=on, ends_on__gte=on)
    return [
        Figure("networks", str(LABELS["networks"]), networks.count(), _("networks"),
               _("Networks in an open stage with a cluster firm as a member on %(day)s.") % {"day": on.isoformat()},
               _names(sorted(networks.values_list("name", flat=True)))),
        Figure("procurement_contracts", str(LABELS["procurement_contracts"]), contracts.count(), _("contracts"),
               _("Contracts awarded by %(day)s with units allocated to a cluster firm.") % {"day": on.isoformat()},
               _names(sorted(contracts.values_list("reference", flat=True)))),
        Figure("fair_participations", str(LABELS["fair_participations"]), fairs.count(), _("participations"),
               _("Participations of cluster firms at trade fairs signed up by %(day)s, not cancelled.") % {
                   "day": on.isoformat()}),
        Figure("supplier_programmes", str(LABELS["supplier_programmes"]), suppliers.values("programme").distinct().count(),
               _("programmes"), _("Supplier-upgrading programmes with a cluster firm enrolled by %(day)s.") % {
                   "day": on.isoformat()},
               _names(sorted(set(suppliers.values_list("programme__name", flat=True))))),
        Figure("centre_subscriptions", str(LABELS["centre_subscriptions"]), subscriptions.count(), _("subscriptions"),
               _("Subscriptions of cluster firms to service centres running on %(day)s.") % {"day": on.isoformat()}),
    ]


def compute(cluster: Cluster, on: date) -> list[Figure]:
    """Every register-derived figure of the cluster on day `on`, in the order a study shows them."""
    firms = cluster_firms(cluster)
    figures = _size_figures(firms)
    lq = location_quotient(cluster)
    if lq is not None:
        figures.append(lq)
    figures += footprint_figures(cluster) + association_figures(firms, on) + intervention_figures(firms, on)
    for figure in figures:
        figure.as_of = figure.as_of or on
    return figures

