"""ApiToken.last_used_at: when a token was last used, to the minute, without a write per request."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from triplec.accounts.models import ApiToken, User


@pytest.fixture
def token(db):
    user = User.objects.create(username="integration", role="programme-officer")
    return ApiToken.issue(user, name="sync")


def _writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE")]


def test_first_use_is_recorded(token):
    record, raw = token
    assert ApiToken.authenticate(raw).username == "integration"
    record.refresh_from_db()
    assert record.last_used_at is not None


def test_a_burst_of_requests_writes_once(token):
    """Every API call used to UPDATE the token row: on SQLite, one writer at a time, so concurrent
    read-only API calls queued behind each other's writes."""
    _record, raw = token
    with CaptureQueriesContext(connection) as ctx:
        for _ in range(5):
            assert ApiToken.authenticate(raw) is not None
    assert len(_writes(ctx)) == 1


def test_use_after_a_while_is_recorded_again(token):
    record, raw = token
    long_ago = timezone.now() - ApiToken.LAST_USED_PRECISION - timedelta(seconds=1)
    ApiToken.objects.filter(pk=record.pk).update(last_used_at=long_ago)
    ApiToken.authenticate(raw)
    record.refresh_from_db()
    assert record.last_used_at > long_ago


def test_revoked_token_is_refused(token):
    record, raw = token
    ApiToken.objects.filter(pk=record.pk).update(revoked_at=timezone.now())
    assert ApiToken.authenticate(raw) is None
