"""Evidence in a study (files and links) on the `wood` cluster: the rules in the service (types, size,
targets, drafts only), versions sharing the stored files, and the page wiring: the upload form, the
list, the print view and PDF, and downloads only through the view that checks who may see the study."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from triplec.core.errors import PermissionDenied, ValidationFailed
from triplec.diagnostics import services

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% evidence\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


@pytest.fixture
def draft(wood):
    study = services.start_study(wood.officer, wood.cluster)
    services.state_indicator(wood.officer, study, "employment", {"value": 310, "source": "Survey"})
    return study


def refused(field, act) -> str:
    with pytest.raises(ValidationFailed) as caught:
        act()
    assert field in caught.value.errors, caught.value.errors
    return " ".join(caught.value.errors[field])


def test_files_and_links_are_checked(wood, draft, settings):
    officer = wood.officer
    add = services.add_evidence
    row = add(officer, draft, target="problems", title="Kiln survey", filename="kiln survey.pdf", content=PDF)
    assert (row.file_name, row.size, row.title) == ("kiln_survey.pdf", len(PDF), "Kiln survey")
    assert default_storage.open(row.document.name).read() == PDF
    link = add(officer, draft, target="indicator:employment", link="https://example.org/survey")
    assert link.title == "https://example.org/survey" and not link.document
    assert "photo.png" in refused("file", lambda: add(officer, draft, target="problems", filename="photo.png",
                                                       content=b"not an image"))
    assert "pdf, png" in refused("file", lambda: add(officer, draft, target="problems", filename="run.exe",
                                                     content=b"MZ"))
    settings.TRIPLEC_EVIDENCE_MAX_BYTES = 10
    assert "larger than" in refused("file", lambda: add(officer, draft, target="problems", filename="big.pdf",
                                                        content=PDF))
    settings.TRIPLEC_EVIDENCE_MAX_BYTES = 1024
    refused("file", lambda: add(officer, draft, target="problems"))  # neither file nor link
    refused("file", lambda: add(officer, draft, target="problems", link="https://a.org", filename="a.png",
                                content=PNG))
    refused("link", lambda: add(officer, draft, target="problems", link="javascript:alert(1)"))
    assert "nothing" in refused("target", lambda: add(officer, draft, target="indicator:nothing", link="https://a.org"))
    refused("target", lambda: add(officer, draft, target="summary", link="https://a.org"))
    with pytest.raises(PermissionDenied):
        add(wood.world.users["evaluator"], draft, target="problems", link="https://a.org")
    assert [e["target"] for e in services.evidence_data(draft)] == ["indicator:employment", "problems"]


def test_versions_share_the_files_and_a_completed_version_keeps_its_own(wood, draft,
                                                                        django_capture_on_commit_callbacks):
    officer = wood.officer
    kept = services.add_evidence(officer, draft, target="instruments", filename="offer.xlsx",
                                 content=b"PK\x03\x04 sheet")
    services.update_study(officer, draft, {"attributes": {"trust": {"assessment": "weak"}}})
    first = services.complete_study(officer, draft)
    refused("status", lambda: services.add_evidence(officer, first, target="problems", link="https://a.org"))
    refused("status", lambda: services.remove_evidence(officer, first, kept.pk))
    second = services.start_study(officer, wood.cluster)
    copied = second.evidence.get()
    assert copied.pk != kept.pk and copied.document.name == kept.document.name
    fresh = services.add_evidence(officer, second, target="opportunities", filename="photo.png", content=PNG)
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_evidence(officer, second, copied.pk)
        services.remove_evidence(officer, second, fresh.pk)
    assert default_storage.exists(kept.document.name)  # version 1 still lists it
    assert not default_storage.exists(fresh.document.name)  # no version lists it any more
    assert [e["file_name"] for e in services.evidence_data(first)] == ["offer.xlsx"]
    handle, name = services.open_evidence(wood.world.users["evaluator"], first, kept.pk)
    assert (handle.read(), name) == (b"PK\x03\x04 sheet", "offer.xlsx")


def test_the_page_uploads_lists_prints_and_downloads_to_those_who_see_the_study(wood, draft, client_for):
    client = client_for(wood.officer)
    detail = reverse("diagnostics:study_detail", args=[draft.pk])
    page = client.get(detail).content.decode()
    assert 'data-testid="evidence-form"' in page and 'value="indicator:employment"' in page
    upload = SimpleUploadedFile("Kiln survey.pdf", PDF, content_type="application/pdf")
    answer = client.post(reverse("diagnostics:evidence_add", args=[draft.pk]),
                         {"target": "problems", "title": "Kiln survey", "file": upload}, follow=True)
    assert "Evidence added." in answer.content.decode()
    bad = SimpleUploadedFile("notes.docx", b"PK\x03\x04", content_type="application/octet-stream")
    refusal = client.post(reverse("diagnostics:evidence_add", args=[draft.pk]),
                          {"target": "problems", "file": bad}, follow=True).content.decode()
    assert "notes.docx is not" in refusal
    row = draft.evidence.get()
    download = reverse("diagnostics:evidence_download", args=[draft.pk, row.pk])
    listed = client.get(detail).content.decode().split('data-testid="evidence-list"')[1].split("</table>")[0]
    assert download in listed and "Kiln_survey.pdf" in listed and row.added_at.strftime("%Y-%m-%d") in listed
    printed = client.get(reverse("diagnostics:study_print", args=[draft.pk])).content.decode()
    assert "Kiln_survey.pdf" in printed.split('data-testid="print-evidence"')[1]
    pdf = client.get(reverse("diagnostics:study_download", args=[draft.pk, "pdf"])).content
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Kiln_survey.pdf" in text and "Evidence files and links" in text
    assert default_storage.base_url not in listed  # never a public media address
    answers = {}
    for who in ("evaluator", "association-manager", "other-association-manager", "enterprise-user",
                "other-enterprise-user"):
        response = client_for(wood.world.users[who]).get(download)
        answers[who] = response.status_code
        if response.status_code == 200:
            assert b"".join(response.streaming_content) == PDF and response["Cache-Control"] == "private"
    assert answers == {"evaluator": 200, "association-manager": 404, "other-association-manager": 404,
                       "enterprise-user": 404, "other-enterprise-user": 404}
