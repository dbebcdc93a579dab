"""Four threads refresh the same user's notices and send the digests at the same moment: each due
thing is notified once (the unique (recipient, key) constraint with get_or_create) and e-mailed once
(the claim of `emailed_at` waits for the other run's and then finds nothing left). PostgreSQL only:
SQLite's in-memory test database cannot hold concurrent writers."""

from datetime import date

import pytest
from django.core import mail
from django.db import connection
from tests import threads

from triplec.notifications.models import Notification
from triplec.notifications.services import inbox
from triplec.notifications.services import mail as digests
from triplec.notifications.services.due import Run, due_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("threads need PostgreSQL; SQLite serialises writers (IMMEDIATE transactions)")


def test_concurrent_refreshes_and_digests_notify_and_email_once(expo, signed_up):
    user = expo.world.users["association-manager"]
    user.email = "manager@example.org"
    user.save()
    on = date(2027, 12, 20)
    due = due_for(user, Run(on=on))
    assert len(due) == 3
    created = threads.run_together(lambda n, r: inbox.refresh(user, on=on).created)
    assert sum(created) == 3 and Notification.objects.filter(recipient=user).count() == 3
    sent = threads.run_together(lambda n, r: digests.send_digest(user))
    assert sorted(sent) == [0, 0, 0, 3]
    assert [m.to for m in mail.outbox] == [["manager@example.org"]]
