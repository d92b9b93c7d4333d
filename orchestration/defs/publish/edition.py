"""The published edition: portrait, 11 fiches métiers, open data (CSV, datapackage.json, workbook, data
dictionary), what was checked (qualite.html), what changed (changements.html) and manifest (DESIGN.md layout).

Its dependencies are the publication models the spec declares (dbt manifest); it runs only when every
upstream blocking check passed in the run, reads those models and nothing else, and ``latest`` switches
last. The published tables of every edition are kept in the warehouse (``editions.publication_history``):
the edition compares itself with the latest one there, and a run whose tables equal the latest edition's
publishes no new edition.
"""

import json
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.defs.transform.project import dbt_project
from orchestration.lib import editions, history, quality_report
from orchestration.lib.edition_exports import complete_edition
from orchestration.lib.editorial import build_content
from orchestration.lib.open_data import read_publication
from orchestration.lib.publication import CHANGES_PAGE, QUALITY_PAGE, masked_cells, write_edition
from orchestration.lib.publication_spec import PUBLICATION_SCHEMA, load_spec
from orchestration.lib.warehouse import connect
from orchestration.settings import EXPECTATIONS_DIR, PROJECT_ROOT, Settings, load_settings

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
    """Every check evaluated in this run (all blocking ones passed, or this asset would not run), with the
    numbers of its metadata (``counts``) and its own ``why`` when it gives one."""
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
                "counts": quality_report.numeric_counts(
                    {k: getattr(v, "value", v) for k, v in (evaluation.metadata or {}).items()}
                ),
                "why": getattr((evaluation.metadata or {}).get("why"), "value", None),
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


def since_previous(con, settings: Settings, since: datetime | None) -> tuple[list[dict], list[dict]]:
    """Files refused and file versions with quarantined rows since ``since`` (None: ever), by relative path."""
    when = since or datetime(1970, 1, 1, tzinfo=ZoneInfo("UTC"))
    refused = [
        {"source": source, "path": relative_input(path, settings)[1], "reason": reason, "when": str(at)}
        for source, path, reason, at in con.execute(
            "select source, path, reason, refused_at from ops.refused_files where refused_at > ? "
            "order by refused_at, path",
            [when],
        ).fetchall()
    ]
    quarantined = [
        {
            "source": source,
            "path": relative_input(path, settings)[1],
            "rows_read": read,
            "rows_quarantined": n,
            "when": str(at),
        }
        for source, path, read, n, at in con.execute(
            "select source, path, rows_read, rows_quarantined, loaded_at from ops.loaded_files "
            "where rows_quarantined > 0 and loaded_at > ? order by loaded_at, path",
            [when],
        ).fetchall()
    ]
    return refused, quarantined


def quality_of_run(con, context, settings: Settings, previous: editions.Edition | None) -> dict:
    checks = run_checks(context)
    refused, quarantined = since_previous(con, settings, previous.generated_at if previous else None)
    return quality_report.build_report(
        checks,
        dbt=quality_report.dbt_whys(json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))),
        gx=quality_report.gx_whys(
            EXPECTATIONS_DIR, SPEC, settings.secret_min_people, settings.secret_min_employers
        ),
        refused=refused,
        quarantined=quarantined,
        since=previous.generated_at.isoformat() if previous else None,
    )


def _latest_edition(settings: Settings) -> editions.Edition | None:
    latest, _ = editions.pointers(settings.publication_dir)
    return editions.read_edition(settings.publication_dir, latest) if latest else None


