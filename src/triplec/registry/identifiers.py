"""National identifiers of enterprises: checked, stored in one form and shown in the country's own.

`normalise(country, text)` is the one check every writer uses (forms, API, import, change requests):
for a country listed in SCHEMES the text must be a valid number of one of the country's kinds, check
digits included (python-stdnum), and the register stores that kind's compact form (digits and letters,
no punctuation: "11222333000181", "123456785"), so that a firm written "11.222.333/0001-81" or
"11222333000181" is one firm, held unique per country by the database's constraint on
(country, national_id). Countries not listed are stored as given (trimmed).

`display(country, value)` writes a stored identifier in the country's usual format
(11.222.333/0001-81, 12.345.678-5); `search_forms(word)` gives the stored forms a search word may
stand for, so the search box finds a firm with or without punctuation.

SCHEMES lists, for each country python-stdnum knows, the kinds of number that identify a firm (its
tax or trade-register number), not those of persons, accounts or securities; Brazil also takes the CPF
of an individual entrepreneur.
"""

from __future__ import annotations

import importlib
from functools import cache, lru_cache
from types import ModuleType

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

SCHEMES: dict[str, tuple[str, ...]] = {
    "AR": ("ar.cuit",), "AT": ("at.businessid", "at.uid"), "AU": ("au.abn", "au.acn"), "BE": ("be.vat",),
    "BG": ("bg.vat",), "BR": ("br.cnpj", "br.cpf"), "BY": ("by.unp",), "CA": ("ca.bn",), "CH": ("ch.uid",),
    "CL": ("cl.rut",), "CN": ("cn.uscc",), "CO": ("co.nit",), "CR": ("cr.cpj",), "CY": ("cy.vat",),
    "CZ": ("cz.dic",), "DE": ("de.handelsregisternummer", "de.vat", "de.stnr"), "DK": ("dk.cvr",),
    "DO": ("do.rnc",), "EC": ("ec.ruc",), "EE": ("ee.registrikood", "ee.kmkr"), "ES": ("es.cif", "es.nif"),
    "FI": ("fi.ytunnus", "fi.alv"), "FR": ("fr.siret", "fr.siren", "fr.tva"), "GB": ("gb.vat", "gb.utr"),
    "GR": ("gr.vat",), "GT": ("gt.nit",), "HR": ("hr.oib",), "IE": ("ie.vat",), "IN": ("in_.gstin", "in_.pan"),
    "IS": ("is_.kennitala",), "IT": ("it.iva", "it.codicefiscale"), "KR": ("kr.brn",), "LT": ("lt.pvm",),
    "LU": ("lu.tva",), "LV": ("lv.pvn",), "MA": ("ma.ice",), "MD": ("md.idno",), "MX": ("mx.rfc",),
    "NL": ("nl.btw",), "NO": ("no.orgnr", "no.mva"), "NZ": ("nz.ird",), "PE": ("pe.ruc",),
    "PL": ("pl.nip", "pl.regon"), "PT": ("pt.nif",), "PY": ("py.ruc",), "RO": ("ro.onrc", "ro.cui"),
    "RS": ("rs.pib",), "RU": ("ru.inn", "ru.ogrn"), "SE": ("se.orgnr", "se.vat"), "SG": ("sg.uen",),
    "SI": ("si.ddv", "si.maticna"), "SK": ("sk.dph",), "SV": ("sv.nit",), "TR": ("tr.vkn",), "TW": ("tw.ubn",),
    "UA": ("ua.edrpou",), "US": ("us.ein",), "UY": ("uy.rut",), "VE": ("ve.rif",), "VN": ("vn.mst",),
    "ZA": ("za.tin",),
}

# Short names of the kinds people know, for messages ("a valid CNPJ or CPF"); others use stdnum's.
_KIND_NAMES = {"br.cnpj": "CNPJ", "br.cpf": "CPF", "cl.rut": "RUT", "fr.siret": "SIRET", "fr.siren": "SIREN",
               "fr.tva": "TVA", "ar.cuit": "CUIT", "mx.rfc": "RFC", "co.nit": "NIT", "pe.ruc": "RUC",
               "uy.rut": "RUT", "us.ein": "EIN"}


