"""Sector classification codes: the official code lists shipped with triplec, and the one normalisation.

A code has two written forms here, each with its own function:

- the **code-list form** (:func:`normalise_code`): the canonical code of the shipped ISIC, NACE or NAICS
  list, e.g. NACE class ``"25.11"`` (the register, its forms and exports use this form);
- the **compact NAF form** (:func:`normalise_naf`): French NAF rév. 2 / NACE Rev. 2 codes without the
  dot and with the sub-class letter kept, e.g. ``"2511Z"`` (the mapping library's sector hierarchy,
  :mod:`triplec.mapping.sectors`, uses this form: the letter is a fifth level there).

The same French code ``"25.11Z"`` is ``"25.11"`` in the first form and ``"2511Z"`` in the second.

Three lists are shipped as CSV files in ``data/codelists/`` (columns ``code,label,level,parent``; the
sources and licences are in that folder's README):

===========  ==========================  ==========================================================
name         classification              levels (top to bottom) and code forms
===========  ==========================  ==========================================================
``isic4``    UN ISIC Rev.4               section ``C``, division ``25``, group ``251``, class ``2511``
``nace2``    Eurostat NACE Rev.2         section ``C``, division ``25``, group ``25.1``, class ``25.11``
``naics2017``  US Census NAICS 2017      sector ``33`` / ``31-33``, subsector ``332``, industry group
                                         ``3327``, industry ``33271``, national industry ``332710``
===========  ==========================  ==========================================================

NAICS sectors 31-33, 44-45 and 48-49 are each one sector with a range code; the two-digit forms
``31``, ``32``, ``33`` (and ``44``/``45``, ``48``/``49``) normalise to the range code, and the range
is the parent of subsectors ``311``..``339``.

Nothing here imports Django: the mapping library, the register, importers and the web app all use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import pandas as pd

__all__ = [
    "CODELISTS",
    "NAF_SECTIONS",
    "NAICS_SECTOR_RANGES",
    "SectorCodeError",
    "ancestors",
    "code_level",
    "label",
    "levels",
    "load_codelist",
    "normalise_code",
    "normalise_naf",
    "translated_label",
]


@dataclass(frozen=True)
class _CodelistInfo:
    filename: str
    title: str
    levels: tuple[str, ...]


CODELISTS: dict[str, _CodelistInfo] = {
    "isic4": _CodelistInfo("isic_rev4.csv", "ISIC Rev.4", ("section", "division", "group", "class")),
    "nace2": _CodelistInfo("nace_rev2.csv", "NACE Rev.2", ("section", "division", "group", "class")),
    "naics2017": _CodelistInfo(
        "naics_2017.csv",
        "NAICS 2017",
        ("sector", "subsector", "industry_group", "industry", "national_industry"),
    ),
}

#: 2-digit NAICS codes that belong to a multi-code sector, and the sector's range code.
NAICS_SECTOR_RANGES = {
    "31": "31-33", "32": "31-33", "33": "31-33",
    "44": "44-45", "45": "44-45",
    "48": "48-49", "49": "48-49",
}  # fmt: skip


class SectorCodeError(ValueError):
    """A sector code that does not fit its classification scheme or the requested level;
    `code` holds the offending code so callers can point at its row."""

    def __init__(self, message: str, code: str | None = None):
        super().__init__(message)
        self.code = code


def _info(name: str) -> _CodelistInfo:
    try:
        return CODELISTS[name]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown code list {name!r}: expected one of {', '.join(sorted(CODELISTS))}"
        ) from None


@cache
def _frame(name: str) -> pd.DataFrame:
    info = _info(name)
    path = resources.files("triplec.mapping").joinpath("data", "codelists", info.filename)
    with path.open("r", encoding="utf-8") as handle:
        # keep_default_na=False: top levels have an empty parent, which must stay "" and not NaN
        frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return frame


@cache
def _index(name: str) -> dict[str, tuple[str, str, str]]:
    """code -> (label, level, parent) for quick look-ups."""
    frame = _frame(name)
    return {c: (lab, lvl, par) for c, lab, lvl, par in frame.itertuples(index=False, name=None)}


def load_codelist(name: str) -> pd.DataFrame:
    """Return the code list ``name`` ("isic4", "nace2" or "naics2017") as a DataFrame.

    Columns: ``code`` (canonical form), ``label`` (official English title), ``level`` (level name,
    see :func:`levels`), ``parent`` (code one level up; "" at the top level). Rows are in the
    classification's own hierarchical order. The file is read once; each call returns a copy, so
    callers may modify it freely.

    >>> nace = load_codelist("nace2")
    >>> len(nace), nace["level"].value_counts().to_dict()
    (996, {'class': 615, 'group': 272, 'division': 88, 'section': 21})
    """
    return _frame(name).copy()


def levels(system: str) -> tuple[str, ...]:
    """Level names of ``system`` from the top (section/sector) to the most detailed.

    >>> levels("nace2")
    ('section', 'division', 'group', 'class')
    """
    return _info(system).levels


def _unknown(system: str, raw: object, canonical: str) -> ValueError:
    info = _info(system)
    shown = f" (read as {canonical!r})" if canonical != str(raw).strip() else ""
    return ValueError(f"{info.title} code {raw!r}{shown} is not in the official {info.title} code list")


def _bad_form(system: str, raw: object, expected: str) -> ValueError:
    return ValueError(f"{_info(system).title} code {raw!r} is not a recognised form: expected {expected}")


_NACE_FORMS = (
    "a section letter (C), a division (25), group (25.1 or 251) or class (25.11 or 2511), "
    "optionally preceded by the section letter (C25.11) or, for a class, followed by a French "
    "NAF subclass letter (2511Z, 25.11Z)"
)
_ISIC_FORMS = (
    "a section letter (C) or a division (25), group (251) or class (2511), optionally preceded by "
    "the section letter (C2511)"
)
_NAICS_FORMS = "2 to 6 digits (33, 332, 3327, 33271, 332710) or a sector range (31-33)"


def _section_prefix(text: str) -> tuple[str, str]:
    """Split an optional leading section letter from the digits: 'C25.11' -> ('C', '25.11')."""
    match = re.fullmatch(r"([A-U])[\s\-]*(\d.*)", text)
    if match:
        return match.group(1), match.group(2)
    return "", text


def _check_section(system: str, raw: object, section: str, code: str) -> None:
    """A written section prefix must be the code's real section (C25.11 yes, A25.11 no)."""
    if section:
        index = _index(system)
        actual = code
        while index[actual][2]:
            actual = index[actual][2]
        if actual != section:
            raise ValueError(
                f"{_info(system).title} code {raw!r}: {code} belongs to section {actual}, not {section}"
            )


