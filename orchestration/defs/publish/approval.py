"""Approval of an edition from the Dagster UI (review mode, ``OBS_REVIEW_MODE``).

An analyst opens Jobs → ``approve_edition`` → Launchpad and gives the edition id they reviewed::

    ops:
      approve:
        config:
          edition: "20261202T021500"

The run moves ``latest`` to that edition (``editions.approve``), rewrites the index of past editions,
and shows the approved pages in its metadata and in the ``publication/edition`` asset's history. The id
is never guessed ("whatever preview points to" may have moved since the review).
"""

from pathlib import Path

import dagster as dg
from pydantic import Field

from orchestration.lib.editions import EditionError, approve, list_editions, pointers, read_edition
from orchestration.settings import load_settings

EDITION_KEY = dg.AssetKey(["publication", "edition"])


class ApproveEditionConfig(dg.Config):
    edition: str = Field(
        description="The edition to put online: its folder name under editions/, YYYYMMDDTHHMMSS (shown on "
        "editions/index.html and in the metadata of the publication/edition asset), e.g. 20261202T021500."
    )


def approval_metadata(publication_dir: Path, edition_id: str) -> dict:
    """Links to the approved edition's pages, for the run and the asset's history in the UI."""
    edition = read_edition(publication_dir, edition_id)
    latest, preview = pointers(publication_dir)
    pages = [rel for rel in edition.outputs if rel.endswith(".html")]
    listing = "\n".join(f"- [{rel}]({(edition.path / rel).as_uri()})" for rel in pages)
    return {
        "edition": edition_id,
        "approved_edition": dg.MetadataValue.url((edition.path / (edition.home or "")).as_uri()),
        "latest": dg.MetadataValue.path(str(Path(publication_dir) / "latest" / "index.html")),
        "editions_index": dg.MetadataValue.path(str(Path(publication_dir) / "editions" / "index.html")),
        "pages": dg.MetadataValue.md(listing or "(no page)"),
        "still_awaiting_approval": preview or "none",
        "now_online": latest or "none",
    }


def _awaiting(publication_dir: Path) -> str:
    latest, preview = pointers(publication_dir)
    newest = [e.id for e in list_editions(publication_dir)[:5]]
    return (
        f"awaiting approval (preview): {preview or 'none'}; online (latest): {latest or 'none'}; "
        f"newest editions: {', '.join(newest) or 'none'}"
    )


@dg.op(
    name="approve",  # the job is approve_edition: op and job names share one namespace
    description="Puts a reviewed edition online: moves `latest` to it and rewrites the index of editions.",
)
def approve_edition_op(context: dg.OpExecutionContext, config: ApproveEditionConfig) -> dg.Output[str]:
    publication_dir = load_settings().publication_dir
    edition_id = config.edition.strip()
    try:
        approve(publication_dir, edition_id)
    except EditionError as error:
        raise dg.Failure(
            description=f"Edition not approved: {error}. {_awaiting(publication_dir)}.",
            allow_retries=False,
        ) from None
    metadata = approval_metadata(publication_dir, edition_id)
    context.log.info(f"edition {edition_id} approved: {publication_dir / 'latest' / 'index.html'}")
    context.log_event(
        dg.AssetObservation(asset_key=EDITION_KEY, metadata={"approved": edition_id, **metadata})
    )
    return dg.Output(edition_id, metadata=metadata)


@dg.job(
    name="approve_edition",
    description="Review mode: put online (`latest`) the edition an analyst reviewed, given by its id in the "
    "run config. Refuses an unknown, half-written or failed edition and says which ones await approval.",
    tags={"observatoire/kind": "approval"},
)
def approve_edition():
    approve_edition_op()


def defs() -> dg.Definitions:
    return dg.Definitions(jobs=[approve_edition])
