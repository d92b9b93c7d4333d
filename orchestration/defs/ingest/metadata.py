"""Asset metadata shared by the ingestion assets (counts a reader of the Dagster UI checks first)."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg

from orchestration.lib.ingestion import FilesRefused, SourceLoad


def load_metadata(summary: SourceLoad) -> dict[str, dg.MetadataValue]:
    return {
        "files_loaded": dg.MetadataValue.int(len(summary.files_loaded)),
        "files_already_loaded": dg.MetadataValue.int(len(summary.files_skipped)),
        "rows_read": dg.MetadataValue.int(summary.rows_read),
        "rows_loaded": dg.MetadataValue.int(summary.rows_loaded),
        "rows_quarantined": dg.MetadataValue.int(summary.rows_quarantined),
        "files_archived": dg.MetadataValue.md(
            "\n".join(f"- `{a}`" for a in summary.files_archived) or "none"
        ),
        "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in summary.warnings) or "none"),
    }


@contextmanager
def refused_file_fails_the_asset() -> Iterator[None]:
    """A file refused as a whole fails the asset with the refusal as its message (file and reason first,
    not under a stack trace), and the counts of the files that did load."""
    try:
        yield
    except FilesRefused as exc:
        raise dg.Failure(
            description=str(exc), metadata=load_metadata(exc.summary), allow_retries=False
        ) from exc
