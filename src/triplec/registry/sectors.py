"""Sector codes as the register stores them: canonical form and section, from the shipped code lists."""

from __future__ import annotations

from django.utils.translation import gettext as _

from . import codelists

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


def label(classification: str, code: str) -> str:
    try:
        return codelists.label(classification, code)
    except (KeyError, ValueError):
        return ""
