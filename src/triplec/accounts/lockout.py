"""Login lock-out (django-axes) by username and client address, and by client address alone."""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class UserAndAddressLockout(AxesDatabaseHandler):
    """Axes locks a username at one client address after AXES_FAILURE_LIMIT failures; this also locks
    the client address after TRIPLEC_LOGIN_IP_FAILURE_LIMIT failures across all usernames (password
    spraying: one guess for many accounts). A successful login clears only that username's failures
    (AXES_LOCKOUT_PARAMETERS), so a sprayer cannot reset its address by logging in to its own account."""

    def get_failures(self, request, credentials=None) -> int:
        pair = super().get_failures(request, credentials)
        address = AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address, attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"] or 0
        # Axes compares one count with its limit: put the address's count on the same scale
        # (floor(address * limit / address_limit) reaches limit exactly when address reaches address_limit).
        limit = get_failure_limit(request, credentials)
        return max(pair, address * limit // settings.TRIPLEC_LOGIN_IP_FAILURE_LIMIT)
