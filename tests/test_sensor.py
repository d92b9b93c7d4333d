"""The landing-folder sensor, evaluated as the daemon would, on real files in a temporary landing folder.

It must request one run (ingestion + everything downstream) for new content, none for content already
seen or already loaded, and never open the warehouse.
"""

import hashlib
import json
import os
import shutil
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration.defs.automation.sensors import SETTLE_SECONDS, new_landing_files
from orchestration.settings import SAMPLE_LANDING_DIR

AGREMENTS = SAMPLE_LANDING_DIR / "agrements" / "agrements_region_2025.csv"
PARIS = ZoneInfo("Europe/Paris")
CONTRATS = SAMPLE_LANDING_DIR / "uniformation" / "contrats_2021_2025.csv"


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


@pytest.fixture
def landing(tmp_path, monkeypatch):
    root = tmp_path / "landing"
    for folder in ("francetravail", "uniformation", "agrements", "organismes"):
        (root / folder).mkdir(parents=True)
    monkeypatch.setenv("OBS_LANDING_DIR", str(root))
    monkeypatch.setenv("OBS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OBS_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    return root


def drop(source, target, *, settled=True):
    """Copy a file into the landing folder as an operator would; `settled`: its copy ended a while ago."""
    shutil.copyfile(source, target)
    if settled:
        old = time.time() - SETTLE_SECONDS - 5
        os.utime(target, (old, old))
    return target


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tick(defs, cursor=None):
    result = new_landing_files(dg.build_sensor_context(definitions=defs, cursor=cursor))
    return result.run_requests or [], result.cursor


def names(request):
    return {key.to_user_string() for key in request.asset_selection}


def test_a_new_file_requests_one_run_of_its_source_and_everything_downstream(defs, landing, tmp_path):
    dropped = drop(AGREMENTS, landing / "agrements" / "agrements_2026.csv")

    requests, _ = tick(defs)

    assert len(requests) == 1
    request = requests[0]
    assert request.run_key == sha256(dropped)
    selected = names(request)
    assert {"raw/region_agrements", "staging/stg_region__agrements", "publication/edition"} <= selected
    # Only what the new file changes: the other sources are not reloaded.
    assert "raw/uniformation_contrats" not in selected
    graph = defs.resolve_asset_graph()
    assert all(graph.get(key).partitions_def is None for key in request.asset_selection)
    assert "agrements_2026.csv" in request.tags["obs/new_files"]
    # The sensor never opens (nor creates) the warehouse.
    assert not (tmp_path / "data" / "warehouse.duckdb").exists()


def test_uniformation_files_bring_the_branches_referential_with_them(defs, landing):
    drop(CONTRATS, landing / "uniformation" / "contrats_2026.csv")

    requests, _ = tick(defs)

    selected = names(requests[0])
    # The loader reads raw.ref_branches; the referentials multi-asset runs whole.
    assert {"raw/uniformation_contrats", "raw/ref_branches", "raw/ref_communes"} <= selected
    assert "staging/stg_uniformation__contrats" in selected


def test_a_file_already_seen_requests_no_run(defs, landing):
    drop(AGREMENTS, landing / "agrements" / "agrements_2026.csv")
    first, cursor = tick(defs)
    assert len(first) == 1

    again, cursor = tick(defs, cursor)
    assert again == []

    # New content under the same name is a new file.
    changed = landing / "agrements" / "agrements_2026.csv"
    changed.write_bytes(AGREMENTS.read_bytes().replace(b"oui", b"non", 1))
    old = time.time() - SETTLE_SECONDS - 1
    os.utime(changed, (old, old))
    requests, _ = tick(defs, cursor)
    assert [r.run_key for r in requests] == [sha256(changed)]


def test_the_same_content_under_two_names_gives_one_run(defs, landing):
    a = drop(AGREMENTS, landing / "agrements" / "agrements_a.csv")
    drop(AGREMENTS, landing / "agrements" / "agrements_copie.csv")

    requests, cursor = tick(defs)
    assert [r.run_key for r in requests] == [sha256(a)]

    drop(AGREMENTS, landing / "agrements" / "agrements_encore.csv")
    later, _ = tick(defs, cursor)
    assert later == []


def test_a_file_already_loaded_requests_no_run_even_with_a_fresh_cursor(defs, landing, tmp_path):
    dropped = drop(AGREMENTS, landing / "agrements" / "agrements_2026.csv")
    # What the loader leaves behind once a file is loaded (see lib.warehouse.archive_file).
    archive = tmp_path / "data" / "archive" / "region_agrements"
    archive.mkdir(parents=True)
    shutil.copyfile(dropped, archive / f"{sha256(dropped)[:12]}_agrements_region_2025.csv")

    requests, _ = tick(defs)

    assert requests == []


def test_lock_files_and_files_that_are_not_data_request_no_run(defs, landing):
    for name in ("~$agrements_2026.xlsx", "._agrements_2026.csv", ".DS_Store", "Thumbs.db", "desktop.ini"):
        drop(AGREMENTS, landing / "agrements" / name)
    drop(AGREMENTS, landing / "francetravail" / "._offres_2026-01.json")
    drop(AGREMENTS, landing / "uniformation" / "~$contrats_2026.xlsx")

    requests, cursor = tick(defs)

    assert requests == []
    assert json.loads(cursor)["files"] == {}


def test_a_file_still_being_copied_waits_for_the_next_tick(defs, landing):
    dropped = drop(AGREMENTS, landing / "agrements" / "agrements_2026.csv", settled=False)

    requests, cursor = tick(defs)
    assert requests == []
    assert json.loads(cursor)["files"] == {}

    old = time.time() - SETTLE_SECONDS - 1
    os.utime(dropped, (old, old))
    requests, _ = tick(defs, cursor)
    assert len(requests) == 1


def test_several_new_files_at_once_share_one_run(defs, landing):
    drop(AGREMENTS, landing / "agrements" / "agrements_2026.csv")
    drop(CONTRATS, landing / "uniformation" / "contrats_2026.csv")
    # An offers file with no dated offer has no partition to load: it adds nothing to the run.
    (landing / "francetravail" / "offres.ndjson").write_text("{}\n", encoding="utf-8")

    requests, _ = tick(defs)

    assert len(requests) == 1
    assert {"raw/region_agrements", "raw/uniformation_contrats"} <= names(requests[0])
    assert "raw/francetravail_offres" not in names(requests[0])


def test_a_new_offers_file_requests_the_partitions_of_its_creation_days(defs, landing):
    month = SAMPLE_LANDING_DIR / "francetravail" / "offres_2025-03.ndjson"
    drop(month, landing / "francetravail" / month.name)

    requests, cursor = tick(defs)

    assert len(requests) == 1
    tags = requests[0].tags
    # the month's file also carries updates of offers created earlier: their days are reloaded too
    created = sorted(
        datetime.fromisoformat(json.loads(line)["dateCreation"]).astimezone(PARIS).date().isoformat()
        for line in month.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
    assert tags["dagster/asset_partition_range_start"] == created[0]
    assert tags["dagster/asset_partition_range_end"] == created[-1] == "2025-03-31"
    selected = names(requests[0])
    assert "raw/francetravail_offres" in selected
    assert "intermediate/int_offres__enrichies" in selected
    assert "publication/edition" in selected
    assert tick(defs, cursor)[0] == []


def test_the_sensor_is_registered_and_running_by_default(defs):
    sensor = defs.resolve_sensor_def("new_landing_files")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    assert 30 <= sensor.minimum_interval_seconds <= 300
