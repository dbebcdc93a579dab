"""Rate limits on account actions, counted in the database (shared by every server process and worker)
and the client address they are counted by, also behind the HTTPS proxy."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from .models import ThrottleEvent


def client_ip(request: HttpRequest) -> str:
    """The client's address. Behind TRIPLEC_PROXY_COUNT trusted proxies (1 with TRIPLEC_HTTPS=1) it is
    the X-Forwarded-For entry the outermost of them appended: entries further left come from the client
    and can be forged."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = int(getattr(settings, "TRIPLEC_PROXY_COUNT", 0) or 0)
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def take(limits: dict[str, tuple[str, int, int]]) -> bool:
    """Count one request against every limit in ``limits`` ({scope: (key, most requests, window
    seconds)}), all or none: False, and nothing counted, when any of them is already used up."""
    now = timezone.now()
    with transaction.atomic():
        for scope, (key, most, seconds) in limits.items():
            ThrottleEvent.objects.filter(scope=scope, created_at__lt=now - timedelta(seconds=seconds)).delete()
            used = ThrottleEvent.objects.filter(scope=scope, key_hash=_digest(key),
                                                created_at__gte=now - timedelta(seconds=seconds)).count()
            if used >= most:
                return False
        ThrottleEvent.objects.bulk_create([ThrottleEvent(scope=scope, key_hash=_digest(key), created_at=now)
                                           for scope, (key, _most, _seconds) in limits.items()])
    return True


def take_password_reset(request: HttpRequest, email: str) -> bool:
    """Count a password-reset request by client address and by e-mail address (known to us or not, so
    the answer never tells whether an account exists)."""
    per_address, per_email = (settings.TRIPLEC_PASSWORD_RESET_LIMITS[k] for k in ("address", "email"))
    return take({
        "password-reset-address": (client_ip(request), *per_address),
        "password-reset-email": (email.strip().lower(), *per_email),
    })
