"""Reading a study: its indicators with the value in force (stated over computed), two studies side by
side, a cluster's baseline (its latest completed study) and the whole study as plain data (JSON)."""

from __future__ import annotations

from dataclasses import dataclass

from triplec.clusters.models import Cluster

from ..models import Indicator, Study
from . import content
from .evidence import evidence_data
from .indicators import LABELS, unit_of


@dataclass
class IndicatorRow:
    key: str
    label: str
    unit: str
    computed: Indicator | None
    stated: Indicator | None

    @property
    def in_force(self) -> Indicator:
        return self.stated or self.computed

    @property
    def value(self) -> float | None:
        return self.in_force.value

    @property
    def origin(self) -> str:
        return self.in_force.origin


def indicator_rows(study: Study) -> list[IndicatorRow]:
    rows: dict[str, IndicatorRow] = {}
    for ind in sorted(study.indicators.select_related("stated_by"), key=lambda i: (i.position, i.key, i.origin)):
        row = rows.setdefault(ind.key, IndicatorRow(ind.key, ind.label, ind.unit, None, None))
        if ind.origin == Indicator.Origin.COMPUTED:
            row.computed = ind
        else:
            row.stated = ind
            row.label, row.unit = ind.label or row.label, ind.unit or row.unit
    for row in rows.values():  # a computed figure's label and unit in the reader's language
        row.label = str(LABELS.get(row.key, row.label))
        row.unit = unit_of(row.key, row.value, row.unit)
    return list(rows.values())


def _indicator_data(row: IndicatorRow) -> dict:
    def one(ind: Indicator | None) -> dict | None:
        if ind is None:
            return None
        return {"value": ind.value, "text": ind.text, "unit": ind.unit, "source": ind.source,
                "as_of": ind.as_of.isoformat(),
                "stated_by": (ind.stated_by.get_full_name() or ind.stated_by.get_username()) if ind.stated_by else None}
    return {"key": row.key, "label": row.label, "unit": row.unit, "value": row.value, "origin": row.origin,
            "computed": one(row.computed), "stated": one(row.stated)}


def study_data(study: Study) -> dict:
    """The whole study as plain data: the JSON export and the API's detail answer."""
    return {
        "id": study.pk, "cluster_id": study.cluster_id, "cluster": study.cluster.name, "version": study.version,
        "title": study.title, "period": study.period, "study_date": study.study_date.isoformat(),
        "status": study.status, "authors": study.authors, "summary": study.summary,
        "created_at": study.created_at.isoformat(), "updated_at": study.updated_at.isoformat(),
        "completed_at": study.completed_at.isoformat() if study.completed_at else None,
        "attributes": [{"attribute": code, "label": str(label), **study.attributes.get(code, {})}
                       for code, label in content.ATTRIBUTES.items()],
        "competitive_path": study.competitive_path, "competitive_path_text": study.competitive_path_text,
        "governance": study.governance, "governance_text": study.governance_text,
        "buyers": study.buyers, "problems": study.problems, "instruments": study.instruments,
        "indicators": [_indicator_data(row) for row in indicator_rows(study)],
        "evidence": evidence_data(study),
    }


def baseline(cluster: Cluster) -> dict | None:
    """The figures of the cluster's latest completed study (the evaluation's baseline), or None: the study's
    id, version and date, and per indicator key the value in force, its unit and origin."""
    study = cluster.studies.filter(status=Study.Status.COMPLETED).order_by("-version").first()
    if study is None:
        return None
    return {"cluster_id": cluster.pk, "study_id": study.pk, "version": study.version,
            "study_date": study.study_date.isoformat(),
            "figures": {row.key: {"label": row.label, "value": row.value, "unit": row.unit, "origin": row.origin}
                        for row in indicator_rows(study)},
            "attributes": {code: entry.get("assessment", "") for code, entry in study.attributes.items()}}


def compare(first: Study, second: Study) -> dict:
    """Two studies of one cluster side by side (older first): each indicator's values in force and the
    change, each attribute's assessments and whether it changed."""
    if first.cluster_id != second.cluster_id:
        raise ValueError("studies of different clusters")
    old, new = sorted((first, second), key=lambda s: s.version)
    old_rows = {r.key: r for r in indicator_rows(old)}
    new_rows = {r.key: r for r in indicator_rows(new)}
    keys = list(new_rows) + [k for k in old_rows if k not in new_rows]
    figures = []
    for key in keys:
        a, b = old_rows.get(key), new_rows.get(key)
        before, after = (a.value if a else None), (b.value if b else None)
        figures.append({"key": key, "label": (b or a).label, "unit": (b or a).unit,
                        "old": before, "old_origin": a.origin if a else "",
                        "new": after, "new_origin": b.origin if b else "",
                        "change": None if before is None or after is None else round(after - before, 6)})
    attributes = []
    for code, label in content.ATTRIBUTES.items():
        before = old.attributes.get(code, {}).get("assessment", "")
        after = new.attributes.get(code, {}).get("assessment", "")
        attributes.append({"attribute": code, "label": str(label), "old": before, "new": after,
                           "old_label": content.label_of(content.ASSESSMENTS, before),
                           "new_label": content.label_of(content.ASSESSMENTS, after), "changed": before != after})
    return {"old": old, "new": new, "figures": figures, "attributes": attributes,
            "path_changed": old.competitive_path != new.competitive_path,
            "governance_changed": old.governance != new.governance}
