"""The French IREP facilities are a named mapping data set, not rows of the agency's register, and a
mapping run starts from it."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.clusters.factories import run_data

from triplec.clusters import services
from triplec.core.models import BackgroundTask
from triplec.core.tasks import run_pending

pytestmark = pytest.mark.slow


def test_demo_register_is_the_agency_s_own_and_the_french_facilities_a_mapping_data_set(db, settings, tmp_path):
    from triplec import demo
    from triplec.registry.models import Enterprise, MappingDataset

    settings.MEDIA_ROOT = tmp_path / "media"
    demo.load(french_register=True)
    assert not Enterprise.objects.filter(country="FR").exists()
    assert set(Enterprise.objects.values_list("country", flat=True)) == {"BR"}
    dataset = MappingDataset.objects.get(slug="irep-france")
    assert dataset.rows == 10167 and dataset.with_coordinates == 10052
    assert (settings.MEDIA_ROOT / dataset.file).is_file()


def test_older_demo_rows_move_out_of_the_register(db, world):
    from triplec.registry.demo_france import IMPORT_REASON, remove_french_rows_from_register
    from triplec.registry.importing import commit_import
    from triplec.registry.models import Enterprise

    rows = [{"legal_name": "Régiment X", "country": "FR", "national_id": "73282932000074",
             "sector_classification": "nace2", "sector_code": "8422Z"}]
    commit_import(None, rows, filename="irep.csv", change_reason=IMPORT_REASON)
    before = Enterprise.objects.count()
    assert remove_french_rows_from_register() == 1
    assert Enterprise.objects.count() == before - 1 and not Enterprise.objects.filter(country="FR").exists()


def test_a_mapping_run_starts_from_the_french_data_set(db, world, settings, tmp_path):
    from triplec.registry.demo_france import load_french_dataset

    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRIPLEC_DASK_SCHEDULER = ""
    dataset = load_french_dataset()
    officer = world.users["programme-officer"]
    run = services.start_run(officer, run_data(title="France, divisions", source="upload", dataset=str(dataset.pk),
                                               classification="", sims=0, r_max=20, min_n=100))
    assert run.classification == "nace2" and run.input_name.startswith("France: IREP")
    assert run_pending() >= 1
    run.refresh_from_db()
    run.task.refresh_from_db()
    assert run.task.status == BackgroundTask.Status.DONE, run.task.error
    assert run.summary["establishments"] == 10052
    sectors = pd.read_csv(run.output_path / "sectors.csv", dtype={"sector": str})
    assert "10" in set(sectors["sector"])  # food manufacturing, a NACE division
    services.delete_run(officer, run) if hasattr(services, "delete_run") else None
    assert (settings.MEDIA_ROOT / dataset.file).is_file()  # the run worked on a copy
