"""`make restore`: an edition is rebuilt in another folder from the archive alone (the landing folder may be
gone), with the settings its manifest recorded, and its CSV files come out byte for byte the same."""

import json
import os
import shutil

import pytest
from conftest import sample_environment

from orchestration.__main__ import restore


def test_an_edition_is_rebuilt_from_the_archive_with_identical_csvs(crafted_run, tmp_path, capsys):
    edition = crafted_run["edition"]
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rebuild"]["fiches_seed_sha256"] and manifest["inputs"]
    root = tmp_path / "origin"
    # the origin as it stands later: the landing folder emptied, the archive and the editions kept
    shutil.copytree(crafted_run["root"] / "data" / "archive", root / "data" / "archive")
    shutil.copytree(
        crafted_run["publication"] / "editions" / edition.name,
        root / "data" / "publication" / "editions" / edition.name,
    )
    (root / "landing").mkdir()
    saved = dict(os.environ)  # restore() sets the rebuild's environment in this process
    try:
        with sample_environment(root), pytest.MonkeyPatch.context() as mp:
            mp.delenv("DAGSTER_HOME", raising=False)
            mp.setenv("OBS_EDITION_PDF", "false")  # the CSV files are compared, not the PDFs
            mp.setenv("OBS_SECRET_MIN_PEOPLE", "9")  # today's setting differs: the edition's own is used
            status = restore(edition.name, str(tmp_path / "rebuilt"))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    out = capsys.readouterr()
    assert status == 0, out.err[-3000:]
    assert "every CSV identical" in out.out
    rebuilt = (tmp_path / "rebuilt" / "publication" / "latest").resolve()
    assert sorted(p.name for p in (rebuilt / "donnees").glob("*.csv")) == sorted(
        p.name for p in (edition / "donnees").glob("*.csv")
    )
