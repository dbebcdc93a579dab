"""The register's sector code lists: :mod:`triplec.mapping.codes`, the one normalisation of ISIC, NACE
and NAICS codes shared with the mapping library (code-list form, e.g. NACE ``"25.11"``)."""

from triplec.mapping.codes import (
    CODELISTS,
    ancestors,
    code_level,
    label,
    levels,
    load_codelist,
    normalise_code,
    translated_label,
)

__all__ = [
    "CODELISTS",
    "ancestors",
    "code_level",
    "label",
    "levels",
    "load_codelist",
    "normalise_code",
    "translated_label",
]
