"""The structured sections of a study (district attributes, buyers and markets, problems and
opportunities, proposed instruments): their vocabularies and the check of what a person enters."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triplec.core.errors import ValidationFailed

from ..models import Study

# The district attributes of Humphrey & Schmitz (1995, s.2-3), in the order a study reads them.
ATTRIBUTES = {
    "concentration": gettext_lazy("Geographical and sectoral concentration"),
    "specialisation": gettext_lazy("Specialisation and division of labour among firms"),
    "suppliers": gettext_lazy("Local suppliers of inputs and machinery"),
    "services": gettext_lazy("Business and technical services"),
    "associations": gettext_lazy("Producers' and business associations"),
    "government": gettext_lazy("Local government and public support"),
    "trust": gettext_lazy("Trust and joint action"),
    "skills": gettext_lazy("Skills and labour"),
}
ASSESSMENTS = {
    "absent": gettext_lazy("Absent"), "weak": gettext_lazy("Weak"),
    "moderate": gettext_lazy("Moderate"), "strong": gettext_lazy("Strong"),
}
PROBLEM_KINDS = {"problem": gettext_lazy("Problem"), "opportunity": gettext_lazy("Opportunity")}
PRIORITIES = {"high": gettext_lazy("High"), "medium": gettext_lazy("Medium"), "low": gettext_lazy("Low")}
# The Triple C instruments an agency can propose for the cluster (DOMAIN.md, instruments 2-7).
INSTRUMENTS = {
    "networks": gettext_lazy("Brokered networks"),
    "profo": gettext_lazy("PROFO network"),
    "fairs": gettext_lazy("Trade fairs and buyers"),
    "procurement": gettext_lazy("Public procurement through associations"),
    "suppliers": gettext_lazy("Supplier upgrading with large firms"),
    "centres": gettext_lazy("Real service centre"),
}
ATTRIBUTE_FIELDS = ("assessment", "text", "source", "link")
BUYER_FIELDS = ("name", "market", "note")
PROBLEM_FIELDS = ("kind", "text", "priority")
INSTRUMENT_FIELDS = ("instrument", "reason")
TEXT_FIELDS = ("title", "period", "authors", "summary", "competitive_path_text", "governance_text")
CHOICE_FIELDS = {"competitive_path": Study.Path, "governance": Study.Governance}
SECTIONS = ("attributes", "buyers", "problems", "instruments")
EDITABLE = (*TEXT_FIELDS, *CHOICE_FIELDS, "study_date", *SECTIONS)


def label_of(vocabulary: dict, code: str) -> str:
    return str(vocabulary.get(code, code or "—"))


def _text(value, field: str, errors: dict) -> str:
    if value is None:
        return ""
    if not isinstance(value, str | int | float):
        errors.setdefault(field, []).append(_("Give text."))
        return ""
    return str(value).strip()


def _choice(value, vocabulary, field: str, errors: dict, *, required: bool = False) -> str:
    value = _text(value, field, errors)
    if value and value not in vocabulary:
        errors.setdefault(field, []).append(_("Choose one of: %(codes)s.") % {"codes": ", ".join(vocabulary)})
    elif required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    return value


def _link(value, field: str, errors: dict) -> str:
    value = _text(value, field, errors)
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            errors.setdefault(field, []).append(_("Give a web address (http or https)."))
    return value


def clean_attributes(raw, errors: dict) -> dict:
    if not isinstance(raw, dict):
        errors.setdefault("attributes", []).append(_("Give one entry per attribute."))
        return {}
    cleaned = {}
    for code, entry in raw.items():
        if code not in ATTRIBUTES:
            errors.setdefault("attributes", []).append(_("Unknown attribute %(code)s.") % {"code": code})
            continue
        if not isinstance(entry, dict) or set(entry) - set(ATTRIBUTE_FIELDS):
            errors.setdefault(f"attributes.{code}", []).append(
                _("Give only: %(fields)s.") % {"fields": ", ".join(ATTRIBUTE_FIELDS)})
            continue
        row = {"assessment": _choice(entry.get("assessment"), ASSESSMENTS, f"attributes.{code}.assessment", errors),
               "text": _text(entry.get("text"), f"attributes.{code}.text", errors),
               "source": _text(entry.get("source"), f"attributes.{code}.source", errors),
               "link": _link(entry.get("link"), f"attributes.{code}.link", errors)}
        if any(row.values()):
            cleaned[code] = row
    return {code: cleaned[code] for code in ATTRIBUTES if code in cleaned}


def _rows(raw, section: str, fields: tuple[str, ...], errors: dict, check, defaulted: tuple[str, ...] = ()) -> list[dict]:
    """The rows of a list section; a row whose fields are empty but for `defaulted` ones (a form's select
    that always has a value) is a blank row of a form, dropped."""
    if not isinstance(raw, list):
        errors.setdefault(section, []).append(_("Give a list of rows."))
        return []
    rows = []
    for i, entry in enumerate(raw):
        where = f"{section}.{i + 1}"
        if not isinstance(entry, dict) or set(entry) - set(fields):
            errors.setdefault(where, []).append(_("Give only: %(fields)s.") % {"fields": ", ".join(fields)})
            continue
        if not any(_text(entry.get(f), where, {}) for f in fields if f not in defaulted):
            continue  # a blank row of a form
        rows.append(check(entry, where))
    return rows


def clean_buyers(raw, errors: dict) -> list[dict]:
    def check(entry, where):
        row = {f: _text(entry.get(f), f"{where}.{f}", errors) for f in BUYER_FIELDS}
        if not row["name"]:
            errors.setdefault(f"{where}.name", []).append(_("Name the buyer or market."))
        return row
    return _rows(raw, "buyers", BUYER_FIELDS, errors, check)


def clean_problems(raw, errors: dict) -> list[dict]:
    def check(entry, where):
        row = {"kind": _choice(entry.get("kind"), PROBLEM_KINDS, f"{where}.kind", errors, required=True),
               "text": _text(entry.get("text"), f"{where}.text", errors),
               "priority": _choice(entry.get("priority") or "medium", PRIORITIES, f"{where}.priority", errors)}
        if not row["text"]:
            errors.setdefault(f"{where}.text", []).append(_("Say what was found."))
        return row
    return _rows(raw, "problems", PROBLEM_FIELDS, errors, check, defaulted=("priority",))


def clean_instruments(raw, errors: dict) -> list[dict]:
    def check(entry, where):
        return {"instrument": _choice(entry.get("instrument"), INSTRUMENTS, f"{where}.instrument", errors,
                                      required=True),
                "reason": _text(entry.get("reason"), f"{where}.reason", errors)}
    return _rows(raw, "instruments", INSTRUMENT_FIELDS, errors, check)


CLEANERS = {"attributes": clean_attributes, "buyers": clean_buyers, "problems": clean_problems,
            "instruments": clean_instruments}


def clean_changes(data: dict) -> dict:
    """The fields of `data` a draft may take, checked; ValidationFailed names every wrong field."""
    errors: dict[str, list[str]] = {}
    unknown = set(data) - set(EDITABLE)
    if unknown:
        errors["__all__"] = [_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))}]
    cleaned = {}
    for name in TEXT_FIELDS:
        if name in data:
            cleaned[name] = _text(data[name], name, errors)
    if "title" in cleaned and not cleaned["title"]:
        errors.setdefault("title", []).append(_("This field is required."))
    for name, choices in CHOICE_FIELDS.items():
        if name in data:
            cleaned[name] = _choice(data[name], dict(choices.choices), name, errors)
    if "study_date" in data:
        cleaned["study_date"] = data["study_date"]
    for name, clean in CLEANERS.items():
        if name in data:
            cleaned[name] = clean(data[name], errors)
    if errors:
        raise ValidationFailed(errors)
    return cleaned
