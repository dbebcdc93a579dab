from triplec.accounts import policy as accounts_policy
from triplec.centres import policy as centres_policy
from triplec.diagnostics import policy as diagnostics_policy
from triplec.evaluation import policy as evaluation_policy
from triplec.fairs import policy as fairs_policy
from triplec.notifications.services.inbox import unread_count
from triplec.procurement import policy as procurement_policy
from triplec.registry import policy as registry_policy
from triplec.suppliers import policy as suppliers_policy


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_role": accounts_policy.role_of(user),
        "can_import": registry_policy.can_import_enterprises(user),
        "can_manage_organisations": registry_policy.can_manage_organisations(user),
        "can_manage_users": accounts_policy.can_manage_users(user),
        "can_decide_change_requests": registry_policy.can_decide_change_requests(user),
        "sees_procurement": procurement_policy.sees_contracts(user),
        "sees_fairs": fairs_policy.sees_fairs(user),
        "sees_centres": centres_policy.sees_centres(user),
        "sees_suppliers": suppliers_policy.sees_programmes(user),
        "sees_evaluation": evaluation_policy.sees_evaluation(user),
        "sees_impact": evaluation_policy.can_view_impact(user),
        "sees_dashboard": evaluation_policy.can_read_dashboard(user),
        "notices_unread": unread_count(user),
        "sees_diagnostics": diagnostics_policy.can_view_studies(user),
    }
