"""Issue 8, item 14: on the import check page the "Also: N memberships and N territories to add."
line sits below the counts without overlapping them, in English and Portuguese. Screenshots go to
/tmp/triplec-e2e/."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CSV = ("legal_name,country,national_id,sector_classification,sector_code,region_code,region_name,"
       "municipality_code,municipality_name\n"
       "Serraria Paulista,BR,00000101000162,isic4,1610,SP,São Paulo,3550308,São Paulo\n")


def _overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_the_also_line_does_not_overlap_the_counts(world, page, login, shot, tmp_path, language):
    path = tmp_path / "firms.csv"
    path.write_text(CSV, encoding="utf-8")
    login(world.users["agency-admin"])
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.goto("/enterprises/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_test_id("upload-import").click()
    page.wait_for_load_state("networkidle")
    also = page.get_by_test_id("import-also")
    expect(also).to_be_visible()
    expect(also).to_contain_text("2")
    shot(page, f"import-check-also-{language}")
    line = also.bounding_box()
    boxes = page.locator("[data-testid=import-counts] .grid > div")
    for index in range(boxes.count()):
        for part in ("p", "small"):
            box = boxes.nth(index).locator(part).bounding_box()
            assert not _overlaps(line, box), (index, part, line, box)
    counts = page.get_by_test_id("import-counts").bounding_box()
    assert counts["y"] <= line["y"] and line["y"] + line["height"] <= counts["y"] + counts["height"]


BAD_ROWS = ("legal_name;country;national_id;sector_classification;sector_code;longitude;latitude\n"
            "Serraria Um;BR;00000102000107;isic4;1610;-38,5;-4,3\n"
            "Serraria Dois;BR;00000103000151;isic4;9999;;\n")


@pytest.mark.parametrize("language", ["en", "pt-br"])
def test_import_the_valid_rows_and_download_the_rejected_ones(world, page, login, shot, tmp_path, language):
    path = tmp_path / "firmas.csv"
    path.write_bytes(BAD_ROWS.encode("cp1252"))
    login(world.users["programme-officer"])
    page.context.add_cookies([{"name": "django_language", "value": language, "url": page.url}])
    page.goto("/enterprises/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_test_id("upload-import").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_test_id("confirm-import")).to_be_disabled()
    shot(page, f"import-skip-invalid-check-{language}")
    page.get_by_test_id("confirm-import-valid").click()
    page.wait_for_load_state("networkidle")
    link = page.get_by_test_id("download-rejected")
    expect(link).to_be_visible()
    shot(page, f"import-skip-invalid-done-{language}")
    with page.expect_download() as download:
        link.click()
    text = open(download.value.path(), encoding="utf-8-sig").read()
    header, rejected = text.splitlines()[:2]
    assert "00000103000151" in text and "00000102000107" not in text
    # the reason column and its text in the reader's language
    assert header.endswith({"en": ";reason", "pt-br": ";motivo"}[language]), header
    assert rejected.split(";")[-1].startswith({"en": "row 3", "pt-br": "linha 3"}[language]), rejected
