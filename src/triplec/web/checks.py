"""Deployment checks of our own, run by `python -m django check --deploy`."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


def uses_development_secret_key() -> bool:
    return settings.SECRET_KEY == settings.DEVELOPMENT_SECRET_KEY


@register(Tags.security, deploy=True)
def shipped_secret_key(app_configs, **kwargs):
    # Django's own W009 does not see it: the shipped key is long and varied, but public.
    if not uses_development_secret_key():
        return []
    return [Warning("The shipped development SECRET_KEY is in use: anyone can forge sessions and "
                    "password-reset links.",
                    hint="Set TRIPLEC_SECRET_KEY to a random value of at least 50 characters.",
                    id="triplec.W001")]
