"""The rows an import left out (`commit_import(..., skip_invalid=True)`) as a CSV file to correct and
import again: the file's own columns and cells, plus a `reason` column ("row N, field: reason; ...").

Written as UTF-8 with a byte-order mark (spreadsheets then read accents right) and with the file's own
separator, so that its decimal convention still holds. A text cell that a spreadsheet would run as a
formula (= + - @) gets a leading apostrophe, which the import takes off again.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.utils.translation import gettext, gettext_noop

from triplec.core import spreadsheets

from . import messages as msg
from .reading import FormulaWithoutValue

REASON_COLUMN = gettext_noop("reason")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, FormulaWithoutValue):
        value = value.formula
    return spreadsheets.defused(value if isinstance(value, str) else str(value))


def _reason(error) -> str:
    where = gettext("file") if error.row == 0 else gettext("row %(row)s") % {"row": error.row}
    reason = msg.shown(error.reason)
    return f"{where}, {error.field}: {reason}" if error.field else f"{where}: {reason}"


def rejected_csv(result) -> bytes:
    """The rejected rows of `result` (an ImportResult) with their reasons, as CSV bytes."""
    table = result.preview._table
    reasons: dict[int, list[str]] = {}
    for error in result.rejected:
        reasons.setdefault(error.row, []).append(_reason(error))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=table.delimiter or ",", lineterminator="\r\n")
    writer.writerow([_cell(c) for c in table.columns] + [gettext(REASON_COLUMN)])
    width = len(table.columns)
    for row, cells in table.rows:
        if row in reasons:
            cells = list(cells) + [None] * (width - len(cells))
            writer.writerow([_cell(c) for c in cells] + ["; ".join(reasons.pop(row))])
    for _row, texts in sorted(reasons.items()):  # rows the reader could not give cells for
        writer.writerow([""] * width + ["; ".join(texts)])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
