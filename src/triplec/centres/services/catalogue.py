"""Centres, their catalogue, their fees by firm size, and their publications."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from triplec.accounts.policy import require
from triplec.core.records import save_validated
from triplec.ledger import services as ledger
from triplec.registry.models import SizeClass

from .. import policy
from ..models import Centre, Publication, Service, SubscriptionFee
from .common import amount_of, refuse


def create_centre(user, *, organisation, scope: str, function: str, currency: str, sector_code: str = "") -> Centre:
    require(policy.can_manage_centres, user)
    if not organisation.is_service_centre:
        refuse("organisation", _("A centre is an organisation of the kind service centre."))
    currency = (currency or "").strip().upper()
    ledger.input_currency(currency)
    if scope == Centre.Scope.SECTOR and not sector_code.strip():
        refuse("sector_code", _("A sector centre names the sector it serves."))
    centre = Centre(organisation=organisation, scope=scope, function=function, currency=currency,
                    sector_code=sector_code.strip())
    save_validated(centre, user)
    return centre


def add_service(user, centre: Centre, *, code: str, name: str, kind: str, member_price, non_member_price=None,
                description: str = "") -> Service:
    require(policy.can_run_centre, user, centre)
    service = Service(centre=centre, code=code.strip(), name=name.strip(), kind=kind, description=description,
                      member_price=amount_of(member_price, "member_price"),
                      non_member_price=None if non_member_price in (None, "") else amount_of(
                          non_member_price, "non_member_price"))
    save_validated(service, user)
    return service


def set_fee(user, centre: Centre, size_class: str, yearly_fee) -> SubscriptionFee:
    """The yearly fee for firms of `size_class` (from then on; subscriptions keep the fee they paid)."""
    require(policy.can_run_centre, user, centre)
    if size_class not in SizeClass.values:
        refuse("size_class", _("Choose a firm size."))
    fee = amount_of(yearly_fee, "yearly_fee")
    with transaction.atomic():
        row, _created = SubscriptionFee.objects.update_or_create(centre=centre, size_class=size_class,
                                                                 defaults={"yearly_fee": fee})
    return row


def set_offered(user, service: Service, offered: bool) -> Service:
    """Withdraw a service from the catalogue (its bookings, uses and publications stay) or offer it again."""
    require(policy.can_run_centre, user, service.centre)
    if service.active != offered:
        service.active = offered
        service.save(update_fields=["active"])
    return service


MAX_PUBLICATION_BYTES = 20 * 1024 * 1024
TEXT_TYPES, OFFICE_TYPES = {"txt", "csv"}, {"xlsx", "docx", "pptx", "odt", "ods"}
PUBLICATION_TYPES = {"pdf"} | TEXT_TYPES | OFFICE_TYPES


def check_size(size: int) -> None:
    """Refuse a publication larger than TRIPLEC_PUBLICATION_MAX_BYTES (20 MB unless set)."""
    limit = getattr(settings, "TRIPLEC_PUBLICATION_MAX_BYTES", MAX_PUBLICATION_BYTES)
    if size > limit:
        refuse("document", _("The file is larger than %(mb)s MB.") % {"mb": f"{limit / 1024 / 1024:.2g}"})


def check_document(filename: str, content: bytes) -> None:
    """A publication is a PDF, a UTF-8 text or CSV, or an office document (a zip package), whose
    content is what its name says, and no larger than TRIPLEC_PUBLICATION_MAX_BYTES."""
    if not content:
        refuse("document", _("The file is empty."))
    check_size(len(content))
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind not in PUBLICATION_TYPES:
        refuse("document", _("A publication is a PDF, text, CSV or office file (%(types)s).")
               % {"types": ", ".join(sorted(PUBLICATION_TYPES))})
    if kind == "pdf" and not content.startswith(b"%PDF"):
        refuse("document", _("The file is not a PDF, though its name says so."))
    if kind in OFFICE_TYPES and not content.startswith(b"PK\x03\x04"):
        refuse("document", _("The file is not an office document, though its name says so."))
    if kind in TEXT_TYPES:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            refuse("document", _("The file is not text in UTF-8."))


def publish(user, service: Service, *, title: str, issued_on: date, filename: str, content: bytes) -> Publication:
    """A new issue of a publication service, stored outside the public media URLs' reach (served by a
    view that checks the reader's entitlement)."""
    require(policy.can_run_centre, user, service.centre)
    if not service.is_publication:
        refuse("service", _("Only report, bulletin, note and information services have publications."))
    if not title.strip():
        refuse("title", _("Give the publication's title."))
    check_document(filename, content)
    publication = Publication(service=service, title=title.strip(), issued_on=issued_on)
    publication.document.save(filename, ContentFile(content), save=False)
    save_validated(publication, user)
    return publication
