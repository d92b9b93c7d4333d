"""Command line: `python -m orchestration run` materialises everything on the configured inputs.

It prints the path of the published edition, or exits non-zero naming the failed asset or check.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import UTC, datetime

import dagster as dg


def _root_cause(error) -> str:
    while error.cause is not None:
        error = error.cause
    return error.message.strip().splitlines()[-1] if error.message.strip() else error.cls_name or ""


def _failures(result: dg.ExecuteInProcessResult, step_assets: dict[str, str]) -> list[str]:
    failures: list[str] = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            what = step_assets.get(event.step_key, event.step_key)
            failures.append(f"asset {what} failed: {_root_cause(error) if error else ''}")
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                key = evaluation.asset_check_key
                failures.append(
                    f"check {key.asset_key.to_user_string()}:{key.name} failed"
                    + (f": {evaluation.description}" if evaluation.description else "")
                )
    return failures


def partition_range_tags(
    defs: dg.Definitions, first_day: str | None = None, last_day: str | None = None
) -> dict[str, str]:
    """Run tags that make refresh_all load a range of the offers' daily partitions in one run
    (default: every partition, from 2024-01-01 to yesterday)."""
    partitions = defs.resolve_job_def("refresh_all").partitions_def
    keys = partitions.get_partition_keys() if partitions else []
    if not keys:
        return {}
    first, last = first_day or keys[0], last_day or keys[-1]
    for day in (first, last):
        if not partitions.has_partition_key(day):
            raise SystemExit(f"no offers partition {day}: days run from {keys[0]} to {keys[-1]}")
    return {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}


def run(first_day: str | None = None, last_day: str | None = None) -> int:
    from orchestration.definitions import defs
    from orchestration.defs.automation.alerts import assets_by_step
    from orchestration.lib.ingestion import refused_report
    from orchestration.lib.lock import warehouse_lock
    from orchestration.settings import load_settings

    settings = load_settings()
    started = datetime.now(UTC)
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("refresh_all")
    # the whole run under the warehouse lock: a daemon run or a reader started meanwhile waits its turn
    with instance, warehouse_lock(settings.warehouse, settings.lock_timeout_seconds):
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
            tags=partition_range_tags(defs, first_day, last_day),
        )
    for line in refused_report(settings.warehouse, started):  # files refused as a whole do not fail the run
        print(f"REFUSED (not loaded): {line}", file=sys.stderr)
    failures = _failures(result, assets_by_step(defs.resolve_asset_graph()))
    if not result.success or failures:
        for failure in failures or ["the run failed"]:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    edition = _edition_metadata(result)
    if edition.get("published") is False:
        print(f"No new edition: {edition.get('reason')}; latest stays {settings.publication_dir / 'latest'}")
        return 0
    print(f"Published edition: {settings.publication_dir / 'latest' / 'index.html'}")
    if edition.get("changes"):
        print(f"Changes: {str(edition['changes']).splitlines()[0]}")
    return 0


def restore(edition_id: str, into: str) -> int:
    """Rebuild an edition in another folder from the archive, then compare its CSV files byte for byte."""
    import json
    from datetime import date, timedelta
    from pathlib import Path

    from orchestration.lib import rebuild
    from orchestration.settings import load_settings

    settings = load_settings()
    original = settings.publication_dir / "editions" / edition_id
    manifest_path = original / "manifest.json"
    if not manifest_path.is_file():
        raise SystemExit(f"no edition {edition_id} in {settings.publication_dir / 'editions'}")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    target = Path(into).expanduser().resolve()
    if target.exists() and any(target.iterdir()):
        raise SystemExit(f"{target} is not empty: restore into a new folder")
    staged = rebuild.stage_inputs(manifest, settings, target)
    print(f"{len(staged.copied)} input files copied from the archive into {staged.landing}")
    for difference in staged.differences:
        print(f"WARNING: {difference}: the rebuild may differ", file=sys.stderr)
    recorded = manifest.get("rebuild", {})
    secrecy = recorded.get("secret_statistique") or manifest.get("secret_statistique", {}).get("seuils", {})
    code = manifest.get("code_version")
    print(f"edition built by code {code}: check out that version for an identical rebuild")
    os.environ.update(
        {
            "OBS_DATA_DIR": str(target / "data"),
            "OBS_WAREHOUSE": str(target / "data" / "warehouse.duckdb"),
            "OBS_LANDING_DIR": str(staged.landing),
            "OBS_PUBLICATION_DIR": str(target / "publication"),
            "OBS_REGION": recorded.get("region", settings.region),
            "OBS_REVIEW_MODE": "false",
            **{f"OBS_SECRET_{k.upper()}": str(v) for k, v in secrecy.items()},
        }
    )
    os.environ.pop("OBS_KEEP_EDITIONS", None)
    last_day = (date.fromisoformat(manifest["generated_at"][:10]) - timedelta(days=1)).isoformat()
    status = run(None, last_day)
    if status:
        return status
    differ = rebuild.compare_csvs(original, (target / "publication" / "latest").resolve())
    if differ:
        print(f"DIFFERENT from edition {edition_id}: {', '.join(differ)}", file=sys.stderr)
        return 1
    print(f"edition {edition_id} rebuilt in {target}: every CSV identical, byte for byte")
    return 0


def _edition_metadata(result) -> dict:
    """The metadata of the run's publication/edition materialisation (empty when it did not run)."""
    for event in result.get_asset_materialization_events():
        materialization = event.materialization
        if materialization.asset_key == dg.AssetKey(["publication", "edition"]):
            return {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
    return {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration")
    parser.add_argument(
        "command",
        choices=["run", "restore"],
        help="run: materialise every asset (offers: every day, one run) and publish an edition; "
        "restore EDITION INTO: rebuild an edition from the archive in the folder INTO and compare its CSVs",
    )
    parser.add_argument("args", nargs="*", help="restore: EDITION INTO")
    parser.add_argument("--from", dest="first_day", help="first creation day of offers to load (YYYY-MM-DD)")
    parser.add_argument("--to", dest="last_day", help="last creation day of offers to load (YYYY-MM-DD)")
    args = parser.parse_args(argv)
    if args.command == "restore":
        if len(args.args) != 2:
            parser.error("restore needs EDITION and INTO")
        return restore(*args.args)
    return run(args.first_day, args.last_day)


if __name__ == "__main__":
    sys.exit(main())
