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

KNOWN = (READING_REGISTER, READING_FILE, SCREENING, SIMULATIONS, DRAWING_PLOTS, FINISHING,
         CANCELLED_BY_SOMEONE, CANCELLED_BY, CANCELLED_BEFORE_START)  # the more specific first
_CATALOGUE = StoredMessages(KNOWN)


def shown(message: str) -> str:
    """`message` (as stored by the task) in the active language when it is one of the task's own."""
    return _CATALOGUE.shown(message)
