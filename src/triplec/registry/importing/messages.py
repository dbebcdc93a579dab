"""Messages of an import (row errors, progress, task outcomes), stored in English, shown translated.

Row errors are kept on the upload (its preview) and progress and outcomes on its background task; they
are read later, by whoever opens the upload, in whatever language. So they are made in English from the
msgids below (`msgid % values`, the same text as before), and the pages translate them when they show
them (`shown`). The command line shows them as made: in English. A reason that is none of these (a code
list's, Python's own text inside "malformed CSV: ...") is shown as stored.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from triplec.core.stored_messages import StoredMessages
from triplec.registry import identifiers, policy

# Cells (cells.py). Values shown in a message are quoted by the code (repr) before they are put in.
EXPECTED_TEXT_BOOL = gettext_noop("expected text, got a true/false value (%(value)s)")
EXPECTED_TEXT = gettext_noop("expected text, got %(value)s")
FORMULA_WITHOUT_VALUE = gettext_noop("the cell holds the formula %(formula)s with no saved value: open the file in "
                                     "a spreadsheet and save it again, or paste the values instead of formulas")
BAD_ENCODING_BYTES = gettext_noop("bad encoding: %(value)s is not valid UTF-8")
BAD_ENCODING_CHAR = gettext_noop("bad encoding: invalid character")
NUL_CHARACTER = gettext_noop("contains a NUL character")
CONTROL_CHARACTER = gettext_noop("contains the control character U+%(code)s")
TOO_LONG = gettext_noop("longer than %(limit)s characters (%(length)s)")
NUMBER_BOOL = gettext_noop("bad number: expected a number, got %(value)s")
NUMBER_TOO_LARGE = gettext_noop("bad number: %(value)s is too large")
NUMBER_NOT_FINITE = gettext_noop("bad number: %(value)s is not a finite number")
NUMBER_NOT_WHOLE = gettext_noop("bad number: %(value)s is not a whole number")
NOT_A_NUMBER = gettext_noop("bad number: %(value)s is not a number")
NOT_DECIMAL_POINT = gettext_noop("bad number: %(value)s: this file writes decimals with a decimal point "
                                 "(1234.5), without thousands separators; choose the decimal comma if the file "
                                 "uses it")
NOT_DECIMAL_COMMA = gettext_noop("bad number: %(value)s: this file writes decimals with a decimal comma "
                                 "(1234,5), without thousands separators; choose the decimal point if the file "
                                 "uses it")
THOUSANDS_SEPARATOR = gettext_noop("bad number: %(value)s is ambiguous: write whole numbers without a thousands "
                                   "separator (1500)")
OUT_OF_RANGE = gettext_noop("%(value)s is out of range (%(low)s to %(high)s)")
BAD_COORDINATES = gettext_noop("bad coordinates: %(reason)s")  # reason: a number's reason without "bad number: "
COORD_BOOL = gettext_noop("expected a number, got %(value)s")
COORD_TOO_LARGE = gettext_noop("%(value)s is too large")
COORD_NOT_FINITE = gettext_noop("%(value)s is not a finite number")
COORD_NOT_A_NUMBER = gettext_noop("%(value)s is not a number")
COORD_NOT_DECIMAL_POINT = gettext_noop("%(value)s: this file writes decimals with a decimal point (1234.5), "
                                       "without thousands separators; choose the decimal comma if the file uses it")
COORD_NOT_DECIMAL_COMMA = gettext_noop("%(value)s: this file writes decimals with a decimal comma (1234,5), "
                                       "without thousands separators; choose the decimal point if the file uses it")
LATITUDE_RANGE = gettext_noop("bad coordinates: latitude %(value)s is outside %(low)s..%(high)s "
                              "(decimal degrees, WGS 84)")
LONGITUDE_RANGE = gettext_noop("bad coordinates: longitude %(value)s is outside %(low)s..%(high)s "
                               "(decimal degrees, WGS 84)")
LATITUDE_ALONE = gettext_noop("bad coordinates: latitude given without longitude")
LONGITUDE_ALONE = gettext_noop("bad coordinates: longitude given without latitude")
YES_OR_NO = gettext_noop("expected yes or no, got %(value)s")
BAD_EMAIL = gettext_noop("%(value)s is not a valid e-mail address")
BAD_WEBSITE = gettext_noop("%(value)s is not a valid web address")
DATE_FORMAT = gettext_noop("bad date %(value)s: write it as YYYY-MM-DD")
DATE_YEAR = gettext_noop("bad date %(value)s: the year is implausible")
DATE_INVALID = gettext_noop("bad date %(value)s: %(reason)s")  # reason: Python's, in English

# Rows (rows.py) and columns (columns.py).
UNKNOWN_CLASSIFICATION = gettext_noop("unknown classification %(value)s; use %(choices)s "
                                      "(ISIC Rev.4, NACE Rev.2, NAICS 2017)")
NO_COLUMN = gettext_noop("no column for required field %(field)s: map a column to it")
NO_COLUMN_OR_DEFAULT = gettext_noop("no column for required field %(field)s: map a column to it or give a "
                                    "default for the whole file")
ROW_TOO_WIDE = gettext_noop("the row has %(cells)s cells but the header has %(columns)s columns")
MISSING_REQUIRED = gettext_noop("missing required field")
BAD_IDENTIFIER = identifiers.INVALID  # reason: one of the identifier reasons below
IDENTIFIER_CHECK_DIGIT = identifiers.CHECK_DIGIT
IDENTIFIER_BAD_PART = identifiers.BAD_PART
IDENTIFIER_BAD_LENGTH = identifiers.BAD_LENGTH
IDENTIFIER_BAD_FORMAT = identifiers.BAD_FORMAT
IDENTIFIER_NOT_VALID = identifiers.NOT_VALID
BAD_COUNTRY = gettext_noop("%(value)s is not a two-letter ISO 3166-1 country code (such as FR or BR)")
MAPPING_NO_COLUMN = gettext_noop("the mapping names column %(column)s, which is not in the file "
                                 "(its columns: %(columns)s)")
UNKNOWN_FIELD = gettext_noop("unknown field %(value)s; fields are %(fields)s")
TWO_COLUMNS = gettext_noop("columns %(first)s and %(second)s both feed %(field)s; map one of them elsewhere "
                           "or to nothing")

# The file as a whole (reading.py).
CANNOT_READ = gettext_noop("cannot read the file: %(reason)s")
UNKNOWN_FORMAT = gettext_noop("unknown format %(value)s; use one of %(formats)s")
UNKNOWN_ENCODING = gettext_noop("unknown encoding %(value)s")
BAD_ENCODING_LINE = gettext_noop("bad encoding at line %(line)s: the file is not valid %(encoding)s")
MALFORMED_CSV = gettext_noop("malformed CSV: %(reason)s")
BAD_ENCODING_ROW_LATIN = gettext_noop("bad encoding at row %(row)s: %(value)s is not valid %(encoding)s (if the "
                                      "file was saved as Latin-1/Windows-1252, choose that encoding)")
NOT_TEXT = gettext_noop("not a text file: byte %(byte)s on line %(line)s is neither UTF-8 nor Windows-1252 text; "
                        "upload a CSV file (saved as UTF-8 or Windows-1252), an XLSX workbook or a Parquet file")
BAD_ENCODING_ROW = gettext_noop("bad encoding at row %(row)s: %(value)s is not valid %(encoding)s")
NOT_XLSX = gettext_noop("not a readable XLSX workbook (%(reason)s)")
XLSX_UNREADABLE = gettext_noop("the workbook could not be read (%(reason)s)")
NOT_PARQUET = gettext_noop("not a readable Parquet file (%(reason)s)")
EMPTY_FILE = gettext_noop("the file is empty: expected a header row and data rows")
NO_ROWS = gettext_noop("the file has no data rows: only a header")
COLUMN_TWICE = gettext_noop("column %(column)s appears twice (columns %(first)s and %(second)s); rename one")

# Defaults for the whole file and duplicates (service.py).
UNKNOWN_DEFAULT = gettext_noop("unknown field %(value)s for a default")
DEFAULT_COUNTRY = gettext_noop("%(value)s is not a two-letter ISO 3166-1 country code")
BAD_DEFAULT = gettext_noop("default: %(reason)s")
DUPLICATE = gettext_noop("duplicate identifier %(country)s/%(national_id)s: also on row %(row)s")
REGISTER_CHANGED = gettext_noop("the register changed while importing (%(reason)s); nothing was written, "
                                "try again")

# The register (plan.py, territories.py).
AMBIGUOUS_ASSOCIATION = gettext_noop("association name %(value)s is ambiguous: use its id (%(ids)s)")
UNKNOWN_ASSOCIATION_OWN = gettext_noop("unknown association %(value)s (you may add members to %(association)s "
                                       "only)")
UNKNOWN_ASSOCIATION = gettext_noop("unknown association %(value)s")
MEMBERSHIP_PERMISSION = gettext_noop("permission: you may not manage the memberships of %(association)s")
IDENTIFIER_UNAVAILABLE = policy.IDENTIFIER_UNAVAILABLE
ENTERPRISE_PERMISSION = gettext_noop("permission: enterprise %(country)s/%(national_id)s is already in the "
                                     "register and you may not change it")
SEVERAL_REGIONS = gettext_noop("several regions are named %(value)s; give the region code")
SEVERAL_MUNICIPALITIES_NAMED = gettext_noop("several municipalities are named %(value)s; give the municipality "
                                            "code")
NO_REGION = gettext_noop("no region named %(value)s exists yet; give its code to create it")
NO_MUNICIPALITY = gettext_noop("no municipality named %(value)s exists yet; give its code to create it")
SEVERAL_MUNICIPALITIES = gettext_noop("several municipalities %(value)s exist in %(country)s; give the region too")
UNKNOWN_MUNICIPALITY = gettext_noop("municipality %(value)s is not in the register for %(country)s; give its "
                                    "region (region_code or region_name) so it can be created")

# The uploaded file (batches.py).
FILE_REMOVED = gettext_noop("the uploaded file has been removed; upload it again")
FILE_MISSING = gettext_noop("the uploaded file %(name)s is missing from the server's data folder; upload it "
                            "again")

# Progress stages (batches.py) and task outcomes (tasks.py).
READING_FILE = gettext_noop("Reading the file")
CHECKED_ROWS_OF = gettext_noop("Checked %(done)s of %(total)s rows")
COMPARING = gettext_noop("Comparing %(total)s rows with the register")
WRITTEN_OF = gettext_noop("Written %(done)s of %(total)s records")
CHECKED = gettext_noop("Checked %(rows)s rows: %(errors)s errors")
IMPORTED = gettext_noop("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged; "
                        "%(memberships)s memberships and %(territories)s territories added")
NOT_IMPORTED_ONE = gettext_noop("Nothing was imported: the file has %(errors)s error (row, field and reason are "
                                "listed on the import's page).")
NOT_IMPORTED = gettext_noop("Nothing was imported: the file has %(errors)s errors (row, field and reason are "
                            "listed on the import's page).")

# Messages that open with a value come last: "bad number: 'x' is not a number" must be found as
# NOT_A_NUMBER, not as COORD_NOT_A_NUMBER with the value "bad number: 'x'".
KNOWN = tuple(sorted(
    (value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str)),
    key=lambda msgid: (msgid.startswith("%("), -len(msgid))))
_CATALOGUE = StoredMessages(KNOWN, nested=("reason",))  # a reason may hold another of these messages


def shown(message: object) -> str:
    """`message` (as stored) in the active language when it is one of the import's own; else as stored."""
    return _CATALOGUE.shown(message)
