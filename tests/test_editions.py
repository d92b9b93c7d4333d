"""The editions folder: what readers see (latest), what awaits approval (preview), the index of past
editions and retention, on real folders and symlinks."""

from __future__ import annotations

import json
import os
import re
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from orchestration.lib import editions
from orchestration.lib.editions import EditionError

PARIS = ZoneInfo("Europe/Paris")


def make_edition(pub: Path, edition_id: str, *, checks=None, code_version="abc1234") -> Path:
    """A small complete edition written the way the edition asset writes one."""
    generated_at = datetime.strptime(edition_id, "%Y%m%dT%H%M%S").replace(tzinfo=PARIS)
    with editions.writing(pub, edition_id) as tmp:
        (tmp / "index.html").write_text(
            f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{edition_id}</title></head>'
            f'<body><main><h1>Édition {edition_id}</h1><a href="../index.html">Éditions précédentes</a></main>'
            "</body></html>",
            encoding="utf-8",
        )
        (tmp / "donnees").mkdir()
        (tmp / "donnees" / "t.csv").write_text("a\n1\n", encoding="utf-8")
        manifest = {
            "edition": edition_id,
            "generated_at": generated_at.isoformat(),
            "code_version": code_version,
            "inputs": [
                {"path": "uniformation/contrats_2024.csv", "sha256": "ab" * 32, "rows": 1200},
                {"path": "francetravail/offres.jsonl", "sha256": "cd" * 32, "rows": 20034},
            ],
            "checks": checks
            if checks is not None
            else [{"asset": "marts/x", "name": "c", "passed": True, "blocking": True}],
            "outputs": ["donnees/t.csv", "index.html"],
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return pub / "editions" / edition_id


def link_target(pub: Path, name: str) -> str | None:
    link = pub / name
    return os.readlink(link) if link.is_symlink() else None


def index_rows(pub: Path) -> list[str]:
    text = (pub / "editions" / "index.html").read_text(encoding="utf-8")
    return re.findall(r"<tr>(.*?)</tr>", text, flags=re.S)


def test_automatic_publication_moves_latest_and_lists_the_edition_in_the_index(tmp_path):
    make_edition(tmp_path, "20261201T021500")
    result = editions.publish(tmp_path, "20261201T021500")
    assert result.moved == "latest" and result.latest == "20261201T021500" and result.preview is None
    assert link_target(tmp_path, "latest") == "editions/20261201T021500"
    assert (tmp_path / "latest" / "index.html").is_file()
    page = (tmp_path / "editions" / "index.html").read_text(encoding="utf-8")
    assert "1er décembre 2026 à 02:15" in page
    assert '<a href="20261201T021500/index.html">' in page
    # the same index at the root, for pages reached through latest/ (their link ../index.html)
    assert '<a href="editions/20261201T021500/index.html">' in (tmp_path / "index.html").read_text(
        encoding="utf-8"
    )
    assert (
        "abc1234" in page and "uniformation/contrats_2024.csv" in page and "21\u202f234\u00a0lignes" in page
    )
    assert "En ligne" in page


def test_a_new_edition_replaces_latest_and_the_previous_one_is_archived(tmp_path):
    for edition_id in ("20261201T021500", "20261202T021500"):
        make_edition(tmp_path, edition_id)
        editions.publish(tmp_path, edition_id)
    assert link_target(tmp_path, "latest") == "editions/20261202T021500"
    rows = index_rows(tmp_path)
    assert "2 décembre 2026" in rows[1] and "En ligne" in rows[1]  # rows[0] is the header
    assert "1er décembre 2026" in rows[2] and "Archivée" in rows[2]


def test_review_mode_moves_only_preview_until_an_analyst_approves(tmp_path):
    make_edition(tmp_path, "20261201T021500")
    editions.publish(tmp_path, "20261201T021500")
    make_edition(tmp_path, "20261202T021500")
    result = editions.publish(tmp_path, "20261202T021500", review_mode=True)
    assert result.moved == "preview"
    assert link_target(tmp_path, "latest") == "editions/20261201T021500"
    assert link_target(tmp_path, "preview") == "editions/20261202T021500"
    page = (tmp_path / "editions" / "index.html").read_text(encoding="utf-8")
    assert "En attente d’approbation" in page and "approve_edition" in page

    approved = editions.approve(tmp_path, "20261202T021500")
    assert approved.latest == "20261202T021500" and approved.preview is None
    assert link_target(tmp_path, "latest") == "editions/20261202T021500"
    assert not (tmp_path / "preview").is_symlink()
    assert "En attente d’approbation" not in (tmp_path / "editions" / "index.html").read_text(
        encoding="utf-8"
    )


def test_approve_refuses_an_unknown_a_half_written_or_a_failed_edition(tmp_path):
    make_edition(tmp_path, "20261201T021500")
    editions.publish(tmp_path, "20261201T021500")
    with pytest.raises(EditionError, match=r"'2026-12-03' is not an edition id: .*YYYYMMDDTHHMMSS"):
        editions.approve(tmp_path, "2026-12-03")
    with pytest.raises(EditionError, match=r"no edition 20261203T021500 .*newest editions: 20261201T021500"):
        editions.approve(tmp_path, "20261203T021500")
    # a run still writing (or killed while writing): only its temporary folder exists
    (tmp_path / "editions" / ".tmp-20261204T021500-0a1b2c3d").mkdir()
    with pytest.raises(EditionError, match=r"20261204T021500 is still being written"):
        editions.approve(tmp_path, "20261204T021500")
    # a folder with no manifest (copied by hand, say)
    (tmp_path / "editions" / "20261205T021500").mkdir()
    with pytest.raises(
        EditionError, match=r"20261205T021500 is half-written: editions/20261205T021500/manifest.json"
    ):
        editions.approve(tmp_path, "20261205T021500")
    # a file of the manifest is gone
    broken = make_edition(tmp_path, "20261206T021500")
    (broken / "donnees" / "t.csv").unlink()
    with pytest.raises(
        EditionError, match=r"half-written: 1 file\(s\) .* editions/20261206T021500/donnees/t.csv"
    ):
        editions.approve(tmp_path, "20261206T021500")
    failed = [{"asset": "marts/x", "name": "not_null_x", "passed": False, "blocking": True}]
    make_edition(tmp_path, "20261207T021500", checks=failed)
    with pytest.raises(EditionError, match=r"failed 1 blocking check\(s\) \(marts/x: not_null_x\)"):
        editions.approve(tmp_path, "20261207T021500")
    assert link_target(tmp_path, "latest") == "editions/20261201T021500"


def test_listing_ignores_temporary_and_half_written_folders(tmp_path):
    make_edition(tmp_path, "20261201T021500")
    make_edition(tmp_path, "20261202T021500")
    (tmp_path / "editions" / ".tmp-20261203T021500-0a1b2c3d").mkdir()
    (tmp_path / "editions" / "20261204T021500").mkdir()
    folder = editions.scan(tmp_path)
    assert [e.id for e in folder.editions] == ["20261202T021500", "20261201T021500"]
    assert list(folder.incomplete) == ["20261204T021500"]
    assert folder.temporary == ["editions/.tmp-20261203T021500-0a1b2c3d"]
    assert folder.editions[0].generated_at == datetime(2026, 12, 2, 2, 15, tzinfo=PARIS)


def test_a_failed_write_leaves_nothing_visible(tmp_path):
    with pytest.raises(RuntimeError), editions.writing(tmp_path, "20261201T021500") as tmp:
        (tmp / "index.html").write_text("partial", encoding="utf-8")
        raise RuntimeError("rendering failed")
    with (
        pytest.raises(EditionError, match=r"manifest\.json was not written"),
        editions.writing(tmp_path, "20261201T021500") as tmp,
    ):
        (tmp / "index.html").write_text("no manifest", encoding="utf-8")
    assert list((tmp_path / "editions").iterdir()) == []


def test_retention_keeps_the_newest_and_never_latest_or_preview(tmp_path):
    ids = [f"202612{day:02d}T021500" for day in range(1, 7)]
    for edition_id in ids:
        make_edition(tmp_path, edition_id)
    editions.publish(tmp_path, ids[0])  # an old edition is still the one readers see
    editions.publish(tmp_path, ids[1], review_mode=True)  # and an old one awaits approval

    assert editions.prune(tmp_path, None).editions == []  # unset: keep everything
    pruned = editions.prune(tmp_path, 2)

    assert pruned.editions == [ids[3], ids[2]]
    assert sorted(p.name for p in (tmp_path / "editions").iterdir() if p.is_dir()) == [
        ids[0],
        ids[1],
        ids[4],
        ids[5],
    ]
    assert (tmp_path / "latest" / "index.html").is_file() and (tmp_path / "preview" / "index.html").is_file()
    page = (tmp_path / "editions" / "index.html").read_text(encoding="utf-8")
    assert ids[3] not in page and ids[5] in page


def test_retention_removes_stale_temporary_folders_but_not_a_write_in_progress(tmp_path):
    make_edition(tmp_path, "20261201T021500")
    stale = tmp_path / "editions" / ".tmp-20261130T021500-0a1b2c3d"
    (stale / "fiches").mkdir(parents=True)
    (stale / "fiches" / "x.html").write_text("x", encoding="utf-8")
    old = time.time() - 2 * 86400
    for path in (stale / "fiches" / "x.html", stale / "fiches", stale):
        os.utime(path, (old, old))
    fresh = tmp_path / "editions" / ".tmp-20261202T021500-0a1b2c3d"
    fresh.mkdir()
    pruned = editions.prune(tmp_path, None, stale_after=timedelta(hours=24))
    assert pruned.temporary == ["editions/.tmp-20261130T021500-0a1b2c3d"]
    assert not stale.exists() and fresh.exists()


def test_retention_refuses_keeping_no_edition(tmp_path):
    with pytest.raises(EditionError, match="keep at least 1"):
        editions.prune(tmp_path, 0)


def test_a_latest_that_is_not_a_symlink_is_not_replaced(tmp_path):
    make_edition(tmp_path, "20261201T021500")
    (tmp_path / "latest").mkdir()
    with pytest.raises(EditionError, match="latest is not a symlink"):
        editions.publish(tmp_path, "20261201T021500")


def test_the_index_is_self_contained(tmp_path):
    make_edition(tmp_path, "20261201T021500")
    editions.publish(tmp_path, "20261201T021500")
    page = (tmp_path / "editions" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in page
    assert not re.search(r"<script|<link|@import|url\(|https?://", page)
    assert not list((tmp_path / "editions").glob(".tmp-*"))


def test_back_to_automatic_publication_a_preview_left_behind_is_withdrawn(tmp_path):
    make_edition(tmp_path, "20261201T021500")
    editions.publish(tmp_path, "20261201T021500", review_mode=True)
    make_edition(tmp_path, "20261202T021500")
    result = editions.publish(tmp_path, "20261202T021500")  # OBS_REVIEW_MODE unset again
    assert (result.latest, result.preview) == ("20261202T021500", None)
    assert not (tmp_path / "preview").is_symlink()