def _normalise_nace(raw: object, text: str) -> str:
    if re.fullmatch(r"[A-U]", text):
        code = text
        section = ""
    else:
        section, rest = _section_prefix(text)
        # French NAF rev.2 subclasses (APE codes) add one letter to a NACE class: 2511Z, 25.11Z
        naf = re.fullmatch(r"(\d{2})\.?(\d{2})[A-Z]", rest)
        dotted = re.fullmatch(r"(\d{1,2})(?:\.(\d{1,2}))?", rest)
        packed = re.fullmatch(r"\d{2,4}", rest)
        if naf:
            code = f"{naf.group(1)}.{naf.group(2)}"
        elif dotted:
            division, rest_digits = dotted.group(1).zfill(2), dotted.group(2) or ""
            code = division if not rest_digits else f"{division}.{rest_digits}"
        elif packed:
            code = rest if len(rest) == 2 else f"{rest[:2]}.{rest[2:]}"
        else:
            raise _bad_form("nace2", raw, _NACE_FORMS)
    if code not in _index("nace2"):
        raise _unknown("nace2", raw, code)
    _check_section("nace2", raw, section, code)
    return code


def _normalise_isic(raw: object, text: str) -> str:
    if re.fullmatch(r"[A-U]", text):
        code, section = text, ""
    else:
        section, rest = _section_prefix(text)
        # people also write ISIC classes with NACE-style dots (25.11); the digits are the same
        match = re.fullmatch(r"(\d{2})(?:\.?(\d{1,2}))?", rest)
        if not match:
            raise _bad_form("isic4", raw, _ISIC_FORMS)
        code = match.group(1) + (match.group(2) or "")
    if code not in _index("isic4"):
        raise _unknown("isic4", raw, code)
    _check_section("isic4", raw, section, code)
    return code


def _normalise_naics(raw: object, text: str) -> str:
    text = re.sub(r"\.0+$", "", text)  # 332710.0 from a spreadsheet column read as float
    if re.fullmatch(r"\d{2}\s*-\s*\d{2}", text):
        code = re.sub(r"\s", "", text)
    elif re.fullmatch(r"\d{2,6}", text):
        code = NAICS_SECTOR_RANGES.get(text, text)
    else:
        raise _bad_form("naics2017", raw, _NAICS_FORMS)
    if code not in _index("naics2017"):
        raise _unknown("naics2017", raw, code)
    return code


