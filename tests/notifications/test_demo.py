"""The demo leaves its users a few notices of what is due (the badge and list have something to show);
loading them again creates none."""

import pytest

from triplec.accounts.models import User
from triplec.notifications.models import Notification

pytestmark = pytest.mark.slow


def test_demo_users_have_notices(db):
    from triplec import demo
    from triplec.notifications.demo import load_demo_notifications

    summary = demo.load(french_register=False)
    created = summary.created["notifications"]
    assert created > 0 and Notification.objects.count() == created
    assert load_demo_notifications(User.objects.get(username="admin"), "") == 0
    by_user = {}
    for n in Notification.objects.select_related("recipient"):
        by_user.setdefault(n.recipient.username, set()).add(n.kind)
    assert "evaluation-overdue" in by_user["broker"] and "follow-up-due" in by_user["enterprise"]
    assert "evaluator" not in by_user  # reads everything, acts on nothing
