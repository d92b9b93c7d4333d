"""The national public list of training organisations (DGEFP), filtered to the observed région."""

import dagster as dg

from orchestration.defs.ingest.metadata import load_metadata, refused_file_fails_the_asset
from orchestration.lib.ingestion import load_source, source_files
from orchestration.lib.sources import read_organismes
from orchestration.lib.warehouse import connect
from orchestration.settings import load_settings


@dg.asset(
    key=["raw", "organismes_formation"],
    group_name="ingestion",
    kinds={"duckdb"},
    pool="warehouse",
    description="Training organisations of the observed région from the DGEFP public list (organismes/*.csv), "
    "with their Qualiopi certifications and NSF specialities.",
)
def organismes_formation() -> dg.MaterializeResult:
    settings = load_settings()
    files = source_files(settings.landing_dir, "organismes_formation")
    with connect(settings.warehouse) as con, refused_file_fails_the_asset():
        summary = load_source(
            con,
            source="organismes_formation",
            files=files,
            read=lambda path: read_organismes(path, settings.region),
            key=["nda", "siret"],
            data_dir=settings.data_dir,
        )
    return dg.MaterializeResult(metadata=load_metadata(summary))


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[organismes_formation])