@dg.asset(
    key=["publication", "edition"],
    group_name="publication",
    deps=[dg.AssetKey([PUBLICATION_SCHEMA, model]) for model in SPEC.models],
    kinds={"html", "pdf", "csv"},
    pool="warehouse",  # writes editions.publication_history: one writer of the warehouse at a time
    description="A published edition: index, portrait of the Cohésion sociale sector, the fiches métiers (HTML "
    "and PDF), every published table as CSV with its datapackage.json, a workbook and a data dictionary, what "
    "was checked (qualite.html), what changed since the previous edition (changements.html) and "
    "manifest.json; `latest` points at it once complete. Reads the publication models only; publishes "
    "nothing when they equal the latest edition's.",
)
def edition(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    settings = load_settings()
    generated_at = datetime.now(ZoneInfo("Europe/Paris"))
    edition_id = editions.new_edition_id(generated_at)
    previous = _latest_edition(settings)
    with connect(settings.warehouse) as con:
        tables = read_publication(con, SPEC)
        inputs = loaded_inputs(con, settings)
        history.stage(con, SPEC, edition_id)
        changes = history.compare(con, SPEC, edition_id, previous.id if previous else None)
        if changes.identical:
            history.drop(con, [edition_id])
            return unchanged(context, settings, changes)
        quality = quality_of_run(con, context, settings, previous)
    try:
        content = build_content(
            tables,
            region=settings.region,
            inputs=inputs,
            checks=[{k: c[k] for k in ("asset", "name", "passed", "blocking")} for c in quality["checks"]],
            code_version=code_version(),
            secrecy={
                "min_people": settings.secret_min_people,
                "min_employers": settings.secret_min_employers,
                "dominance": settings.secret_dominance,
            },
            quality=quality,
            changes=changes.as_dict(),
        )
        folder = write_edition(
            settings.publication_dir,
            content,
            edition_id=edition_id,
            generated_at=generated_at,
            pdf=settings.edition_pdf,
        )
        complete_edition(folder, tables, settings)  # Parquet/DuckDB, rebuild record; before latest switches
    except Exception:
        with connect(settings.warehouse) as con:
            history.drop(con, [edition_id])
        raise
    published = editions.publish(settings.publication_dir, edition_id, review_mode=settings.review_mode)
    pruned = editions.prune(settings.publication_dir, settings.keep_editions)
    with connect(settings.warehouse) as con:
        history.keep_only(con, {e.id for e in editions.list_editions(settings.publication_dir)})
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
    context.log.info(changes.summary())
    return dg.MaterializeResult(
        metadata={
            "published": True,
            "edition": edition_id,
            "path": dg.MetadataValue.path(str(folder)),
            "latest": published.latest or "none",
            "awaiting_approval": published.preview or "none",
            "changes": dg.MetadataValue.md(changes_markdown(changes)),
            "compared_with": changes.previous or "none",
            "portrait_page": dg.MetadataValue.path(str(folder / content.portrait.path)),
            "quality_page": dg.MetadataValue.path(str(folder / QUALITY_PAGE)),
            "changes_page": dg.MetadataValue.path(str(folder / CHANGES_PAGE)),
            "checks": quality["total"],
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


def changes_markdown(changes: history.Changes) -> str:
    """The changes' summary for the Dagster UI: the sentence, the tables changed and the first moved figures."""
    lines = [changes.summary()]
    for table in changes.tables:
        lines.append(
            f"- `{table.table}`: {table.cells_changed} value(s) changed, +{table.rows_added} / "
            f"-{table.rows_removed} row(s)"
        )
    for figure in changes.moved[:20]:
        lines.append(f"- {figure.label} ({figure.table}, {figure.row}): {figure.before} → {figure.after}")
    return "\n".join(lines)


def unchanged(context, settings: Settings, changes: history.Changes) -> dg.MaterializeResult:
    """No new edition: the publication tables equal the latest edition's."""
    message = f"no new edition: the published tables equal those of edition {changes.previous}"
    context.log.info(message)
    latest = settings.publication_dir / editions.EDITIONS_DIR / changes.previous
    return dg.MaterializeResult(
        metadata={
            "published": False,
            "edition": "none",
            "latest": changes.previous,
            "changes": dg.MetadataValue.md(changes.summary()),
            "reason": message,
            "path": dg.MetadataValue.path(str(latest)),
        }
    )


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[edition])
