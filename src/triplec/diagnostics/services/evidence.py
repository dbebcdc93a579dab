"""Evidence in a study: a file (PDF, image or spreadsheet, at most TRIPLEC_EVIDENCE_MAX_BYTES) or a link
backing a section (problems, opportunities, proposed instruments) or an indicator of the study. Added and
removed in a draft by those who may edit studies; read by those who may see the study, the file only
through `open_evidence` (the download view checks the policy; there is no public media URL).

A new version copies the rows, which point at the same stored files; removing a row from a draft leaves
the file for the versions that still list it and deletes it only when no row refers to it any more."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from triplec.accounts.policy import require
from triplec.core.errors import NotFound, refuse
from triplec.core.records import save_validated

from .. import policy
from ..models import Evidence, Study
from .indicators import LABELS

MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
SECTIONS = {"problems": gettext_lazy("Problems"), "opportunities": gettext_lazy("Opportunities"),
            "instruments": gettext_lazy("Proposed instruments")}
INDICATOR = "indicator:"
# file kind -> the bytes its content starts with (None: UTF-8 text)
FILE_TYPES = {"pdf": (b"%PDF",), "png": (b"\x89PNG\r\n\x1a\n",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",),
              "gif": (b"GIF87a", b"GIF89a"), "webp": (b"RIFF",), "xlsx": (b"PK\x03\x04",), "ods": (b"PK\x03\x04",),
              "xls": (b"\xd0\xcf\x11\xe0",), "csv": None}


def max_bytes() -> int:
    return getattr(settings, "TRIPLEC_EVIDENCE_MAX_BYTES", MAX_EVIDENCE_BYTES)


def allowed_types() -> str:
    return ", ".join(FILE_TYPES)


def check_file(filename: str, content: bytes) -> None:
    """Refuse an empty or too large file, a type not in FILE_TYPES, or one whose content is not what its
    name says."""
    if not content:
        refuse("file", _("The file %(name)s is empty.") % {"name": filename})
    if len(content) > max_bytes():
        refuse("file", _("The file %(name)s is larger than %(mb)s MB.")
               % {"name": filename, "mb": f"{max_bytes() / 1024 / 1024:.2g}"})
    kind = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if kind not in FILE_TYPES:
        refuse("file", _("Evidence is a PDF, an image or a spreadsheet (%(types)s); %(name)s is not.")
               % {"types": allowed_types(), "name": filename})
    starts = FILE_TYPES[kind]
    if starts is None:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            refuse("file", _("The file %(name)s is not text in UTF-8.") % {"name": filename})
    elif not content.startswith(starts):
        refuse("file", _("The file %(name)s is not a %(kind)s file, though its name says so.")
               % {"name": filename, "kind": kind.upper()})


def target_label(study: Study, target: str) -> str:
    if target in SECTIONS:
        return str(SECTIONS[target])
    key = target.removeprefix(INDICATOR)
    row = study.indicators.filter(key=key).order_by("origin").first()
    return str(LABELS.get(key, row.label if row else key))


def targets(study: Study) -> list[tuple[str, str]]:
    """What evidence may back in this study: the sections, then its indicators (stated ones first)."""
    keys = list(dict.fromkeys(study.indicators.order_by("-origin", "position", "key").values_list("key", flat=True)))
    return [(code, str(label)) for code, label in SECTIONS.items()] + [
        (INDICATOR + key, target_label(study, INDICATOR + key)) for key in keys]


def _check_target(study: Study, target: str) -> None:
    if target in SECTIONS:
        return
    if not (target.startswith(INDICATOR) and study.indicators.filter(key=target.removeprefix(INDICATOR)).exists()):
        refuse("target", _("Evidence backs a section (problems, opportunities, instruments) or an indicator of "
                           "this study: %(target)r is neither.") % {"target": target})


def _locked_draft(study: Study) -> Study:
    study = Study.objects.select_for_update().select_related("cluster").get(pk=study.pk)
    if not study.is_draft:
        refuse("status", _("A completed study is read-only: start a new version to change it."))
    return study


def add_evidence(user, study: Study, *, target: str, title: str = "", link: str = "",
                 filename: str = "", content: bytes | None = None) -> Evidence:
    """A file (`filename`, `content`) or a link backing `target` of a draft study."""
    require(policy.can_edit_studies, user)
    link, title = (link or "").strip(), (title or "").strip()
    has_file = content is not None
    if has_file == bool(link):
        refuse("file", _("Give either a file or a link."))
    if link:
        try:
            URLValidator(schemes=["http", "https"])(link)
        except ValidationError:
            refuse("link", _("Give a web address starting with http:// or https://."))
    name = get_valid_filename(filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]) if has_file else ""
    if has_file:
        check_file(name or "file", content)
    with transaction.atomic():
        study = _locked_draft(study)
        _check_target(study, target)
        row = Evidence(study=study, target=target, title=(title or name or link)[:200], link=link,
                       file_name=name[:200], size=len(content) if has_file else None, added_by=user)
        if has_file:
            row.document.save(name, ContentFile(content), save=False)
        try:
            save_validated(row, user, exclude=("study",))
        except Exception:
            if has_file:
                row.document.delete(save=False)
            raise
    return row


def remove_evidence(user, study: Study, evidence_id: int) -> None:
    """Take a row off a draft; its file stays while another version lists it."""
    require(policy.can_edit_studies, user)
    with transaction.atomic():
        study = _locked_draft(study)
        row = study.evidence.filter(pk=evidence_id).first()
        if row is None:
            raise NotFound(_("No such evidence."))
        name = row.document.name
        row.delete()
        if name and not Evidence.objects.filter(document=name).exists():
            storage = row.document.storage
            transaction.on_commit(lambda: storage.delete(name))


def copy_evidence(source: Study, study: Study) -> None:
    """A new version lists its predecessor's evidence: the same stored files, not copies."""
    Evidence.objects.bulk_create([
        Evidence(study=study, target=row.target, title=row.title, document=row.document.name,
                 file_name=row.file_name, size=row.size, link=row.link, added_by=row.added_by, added_at=row.added_at)
        for row in source.evidence.all()])


@dataclass
class EvidenceRow:
    evidence: Evidence
    target_label: str

    @property
    def is_file(self) -> bool:
        return bool(self.evidence.document)


def evidence_rows(study: Study) -> list[EvidenceRow]:
    labels = dict(targets(study))
    return [EvidenceRow(row, labels.get(row.target) or target_label(study, row.target))
            for row in study.evidence.select_related("added_by")]


def evidence_data(study: Study) -> list[dict]:
    return [{"id": r.evidence.pk, "target": r.evidence.target, "target_label": r.target_label,
             "title": r.evidence.title, "file_name": r.evidence.file_name, "size": r.evidence.size,
             "link": r.evidence.link, "added_at": r.evidence.added_at.isoformat(),
             "added_by": (r.evidence.added_by.get_full_name() or r.evidence.added_by.get_username())
             if r.evidence.added_by else None} for r in evidence_rows(study)]


def open_evidence(user, study: Study, evidence_id: int):
    """(file handle, file name) of a file of a study `user` may see (the caller got it through
    `get_study`, which checks the policy)."""
    require(policy.can_view_studies, user)
    row = study.evidence.filter(pk=evidence_id).first()
    if row is None or not row.document:
        raise NotFound(_("No such evidence file."))
    try:
        return row.document.open("rb"), row.file_name or row.document.name.rsplit("/", 1)[-1]
    except FileNotFoundError as exc:
        raise NotFound(_("The evidence file is missing.")) from exc
