"""Row-level import errors and the exception that carries them."""

from __future__ import annotations

from dataclasses import dataclass

from triplec.core.errors import ValidationFailed


@dataclass(frozen=True, order=True)
class RowError:
    """One problem in an import file.

    `row` counts as a spreadsheet does: the header is row 1 and the first data row is row 2
    (0 means the file as a whole, e.g. it cannot be read). `field` is the enterprise field or the
    column concerned ("" when the whole row is concerned).
    """

    row: int
    field: str
    reason: str

    def __str__(self) -> str:
        where = "file" if self.row == 0 else f"row {self.row}"
        return f"{where}, {self.field}: {self.reason}" if self.field else f"{where}: {self.reason}"

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "reason": self.reason}


class ImportRejected(ValidationFailed):
    """The file has errors; nothing was written. `preview` holds every row error and the counts."""

    def __init__(self, preview, message: str | None = None):
        self.preview = preview
        errors: dict[str, list[str]] = {}
        for error in preview.errors:
            key = "file" if error.row == 0 else f"row {error.row}" + (f", {error.field}" if error.field else "")
            errors.setdefault(key, []).append(error.reason)
        if message:
            errors.setdefault("__all__", []).append(message)
        super().__init__(errors or {"__all__": [message or "The import was rejected."]})
