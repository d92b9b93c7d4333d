"""Uniformation extracts: contrats de professionnalisation and member employers (adherents)."""

import dagster as dg

from orchestration.defs.ingest.metadata import load_metadata, refused_file_fails_the_asset
from orchestration.lib.ingestion import load_source, source_files
from orchestration.lib.sources import branch_lookup, read_uniformation_adherents, read_uniformation_contrats
from orchestration.lib.warehouse import connect
from orchestration.settings import load_settings

BRANCHES = dg.AssetKey(["raw", "ref_branches"])


def _branches(con) -> dict[str, str]:
    rows = con.execute("select code_branche, libelle_branche, synonymes from raw.ref_branches").fetchall()
    return branch_lookup(
        {"code_branche": c, "libelle_branche": label, "synonymes": s} for c, label, s in rows
    )


@dg.asset(
    key=["raw", "uniformation_contrats"],
    group_name="ingestion",
    deps=[BRANCHES],
    kinds={"duckdb"},
    pool="warehouse",
    description="Contrats de professionnalisation from Uniformation extracts (uniformation/contrats*.csv|xlsx); "
    "rows that cannot be typed go to quarantine.uniformation_contrats.",
)
def uniformation_contrats() -> dg.MaterializeResult:
    settings = load_settings()
    files = source_files(settings.landing_dir, "uniformation_contrats")
    with connect(settings.warehouse) as con, refused_file_fails_the_asset():
        branches = _branches(con)
        summary = load_source(
            con,
            source="uniformation_contrats",
            files=files,
            read=lambda path: read_uniformation_contrats(path, branches),
            key=["num_contrat"],
            data_dir=settings.data_dir,
        )
    return dg.MaterializeResult(metadata=load_metadata(summary))


@dg.asset(
    key=["raw", "uniformation_adherents"],
    group_name="ingestion",
    deps=[BRANCHES],
    kinds={"duckdb"},
    pool="warehouse",
    description="Member employers of the sector by year from Uniformation extracts "
    "(uniformation/adherents*.csv|xlsx); refused rows go to quarantine.uniformation_adherents.",
)
def uniformation_adherents() -> dg.MaterializeResult:
    settings = load_settings()
    files = source_files(settings.landing_dir, "uniformation_adherents")
    with connect(settings.warehouse) as con, refused_file_fails_the_asset():
        branches = _branches(con)
        summary = load_source(
            con,
            source="uniformation_adherents",
            files=files,
            read=lambda path: read_uniformation_adherents(path, branches),
            key=["annee", "siret"],
            data_dir=settings.data_dir,
        )
    return dg.MaterializeResult(metadata=load_metadata(summary))


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[uniformation_contrats, uniformation_adherents])
