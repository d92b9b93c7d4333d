"""The published edition: portrait, 11 fiches métiers, open-data CSVs and manifest (DESIGN.md layout).

It runs only when every upstream blocking check passed in the run; ``latest`` switches last.
"""

import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.lib.editorial import build_content, loaded_inputs
from orchestration.lib.publication import new_edition_id, switch_latest, write_edition
from orchestration.lib.warehouse import connect
from orchestration.settings import PROJECT_ROOT, load_settings

PUBLISHED_MARTS = [
    "portrait_chiffres_cles",
    "portrait_contrats_par_branche",
    "portrait_contrats_par_age",
    "portrait_contrats_par_niveau",
    "portrait_top_certifications",
    "portrait_contrats_par_sexe",
    "portrait_contrats_par_taille",
    "portrait_contrats_par_departement",
    "portrait_offres_mensuel",
    "portrait_offres_annuel",
    "fiche_metier_mensuel",
    "fiche_offres_annuel",
    "fiche_offres_repartitions",
    "fiche_tension_annuel",
    "fiche_contrats_pro_annuel",
    "fiche_certifications",
    "fiche_organismes_agrees",
    "emploi_formation_annuel",
]


def code_version() -> str:
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return sha + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_checks(context: dg.AssetExecutionContext) -> list[dict]:
    """Every check evaluated in this run (all blocking ones passed, or this asset would not run)."""
    entries = context.instance.all_logs(
        context.run.run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION
    )
    checks = []
    for entry in entries:
        evaluation = entry.dagster_event.event_specific_data
        checks.append(
            {
                "asset": evaluation.asset_key.to_user_string(),
                "name": evaluation.check_name,
                "passed": bool(evaluation.passed),
                "blocking": bool(evaluation.blocking),
            }
        )
    return sorted(checks, key=lambda c: (c["asset"], c["name"]))


@dg.asset(
    key=["publication", "edition"],
    group_name="publication",
    deps=[dg.AssetKey(["marts", mart]) for mart in PUBLISHED_MARTS],
    kinds={"html", "pdf", "csv"},
    description="A published edition: index, portrait of the Cohésion sociale sector, the fiches métiers (HTML "
    "and PDF), the CSV behind every figure and manifest.json; `latest` points at it once complete.",
)
def edition(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = load_settings()
    generated_at = datetime.now(ZoneInfo("Europe/Paris"))
    edition_id = new_edition_id(generated_at)
    with connect(settings.warehouse, read_only=True) as con:
        content = build_content(
            con,
            region=settings.region,
            inputs=loaded_inputs(con),
            checks=run_checks(context),
            code_version=code_version(),
        )
    folder = write_edition(
        settings.publication_dir, content, edition_id=edition_id, generated_at=generated_at
    )
    switch_latest(settings.publication_dir, edition_id)
    context.log.info(f"published edition {edition_id}: {settings.publication_dir / 'latest' / 'index.html'}")
    return dg.MaterializeResult(
        metadata={
            "edition": edition_id,
            "path": dg.MetadataValue.path(str(folder)),
            "latest": dg.MetadataValue.path(str(settings.publication_dir / "latest" / "index.html")),
            "fiches": len(content.fiches),
            "csv_files": len(content.portrait_tables) + sum(len(f.tables) for f in content.fiches),
        }
    )


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[edition])
