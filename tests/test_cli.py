"""`python -m orchestration run` as `make run` calls it: a bad input makes it exit non-zero and say which
asset failed and why, and a file refused as a whole is named in the run's summary with the reason, in
lines an analyst can act on."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.settings import OFFICIAL_REFERENCE_DIR, SAMPLE_LANDING_DIR

ROOT = Path(__file__).resolve().parent.parent


def test_a_failed_asset_and_a_refused_file_are_named_in_the_summary(tmp_path):
    landing = tmp_path / "landing"
    for folder in ("uniformation", "agrements", "organismes"):
        shutil.copytree(SAMPLE_LANDING_DIR / folder, landing / folder)
    (landing / "francetravail").mkdir()
    # an agreements file without its SIRET column: refused, the other files load
    lines = (landing / "agrements" / "agrements_region_2025.csv").read_text(encoding="utf-8").splitlines()
    (landing / "agrements" / "agrements_2026_sans_siret.csv").write_text(
        "\n".join(";".join(line.split(";")[1:]) for line in lines) + "\n", encoding="utf-8"
    )
    # a newer release of the referentials without its communes: the referentials asset fails
    reference = tmp_path / "reference"
    shutil.copytree(OFFICIAL_REFERENCE_DIR, reference)
    (reference / "cog" / "v_commune_cog2026_pdl.csv").unlink()
    env = dict(
        os.environ,
        OBS_DATA_DIR=str(tmp_path / "data"),
        OBS_WAREHOUSE=str(tmp_path / "data" / "warehouse.duckdb"),
        OBS_LANDING_DIR=str(landing),
        OBS_REFERENCE_DIR=str(reference),
    )
    env.pop("DAGSTER_HOME", None)

    completed = subprocess.run(
        [sys.executable, "-m", "orchestration", "run"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert completed.returncode != 0
    lines = completed.stderr.splitlines()
    failures = [line for line in lines if line.startswith("FAILED:")]
    assert any("referentiels" in line and "v_commune_*.csv" in line for line in failures), failures
    refused = [line for line in lines if line.startswith("REFUSED")]
    assert any(
        "raw/region_agrements" in line and "'siret'" in line and "agrements_2026_sans_siret.csv" in line
        for line in refused
    ), refused
    assert not (tmp_path / "data" / "publication" / "latest").exists()
