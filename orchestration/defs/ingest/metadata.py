"""Asset metadata shared by the ingestion assets (counts a reader of the Dagster UI checks first)."""

import dagster as dg

from orchestration.lib.ingestion import SourceLoad


def load_metadata(summary: SourceLoad) -> dict[str, dg.MetadataValue]:
    return {
        "files_loaded": dg.MetadataValue.int(len(summary.files_loaded)),
        "files_already_loaded": dg.MetadataValue.int(len(summary.files_skipped)),
        "rows_read": dg.MetadataValue.int(summary.rows_read),
        "rows_loaded": dg.MetadataValue.int(summary.rows_loaded),
        "rows_quarantined": dg.MetadataValue.int(summary.rows_quarantined),
        "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in summary.warnings) or "none"),
    }
