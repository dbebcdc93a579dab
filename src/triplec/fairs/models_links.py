"""What a fair brought: buyers and agents met, orders traced to the fair, follow-ups."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from triplec.registry.models import Organisation

from .models import MONEY, Participation


class Contact(models.Model):
    """A buyer or marketing/export agent a firm met: a register organisation, or a named person."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="contacts")
    buyer = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name=_("buyer or agent"))
    person = models.CharField(_("person"), max_length=200, blank=True)
    company = models.CharField(_("company"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=2, help_text=_("ISO 3166-1 alpha-2"))
    is_agent = models.BooleanField(_("marketing or export agent"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["participation", "id"]
        constraints = [models.CheckConstraint(condition=Q(buyer__isnull=False) | ~Q(person=""),
                                              name="fairs_contact_names_someone")]

    def __str__(self):
        if self.buyer_id:
            return self.buyer.name
        return f"{self.person} ({self.company})" if self.company else self.person


class Order(models.Model):
    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="orders")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="orders", verbose_name=_("buyer"))
    value = models.DecimalField(_("value"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3)
    ordered_on = models.DateField(_("ordered on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["ordered_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(value__gt=0), name="fairs_order_value_positive")]


class FollowUp(models.Model):
    """A follow-up with the fair's buyers due `months` after the fair ends."""

    participation = models.ForeignKey(Participation, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after the fair"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["participation", "months"], name="fairs_follow_up_unique")]


class PaymentReversal(models.Model):
    """A wrong payment of a participation's costs undone on the ledger (`ledger.services.reverse`), and
    why. The participation is unpaid again afterwards and may be paid anew."""

    participation = models.ForeignKey(Participation, on_delete=models.PROTECT, related_name="reversals")
    original = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("payment reversed"))
    reversal = models.OneToOneField("ledger.Transaction", on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("reversal"))
    reason = models.CharField(_("reason"), max_length=300)
    reversed_on = models.DateField(_("reversed on"))
    reversed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["participation", "id"]
