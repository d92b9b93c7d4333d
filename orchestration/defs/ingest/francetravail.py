"""France Travail job offers ("Offres d'emploi v2" API bodies, arrays and NDJSON files)."""

import time

import dagster as dg

from orchestration.lib import offers
from orchestration.lib.warehouse import FileLoad, connect, landed_files, new_files, record_load
from orchestration.settings import load_settings

SOURCE = "francetravail_offres"


@dg.asset(
    key=["raw", "francetravail_offres"],
    group_name="ingestion",
    kinds={"duckdb"},
    pool="warehouse",
    description="Job offers of France Travail (one row per offer id, its latest dateActualisation), from the "
    "landing folder's francetravail/ files; malformed records go to quarantine.francetravail_offres.",
)
def francetravail_offres(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = load_settings()
    started = time.monotonic()
    files = landed_files(settings.landing_dir / "francetravail", offers.FILE_PATTERNS)
    read = loaded = quarantined = 0
    with connect(settings.warehouse) as con:
        offers.ensure_tables(con)
        fresh = new_files(con, SOURCE, files)
        for landed in fresh:
            con.execute("begin transaction")
            try:
                load = offers.stage_file(con, landed.path)
                offers.merge_batch(con)
                record_load(
                    con,
                    FileLoad(
                        SOURCE,
                        load.path,
                        landed.sha256,
                        load.rows_read,
                        load.rows_loaded,
                        load.rows_quarantined,
                    ),
                )
                con.execute("commit")
            except Exception:
                con.execute("rollback")
                raise
            read, loaded, quarantined = (
                read + load.rows_read,
                loaded + load.rows_loaded,
                quarantined + load.rows_quarantined,
            )
            context.log.info(
                f"{landed.path.name}: {load.rows_loaded} offers loaded, {load.rows_quarantined} quarantined"
            )
        total = con.execute(f"select count(*) from {offers.RAW_TABLE}").fetchone()[0]
    return dg.MaterializeResult(
        metadata={
            "files_loaded": len(fresh),
            "files_already_loaded": len(files) - len(fresh),
            "rows_read": read,
            "rows_loaded": loaded,
            "rows_quarantined": quarantined,
            "offers_in_raw": total,
            "seconds": round(time.monotonic() - started, 2),
        }
    )


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[francetravail_offres])