def normalise_code(system: str, raw: object) -> str:
    """Return the canonical code of ``raw`` in ``system``, or raise ValueError saying why not.

    Accepted written forms (spaces around the code and letter case are ignored):

    - ``nace2``: ``C``, ``25``, ``25.1``/``251``, ``25.11``/``2511``, with an optional section
      prefix (``C25.11``, ``C 2511``; it must be the code's real section) and, for a class, the
      French NAF rev.2 subclass form ``2511Z``/``25.11Z`` (the subclass letter is dropped: a NAF
      subclass always lies inside the NACE class with the same four digits).
    - ``isic4``: ``C``, ``25``, ``251``, ``2511``, with an optional section prefix (``C2511``).
    - ``naics2017``: ``33``, ``332``, ``3327``, ``33271``, ``332710`` (also an int, or "332710.0");
      ``31``/``32``/``33`` give the sector ``31-33`` (likewise ``44-45`` and ``48-49``).

    The result always exists in the shipped code list.

    Parameters
    ----------
    system : {"isic4", "nace2", "naics2017"}
        The classification.
    raw : str or int
        The code as written.

    Returns
    -------
    str
        The code-list form (NACE ``"25.11"``); see :func:`normalise_naf` for the compact NAF form.

    References
    ----------
    Eurostat (2008). NACE Rev. 2, statistical classification of economic activities. UN (2008). ISIC
    Rev. 4. US Census Bureau (2017). North American Industry Classification System.

    Examples
    --------
    >>> normalise_code("nace2", "25.11Z"), normalise_code("isic4", "C2511"), normalise_code("naics2017", 33)
    ('25.11', '2511', '31-33')
    """
    _info(system)
    if isinstance(raw, bool) or raw is None:
        raise ValueError(f"{_info(system).title} code must be text or a whole number, got {raw!r}")
    if isinstance(raw, float):
        if not raw.is_integer():
            raise ValueError(
                f"{_info(system).title} code {raw!r} is a fractional number: pass codes as text "
                "(read as a number, '25.10' would already have become 25.1)"
            )
        raw_text = str(int(raw))
    else:
        raw_text = str(raw)
    text = raw_text.strip().upper()
    if not text:
        raise ValueError(f"{_info(system).title} code is empty")
    if system == "nace2":
        return _normalise_nace(raw, text)
    if system == "isic4":
        return _normalise_isic(raw, text)
    return _normalise_naics(raw, text)


def ancestors(system: str, code: object) -> tuple[str, ...]:
    """Codes of every level above ``code``, from the top level down to its parent.

    ``code`` may be in any form accepted by :func:`normalise_code`. A top-level code has no
    ancestors and gives ``()``.

    >>> ancestors("nace2", "25.11"), ancestors("naics2017", "332710"), ancestors("isic4", "C")
    (('C', '25', '25.1'), ('31-33', '332', '3327', '33271'), ())
    """
    index = _index(system)
    current = normalise_code(system, code)
    chain: list[str] = []
    parent = index[current][2]
    while parent:
        chain.append(parent)
        parent = index[parent][2]
    return tuple(reversed(chain))


def code_level(system: str, code: object) -> str:
    """Level name of ``code`` (one of :func:`levels`).

    >>> code_level("nace2", "25.1"), code_level("naics2017", 33)
    ('group', 'sector')
    """
    return _index(system)[normalise_code(system, code)][1]


def label(system: str, code: object, language: str | None = None) -> str:
    """Title of ``code``, e.g. ``label("isic4", "2511")``: the official English one, or in ``language``
    ("pt-br", "pt_BR", "es", "es-CL", ...) where a translation is shipped (see :func:`translated_label`).

    >>> label("isic4", "2511"), label("nace2", "C", "pt-br")
    ('Manufacture of structural metal products', 'Indústrias de transformação')
    """
    canonical = normalise_code(system, code)
    if language:
        translated = translated_label(system, canonical, language)
        if translated:
            return translated
    return _index(system)[canonical][0]


# Translated titles (sources in data/codelists/README.md): ISIC/NACE sections and divisions (the same codes
# and meaning in both) and NAICS sectors; below divisions, ISIC groups and classes only (NACE's are not
# ISIC's code for code): Spanish for all of them, Portuguese where one CNAE group or class covers exactly
# the ISIC one.
_TRANSLATIONS = {"isic4": ("isic4_nace2_titles.csv", "isic4_fine_titles.csv"),
                 "nace2": ("isic4_nace2_titles.csv",), "naics2017": ("naics2017_titles.csv",)}
