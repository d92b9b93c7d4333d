"""`python -m orchestration run` as `make run` calls it: a file refused as a whole is named in the run's
summary with the reason, in a line an analyst can act on, and the other files still load and publish."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from orchestration.settings import SAMPLE_LANDING_DIR

ROOT = Path(__file__).resolve().parent.parent


def test_a_file_missing_a_required_column_is_named_in_the_summary_and_the_run_publishes(tmp_path):
    landing = tmp_path / "landing"
    for folder in ("uniformation", "agrements", "organismes"):
        shutil.copytree(SAMPLE_LANDING_DIR / folder, landing / folder)
    (landing / "francetravail").mkdir()
    lines = (landing / "uniformation" / "contrats_2021_2025.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(";")
    drop = header.index("date_debut")
    (landing / "uniformation" / "contrats_2026_sans_date.csv").write_text(
        "\n".join(";".join(c for i, c in enumerate(line.split(";")) if i != drop) for line in lines) + "\n",
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        OBS_DATA_DIR=str(tmp_path / "data"),
        OBS_WAREHOUSE=str(tmp_path / "data" / "warehouse.duckdb"),
        OBS_LANDING_DIR=str(landing),
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

    assert completed.returncode == 0, completed.stderr[-3000:]
    refused = [line for line in completed.stderr.splitlines() if line.startswith("REFUSED")]
    assert any(
        "raw/uniformation_contrats" in line and "date_debut" in line and "contrats_2026_sans_date.csv" in line
        for line in refused
    ), refused
    assert (tmp_path / "data" / "publication" / "latest" / "index.html").is_file()
