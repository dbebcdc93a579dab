"""Who may see and do what with the diagnostic studies of clusters (issue 13).

| role                | studies                         | does                                          |
|---------------------|---------------------------------|-----------------------------------------------|
| agency-admin        | all                             | starts, edits, completes studies; states      |
| programme-officer   | all                             | indicators                                    |
| broker, evaluator   | all (read-only)                 | nothing                                       |
| association-manager | none                            | nothing                                       |
| enterprise-user     | none                            | nothing                                       |

The cluster records decide (clusters.policy): a study is read by those who may open its cluster and
written by those who may edit cluster records. Association managers are left out on purpose: a study
carries register-derived figures of every firm of the cluster (members of other associations too) and
the cluster records themselves are closed to them; a printed study can be shared with them instead.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from triplec.accounts.policy import refuses_with
from triplec.clusters import policy as clusters_policy

from .models import Study


@refuses_with(_("Diagnostic studies are for the agency's staff."))
def can_view_studies(user) -> bool:
    return clusters_policy.can_view_mapping(user)


@refuses_with(_("You may not write diagnostic studies."))
def can_edit_studies(user) -> bool:
    """Start a study (or a new version), edit a draft, state indicators and complete it."""
    return clusters_policy.can_manage_clusters(user)


def visible_studies(user) -> QuerySet:
    qs = Study.objects.all()
    return qs if can_view_studies(user) else qs.none()
