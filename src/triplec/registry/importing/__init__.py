"""Import enterprises from CSV, XLSX or Parquet files (or in-memory rows) into the register.

    preview = validate_import(user, "firms.csv", mapping={"Raison sociale": "legal_name"},
                              defaults={"country": "FR", "sector_classification": "nace2"})
    preview.create, preview.update, preview.unchanged, preview.errors   # RowError(row, field, reason)
    result = commit_import(user, "firms.csv", ...)   # all rows in one transaction, or ImportRejected

Steps: `reading` (file -> table), `columns` (header -> fields), `rows` (cells -> clean values, no
database), `plan` (compare with the register, permissions, territories, memberships), `service`
(the two entry points and the bulk write).
"""

from .columns import EXPORT_ONLY_COLUMNS, FIELD_LABELS, IMPORT_FIELDS, REQUIRED_FIELDS, suggested_field
from .errors import ImportRejected, RowError
from .reading import FORMATS, read_table
from .service import ImportPreview, ImportResult, commit_import, validate_import

__all__ = [
    "EXPORT_ONLY_COLUMNS", "FIELD_LABELS", "FORMATS", "IMPORT_FIELDS", "REQUIRED_FIELDS", "ImportPreview",
    "ImportRejected", "ImportResult", "RowError", "commit_import", "read_table", "suggested_field",
    "validate_import",
]
