"""The published edition: portrait, 11 fiches métiers, open data (CSV, datapackage.json, workbook, data
dictionary) and manifest (DESIGN.md layout).

Its dependencies are the publication models the spec declares (dbt manifest); it runs only when every
upstream blocking check passed in the run, reads those models and nothing else, and ``latest`` switches
last.
"""

import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.defs.transform.project import dbt_project
from orchestration.lib import editions
from orchestration.lib.edition_exports import complete_edition
from orchestration.lib.editorial import build_content
from orchestration.lib.open_data import read_publication
from orchestration.lib.publication import masked_cells, write_edition
from orchestration.lib.publication_spec import PUBLICATION_SCHEMA, load_spec
from orchestration.lib.warehouse import connect
from orchestration.settings import PROJECT_ROOT, Settings, load_settings

SPEC = load_spec(dbt_project.manifest_path)


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


def relative_input(path: str, settings: Settings) -> tuple[str, str]:
    """Where an input came from and its path relative to that folder: never a server's absolute path."""
    candidate = Path(path)
    roots = [
        ("depot", settings.landing_dir),
        ("api", settings.api_dir),
        ("archive", settings.data_dir / "archive"),
    ]
    for origin, root in roots:
        try:
            return origin, candidate.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            continue
    return "autre", candidate.name


def loaded_inputs(con, settings: Settings) -> list[dict]:
    rows = con.execute(
        "select path, sha256, rows_read from ops.loaded_files order by source, path"
    ).fetchall()
    inputs = []
    for path, sha, n in rows:
        origin, relative = relative_input(path, settings)
        inputs.append({"origin": origin, "path": relative, "sha256": sha, "rows": n})
    return sorted(inputs, key=lambda i: (i["origin"], i["path"], i["sha256"]))


@dg.asset(
    key=["publication", "edition"],
    group_name="publication",
    deps=[dg.AssetKey([PUBLICATION_SCHEMA, model]) for model in SPEC.models],
    kinds={"html", "pdf", "csv"},
    description="A published edition: index, portrait of the Cohésion sociale sector, the fiches métiers (HTML "
    "and PDF), every published table as CSV with its datapackage.json, a workbook and a data dictionary, and "
    "manifest.json; `latest` points at it once complete. Reads the publication models only.",
)
def edition(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = load_settings()
    generated_at = datetime.now(ZoneInfo("Europe/Paris"))
    edition_id = editions.new_edition_id(generated_at)
    with connect(settings.warehouse, read_only=True) as con:
        tables = read_publication(con, SPEC)
        inputs = loaded_inputs(con, settings)
    content = build_content(
        tables,
        region=settings.region,
        inputs=inputs,
        checks=run_checks(context),
        code_version=code_version(),
        secrecy={
            "min_people": settings.secret_min_people,
            "min_employers": settings.secret_min_employers,
            "dominance": settings.secret_dominance,
        },
    )
    folder = write_edition(
        settings.publication_dir, content, edition_id=edition_id, generated_at=generated_at
    )
    complete_edition(folder, tables, settings)  # Parquet/DuckDB, rebuild record; before latest switches
    published = editions.publish(settings.publication_dir, edition_id, review_mode=settings.review_mode)
    pruned = editions.prune(settings.publication_dir, settings.keep_editions)
    masked = masked_cells(content)
    if published.moved == editions.PREVIEW:
        context.log.info(
            f"edition {edition_id} awaits approval (review mode): launch the job approve_edition with "
            f"edition: {edition_id}; latest stays on {published.latest or 'no edition yet'}"
        )
    else:
        context.log.info(
            f"published edition {edition_id}: {settings.publication_dir / 'latest' / 'index.html'}"
        )
    return dg.MaterializeResult(
        metadata={
            "edition": edition_id,
            "path": dg.MetadataValue.path(str(folder)),
            "latest": published.latest or "none",
            "awaiting_approval": published.preview or "none",
            "editions_index": dg.MetadataValue.path(str(published.index)),
            "editions_removed": ", ".join(pruned.editions) or "none",
            "fiches": len(content.fiches),
            "csv_files": len(content.tables),
            "masked_cells": sum(masked.values()),
            "masked_cells_by_table": dg.MetadataValue.md(
                "\n".join(f"- `{name}`: {count}" for name, count in masked.items() if count) or "none"
            ),
        }
    )


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[edition])
