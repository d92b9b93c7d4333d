"""A new spreadsheet in the landing folder is loaded within minutes, without waiting for the night.

The sensor never opens the DuckDB warehouse (one writer; a sensor tick must not take its lock). It
tells new files by its own cursor (path → size, mtime, sha256, and the contents already requested) and,
after a restart with an empty cursor, by the archive the loaders write (`archive/<source>/<sha>_…`):
a content already archived was already loaded. A new offers file (`francetravail/`) requests the range
of daily partitions its offers were created in (read with an in-memory DuckDB, not the warehouse).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from orchestration.defs.automation.jobs import refresh_all
from orchestration.lib import offers
from orchestration.lib.registry import SOURCES
from orchestration.lib.warehouse import is_archived, sha256_of
from orchestration.settings import load_settings

OFFERS = dg.AssetKey(["raw", offers.SOURCE])

# A file modified less than this long ago may still be being copied: it is looked at on a later tick.
SETTLE_SECONDS = 10
MINIMUM_INTERVAL_SECONDS = 60


@dataclass(frozen=True)
class NewFile:
    source: str
    path: Path
    sha256: str


def scan_landing(
    landing_dir: Path, data_dir: Path, cursor: dict, now: float | None = None
) -> tuple[list[NewFile], dict]:
    """The data files of the registry's sources whose content was never seen, and the next cursor.

    Only files whose size or mtime changed since the last tick are hashed. The same content under two
    names (or twice for one source) is one new file. Files that are not data (``~$*`` lock files,
    dotfiles, ``Thumbs.db``) are never looked at.
    """
    now = time.time() if now is None else now
    known: dict = cursor.get("files", {})
    seen: dict[str, set[str]] = {source: set(h) for source, h in cursor.get("hashes", {}).items()}
    files: dict = {}
    new: list[NewFile] = []
    for src in SOURCES:
        source = src.name
        hashes = seen.setdefault(source, set())
        for path in src.paths(landing_dir):
            stat = path.stat()
            if now - stat.st_mtime < SETTLE_SECONDS:
                continue  # not in the cursor: looked at again on the next tick
            entry_key = f"{source}:{path}"
            previous = known.get(entry_key)
            if previous and previous[0] == stat.st_size and previous[1] == stat.st_mtime_ns:
                files[entry_key] = previous
                continue
            sha = sha256_of(path)
            files[entry_key] = [stat.st_size, stat.st_mtime_ns, sha]
            if sha in hashes:
                continue
            hashes.add(sha)
            if not is_archived(data_dir, source, sha):
                new.append(NewFile(source, path, sha))
    next_cursor = {"files": files, "hashes": {source: sorted(h) for source, h in seen.items()}}
    return new, next_cursor


def run_selection(asset_graph, sources: set[str]) -> list[dg.AssetKey]:
    """The ingestion assets of ``sources``, what they need to run (the referentials multi-asset), and
    everything downstream (dbt, checks, publication); the partitioned assets (offers' daily partitions)
    only when offers files are among the sources."""
    keys: set[dg.AssetKey] = set()
    for source in sources:
        key = dg.AssetKey(["raw", source])
        keys.add(key)
        for parent in asset_graph.get(key).parent_keys:
            # A multi-asset that cannot be subset runs whole (raw/ref_branches comes with its siblings).
            keys |= {
                k
                for k in asset_graph.get_execution_set_asset_and_check_keys(parent)
                if isinstance(k, dg.AssetKey)
            }
    selected = dg.AssetSelection.assets(*keys).downstream().resolve(asset_graph)
    return sorted(
        (
            k
            for k in selected
            if asset_graph.get(k).is_materializable
            and (offers.SOURCE in sources or asset_graph.get(k).partitions_def is None)
        ),
        key=lambda k: k.to_user_string(),
    )


def offer_partition_range(paths: list[Path], partitions_def) -> tuple[str, str] | None:
    """The daily partitions covering the creation days of new offers files, within the existing ones
    (today's offers wait for tomorrow's partition)."""
    ranges = [r for r in (offers.creation_day_range(p) for p in paths) if r]
    keys = partitions_def.get_partition_keys() if ranges else []
    if not keys:
        return None
    first = max(min(r[0] for r in ranges).isoformat(), keys[0])
    last = min(max(r[1] for r in ranges).isoformat(), keys[-1])
    return (first, last) if first <= last else None


@dg.sensor(
    name="new_landing_files",
    job=refresh_all,
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Requests a run of the matching ingestion assets and everything downstream when a new data "
    f"file lands in {', '.join(sorted({f'{s.folder}/' for s in SOURCES}))} (offers: the partitions of its "
    "creation days).",
)
def new_landing_files(context: dg.SensorEvaluationContext) -> dg.SensorResult:
    settings = load_settings()
    cursor = json.loads(context.cursor) if context.cursor else {}
    new, next_cursor = scan_landing(settings.landing_dir, settings.data_dir, cursor)
    if not new:
        return dg.SensorResult(
            skip_reason="no new file in the landing folder", cursor=json.dumps(next_cursor)
        )
    hashes = sorted({f.sha256 for f in new})
    # One run for all the files of a tick (they share dbt and the publication); the same content twice,
    # or asked again later, is one run key, which Dagster never runs twice.
    run_key = hashes[0] if len(hashes) == 1 else hashlib.sha256("+".join(hashes).encode()).hexdigest()
    names = ", ".join(f"{f.source}/{f.path.name}" for f in new)
    context.log.info(f"new files: {names}")
    tags = {"obs/trigger": "new_landing_files", "obs/new_files": names[:200]}
    offer_days = offer_partition_range(
        [f.path for f in new if f.source == offers.SOURCE],
        context.repository_def.asset_graph.get(OFFERS).partitions_def,
    )
    if offer_days:
        tags.update(
            {
                "dagster/asset_partition_range_start": offer_days[0],
                "dagster/asset_partition_range_end": offer_days[1],
            }
        )
    sources = {f.source for f in new if f.source != offers.SOURCE or offer_days}
    if not sources:
        return dg.SensorResult(
            skip_reason="new offers files hold no day that can be loaded yet", cursor=json.dumps(next_cursor)
        )
    request = dg.RunRequest(
        run_key=run_key,
        asset_selection=run_selection(context.repository_def.asset_graph, sources),
        tags=tags,
    )
    return dg.SensorResult(run_requests=[request], cursor=json.dumps(next_cursor))


def defs() -> dg.Definitions:
    return dg.Definitions(sensors=[new_landing_files])
