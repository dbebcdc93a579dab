"""A regional series from one file per year (clusters.regional_merge): the two-year County Business
Patterns table split into a 2021 file (with its year column) and a 2022 file (without; its year given
beside it) gives the same series as the table itself; wrong files are refused all together, naming the
file, the line or the field, and nothing is stored or queued."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from triplec.clusters import regional
from triplec.core import worker
from triplec.core.errors import ValidationFailed
from triplec.core.models import BackgroundTask

pytestmark = pytest.mark.django_db
TWO_YEARS = Path(__file__).resolve().parents[1] / "data" / "cbp_connecticut_2021_2022shifted.csv"
COLUMNS = {"title": "Connecticut by year", "region_col": "fips", "sector_col": "naics2017", "year_col": "year",
           "emp_col": "emp", "estab_col": "estab"}
CLASSES = {"emerging": 2, "declining": 2, "persistent": 6, "other": 25}  # as the one-table run (test_regional_series_pages)


def year_lines(year: str, keep_year: bool = True, edit=lambda line: line) -> bytes:
    header, *rows = TWO_YEARS.read_text(encoding="utf-8").splitlines()
    cut = (lambda line: line) if keep_year else (lambda line: line.split(",", 1)[1])
    return "\n".join([cut(header)] + [edit(cut(r)) for r in rows if r.startswith(year + ",")]).encode() + b"\n"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def refusal(officer, year_files, upload_one=None) -> str:
    with pytest.raises(ValidationFailed) as caught:
        regional.start_series(officer, COLUMNS, upload=upload_one, year_files=year_files)
    return " ".join(" ".join(v) for v in caught.value.errors.values())


def test_files_per_year_give_the_series_of_the_whole_table(world, media_root):
    officer = world.users["programme-officer"]
    row = regional.start_series(officer, COLUMNS, year_files=[
        (upload("cbp2021.csv", year_lines("2021")), None),
        (upload("cbp2022.csv", year_lines("2022", keep_year=False)), 2022)])
    assert row.arguments["input_name"] == "cbp2021.csv, cbp2022.csv"
    assert worker.run_pending() == 1
    row.refresh_from_db()
    assert row.status == BackgroundTask.Status.DONE, row.error
    assert row.result["years"] == [2021, 2022] and row.result["classes"] == CLASSES


def test_wrong_files_are_refused_together_and_nothing_is_kept(world, media_root):
    officer = world.users["programme-officer"]
    first = (upload("a.csv", year_lines("2021")), None)
    said = refusal(officer, [first, (upload("b.csv", year_lines("2022", keep_year=False)), None)])
    assert "b.csv: it has no column 'year'; give its year beside the file." in said
    said = refusal(officer, [first, (upload("b.csv", year_lines("2021", keep_year=False)), 2021)])
    assert "b.csv: the year 2021 is also in a.csv; give each year once." in said
    said = refusal(officer, [first, (upload("b.csv", year_lines("2022")), 2023)])
    assert "b.csv: its column 'year' gives 2022, not the year 2023 given beside it." in said
    unpadded = year_lines("2022", edit=lambda line: line.replace(",09", ",9", 1))
    said = refusal(officer, [first, (upload("b.csv", unpadded), None)])
    assert "b.csv: none of its region codes (9001, 9003, 9005…) is in a.csv (09001, 09003, 09005…)" in said
    broken = year_lines("2022", keep_year=False, edit=lambda line: line[:-4] + "many" if "09003,\"Hartford" in line
                        and ",311," in line else line)
    said = refusal(officer, [first, (upload("b.csv", broken), 2022)])
    assert "b.csv line" in said and "'emp'" in said
    assert "two years at least; the files hold 2021" in refusal(officer, [first])
    no_emp = upload("b.csv", b"year,fips,naics2017,estab\n2022,09001,311,3\n")
    assert "b.csv has no column 'emp'" in refusal(officer, [first, (no_emp, None)])
    whole = upload("all.csv", TWO_YEARS.read_bytes())
    assert "not both" in refusal(officer, [first], upload_one=whole)
    assert not BackgroundTask.objects.filter(name=regional.TASK_NAME).exists()
    assert not list((Path(media_root) / regional.FOLDER).glob("*"))


def test_the_form_takes_one_file_per_year(world, client_for, media_root):
    client = client_for(world.users["agency-admin"])
    url = reverse("regional:series_list")
    assert 'name="year_file_0"' in client.get(url).content.decode()
    data = {**COLUMNS, "year_file_0": upload("cbp2021.csv", year_lines("2021")),
            "year_file_1": upload("cbp2022.csv", year_lines("2022", keep_year=False))}
    page = client.post(url, data).content.decode()
    assert "cbp2022.csv: it has no column &#x27;year&#x27;; give its year beside the file." in page
    data.update(year_file_0=upload("cbp2021.csv", year_lines("2021")),
                year_file_1=upload("cbp2022.csv", year_lines("2022", keep_year=False)), year_1="2022")
    response = client.post(url, data)
    assert response.status_code == 302
    assert BackgroundTask.objects.get(name=regional.TASK_NAME).arguments["input_name"] == "cbp2021.csv, cbp2022.csv"
