"""Messages a mapping run's background task stores, shown in the reader's language.

The task writes its progress and stop messages in English: they are stored with the task and read later
by whoever opens the run, in whatever language. The pages and the API translate the known ones when they
show them (`shown`); any other message (the mapping library's, the uploaded file's row and column checks)
is shown as stored, in English.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from triplec.core.stored_messages import StoredMessages

READING_REGISTER = gettext_noop("Reading the register")
READING_FILE = gettext_noop("Reading the file")
SCREENING = gettext_noop("Screening %(n)s establishments")
SIMULATIONS = gettext_noop("Simulations: %(done)s of %(total)s curves")
DRAWING_PLOTS = gettext_noop("Drawing the Kd plots")
FINISHING = gettext_noop("Finishing")
CANCELLED_BY = gettext_noop("Cancelled by %(who)s at %(when)s UTC.")
CANCELLED_BY_SOMEONE = gettext_noop("Cancelled by a user at %(when)s UTC.")
CANCELLED_BEFORE_START = gettext_noop("Cancelled by %(who)s before it started.")

# The mapping library's warnings about coordinates (triplec.mapping.checks: the same English templates).
DUPLICATE_POINTS = gettext_noop(
    "%(n)s of %(total)s establishments share their exact coordinates with another (%(points)s "
    "points; the busiest holds %(top)s): geocoded to a town's centre or a default point? Distances "
    "of 0 km make sectors look more localised than they are.")
SWAPPED_SEA = gettext_noop(
    "Only %(given)s of the establishments fall on land as given, but %(swapped)s when longitude and "
    "latitude are swapped: are the longitude and latitude columns the wrong way round?")
SWAPPED_COUNTRY = gettext_noop(
    "Only %(given)s of the establishments fall within %(country)s as given, but %(swapped)s "
    "when longitude and latitude are swapped: are the longitude and latitude columns the wrong "
    "way round?")
WARNINGS = (DUPLICATE_POINTS, SWAPPED_SEA, SWAPPED_COUNTRY)

KNOWN = (*WARNINGS, READING_REGISTER, READING_FILE, SCREENING, SIMULATIONS, DRAWING_PLOTS, FINISHING,
         CANCELLED_BY_SOMEONE, CANCELLED_BY, CANCELLED_BEFORE_START)  # the more specific first
_CATALOGUE = StoredMessages(KNOWN)


def shown(message: str) -> str:
    """`message` (as stored by the task) in the active language when it is one of the task's own."""
    return _CATALOGUE.shown(message)
