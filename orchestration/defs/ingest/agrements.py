"""The Région's agreed training providers (agrements/*.csv|xlsx)."""

import dagster as dg

from orchestration.defs.ingest.metadata import load_metadata
from orchestration.lib.ingestion import load_source
from orchestration.lib.sources import read_region_agrements
from orchestration.lib.warehouse import connect, landed_files
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
    files = landed_files(settings.landing_dir / "agrements", ["*.csv", "*.xlsx"])
    with connect(settings.warehouse) as con:
        summary = load_source(
            con,
            source="region_agrements",
            files=files,
            read=read_region_agrements,
            key=["siret", "code_certification"],
        )
    return dg.MaterializeResult(metadata=load_metadata(summary))


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[region_agrements])
