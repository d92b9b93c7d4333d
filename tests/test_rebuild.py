"""What a rebuild needs: recorded in each manifest, found again in the archive, compared byte for byte."""

import hashlib
import json

import pytest

from orchestration.lib.rebuild import (
    FICHES_SEED,
    RestoreError,
    compare_csvs,
    rebuild_record,
    record_in_manifest,
    stage_inputs,
)
from orchestration.settings import load_settings


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_manifest_records_referentials_seeds_and_settings(tmp_path):
    settings = load_settings({"OBS_DATA_DIR": str(tmp_path), "OBS_SECRET_MIN_PEOPLE": "7"})
    (tmp_path / "manifest.json").write_text(json.dumps({"edition": "x", "code_version": "abc1234"}))
    record_in_manifest(tmp_path, rebuild_record(settings))
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    record = manifest["rebuild"]
    assert manifest["code_version"] == "abc1234"
    assert record["fiches_seed_sha256"] == sha(FICHES_SEED.read_bytes())
    assert any(s["path"] == "seeds/reference/fiches_metiers.csv" for s in record["seeds"])
    assert record["referentiels"]["fichiers"] and all(
        len(f["sha256"]) == 64 for f in record["referentiels"]["fichiers"]
    )
    assert record["secret_statistique"]["min_people"] == 7 and record["region"] == "52"


def test_inputs_are_staged_from_the_archive_and_checked_by_content(tmp_path):
    data = tmp_path / "data"
    settings = load_settings({"OBS_DATA_DIR": str(data)})
    contrats, offers = b"num_contrat;...\n", b'{"id": "1"}\n'
    (data / "archive" / "uniformation_contrats").mkdir(parents=True)
    (data / "archive" / "uniformation_contrats" / f"{sha(contrats)[:12]}_contrats_2025.csv").write_bytes(
        contrats
    )
    (data / "francetravail_api").mkdir()
    (data / "francetravail_api" / "offres_2025-03-04.ndjson").write_bytes(offers)
    manifest = {
        "inputs": [
            {"origin": "depot", "path": "uniformation/contrats_2025.csv", "sha256": sha(contrats), "rows": 1},
            {"origin": "api", "path": "offres_2025-03-04.ndjson", "sha256": sha(offers), "rows": 1},
        ],
        "rebuild": rebuild_record(settings),
    }
    staged = stage_inputs(manifest, settings, tmp_path / "restore")
    assert sorted(staged.copied) == [
        "francetravail/offres_2025-03-04.ndjson",
        "uniformation/contrats_2025.csv",
    ]
    assert (staged.landing / "uniformation" / "contrats_2025.csv").read_bytes() == contrats
    assert staged.differences == []

    manifest["inputs"].append({"origin": "depot", "path": "agrements/a.csv", "sha256": "0" * 64, "rows": 0})
    with pytest.raises(RestoreError, match=r"agrements/a\.csv"):
        stage_inputs(manifest, settings, tmp_path / "restore2")


def test_csvs_are_compared_byte_for_byte(tmp_path):
    for side, text in (("a", "x,y\n1,2\n"), ("b", "x,y\n1,2\n")):
        (tmp_path / side / "donnees").mkdir(parents=True)
        (tmp_path / side / "donnees" / "t.csv").write_text(text)
    assert compare_csvs(tmp_path / "a", tmp_path / "b") == []
    (tmp_path / "b" / "donnees" / "t.csv").write_text("x,y\n1,3\n")
    (tmp_path / "b" / "donnees" / "u.csv").write_text("")
    assert compare_csvs(tmp_path / "a", tmp_path / "b") == ["t.csv", "u.csv"]