# Reasons, in English as stored with an import's row errors (importing.messages); shown translated.
CHECK_DIGIT = gettext_noop("the check digit is wrong")
BAD_PART = gettext_noop("a part of the number is not valid")
BAD_LENGTH = gettext_noop("it has the wrong number of digits")
BAD_FORMAT = gettext_noop("it has characters or a layout the number cannot have")
NOT_VALID = gettext_noop("it is not valid")
INVALID = gettext_noop("%(value)s is not a valid national identifier for %(country)s (%(kinds)s): %(reason)s")


class IdentifierError(ValueError):
    """The text is not a valid identifier of the country. `reason` is one of the reasons above (English);
    str() is the whole sentence in the active language."""

    def __init__(self, value: str, country: str, reason: str):
        self.value, self.country, self.reason = value, country, reason
        super().__init__(value, country, reason)

    def __str__(self) -> str:
        return _(INVALID) % {"value": self.value[:40], "country": self.country,
                             "kinds": kinds_label(self.country), "reason": _(self.reason)}


@cache
def _module(name: str) -> ModuleType:
    return importlib.import_module(f"stdnum.{name}")


def kinds(country: str) -> tuple[str, ...]:
    """The kinds of identifier checked for `country` (empty: stored as given)."""
    return SCHEMES.get((country or "").upper(), ())


def kind_name(kind: str) -> str:
    if kind in _KIND_NAMES:
        return _KIND_NAMES[kind]
    doc = (_module(kind).__doc__ or kind).strip().splitlines()[0]
    return doc.split(" (")[0].rstrip(".")


def kinds_label(country: str) -> str:
    """"CNPJ/CPF", for help texts and messages."""
    return "/".join(kind_name(k) for k in kinds(country))


def normalise(country: str, text: str) -> str:
    """The stored form of `text` as an identifier in `country`, or IdentifierError (translated)."""
    text = (text or "").strip()
    country = (country or "").upper()
    schemes = kinds(country)
    if not schemes or not text:
        return text
    errors: list[ValidationError] = []
    for kind in schemes:
        try:
            return _module(kind).validate(text)
        except ValidationError as exc:
            errors.append(exc)
    raise IdentifierError(text, country, _reason(errors))


def _reason(errors: list[ValidationError]) -> str:
    # The most telling error among the kinds tried: a wrong check digit means the length and form were right.
    if any(isinstance(e, InvalidChecksum) for e in errors):
        return CHECK_DIGIT
    if any(isinstance(e, InvalidComponent) for e in errors):
        return BAD_PART
    if any(isinstance(e, InvalidLength) for e in errors):
        return BAD_LENGTH
    if any(isinstance(e, InvalidFormat) for e in errors):
        return BAD_FORMAT
    return NOT_VALID


@lru_cache(maxsize=65536)
def display(country: str, value: str) -> str:
    """`value` (as stored) in the country's usual format; as stored when no kind formats it."""
    for kind in kinds(country):
        module = _module(kind)
        if module.is_valid(value):
            return module.format(value) if hasattr(module, "format") else module.compact(value)
    return value


_PUNCTUATION = str.maketrans("", "", " .-/,")


@lru_cache(maxsize=4096)
def search_forms(word: str) -> tuple[str, ...]:
    """Upper-case stored forms a search word may stand for: as typed, without punctuation, and the
    compact form of every kind it is a valid number of (some drop a country prefix)."""
    forms = [word.upper(), word.translate(_PUNCTUATION).upper()]
    for kind in dict.fromkeys(k for schemes in SCHEMES.values() for k in schemes):
        module = _module(kind)
        try:
            if module.is_valid(word):
                forms.append(module.compact(word).upper())
        except Exception:  # noqa: BLE001  (a few stdnum modules raise on odd input instead of saying False)
            continue
    return tuple(dict.fromkeys(f for f in forms if f))
