"""The in-app list and the e-mail: a refresh creates each notice once, settles the ones no longer due
and reopens one due again; a digest e-mails each notice once, with absolute links, to users with an
address; `triplec notify --email` does both for cron."""

from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from tests.conftest import clock_on
from typer.testing import CliRunner

from triplec.core.errors import NotFound
from triplec.notifications.models import Kind, Notification
from triplec.notifications.services import inbox
from triplec.notifications.services import mail as digests

pytestmark = pytest.mark.django_db

ON = date(2027, 12, 20)  # FENAC's 3- and 6-month follow-ups and MICAM's 3-month ones are due


def test_refreshing_twice_notifies_once(expo, signed_up):
    first = inbox.refresh(on=ON)
    again = inbox.refresh(on=ON)
    assert first.created == Notification.objects.count() > 0
    assert (again.created, again.resolved) == (0, 0)
    user = expo.world.users["enterprise-user"]
    assert [(n.kind, n.subject, n.due_on) for n in inbox.open_notices(user)] == [
        (Kind.FOLLOW_UP_DUE, "Serraria Alfa Ltda · FENAC 2027", date(2027, 7, 9)),
        (Kind.FOLLOW_UP_DUE, "Serraria Alfa Ltda · FENAC 2027", date(2027, 10, 9)),
        (Kind.FOLLOW_UP_DUE, "Serraria Alfa Ltda · MICAM 2027", date(2027, 12, 22))]
    assert inbox.unread_count(user) == 3
    assert inbox.unread_count(expo.world.users["other-association-manager"]) == 0


def test_a_settled_thing_leaves_the_open_list(expo, signed_up):
    from triplec.fairs.services import money

    admin = expo.admin
    inbox.refresh(admin, on=date(2027, 3, 10))
    notice = Notification.objects.get(recipient=admin, kind=Kind.FAIR_PAYMENT)
    assert notice.title == "Fair costs waiting to be paid: Serraria Alfa Ltda · FENAC 2027"
    money.pay_costs(admin, signed_up[0], on=date(2027, 3, 10))
    assert inbox.refresh(admin, on=date(2027, 3, 10)).resolved == 1
    assert not inbox.open_notices(admin).filter(kind=Kind.FAIR_PAYMENT).exists()


def test_a_thing_due_again_reopens_its_notice_without_a_second_one(nets):
    from triplec.networks import lifecycle, services

    broker, on = nets.users["broker"], date(2024, 2, 1)
    requirement = next(r for r in lifecycle.next_gate(nets.net).requirements.all() if r.takes_evidence)
    given = services.add_gate_evidence(broker, nets.net, requirement.pk, reference="Archive: idea")
    assert inbox.refresh(broker, on=on).created == 1
    services.withdraw_gate_evidence(broker, given, reason="Wrong file")
    assert inbox.refresh(broker, on=on).resolved == 1 and inbox.unread_count(broker) == 0
    services.add_gate_evidence(broker, nets.net, requirement.pk, reference="Archive: idea, v2")
    result = inbox.refresh(broker, on=on)
    assert (result.reopened, result.created) == (1, 0)
    assert Notification.objects.filter(recipient=broker).count() == inbox.unread_count(broker) == 1


def test_marking_read_is_the_owners_only(expo, signed_up):
    inbox.refresh(on=ON)
    user, manager = expo.world.users["enterprise-user"], expo.world.users["association-manager"]
    first = inbox.open_notices(user).first()
    with pytest.raises(NotFound):
        inbox.mark_read(manager, first.pk)
    assert inbox.mark_read(user, first.pk).read_at is not None
    assert inbox.unread_count(user) == 2
    assert list(inbox.open_notices(user))[-1].pk == first.pk  # read ones after the unread
    assert inbox.mark_all_read(user) == 2 and inbox.unread_count(user) == 0


def test_one_digest_per_user_sent_once_with_absolute_links(expo, signed_up, settings):
    settings.TRIPLEC_BASE_URL = "https://triplec.example.org/"
    users = expo.world.users
    users["enterprise-user"].email = "a1@example.org"
    users["enterprise-user"].save()
    users["association-manager"].email = "manager@example.org"
    users["association-manager"].save()
    inbox.refresh(on=ON)
    assert digests.send_digests() == (2, 6)
    assert digests.send_digests() == (0, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["a1@example.org", "manager@example.org"]
    firm = next(m for m in mail.outbox if m.to == ["a1@example.org"])
    assert firm.subject == "triplec: 3 new notices"
    link = inbox.open_notices(users["enterprise-user"]).first().url
    assert f"https://triplec.example.org{link}" in firm.body and "(due 2027-07-09)" in firm.body
    assert "https://triplec.example.org/notifications/" in firm.body
    # users without an address are skipped and their notices stay un-emailed
    assert Notification.objects.filter(recipient=users["a2-user"], emailed_at__isnull=True).count() == 1


def test_the_notify_command_refreshes_everyone_and_emails_with_progress(expo, signed_up):
    from triplec.cli import app

    user = expo.world.users["enterprise-user"]
    user.email = "a1@example.org"
    user.save()
    runner = CliRunner()
    with clock_on(ON):
        first = runner.invoke(app, ["notify", "--email"])
        again = runner.invoke(app, ["notify", "--email"])
    assert first.exit_code == 0, first.output
    assert "E-mailed 3 notice(s) to 1 user(s)." in first.stdout
    assert "Users checked" in first.stderr and "Users e-mailed" in first.stderr
    assert "0 new notice(s)" in again.stdout and "E-mailed 0 notice(s)" in again.stdout
    assert [m.to for m in mail.outbox] == [["a1@example.org"]]


def test_the_notify_command_can_leave_it_to_the_worker():
    from triplec.cli import app
    from triplec.core.models import BackgroundTask

    result = CliRunner().invoke(app, ["notify", "--email", "--queue"])
    assert result.exit_code == 0, result.output
    row = BackgroundTask.objects.get()
    assert f"Queued task {row.pk}" in result.stdout and row.status == BackgroundTask.Status.QUEUED
