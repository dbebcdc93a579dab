"""Who may see and do what with cluster mapping runs and cluster records (issue 3).

| role                | mapping runs and cluster records        | does                                  |
|---------------------|-----------------------------------------|---------------------------------------|
| agency-admin        | all                                     | starts runs, creates/edits clusters,  |
|                     |                                         | attaches footprints                   |
| programme-officer   | all                                     | same as agency-admin                  |
| broker              | all (read-only)                         | nothing                               |
| evaluator           | all (read-only)                         | nothing                               |
| association-manager | none                                    | nothing                               |
| enterprise-user     | none                                    | nothing                               |

A mapping run reads the whole register (every establishment's site is part of the counterfactual),
and its outputs list establishments by id: only the agency-wide roles, who see the whole register,
may see runs and their files. Cluster records carry footprint members too, so they follow the same rule.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import refuses_with, role_of
from triplec.accounts.roles import AGENCY_WIDE_ROLES, Role

from .models import Cluster, MappingRun

MAPPING_EDITORS = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER})


@refuses_with(_("Cluster mapping is for the agency's staff."))
def can_view_mapping(user) -> bool:
    """Open mapping runs (results, plots, maps, downloads) and cluster records."""
    return role_of(user) in AGENCY_WIDE_ROLES


@refuses_with(_("You may not start mapping runs."))
def can_run_mapping(user) -> bool:
    """Start a mapping run on the register or on an uploaded file."""
    return role_of(user) in MAPPING_EDITORS


def can_manage_clusters(user) -> bool:
    """Create and edit cluster records and attach footprints found by a run to them."""
    return role_of(user) in MAPPING_EDITORS


@refuses_with(_("You may not cancel mapping runs."))
def can_cancel_mapping_run(user, run) -> bool:
    """Stop a queued or running mapping run: those who may start runs, any run (they share the queue)."""
    return role_of(user) in MAPPING_EDITORS


@refuses_with(_("You may not delete mapping runs."))
def can_delete_mapping_run(user, run) -> bool:
    """Delete a finished mapping run and its files: those who may start runs, any run. Footprints
    attached to cluster records stay there as snapshots."""
    return role_of(user) in MAPPING_EDITORS


@refuses_with(_("You may not export the cluster records."))
def can_export_clusters(user) -> bool:
    """Download the cluster records and their footprints as CSV or XLSX."""
    return can_view_mapping(user)


def visible_mapping_runs(user) -> QuerySet:
    qs = MappingRun.objects.all()
    return qs if can_view_mapping(user) else qs.none()


def visible_clusters(user) -> QuerySet:
    qs = Cluster.objects.all()
    return qs if can_view_mapping(user) else qs.none()


@refuses_with(_("You may not create cluster records."))
def can_create_clusters(user) -> bool:
    return can_manage_clusters(user)


@refuses_with(_("You may not change cluster records."))
def can_change_clusters(user) -> bool:
    return can_manage_clusters(user)


@refuses_with(_("You may not attach footprints to clusters."))
def can_attach_footprints(user) -> bool:
    return can_manage_clusters(user)
