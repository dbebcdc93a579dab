"""The demo logins every app's demo loader makes (the register's, procurement's inspector, a centre's
staff, ...): made once through the service, with an e-mail at the demo domain."""

from __future__ import annotations

from .models import User
from .services import create_user

DEMO_DOMAIN = "demo.triplec.local"


def demo_user(username: str, password: str, **fields) -> User:
    """The demo login `username`, made with `fields` (role, organisation, enterprise) when it does not
    exist yet; loading the demo again changes nothing."""
    return User.objects.filter(username=username).first() or create_user(
        None, username=username, password=password, email=f"{username}@{DEMO_DOMAIN}", **fields)
