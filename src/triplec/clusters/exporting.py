"""Export the cluster records to CSV or XLSX: one row a cluster (with its latest footprint's figures),
and one row an attached footprint (every cluster's trajectory, with the change since the cluster's
previous footprint). The XLSX workbook holds both tables as two sheets; a CSV file holds one.

As the register's export: CSV is UTF-8 with a byte-order mark (spreadsheet programs then detect the
encoding) and text cells that a spreadsheet would run as a formula (starting with = + - @ or a tab or
carriage return) get a leading apostrophe (OWASP "CSV injection"). The reader's convention
(`core.spreadsheets.TableStyle`: separator, decimal mark, headers as codes or labels) applies as there.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy

from triplec.accounts.policy import require
from triplec.core import spreadsheets

from . import policy, registers
from .models import ClusterFootprint

CLUSTER_COLUMNS = (
    "cluster_id", "name", "sector_classification", "sector_codes", "sector_labels", "territory", "description",
    "notes", "footprints", "last_mapped", "last_run", "establishments", "employment", "sme_share", "area_km2",
    "places", "centroid_lon", "centroid_lat", "created_at", "updated_at")
FOOTPRINT_COLUMNS = (
    "cluster_id", "cluster_name", "mapped", "run_id", "run_title", "run_deleted", "footprint_id", "sector",
    "establishments", "change_establishments", "employment", "change_employment", "sme_share", "area_km2",
    "scale_km", "places", "centroid_lon", "centroid_lat", "attached_at", "attached_by")
TABLES = {"clusters": CLUSTER_COLUMNS, "footprints": FOOTPRINT_COLUMNS}
COLUMN_LABELS = {
    "cluster_id": gettext_lazy("Cluster"), "name": gettext_lazy("Name"), "cluster_name": gettext_lazy("Cluster name"),
    "sector_classification": gettext_lazy("Classification"), "sector_codes": gettext_lazy("Sector codes"),
    "sector_labels": gettext_lazy("Sectors"), "territory": gettext_lazy("Territory"),
    "description": gettext_lazy("Description"), "notes": gettext_lazy("Notes"),
    "footprints": gettext_lazy("Footprints"), "last_mapped": gettext_lazy("Last mapped"),
    "last_run": gettext_lazy("Last run"), "establishments": gettext_lazy("Establishments"),
    "employment": gettext_lazy("Employment"), "sme_share": gettext_lazy("SME share"),
    "area_km2": gettext_lazy("Area (km²)"), "places": gettext_lazy("Places"),
    "centroid_lon": gettext_lazy("Centroid longitude"), "centroid_lat": gettext_lazy("Centroid latitude"),
    "created_at": gettext_lazy("Created"), "updated_at": gettext_lazy("Updated"), "mapped": gettext_lazy("Mapped"),
    "run_id": gettext_lazy("Mapping run"), "run_title": gettext_lazy("Run title"),
    "run_deleted": gettext_lazy("Run deleted"), "footprint_id": gettext_lazy("Footprint"),
    "sector": gettext_lazy("Sector"), "change_establishments": gettext_lazy("Change in establishments"),
    "change_employment": gettext_lazy("Change in employment"), "scale_km": gettext_lazy("Scale (km)"),
    "attached_at": gettext_lazy("Attached"), "attached_by": gettext_lazy("Attached by"),
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _check(user) -> None:
    require(policy.can_export_clusters, user)


def _date(value) -> str:
    return timezone.localtime(value).date().isoformat() if value else ""


def _datetime(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _footprints_by_cluster(clusters) -> dict[int, list[ClusterFootprint]]:
    by_cluster: dict[int, list[ClusterFootprint]] = {c.pk: [] for c in clusters}
    for fp in (ClusterFootprint.objects.filter(cluster_id__in=list(by_cluster))
               .select_related("attached_by").order_by("observed_at", "attached_at", "id")):
        by_cluster[fp.cluster_id].append(fp)
    return by_cluster


def _visible_clusters(user) -> list:
    return list(policy.visible_clusters(user).select_related("territory__parent__parent").order_by("name", "id"))


def cluster_rows(user) -> Iterator[dict]:
    """One dict a visible cluster record, keyed by CLUSTER_COLUMNS; the figures are those of its latest
    footprint (the order of the cluster page: observed, then attached)."""
    _check(user)
    clusters = _visible_clusters(user)
    footprints = _footprints_by_cluster(clusters)
    for cluster in clusters:
        own = footprints[cluster.pk]
        latest = own[-1] if own else None
        labels = [registers.sector_label(cluster.sector_classification, code, get_language()) if cluster.sector_classification
                  else "" for code in cluster.code_list]
        yield {
            "cluster_id": cluster.pk, "name": cluster.name, "sector_classification": cluster.sector_classification,
            "sector_codes": ", ".join(cluster.code_list), "sector_labels": " | ".join(label for label in labels if label),
            "territory": cluster.territory.path if cluster.territory_id else "", "description": cluster.description,
            "notes": cluster.notes, "footprints": len(own),
            "last_mapped": _date(latest.observed_at) if latest else "",
            "last_run": latest.run_title if latest else "",
            "establishments": latest.establishments if latest else None,
            "employment": latest.employment if latest else None,
            "sme_share": latest.sme_share if latest else None,
            "area_km2": latest.area_km2 if latest else None,
            "places": "; ".join(latest.regions or []) if latest else "",
            "centroid_lon": latest.centroid_lon if latest else None,
            "centroid_lat": latest.centroid_lat if latest else None,
            "created_at": _datetime(cluster.created_at), "updated_at": _datetime(cluster.updated_at),
        }


def footprint_rows(user) -> Iterator[dict]:
    """One dict a footprint attached to a visible cluster, keyed by FOOTPRINT_COLUMNS, clusters by name
    and each cluster's footprints oldest first; change_* is the difference from the previous one."""
    _check(user)
    clusters = _visible_clusters(user)
    footprints = _footprints_by_cluster(clusters)
    for cluster in clusters:
        previous = None
        for fp in footprints[cluster.pk]:
            change_employment = None
            if previous is not None and fp.employment is not None and previous.employment is not None:
                change_employment = fp.employment - previous.employment
            yield {
                "cluster_id": cluster.pk, "cluster_name": cluster.name, "mapped": _date(fp.observed_at),
                "run_id": fp.run_id, "run_title": fp.run_title, "run_deleted": fp.run_id is None,
                "footprint_id": fp.footprint_id, "sector": fp.sector, "establishments": fp.establishments,
                "change_establishments": None if previous is None else fp.establishments - previous.establishments,
                "employment": fp.employment, "change_employment": change_employment, "sme_share": fp.sme_share,
                "area_km2": fp.area_km2, "scale_km": fp.eps_km, "places": "; ".join(fp.regions or []),
                "centroid_lon": fp.centroid_lon, "centroid_lat": fp.centroid_lat,
                "attached_at": _datetime(fp.attached_at),
                "attached_by": fp.attached_by.username if fp.attached_by_id else "",
            }
            previous = fp


