"""The roles of triplec and their command-line names."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENCY_ADMIN = "agency-admin", _("Agency administrator")
    PROGRAMME_OFFICER = "programme-officer", _("Programme officer")
    BROKER = "broker", _("Broker / network manager")
    ASSOCIATION_MANAGER = "association-manager", _("Association manager")
    ENTERPRISE_USER = "enterprise-user", _("Enterprise user")
    EVALUATOR = "evaluator", _("Evaluator (read-only)")
    PURCHASER_INSPECTOR = "purchaser-inspector", _("Purchaser's inspector")
    BUYER_STAFF = "buyer-staff", _("Large buyer's staff")
    CENTRE_STAFF = "centre-staff", _("Service centre staff")


# Roles that work for the agency and see the whole register.
AGENCY_WIDE_ROLES = frozenset({Role.AGENCY_ADMIN, Role.PROGRAMME_OFFICER, Role.BROKER, Role.EVALUATOR})
