"""What the study pages show and send: the edit form's values (from the study or from what was posted),
the POST turned into the services' data, the indicators with their origins, the study's versions."""

from __future__ import annotations

import re

from django.utils.dateparse import parse_date

from triplec.core.shortcuts import history_records, history_rows

from .models import Study
from .services import content, evidence, indicator_rows

BLANK_ROWS = 2  # empty rows offered under each list section of the form
ROW_NAME = re.compile(r"^(buyer|problem|instrument)-(\d+)-(\w+)$")
ROW_SECTIONS = {"buyer": ("buyers", content.BUYER_FIELDS), "problem": ("problems", content.PROBLEM_FIELDS),
                "instrument": ("instruments", content.INSTRUMENT_FIELDS)}


def posted_changes(post) -> dict:
    """The edit form's POST as `services.update_study` data (every section given, blank rows dropped there)."""
    data = {name: post.get(name, "") for name in content.TEXT_FIELDS}
    data.update({name: post.get(name, "") for name in content.CHOICE_FIELDS})
    day = post.get("study_date", "").strip()
    data["study_date"] = parse_date(day) if day else None
    if data["study_date"] is None:
        data.pop("study_date")
    data["attributes"] = {code: {f: post.get(f"attr-{code}-{f}", "") for f in content.ATTRIBUTE_FIELDS}
                          for code in content.ATTRIBUTES}
    rows: dict[str, dict[int, dict]] = {section: {} for section, _fields in ROW_SECTIONS.values()}
    for name in post:
        found = ROW_NAME.match(name)
        if found and found.group(3) in ROW_SECTIONS[found.group(1)][1]:
            section = ROW_SECTIONS[found.group(1)][0]
            rows[section].setdefault(int(found.group(2)), {})[found.group(3)] = post.get(name, "")
    for section, by_index in rows.items():
        data[section] = [by_index[i] for i in sorted(by_index)]
    return data


def form_values(study: Study, posted: dict | None = None) -> dict:
    """The edit form's values: what was posted (shown again with its errors) or the study's own."""
    source = posted if posted is not None else {
        **{name: getattr(study, name) for name in (*content.TEXT_FIELDS, *content.CHOICE_FIELDS)},
        "study_date": study.study_date, "attributes": study.attributes, "buyers": study.buyers,
        "problems": study.problems, "instruments": study.instruments}
    attributes = source.get("attributes") or {}
    values = {name: source.get(name, "") for name in (*content.TEXT_FIELDS, *content.CHOICE_FIELDS)}
    values["study_date"] = source.get("study_date") or study.study_date
    values["attributes"] = [{"code": code, "label": label, **{f: (attributes.get(code) or {}).get(f, "")
                                                               for f in content.ATTRIBUTE_FIELDS}}
                            for code, label in content.ATTRIBUTES.items()]
    for section in ("buyers", "problems", "instruments"):
        values[section] = list(source.get(section) or []) + [{} for _ in range(BLANK_ROWS)]
    return values


def choices() -> dict:
    return {"assessments": list(content.ASSESSMENTS.items()), "problem_kinds": list(content.PROBLEM_KINDS.items()),
            "priorities": list(content.PRIORITIES.items()), "instrument_choices": list(content.INSTRUMENTS.items()),
            "paths": Study.Path.choices, "governances": Study.Governance.choices}


def study_context(study: Study, can_edit: bool) -> dict:
    versions = list(study.cluster.studies.order_by("-version"))
    return {"study": study, "indicators": indicator_rows(study), "versions": versions,
            "editable": can_edit and study.is_draft, "can_edit": can_edit,
            "history": history_rows(history_records(study.history.all()), Study),
            "others": [v for v in versions if v.pk != study.pk],
            "attributes": [{"label": label, "entry": study.attributes.get(code, {}),
                            "assessment": content.label_of(content.ASSESSMENTS,
                                                           study.attributes.get(code, {}).get("assessment", ""))}
                           for code, label in content.ATTRIBUTES.items()],
            "problems": [{**p, "kind_label": content.label_of(content.PROBLEM_KINDS, p["kind"]),
                          "priority_label": content.label_of(content.PRIORITIES, p["priority"])} for p in study.problems],
            "instruments": [{**i, "label": content.label_of(content.INSTRUMENTS, i["instrument"])}
                            for i in study.instruments],
            **evidence_context(study), **choices()}


def evidence_context(study: Study) -> dict:
    return {"evidence": evidence.evidence_rows(study), "evidence_targets": evidence.targets(study),
            "evidence_types": evidence.allowed_types(), "evidence_accept": ",".join(f".{t}" for t in evidence.FILE_TYPES),
            "evidence_max_mb": f"{evidence.max_bytes() / 1024 / 1024:.2g}"}
