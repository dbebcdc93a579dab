"""Sector codes as the register stores them: canonical form and section, from the shipped code lists."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from triplec.mapping import codes as codelists

_SYSTEM_NAMES = {"isic4": "isic4", "nace2": "nace2", "naics2017": "naics2017"}


def normalise(classification: str, raw: str) -> str:
    """Canonical code for `raw` in `classification`, or ValueError saying why not."""
    if classification not in _SYSTEM_NAMES:
        raise ValueError(_("Unknown classification %(value)r; use one of %(choices)s.") % {
            "value": classification, "choices": ", ".join(_SYSTEM_NAMES)})
    if not raw or not str(raw).strip():
        raise ValueError(_("A sector code is required."))
    return codelists.normalise_code(classification, str(raw).strip())


def section_of(classification: str, code: str) -> str:
    """Top-level code (section letter or NAICS sector) above `code`."""
    chain = codelists.ancestors(classification, code)
    return chain[0] if chain else code


def label(classification: str, code: str, language: str | None = None) -> str:
    """Title of `code` for a reader of `language` (default: the active one); "" if unknown.

    In English, the official title. In Portuguese and Spanish, the code's own title where one is shipped
    (ISIC groups and classes in Spanish, and in Portuguese where one CNAE group or class matches; NACE
    and NAICS only down to divisions and sectors); otherwise the title of its nearest translated level
    (ISIC 1520 in Portuguese reads as division 15), shown beside the code itself; `official_label` gives
    the code's own English title."""
    language = language or get_language() or "en"
    try:
        canonical = codelists.normalise_code(classification, code)
        if not language.lower().startswith("en"):
            for level_code in (canonical, *reversed(codelists.ancestors(classification, canonical))):
                translated = codelists.translated_label(classification, level_code, language)
                if translated:
                    return translated
        return codelists.label(classification, canonical)
    except (KeyError, ValueError):
        return ""


def official_label(classification: str, code: str) -> str:
    """The code's own official (English) title, "" if unknown."""
    try:
        return codelists.label(classification, code)
    except (KeyError, ValueError):
        return ""
