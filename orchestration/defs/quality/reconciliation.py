"""Nothing is lost on load: for every file of a source, rows read = loaded + quarantined, and the
quarantine table holds exactly the rows the ledger says were refused. Blocking checks on the raw assets."""

import dagster as dg

from orchestration.lib.warehouse import connect, table_exists
from orchestration.settings import load_settings

SPREADSHEET_SOURCES = (
    "uniformation_contrats",
    "uniformation_adherents",
    "region_agrements",
    "organismes_formation",
)
OFFERS = "francetravail_offres"


def reconciliation_problems(con, source: str) -> list[str]:
    problems = [
        f"{path}: read {read} != loaded {loaded} + quarantined {quarantined}"
        for path, read, loaded, quarantined in con.execute(
            "select path, rows_read, rows_loaded, rows_quarantined from ops.loaded_files "
            "where source = ? and rows_read <> rows_loaded + rows_quarantined",
            [source],
        ).fetchall()
    ]
    if source != OFFERS and table_exists(con, "quarantine", source):
        # offers' quarantine follows the partitions loaded; a spreadsheet's is written once per file
        problems += [
            f"{path}: the ledger says {expected} rows quarantined, quarantine.{source} holds {actual}"
            for path, expected, actual in con.execute(
                f"""
                select l.path, l.rows_quarantined, coalesce(q.n, 0)
                from ops.loaded_files l
                left join (select _source_file, count(*) as n from quarantine.{source} group by all) q
                    on q._source_file = l.path
                where l.source = ? and l.rows_quarantined <> coalesce(q.n, 0)
                """,
                [source],
            ).fetchall()
        ]
    return problems


def _check_for(source: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", source]),
        name="counts_reconcile",
        blocking=True,
        description="Every file loaded: rows read = loaded + quarantined, and quarantine holds the refused rows.",
    )
    def _check() -> dg.AssetCheckResult:
        with connect(load_settings().warehouse, read_only=True) as con:
            problems = reconciliation_problems(con, source)
            files, read, loaded, quarantined = con.execute(
                "select count(*), coalesce(sum(rows_read), 0), coalesce(sum(rows_loaded), 0), "
                "coalesce(sum(rows_quarantined), 0) from ops.loaded_files where source = ?",
                [source],
            ).fetchone()
        return dg.AssetCheckResult(
            passed=not problems,
            description="; ".join(problems[:5]) or None,
            metadata={
                "files": files,
                "rows_read": read,
                "rows_loaded": loaded,
                "rows_quarantined": quarantined,
            },
        )

    return _check


def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=[_check_for(source) for source in (*SPREADSHEET_SOURCES, OFFERS)])
