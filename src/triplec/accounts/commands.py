"""`triplec users ...`: the operator's side of user management, through the same services as the
pages (the operator acts as `actor=None`: trusted, but the last active administrator still stays)."""

from __future__ import annotations

from typing import Annotated

import typer

users_app = typer.Typer(no_args_is_help=True)


def _setup():
    from triplec.cli import django_setup

    django_setup()


def _user(username: str):
    from triplec.accounts.models import User
    from triplec.cli import fail

    return User.objects.filter(username=username).first() or fail(f"No user named {username!r}.")


def _run(action):
    from triplec.cli import fail
    from triplec.core.errors import DomainError

    try:
        return action()
    except DomainError as exc:
        fail(str(exc))


@users_app.command("list")
def list_users():
    """List the users: name, role, scope, active or not."""
    _setup()
    from triplec.accounts.models import User

    for u in User.objects.select_related("organisation", "enterprise").order_by("username"):
        scope = u.organisation.name if u.organisation_id else (u.enterprise.legal_name if u.enterprise_id else "")
        typer.echo(f"{u.username}\t{u.role}\t{'active' if u.is_active else 'inactive'}\t{scope}")


@users_app.command("role")
def set_role(username: str, role: str):
    """Change USERNAME's role."""
    _setup()
    from triplec.accounts import services

    user = _run(lambda: services.update_user(None, _user(username), role=role))
    typer.echo(f"{user.username} is now {user.role}.")


@users_app.command("deactivate")
def deactivate(username: str):
    """Stop USERNAME from logging in or using API tokens."""
    _setup()
    from triplec.accounts import services

    _run(lambda: services.set_active(None, _user(username), False))
    typer.echo(f"{username} is deactivated.")


@users_app.command("reactivate")
def reactivate(username: str):
    _setup()
    from triplec.accounts import services

    _run(lambda: services.set_active(None, _user(username), True))
    typer.echo(f"{username} can log in again.")


@users_app.command("revoke-token")
def revoke_token(username: str, prefix: Annotated[str, typer.Argument(help="The token's first characters.")]):
    """Revoke USERNAME's API token starting with PREFIX."""
    _setup()
    from triplec.accounts import services
    from triplec.cli import fail

    user = _user(username)
    tokens = [t for t in user.api_tokens.filter(revoked_at__isnull=True) if prefix.startswith(t.prefix)
              or t.prefix.startswith(prefix)]
    if len(tokens) != 1:
        fail(f"{len(tokens)} active tokens of {username} match {prefix!r}; give more of the token.")
    services.revoke_token(None, tokens[0])
    typer.echo(f"Revoked {tokens[0].prefix}...")