_LANGUAGE_COLUMNS = ("pt_BR", "es")


def _catalogue_language(language: str) -> str | None:
    tag = language.replace("_", "-").lower()
    if tag == "pt" or tag.startswith("pt-"):
        return "pt_BR"
    if tag == "es" or tag.startswith("es-"):
        return "es"
    return None


@cache
def _translations(system: str) -> dict[str, dict[str, str]]:
    titles: dict[str, dict[str, str]] = {column: {} for column in _LANGUAGE_COLUMNS}
    for filename in _TRANSLATIONS[system]:
        path = resources.files("triplec.mapping").joinpath("data", "codelists", filename)
        with path.open("r", encoding="utf-8") as handle:
            frame = pd.read_csv(handle, dtype=str, keep_default_na=False)
        for column in _LANGUAGE_COLUMNS:
            titles[column].update((code, text) for code, text in zip(frame["code"], frame[column], strict=True)
                                  if text)
    return titles


def translated_label(system: str, code: str, language: str) -> str | None:
    """Title of the canonical ``code`` in ``language`` (Portuguese or Spanish), or None when none is
    shipped: English; NACE below divisions; NAICS below sectors; an ISIC group or class in Portuguese that
    no single CNAE group or class matches.

    >>> translated_label("nace2", "C", "es-CL"), translated_label("isic4", "1610", "pt-br")
    ('Industrias manufactureras', 'Desdobramento de madeira')
    >>> translated_label("isic4", "1610", "es"), translated_label("isic4", "1629", "pt-br")
    ('Aserrado y acepilladura de madera', None)
    """
    column = _catalogue_language(language)
    if column is None:
        return None
    return _translations(system)[column].get(code)


# ----------------------------------------------------------------------------- compact NAF form

#: NACE Rev. 2 / NAF rév. 2 sections and the divisions (2-digit) they hold.
NAF_SECTIONS = {
    "A": (1, 3), "B": (5, 9), "C": (10, 33), "D": (35, 35), "E": (36, 39), "F": (41, 43),
    "G": (45, 47), "H": (49, 53), "I": (55, 56), "J": (58, 63), "K": (64, 66), "L": (68, 68),
    "M": (69, 75), "N": (77, 82), "O": (84, 84), "P": (85, 85), "Q": (86, 88), "R": (90, 93),
    "S": (94, 96), "T": (97, 98), "U": (99, 99),
}
_NAF_RE = re.compile(r"^(\d{2})(\d{1,2})?([A-Z])?$")


def naf_section_of_division(division: int) -> str | None:
    """Section letter of a 2-digit NACE division (25 -> "C"), or None when no section holds it."""
    for section, (low, high) in NAF_SECTIONS.items():
        if low <= division <= high:
            return section
    return None


def normalise_naf(code: str) -> str:
    """Compact NAF form: upper-case, strip spaces and the dot: "25.11z" -> "2511Z". Sections ("C") pass
    through. Checks the form and the division only (not the shipped list): see :func:`normalise_code`
    for the code-list form "25.11".

    Parameters
    ----------
    code : str
        A NAF rév. 2 / NACE Rev. 2 code at any level, with or without the dot and sub-class letter.

    Returns
    -------
    str
        The compact form; raises :class:`SectorCodeError` for a code that is not NAF/NACE.

    References
    ----------
    INSEE (2008). Nomenclature d'activités française, NAF rév. 2.

    Examples
    --------
    >>> normalise_naf("25.11z"), normalise_naf("25.1"), normalise_naf("C")
    ('2511Z', '251', 'C')
    """
    raw = str(code).strip().upper().replace(".", "").replace(" ", "")
    if len(raw) == 1 and raw in NAF_SECTIONS:
        return raw
    match = _NAF_RE.match(raw)
    if not match or (match.group(3) and len(match.group(2) or "") != 2):
        raise SectorCodeError(f"{code!r} is not a NAF/NACE code (e.g. 'C', '25', '25.1', '25.11', '25.11Z')",
                              str(code).strip())
    if not naf_section_of_division(int(match.group(1))):
        raise SectorCodeError(f"{code!r}: division {match.group(1)} does not exist in NACE Rev. 2", str(code).strip())
    return raw
