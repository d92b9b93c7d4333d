"""France Travail job offers, partitioned by creation day (Europe/Paris).

A partition (or a range of them, in one run) is loaded from the landing folder's francetravail/ files
and from every answer the API gave (kept under $OBS_DATA_DIR/api/francetravail/; when credentials are set,
the API is asked for the range first): all are merged alike, the latest dateActualisation of each offer winning, so an API
answer never removes an offer loaded before. The range's rows are replaced in one transaction.
"""

import time
from datetime import timedelta

import dagster as dg
import duckdb

from orchestration.defs.ingest.francetravail_resource import FranceTravailResource
from orchestration.lib import offers
from orchestration.lib.warehouse import LandedFile, archive_new_loads, connect
from orchestration.settings import Settings, load_settings

OFFER_PARTITIONS = dg.DailyPartitionsDefinition(
    start_date=offers.PARTITIONS_START, timezone=offers.PARIS, fmt="%Y-%m-%d"
)


def load_metadata(load: offers.RangeLoad, seconds: float, api: dict | None) -> dict:
    """The figures an operator reads on the materialisation (counts reconcile: read = loaded +
    superseded + quarantined)."""
    metadata = {
        "origin": "api" if api is not None else "landing",
        "first_day": str(load.first_day),
        "last_day": str(load.end_day - timedelta(days=1)),
        "days": load.days,
        "files_scanned": len(load.files_scanned),
        "files_new": load.files_new,
        "rows_read": load.rows_read,
        "rows_loaded": load.rows_loaded,
        "rows_superseded": load.rows_superseded,
        "rows_quarantined": load.rows_quarantined,
        "seconds": round(seconds, 2),
    }
    if load.files_refused:
        metadata["files_refused"] = len(load.files_refused)
        metadata["refused"] = dg.MetadataValue.md(
            "\n".join(f"- {reason}" for _, reason in load.files_refused)
        )
    if api is not None:
        metadata.update({f"api_{name}": int(api.get(name, 0)) for name in API_COUNTS})
        metadata["api_seconds"] = round(float(api.get("seconds", 0.0)), 2)
    return metadata


# the client's counts an operator reads: what the API answered, and what was set aside or missed
API_COUNTS = (
    "calls",
    "retries",
    "http_429",
    "failed_calls",
    "read",
    "offers",
    "duplicates",
    "outside_window",
    "without_id",
    "unreachable",
)


def offer_files(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[LandedFile]:
    """The files a load reads: the landing folder's and every kept API answer, credentials set or not (a
    day reloaded without them keeps the offers the API gave)."""
    return offers.landed_offer_files(settings.landing_dir / "francetravail", con) + offers.landed_offer_files(
        settings.api_dir, con
    )


@dg.asset(
    key=["raw", "francetravail_offres"],
    group_name="ingestion",
    kinds={"duckdb"},
    pool="warehouse",
    partitions_def=OFFER_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
    description="Job offers of France Travail by creation day (Europe/Paris): one row per offer id, its "
    "latest dateActualisation. From the API when FRANCETRAVAIL_CLIENT_ID/SECRET are set, from the landing "
    "folder's francetravail/ files otherwise. A run replaces the rows of its days; malformed records go to "
    "quarantine.francetravail_offres; ops.offer_partitions logs each day's load.",
)
def francetravail_offres(
    context: dg.AssetExecutionContext, francetravail: FranceTravailResource
) -> dg.MaterializeResult:
    settings = load_settings()
    started = time.monotonic()
    window = context.partition_time_window
    first_day, end_day = window.start.date(), window.end.date()
    api = None
    if francetravail.enabled(settings):
        # Fetched before the warehouse opens (one DuckDB writer), then loaded like a landing file.
        fetch = francetravail.fetch_days(first_day, end_day, settings, log=context.log)
        context.log.info(f"API: {fetch.offers} offers in {fetch.stats['calls']} calls -> {fetch.path.name}")
        api = fetch.stats
    with connect(settings.warehouse) as con:
        files = offer_files(con, settings)
        load = offers.load_range(
            con, files, first_day, end_day, origin="api" if api else "landing", log=context.log.debug
        )
        total = con.execute(f"select count(*) from {offers.RAW_TABLE}").fetchone()[0]
        # after the load's commit: a file is archived once it is in the ledger
        archived = archive_new_loads(con, settings.data_dir, offers.SOURCE, files)
    for path, reason in load.files_refused:
        context.log.warning(f"file refused, not loaded: {reason}" if path in reason else f"{path}: {reason}")
    if load.new_days_outside_range:
        days = load.new_days_outside_range
        context.log.warning(
            f"new files hold offers of {len(days)} days outside this run ({days[0]} .. {days[-1]}): "
            "materialise those partitions to load them"
        )
    metadata = load_metadata(load, time.monotonic() - started, api)
    metadata["offers_in_raw"] = total
    metadata["files_archived"] = archived
    context.log.info(
        f"{first_day}..{metadata['last_day']}: {load.rows_loaded} offers loaded, "
        f"{load.rows_quarantined} quarantined, {len(load.files_scanned)} files scanned"
    )
    return dg.MaterializeResult(metadata=metadata)


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[francetravail_offres], resources={"francetravail": FranceTravailResource()})
