"""The Région's agreed training providers (agrements/*.csv|xlsx)."""

import dagster as dg

from orchestration.defs.ingest.metadata import load_metadata, refused_file_fails_the_asset
from orchestration.lib.ingestion import load_source, source_files
from orchestration.lib.sources import read_region_agrements
from orchestration.lib.warehouse import connect
from orchestration.settings import load_settings


@dg.asset(
    key=["raw", "region_agrements"],
    group_name="ingestion",
    kinds={"duckdb"},
    pool="warehouse",
    description="Training providers agreed by the Région, by certification and départements "
    "(agrements/*.csv|xlsx); refused rows go to quarantine.region_agrements.",
)
def region_agrements() -> dg.MaterializeResult:
    settings = load_settings()
    files = source_files(settings.landing_dir, "region_agrements")
    with connect(settings.warehouse) as con, refused_file_fails_the_asset():
        summary = load_source(
            con,
            source="region_agrements",
            files=files,
            read=read_region_agrements,
            key=["siret", "code_certification"],
            data_dir=settings.data_dir,
        )
    return dg.MaterializeResult(metadata=load_metadata(summary))


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[region_agrements])
