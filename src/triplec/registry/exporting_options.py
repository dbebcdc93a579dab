"""What the export-options form (web/templates/_export_options.html) needs: the reader's default CSV
style, the formats (and tables) offered and the list filters to carry along."""

from __future__ import annotations

from django.utils.translation import get_language

from triplec.core import spreadsheets


def export_options_context(hidden: list[tuple[str, str]], formats: list[tuple[str, str]],
                           tables: list[tuple[str, str]] | None = None) -> dict:
    return {"export_hidden": hidden, "export_formats": formats, "export_tables": tables or [],
            "export_style": spreadsheets.default_style(get_language()).option_names}
