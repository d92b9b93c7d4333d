"""The ingestion assets of the spreadsheet sources, one per source of the registry (``lib/registry.py``).

Each loads the new files of its landing folder into raw.<source> (refused rows in quarantine.<source>).
A file refused as a whole is named in the asset's metadata and in the run's log, and does not fail the
asset: the other files and sources load, and the edition goes on.
"""

import dagster as dg

from orchestration.defs.ingest.metadata import load_metadata
from orchestration.lib.ingestion import load_source, read_context, source_files
from orchestration.lib.registry import Source, spreadsheet_sources
from orchestration.lib.warehouse import connect
from orchestration.settings import load_settings

BRANCHES = dg.AssetKey(["raw", "ref_branches"])


def ingestion_asset(src: Source) -> dg.AssetsDefinition:
    @dg.asset(
        key=["raw", src.name],
        group_name="ingestion",
        deps=[BRANCHES] if src.reader.needs_branches else [],
        kinds={"duckdb"},
        pool="warehouse",
        description=f"{src.description} Landing: {src.folder}/{'|'.join(src.patterns)}; refused rows go to "
        f"quarantine.{src.name}, refused files to ops.refused_files.",
    )
    def _load(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
        settings = load_settings()
        files = source_files(settings.landing_dir, src)
        with connect(settings.warehouse) as con:
            summary = load_source(
                con, src, files, read_context(con, src, settings.region), data_dir=settings.data_dir
            )
        for path, reason in summary.refused:
            context.log.warning(
                f"file refused, not loaded: {reason}" if path in reason else f"{path}: {reason}"
            )
        return dg.MaterializeResult(metadata=load_metadata(summary))

    return _load


INGESTION_ASSETS = [ingestion_asset(src) for src in spreadsheet_sources()]


def defs() -> dg.Definitions:
    return dg.Definitions(assets=INGESTION_ASSETS)
