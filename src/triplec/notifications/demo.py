"""Demo notices: after the instruments' demos, every demo user's notices of what is due today (the
demo's overdue evaluations, gates, follow-ups, actions and payments), so the top bar's badge and the
list have something to show. No e-mail is sent. Loading twice changes nothing."""

from __future__ import annotations

from .services import inbox


def load_demo_notifications(admin, password: str) -> int:
    """Refresh every user's notices; returns how many were created."""
    return inbox.refresh().created
