import hashlib
import secrets
from datetime import timedelta

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .roles import Role


class User(AbstractUser):
    """A person using triplec. The role decides what they may do; the organisation or enterprise
    decides which part of the register they see (association managers, enterprise users)."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.EVALUATOR)
    organisation = models.ForeignKey(
        "registry.Organisation", verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    enterprise = models.ForeignKey(
        "registry.Enterprise", verbose_name=_("enterprise"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="users",
    )
    # Set with a temporary password chosen by an administrator: the next login leads to a password change.
    password_change_required = models.BooleanField(_("must change the password at next login"), default=False)

    def clean(self):
        super().clean()
        if self.role == Role.ASSOCIATION_MANAGER:
            if self.organisation is None or not self.organisation.is_association:
                raise ValidationError({"organisation": _("An association manager must belong to an association.")})
        if self.role == Role.ENTERPRISE_USER and self.enterprise is None:
            raise ValidationError({"enterprise": _("An enterprise user must belong to an enterprise.")})
        for role, belongs, message in (
                (Role.PURCHASER_INSPECTOR, "is_public_purchaser", _("A purchaser's inspector must belong to a public purchaser.")),
                (Role.BUYER_STAFF, "is_large_buyer", _("A large buyer's staff member must belong to a large-firm buyer.")),
                (Role.CENTRE_STAFF, "is_service_centre", _("A service centre's staff member must belong to a service centre."))):
            if self.role == role and not (self.organisation is not None and getattr(self.organisation, belongs)):
                raise ValidationError({"organisation": message})

    @property
    def role_label(self) -> str:
        return Role(self.role).label if self.role in Role.values else self.role


def organisation_model():
    """The register's Organisation, reached through the user's own relation: accounts is the layer
    below the register and names its models only in these foreign keys."""
    return User._meta.get_field("organisation").related_model


def enterprise_model():
    """The register's Enterprise (see `organisation_model`)."""
    return User._meta.get_field("enterprise").related_model


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for integrations. Only its SHA-256 is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    LAST_USED_PRECISION = timedelta(minutes=1)  # last_used_at is rewritten at most this often

    class Meta:
        ordering = ["-created_at"]

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple["ApiToken", str]:
        raw = "tc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:10], key_hash=_hash_token(raw))
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> User | None:
        token = (
            cls.objects.select_related("user")
            .filter(key_hash=_hash_token(raw), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if token is None:
            return None
        now = timezone.now()
        # To the minute: a write per API call would queue concurrent read-only calls on SQLite's lock.
        if token.last_used_at is None or now - token.last_used_at >= cls.LAST_USED_PRECISION:
            cls.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user


class AccessEvent(models.Model):
    """One change to a user's access (who did it, when, what), shown on the user's page. Written only
    by accounts.services; never edited. `detail` holds the values (role codes, names) so that the
    sentence is built in the reader's language when shown."""

    class Action(models.TextChoices):
        CREATED = "created", _("Account created")
        ROLE_CHANGED = "role-changed", _("Role changed")
        SCOPE_CHANGED = "scope-changed", _("Organisation or enterprise changed")
        DETAILS_CHANGED = "details-changed", _("Name or e-mail changed")
        DEACTIVATED = "deactivated", _("Deactivated")
        REACTIVATED = "reactivated", _("Reactivated")
        RESET_LINK_SENT = "reset-link-sent", _("Password reset link sent")
        TEMPORARY_PASSWORD = "temporary-password", _("Temporary password set")
        TOKEN_ISSUED = "token-issued", _("API token issued")
        TOKEN_REVOKED = "token-revoked", _("API token revoked")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_events")
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=32, choices=Action.choices)
    detail = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]


class ThrottleEvent(models.Model):
    """One counted request of a rate-limited action (accounts.throttle): which limit, whose key (a hash
    of the client address or e-mail address: no personal data kept), when. Old rows are purged as new
    ones come in."""

    scope = models.CharField(max_length=40)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["scope", "key_hash", "created_at"], name="throttle_lookup")]
