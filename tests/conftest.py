"""One full run of the pipeline on the embedded sample, shared by the tests that read its results
(it takes about a minute): a temporary landing copy, data folder, warehouse and publication."""

import shutil
from contextlib import contextmanager

import dagster as dg
import pytest

from orchestration.settings import SAMPLE_LANDING_DIR


@contextmanager
def sample_environment(root):
    """The environment of a run on ``root`` (restored afterwards: other tests keep theirs)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OBS_DATA_DIR", str(root / "data"))
        mp.setenv("OBS_WAREHOUSE", str(root / "data" / "warehouse.duckdb"))
        mp.setenv("OBS_LANDING_DIR", str(root / "landing"))
        mp.setenv("OBS_REGION", "52")
        for name in (
            "OBS_PUBLICATION_DIR",
            "OBS_REFERENCE_DIR",
            "FRANCETRAVAIL_CLIENT_ID",
            "FRANCETRAVAIL_CLIENT_SECRET",
        ):
            mp.delenv(name, raising=False)
        yield


def run_everything():
    """As `make run`: the offers over all their daily partitions in one run, and everything else."""
    from orchestration.__main__ import partition_range_tags
    from orchestration.definitions import defs

    job = defs.resolve_job_def("refresh_all")
    with dg.DagsterInstance.ephemeral() as instance:
        return job.execute_in_process(
            instance=instance, raise_on_error=False, tags=partition_range_tags(defs)
        )


def failed_checks(result):
    return [
        e.event_specific_data.asset_check_key.name
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION and not e.event_specific_data.passed
    ]


@pytest.fixture(scope="session")
def sample_run(tmp_path_factory):
    """The first run on a fresh copy of the sample; ``snapshot`` is a copy of the warehouse right after it,
    for tests that read the marts while others go on changing the workspace."""
    root = tmp_path_factory.mktemp("sample_run")
    shutil.copytree(SAMPLE_LANDING_DIR, root / "landing")
    with sample_environment(root):
        result = run_everything()
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert failed_checks(result) == []
    snapshot = root / "warehouse_after_first_run.duckdb"
    shutil.copyfile(root / "data" / "warehouse.duckdb", snapshot)
    return {
        "root": root,
        "landing": root / "landing",
        "warehouse": root / "data" / "warehouse.duckdb",
        "publication": root / "data" / "publication",
        "snapshot": snapshot,
        # the first run's edition: immutable, whatever later runs publish as latest
        "edition": (root / "data" / "publication" / "latest").resolve(),
        "result": result,
    }


@pytest.fixture(scope="session")
def crafted_run(tmp_path_factory):
    """One run on the landing crafted to break the secret statistique (tests/test_secret_statistique.py),
    without PDFs: its figures are read in the CSV and HTML pages; its archive also serves the restore test."""
    from test_secret_statistique import crafted_landing

    root = tmp_path_factory.mktemp("crafted")
    crafted_landing(root)
    with sample_environment(root), pytest.MonkeyPatch.context() as mp:
        mp.setenv("OBS_EDITION_PDF", "false")
        result = run_everything()
    return {
        "root": root,
        "result": result,
        "publication": root / "data" / "publication",
        "edition": (root / "data" / "publication" / "latest").resolve(),
        "warehouse": root / "data" / "warehouse.duckdb",
    }


def pytest_itemcollected(item):
    """Under pytest-xdist (`--dist loadgroup`): the tests that read the sample's run share one worker,
    so the run happens once; every other file stays on one worker, so its module fixtures run once. (Marked
    as each test is collected: xdist reads the groups in its own collection hook.)"""
    shared = [name for name in ("sample_run", "crafted_run") if name in item.fixturenames]
    group = shared[0] if shared else item.module.__name__
    item.add_marker(pytest.mark.xdist_group(group))
