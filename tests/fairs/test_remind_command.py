"""`triplec fairs remind`, as cron runs it daily: the follow-ups that fell due are e-mailed with
progress, each once (a second run sends nothing); `--queue` leaves the work to the background worker."""

from datetime import date

import pytest
from django.core import mail
from tests.conftest import clock_on
from typer.testing import CliRunner

from triplec.cli import app
from triplec.core.models import BackgroundTask
from triplec.fairs.models import FollowUp

pytestmark = pytest.mark.django_db


def test_remind_sends_each_follow_up_once_with_progress(expo, signed_up):
    user = expo.world.users["enterprise-user"]
    user.email = "a1@example.org"
    user.save()
    runner = CliRunner()
    with clock_on(date(2027, 7, 1)):  # FENAC's 3-month follow-up (9 July) is within two weeks
        first = runner.invoke(app, ["fairs", "remind"])
        again = runner.invoke(app, ["fairs", "remind"])
    assert first.exit_code == 0, first.output
    assert "Reminded 1 follow-up(s)." in first.stdout and "1/1 Reminded 1 of 1" in first.stderr
    assert "Reminded 0 follow-up(s)." in again.stdout
    assert [m.to for m in mail.outbox] == [["a1@example.org"]]
    assert FollowUp.objects.filter(reminded_on=date(2027, 7, 1)).count() == 1


def test_remind_queued_for_the_worker(expo, signed_up):
    result = CliRunner().invoke(app, ["fairs", "remind", "--queue"])
    assert result.exit_code == 0, result.output
    row = BackgroundTask.objects.get()
    assert f"Queued task {row.pk}" in result.stdout and row.status == BackgroundTask.Status.QUEUED
