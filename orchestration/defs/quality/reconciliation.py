"""Nothing is lost on load: for every file version of a source, rows read = loaded + quarantined, and the
quarantine table holds exactly the rows the ledger says were refused (matched by sha256, the content,
not by path: a file re-sent under the same name is a new version). Blocking checks on the raw assets,
one per source of the registry."""

import dagster as dg

from orchestration.lib.registry import SOURCES, Source
from orchestration.lib.warehouse import connect, table_exists
from orchestration.settings import load_settings


def _arithmetic(con, source: str) -> list[str]:
    return [
        f"{path} ({sha[:12]}): read {read} != loaded {loaded} + quarantined {quarantined}"
        for path, sha, read, loaded, quarantined in con.execute(
            "select path, sha256, rows_read, rows_loaded, rows_quarantined from ops.loaded_files "
            "where source = ? and rows_read <> rows_loaded + rows_quarantined",
            [source],
        ).fetchall()
    ]


def _quarantine_by_version(con, source: str) -> list[str]:
    """A current version's quarantined rows are all in quarantine; a replaced version has none left, and
    no quarantined row belongs to a content the ledger does not hold."""
    rows = con.execute(
        f"""
        with held as (
            select coalesce(q._sha256, l.sha256) as sha256, count(*) as n
            from quarantine.{source} q
            left join ops.loaded_files l
                on q._sha256 is null and l.source = ? and l.path = q._source_file and l.replaced_by is null
            group by all
        ),
        ledger as (
            select path, sha256, case when replaced_by is null then rows_quarantined else 0 end as expected
            from ops.loaded_files where source = ?
        )
        select coalesce(ledger.path, '(no file in the ledger)'), coalesce(ledger.sha256, held.sha256),
            coalesce(ledger.expected, 0), coalesce(held.n, 0)
        from ledger full join held using (sha256)
        where coalesce(ledger.expected, 0) <> coalesce(held.n, 0)
        order by 1
        """,
        [source, source],
    ).fetchall()
    return [
        f"{path} ({(sha or '')[:12]}): the ledger says {expected} rows quarantined, quarantine.{source} holds {held}"
        for path, sha, expected, held in rows
    ]


def _replaced_rows_left(con, source: str) -> list[str]:
    return [
        f"{path} ({sha[:12]}): replaced by a later version, {n} of its rows are still in raw.{source}"
        for path, sha, n in con.execute(
            f"""
            select l.path, l.sha256, count(*)
            from raw.{source} r join ops.loaded_files l on l.source = ? and l.sha256 = r._sha256
            where l.replaced_by is not null
            group by all
            """,
            [source],
        ).fetchall()
    ]


def reconciliation_problems(con, src: Source) -> list[str]:
    problems = _arithmetic(con, src.name)
    # offers' quarantine follows the partitions loaded (their own loader); a spreadsheet's, the file version
    if src.is_spreadsheet and table_exists(con, "quarantine", src.name):
        problems += _quarantine_by_version(con, src.name)
        problems += _replaced_rows_left(con, src.name)
    return problems


def _check_for(src: Source) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", src.name]),
        name="counts_reconcile",
        blocking=True,
        description="Every file version loaded: rows read = loaded + quarantined, and quarantine holds the "
        "refused rows of the current versions (matched by sha256).",
    )
    def _check() -> dg.AssetCheckResult:
        with connect(load_settings().warehouse, read_only=True) as con:
            problems = reconciliation_problems(con, src)
            files, replaced, read, loaded, quarantined = con.execute(
                "select count(*), count(replaced_by), coalesce(sum(rows_read), 0), "
                "coalesce(sum(rows_loaded), 0), coalesce(sum(rows_quarantined), 0) "
                "from ops.loaded_files where source = ?",
                [src.name],
            ).fetchone()
        return dg.AssetCheckResult(
            passed=not problems,
            description="; ".join(problems[:5]) or None,
            metadata={
                "why": "A row read but neither loaded nor quarantined is lost silently; a row of a replaced "
                "version left in raw is counted twice.",
                "file_versions": files,
                "versions_replaced": replaced,
                "rows_read": read,
                "rows_loaded": loaded,
                "rows_quarantined": quarantined,
            },
        )

    return _check


CHECKS = {src.name: _check_for(src) for src in SOURCES}


def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=list(CHECKS.values()))
