from triplec.accounts import policy


def navigation(request):
    user = getattr(request, "user", None)
    return {
        "nav_role": policy.role_of(user),
        "can_import": policy.can_import_enterprises(user),
        "can_manage_organisations": policy.can_manage_organisations(user),
        "can_manage_users": policy.can_manage_users(user),
        "can_decide_change_requests": policy.can_decide_change_requests(user),
    }
