"""Asset metadata of the spreadsheet ingestion assets (counts a reader of the Dagster UI checks first)."""

import dagster as dg

from orchestration.lib.ingestion import SourceLoad


def _listed(items: list[str]) -> dg.MetadataValue:
    return dg.MetadataValue.md("\n".join(f"- {item}" for item in items) or "none")


def load_metadata(summary: SourceLoad) -> dict[str, dg.MetadataValue]:
    return {
        "files_loaded": dg.MetadataValue.int(len(summary.files_loaded)),
        "files_already_loaded": dg.MetadataValue.int(len(summary.files_skipped)),
        "files_refused": dg.MetadataValue.int(len(summary.refused)),
        "refused": _listed([f"`{path}`: {reason}" for path, reason in summary.refused]),
        "versions_replaced": _listed(summary.versions_replaced),
        "rows_read": dg.MetadataValue.int(summary.rows_read),
        "rows_loaded": dg.MetadataValue.int(summary.rows_loaded),
        "rows_quarantined": dg.MetadataValue.int(summary.rows_quarantined),
        "files_archived": _listed([f"`{a}`" for a in summary.files_archived]),
        "warnings": _listed(summary.warnings),
    }
