"""What a rebuild of an edition needs, recorded in its manifest (``rebuild``), and the staging of a restore.

The manifest already names the inputs (origin, path, sha256), the code version and the secrecy thresholds;
``rebuild`` adds the referential files and curated seeds read (sha256 each, the fiches métiers' seed among
them), the région, the review mode and the DuckDB version. ``make restore EDITION=<id> INTO=<folder>``
(``python -m orchestration restore``) copies the edition's inputs from the archive into ``<folder>/landing``,
checks what differs from the recorded versions, runs the pipeline on ``<folder>`` with the recorded
settings and compares the CSV files byte for byte.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from orchestration.lib.registry import SOURCES
from orchestration.lib.warehouse import sha256_of
from orchestration.settings import PROJECT_ROOT, REFERENCE_SEEDS_DIR, Settings

FICHES_SEED = REFERENCE_SEEDS_DIR / "fiches_metiers.csv"


def _hashes(folder: Path, relative_to: Path) -> list[dict]:
    return [
        {"path": p.relative_to(relative_to).as_posix(), "sha256": sha256_of(p)}
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith(".")
    ]


def rebuild_record(settings: Settings) -> dict:
    official = settings.referentials_dir
    return {
        "referentiels": {
            "dossier": "OBS_REFERENCE_DIR" if settings.reference_dir else "seeds/reference/official",
            "fichiers": _hashes(official, official),
        },
        "seeds": [s for s in _hashes(REFERENCE_SEEDS_DIR, PROJECT_ROOT) if "/official/" not in s["path"]],
        "fiches_seed_sha256": sha256_of(FICHES_SEED),
        "region": settings.region,
        "review_mode": settings.review_mode,
        "secret_statistique": {
            "min_people": settings.secret_min_people,
            "min_employers": settings.secret_min_employers,
            "dominance": settings.secret_dominance,
        },
        "duckdb": duckdb.__version__,
    }


def record_in_manifest(edition_dir: Path, record: dict) -> None:
    manifest = Path(edition_dir) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    data["rebuild"] = record
    partial = manifest.with_name(f".{manifest.name}.partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    partial.replace(manifest)


class RestoreError(RuntimeError):
    pass


@dataclass
class Staged:
    landing: Path
    copied: list[str] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)  # versions that differ from the recorded ones


def _archived(data_dir: Path, sha256: str) -> Path | None:
    for path in sorted((data_dir / "archive").glob(f"*/{sha256[:12]}_*")):
        if sha256_of(path) == sha256:
            return path
    return None


def _landing_target(landing: Path, entry: dict, found: Path) -> Path:
    if entry["origin"] == "depot":
        return landing / entry["path"]
    if entry["origin"] == "api":  # the API's answers are offers files like the depositors'
        return landing / next(s.folder for s in SOURCES if s.name == "francetravail_offres") / found.name
    source = next((s for s in SOURCES if found.parent.name == s.name), None)
    folder = source.folder if source else found.parent.name
    name = found.name.split("_", 1)[1] if found.parent.parent.name == "archive" else found.name
    return landing / folder / name


def stage_inputs(manifest: dict, settings: Settings, into: Path) -> Staged:
    """Copy every input of the edition, from the archive (or the API answers kept), into
    ``into/landing``, each checked against its recorded sha256."""
    staged = Staged(landing=into / "landing")
    missing = []
    for entry in manifest.get("inputs", []):
        candidates = {
            "depot": None,
            "api": settings.data_dir / "francetravail_api" / entry["path"],
            "archive": settings.data_dir / "archive" / entry["path"],
        }
        found = candidates.get(entry["origin"])
        if found is None or not found.is_file() or sha256_of(found) != entry["sha256"]:
            found = _archived(settings.data_dir, entry["sha256"])
        if found is None:
            missing.append(f"{entry['origin']}/{entry['path']} ({entry['sha256'][:12]})")
            continue
        target = _landing_target(staged.landing, entry, found)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(found, target)
        staged.copied.append(target.relative_to(staged.landing).as_posix())
    if missing:
        raise RestoreError("inputs not found in the archive: " + ", ".join(missing))
    recorded = manifest.get("rebuild")
    if not recorded:
        staged.differences.append("the manifest has no rebuild record (edition older than this feature)")
        return staged
    current = rebuild_record(settings)
    for key in ("referentiels", "seeds", "fiches_seed_sha256", "region", "secret_statistique"):
        if recorded.get(key) != current.get(key):
            staged.differences.append(f"{key} differ from the edition's")
    return staged


def compare_csvs(original: Path, rebuilt: Path) -> list[str]:
    """The CSV files (donnees/) that differ or are missing on either side."""
    names = {p.name for p in (original / "donnees").glob("*.csv")} | {
        p.name for p in (rebuilt / "donnees").glob("*.csv")
    }
    differ = []
    for name in sorted(names):
        a, b = original / "donnees" / name, rebuilt / "donnees" / name
        if not (a.is_file() and b.is_file() and a.read_bytes() == b.read_bytes()):
            differ.append(name)
    return differ