ROWS = {"clusters": cluster_rows, "footprints": footprint_rows}


def header(columns, style: spreadsheets.TableStyle) -> list[str]:
    """Column codes, or with headers="labels" the columns' names in the active language."""
    if style.headers == "labels":
        return [str(COLUMN_LABELS.get(c, c)) for c in columns]
    return list(columns)


def csv_bytes(user, what: str = "clusters", style: spreadsheets.TableStyle | None = None) -> bytes:
    style = style or spreadsheets.TableStyle()
    columns = TABLES[what]
    rows = ROWS[what](user)
    cells = ([spreadsheets.csv_cell(row[c], style.decimal) for c in columns] for row in rows)
    return b"".join(spreadsheets.csv_stream(header(columns, style), cells, style))


def xlsx_bytes(user, style: spreadsheets.TableStyle | None = None) -> bytes:
    """Both tables, one sheet each ("clusters", "footprints")."""
    _check(user)
    style = style or spreadsheets.TableStyle()
    labels = {c: label for columns in TABLES.values() for c, label in zip(columns, header(columns, style),
                                                                          strict=True)}
    return spreadsheets.xlsx_bytes({what: (columns, ROWS[what](user)) for what, columns in TABLES.items()},
                                   headers=labels)


def export(user, fmt: str, what: str = "clusters", style: spreadsheets.TableStyle | None = None) -> bytes:
    """The export's bytes: CSV of one table (`what`), or the XLSX workbook of both, in `style`."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(f"unknown export format {fmt!r}; use csv or xlsx")
    if what not in TABLES:
        raise ValueError(f"unknown table {what!r}; use clusters or footprints")
    return csv_bytes(user, what, style) if fmt == "csv" else xlsx_bytes(user, style)


def export_filename(fmt: str, what: str = "clusters") -> str:
    stem = "clusters" if fmt == "xlsx" else ("clusters" if what == "clusters" else "cluster-footprints")
    return f"{stem}-{timezone.localdate():%Y%m%d}.{fmt}"
