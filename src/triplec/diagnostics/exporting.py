"""A study printed and exported: the PDF (core.pdf blocks), the workbook (one sheet per section) and the
JSON document; all three read the same rows the study's page shows (`study_sections`)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from triplec.core import pdf, spreadsheets

from .models import Study
from .services import content, evidence_rows, indicator_rows, study_data
from .templatetags.diagnostics_tags import figure, whole


def _origin_note(row) -> str:
    ind = row.in_force
    if ind.origin == "stated":
        who = (ind.stated_by.get_full_name() or ind.stated_by.get_username()) if ind.stated_by else "?"
        note = _("stated by %(who)s") % {"who": who}
        if row.computed is not None:
            note += " · " + _("computed: %(value)s") % {"value": figure(row.computed.value)}
        return note
    return _("computed")


def study_sections(study: Study) -> dict:
    """Every section as rows of text and numbers, in the reader's language: the page, the PDF and the workbook."""
    attributes = [{"attribute": str(label), "assessment": content.label_of(content.ASSESSMENTS, entry.get("assessment", "")),
                   "text": entry.get("text", ""), "source": entry.get("source", ""), "link": entry.get("link", "")}
                  for code, label in content.ATTRIBUTES.items() for entry in [study.attributes.get(code, {})]]
    indicators = [{"key": row.key, "label": row.label, "value": row.value, "unit": row.unit,
                   "origin": _origin_note(row), "details": row.in_force.text, "source": row.in_force.source,
                   "as_of": row.in_force.as_of.isoformat()} for row in indicator_rows(study)]
    return {
        "facts": [(_("Cluster"), study.cluster.name), (_("Version"), str(study.version)),
                  (_("Status"), study.get_status_display()), (_("Date of the study"), study.study_date.isoformat()),
                  (_("Period studied"), study.period or "—"), (_("Authors"), study.authors or "—")],
        "attributes": attributes,
        "path": [(_("Competitive path"), study.get_competitive_path_display() or "—"),
                 (_("Governance of the value chains"), study.get_governance_display() or "—")],
        "buyers": study.buyers,
        "problems": [{"kind": content.label_of(content.PROBLEM_KINDS, p["kind"]), "text": p["text"],
                      "priority": content.label_of(content.PRIORITIES, p["priority"])} for p in study.problems],
        "instruments": [{"instrument": content.label_of(content.INSTRUMENTS, i["instrument"]), "reason": i["reason"]}
                        for i in study.instruments],
        "indicators": indicators,
        "evidence": [{"for": r.target_label, "title": r.evidence.title,
                      "file": r.evidence.file_name or r.evidence.link, "added": r.evidence.added_at.date().isoformat()}
                     for r in evidence_rows(study)],
    }


def pdf_bytes(study: Study) -> bytes:
    s = study_sections(study)
    blocks = [pdf.Facts(s["facts"])]
    if study.summary:
        blocks.append(pdf.Paragraph(study.summary))
    blocks += [pdf.Heading(_("Indicators")),
               pdf.Table([_("Indicator"), _("Value"), _("Unit"), _("Origin"), _("Source of the figure")],
                         [[r["label"], whole(r["value"]), r["unit"], r["origin"], r["source"]] for r in s["indicators"]]),
               pdf.Heading(_("District attributes")),
               pdf.Table([_("Attribute"), _("Assessment"), _("Findings"), _("Evidence")],
                         [[a["attribute"], a["assessment"], a["text"], " ".join(filter(None, [a["source"], a["link"]]))]
                          for a in s["attributes"]]),
               pdf.Heading(_("Competitive path and governance")), pdf.Facts(s["path"])]
    blocks += [pdf.Paragraph(t) for t in (study.competitive_path_text, study.governance_text) if t]
    if s["buyers"]:
        blocks.append(pdf.Table([_("Buyer or market"), _("Market"), _("Note")],
                                [[b["name"], b["market"], b["note"]] for b in s["buyers"]], caption=_("Main buyers and markets")))
    blocks += [pdf.Heading(_("Problems and opportunities")),
               pdf.Table([_("Kind"), _("Finding"), _("Priority")],
                         [[p["kind"], p["text"], p["priority"]] for p in s["problems"]]),
               pdf.Heading(_("Proposed instruments")),
               pdf.Table([_("Instrument"), _("Reason")], [[i["instrument"], i["reason"]] for i in s["instruments"]])]
    if s["evidence"]:
        blocks += [pdf.Heading(_("Evidence files and links")),
                   pdf.Table([_("Evidence for"), _("Title"), _("File or link"), _("Added")],
                             [[e["for"], e["title"], e["file"], e["added"]] for e in s["evidence"]])]
    return pdf.document(study.title, blocks, subtitle=_("Diagnostic study of %(cluster)s, version %(v)s") % {
        "cluster": study.cluster.name, "v": study.version}, author=study.authors)


def xlsx_bytes(study: Study) -> bytes:
    s = study_sections(study)
    facts = [{"field": label, "value": value} for label, value in s["facts"] + s["path"]]
    facts += [{"field": _("Summary"), "value": study.summary},
              {"field": _("On the competitive path"), "value": study.competitive_path_text},
              {"field": _("On the governance"), "value": study.governance_text}]
    sheets = {
        _("Study"): (["field", "value"], facts),
        _("Indicators"): (["key", "label", "value", "unit", "origin", "details", "source", "as_of"], s["indicators"]),
        _("Attributes"): (["attribute", "assessment", "text", "source", "link"], s["attributes"]),
        _("Buyers"): (["name", "market", "note"], s["buyers"]),
        _("Problems"): (["kind", "text", "priority"], s["problems"]),
        _("Instruments"): (["instrument", "reason"], s["instruments"]),
        _("Evidence"): (["for", "title", "file", "added"], s["evidence"]),
    }
    headers = {"field": _("Field"), "value": _("Value"), "key": _("Key"), "label": _("Indicator"), "unit": _("Unit"),
               "origin": _("Origin"), "details": _("Details"), "source": _("Evidence"), "as_of": _("As of"),
               "attribute": _("Attribute"), "assessment": _("Assessment"), "text": _("Findings"),
               "link": _("Link"), "name": _("Buyer or market"), "market": _("Market"), "note": _("Note"),
               "kind": _("Kind"), "priority": _("Priority"), "instrument": _("Instrument"), "reason": _("Reason"),
               "for": _("Evidence for"), "title": _("Title"), "file": _("File or link"), "added": _("Added")}
    return spreadsheets.xlsx_bytes(sheets, headers)


def json_bytes(study: Study) -> bytes:
    return json.dumps(study_data(study), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def file_name(study: Study, extension: str) -> str:
    from django.utils.text import slugify

    return f"diagnostic-{slugify(study.cluster.name) or study.cluster_id}-v{study.version}.{extension}"
