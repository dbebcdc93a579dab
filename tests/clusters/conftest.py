"""Fixtures of the clusters tests: uploaded and written files go to a temporary MEDIA_ROOT."""

from __future__ import annotations

import shutil

import pytest
from tests.clusters.factories import build_register, register_points


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TRIPLEC_DASK_SCHEDULER = ""
    return settings.MEDIA_ROOT


@pytest.fixture
def generated(world):
    """The world (users per role) plus the generated Portuguese register."""
    return build_register()


@pytest.fixture(scope="session")
def mapping_outputs(tmp_path_factory):
    """Real outputs of `run_map` on the generated register (made once, without the database), for page
    tests that need a finished run but not a fresh computation: (folder, PreparedInput, MapOutputs)."""
    from triplec.clusters.registers import PreparedInput
    from triplec.mapping.pipeline import run_map

    frame = register_points().rename(columns={"key": "id", "division": "sector"})
    frame["sector_name"] = frame["sector"].map({"16": "Manufacture of wood", "25": "Metal products",
                                                "10": "Food products"})
    folder = tmp_path_factory.mktemp("mapping-outputs")
    outputs = run_map(frame, folder, id_col="id", sector_col="sector", lon_col="lon", lat_col="lat",
                      weight_col="employees", label_col="sector_name", r_max=60, r_step=2, sims=99, alpha=0.05,
                      min_n=30, title="Session outputs")
    frame.to_parquet(folder / "establishments.parquet", index=False)
    prepared = PreparedInput(frame=frame, columns={}, counts={"matched": len(frame), "used": len(frame)})
    return folder, prepared, outputs


@pytest.fixture
def done_run(world, mapping_outputs):
    """A finished register run (by the programme officer) whose folder holds the session's outputs."""
    from django.utils import timezone

    from triplec.clusters.models import MappingRun
    from triplec.clusters.tasks import _summary
    from triplec.core.models import BackgroundTask

    folder, prepared, outputs = mapping_outputs
    officer = world.users["programme-officer"]
    task = BackgroundTask.objects.create(name="triplec.clusters.tasks.mapping_run", status=BackgroundTask.Status.DONE,
                                         created_by=officer, started_at=timezone.now(), finished_at=timezone.now())
    run = MappingRun.objects.create(title="Finished run", classification="isic4", sector_level="division",
                                    country="PT", sims=99, alpha=0.05, r_max=60, r_step=2, weighted=True,
                                    task=task, created_by=officer)
    run.output_dir = f"mapping/{run.pk}"
    shutil.copytree(folder, run.output_path)
    run.summary = _summary(run, prepared, outputs, dict(outputs.seconds))
    run.save()
    task.arguments = {"run_id": run.pk}
    task.save()
    return run


@pytest.hookimpl(tryfirst=True)  # before xdist names the groups
def pytest_collection_modifyitems(items):
    """The tests on `mapping_outputs` share one test process (xdist loadgroup), so the session's mapping
    is computed once per run rather than once per process."""
    for item in items:
        if "mapping_outputs" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("mapping-outputs"))
