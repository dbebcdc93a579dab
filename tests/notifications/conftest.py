"""Notifications fixtures: the instruments' own fixtures (their plain records), reused so that what is
due is read from the records each instrument really writes."""

from tests.fairs.conftest import expo, signed_up  # noqa: F401
from tests.networks.conftest import nets  # noqa: F401
from tests.procurement.conftest import desks  # noqa: F401
from tests.suppliers.conftest import shoes  # noqa: F401


def notices(user, run):
    """(kind, subject, due_on) of what is due for `user`, sorted."""
    from triplec.notifications.services.due import due_for

    return sorted((d.kind, d.subject, d.due_on) for d in due_for(user, run))


def who_gets(users: dict, run, kind: str) -> dict:
    """Per user name: the subjects of `kind` due for them (users with none left out)."""
    from triplec.notifications.services.due import due_for

    out = {}
    for name, user in users.items():
        found = sorted(d.subject for d in due_for(user, run) if d.kind == kind)
        if found:
            out[name] = found
    return out
