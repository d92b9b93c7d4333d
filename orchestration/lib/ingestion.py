"""Loading the landing files of the spreadsheet sources into ``raw`` and ``quarantine``, once per content.

A source (``orchestration.lib.registry``) reads and types the rows; this module writes them, one file in
one transaction: the rows replace those with the same key (a later file wins), refused rows go to the
source's quarantine table with the file, its sha256, the line, the reason and a safe extract, and the
ledger records the file's counts. Every raw and quarantine row carries the sha256 of its file.

- A content is loaded once, whatever its name. A new content under a path already loaded is a new
  version of that file: in the same transaction, the rows of the previous version (raw and quarantine)
  are removed, the new version's rows are written and the ledger says which version replaced which.
- A file refused as a whole (unreadable, a required column missing, no sheet with the header) is
  recorded once in ``ops.refused_files`` with the reason, and listed on every later run while it stays
  in the landing folder; the other files of the source load and the asset does not fail.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from orchestration.lib.codes import branch_lookup
from orchestration.lib.registry import Source
from orchestration.lib.sources import ReadContext
from orchestration.lib.spreadsheets import FileRefused, ReadResult
from orchestration.lib.warehouse import (
    FileLoad,
    LandedFile,
    archive_file,
    archive_new_loads,
    archive_path,
    connect,
    create_table,
    current_versions,
    hashed,
    loaded_hashes,
    mark_replaced,
    record_load,
    record_refusal,
    refused_hashes,
    refused_since,
)

QUARANTINE_COLUMNS = [
    ("_source_file", "varchar"),
    ("_sha256", "varchar"),
    ("_sheet", "varchar"),
    ("_line", "bigint"),
    ("_reason", "varchar"),
    ("_values", "json"),
    ("_quarantined_at", "timestamptz"),
]
EXTRACT_MAX_CHARS = 200  # per value in a quarantined row's extract


@dataclass
class SourceLoad:
    """What one materialisation of a source did, for the asset's metadata."""

    source: str
    files_loaded: list[str] = field(default_factory=list)
    files_archived: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)
    versions_replaced: list[str] = field(default_factory=list)  # "<path>: <old sha12> → <new sha12>"
    refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason), this run or earlier
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(self, load: FileLoad) -> None:
        self.files_loaded.append(load.path)
        self.rows_read += load.rows_read
        self.rows_loaded += load.rows_loaded
        self.rows_quarantined += load.rows_quarantined


def source_files(landing_dir: Path, src: Source) -> list[LandedFile]:
    """The data files of ``src`` in the landing folder, with their sha256."""
    return hashed(src.paths(landing_dir))


def ensure_tables(con: duckdb.DuckDBPyConnection, src: Source) -> None:
    """raw.<source> and quarantine.<source> with their typed columns, even when no file has landed yet
    (dbt sources then resolve on an empty landing folder); tables of an older layout get the new columns."""
    columns = src.columns()
    create_table(con, f"raw.{src.name}", columns)
    create_table(con, f"quarantine.{src.name}", QUARANTINE_COLUMNS)
    for table, wanted in ((f"raw.{src.name}", columns), (f"quarantine.{src.name}", QUARANTINE_COLUMNS)):
        for name, sql_type in wanted:
            con.execute(f'alter table {table} add column if not exists "{name}" {sql_type}')


def read_context(con: duckdb.DuckDBPyConnection, src: Source, region: str) -> ReadContext:
    """What the source's reader needs: the branches of raw.ref_branches (if it reads branches), the
    région, and today in Paris (a date after it is implausible)."""
    branches: dict[str, str] = {}
    if src.reader is not None and src.reader.needs_branches:
        rows = con.execute("select code_branche, libelle_branche, synonymes from raw.ref_branches").fetchall()
        branches = branch_lookup((code, label, (synonyms or "").split("|")) for code, label, synonyms in rows)
    return ReadContext(branches=branches, region=region, today=datetime.now(ZoneInfo("Europe/Paris")).date())


def _json_value(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, str) and len(value) > EXTRACT_MAX_CHARS:
        return value[:EXTRACT_MAX_CHARS] + "…"
    return value


def _extract(row: dict) -> str:
    # The raw text helps fix the file; the reader never puts the source's personal columns in it.
    return json.dumps(
        {k: _json_value(v) for k, v in row.items() if not k.startswith("_")}, ensure_ascii=False
    )


def _insert_rows(con: duckdb.DuckDBPyConnection, src: Source, result: ReadResult, meta: dict) -> None:
    """Insert the file's typed rows; rows already in raw with the same key (another file) are replaced."""
    table = f"raw.{src.name}"
    columns = src.columns()
    names = [name for name, _ in columns]
    rows = [[row.get(name, meta.get(name)) for name in names] for row in result.rows]
    if not rows:
        return
    con.execute(f"create or replace temp table _incoming as select * from {table} limit 0")
    quoted = ", ".join(f'"{name}"' for name in names)
    con.executemany(f"insert into _incoming ({quoted}) values ({', '.join('?' for _ in names)})", rows)
    # null-safe: a key column left empty must still match its earlier row
    match = " and ".join(f'r."{k}" is not distinct from i."{k}"' for k in src.key)
    con.execute(f"delete from {table} r using _incoming i where {match}")
    con.execute(f"insert into {table} ({quoted}) select {quoted} from _incoming")
    con.execute("drop table _incoming")


def write_result(
    con: duckdb.DuckDBPyConnection, src: Source, result: ReadResult, landed: LandedFile
) -> FileLoad:
    """Write one file's rows and quarantined rows (inside the caller's transaction)."""
    now = datetime.now(UTC)
    path = str(landed.path)
    _insert_rows(con, src, result, {"_source_file": path, "_sha256": landed.sha256, "_loaded_at": now})
    if result.quarantined:
        con.executemany(
            f"insert into quarantine.{src.name} ({', '.join(n for n, _ in QUARANTINE_COLUMNS)}) "
            "values (?, ?, ?, ?, ?, ?, ?)",
            [
                [path, landed.sha256, row.get("_sheet"), row.get("_line"), row["_reason"], _extract(row), now]
                for row in result.quarantined
            ],
        )
    return FileLoad(
        src.name, path, landed.sha256, result.rows_read, len(result.rows), len(result.quarantined)
    )


def _remove_versions(con: duckdb.DuckDBPyConnection, src: Source, path: str, shas: Sequence[str]) -> None:
    """The rows of earlier versions of a file go, raw and quarantine (rows loaded before the ledger kept
    the sha256 are found by their path)."""
    for sha in shas:
        for table in (f"raw.{src.name}", f"quarantine.{src.name}"):
            con.execute(
                f"delete from {table} where _sha256 = ? or (_sha256 is null and _source_file = ?)",
                [sha, path],
            )


def load_file(
    con: duckdb.DuckDBPyConnection,
    src: Source,
    landed: LandedFile,
    result: ReadResult,
    data_dir: Path | None,
) -> tuple[FileLoad, list[str], Path | None]:
    """One file in one transaction: earlier versions out, its rows in, the ledger row; then the archive
    copy is kept (it is removed if the transaction fails). Returns the load, the versions it replaced
    and the archived copy."""
    path = str(landed.path)
    previous = current_versions(con, src.name, path, landed.sha256)
    archived = None
    if data_dir is not None:
        existed = archive_path(data_dir, src.name, landed).is_file()
        archived = archive_file(data_dir, src.name, landed)
    con.execute("begin transaction")
    try:
        _remove_versions(con, src, path, previous)
        load = write_result(con, src, result, landed)
        record_load(con, load, archived_path=str(archived) if archived else None)
        mark_replaced(con, src.name, previous, landed.sha256)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        if archived is not None and not existed:
            archived.unlink(missing_ok=True)  # the archive holds only what the ledger says was loaded
        raise
    return load, previous, archived


def load_source(
    con: duckdb.DuckDBPyConnection,
    src: Source,
    files: Sequence[LandedFile],
    context: ReadContext,
    *,
    data_dir: Path | None = None,
) -> SourceLoad:
    """Load every file of ``files`` whose content was never loaded nor refused for this source.

    With ``data_dir`` (and the source's archive policy), each file loaded is copied to
    ``<data_dir>/archive/<source>/`` and the ledger records that copy.
    """
    summary = SourceLoad(src.name)
    ensure_tables(con, src)
    loaded, refused = loaded_hashes(con, src.name), refused_hashes(con, src.name)
    data_dir = data_dir if src.archive else None
    for landed in files:
        if landed.sha256 in loaded:  # also the same content under a second name in this run
            summary.files_skipped.append(str(landed.path))
            continue
        if landed.sha256 in refused:
            summary.refused.append((str(landed.path), refused[landed.sha256]))
            continue
        try:
            result = src.read(landed.path, context)
        except FileRefused as exc:  # names the file and the reason; the next files still load
            record_refusal(con, src.name, landed, str(exc))
            refused[landed.sha256] = str(exc)
            summary.refused.append((str(landed.path), str(exc)))
            continue
        load, previous, archived = load_file(con, src, landed, result, data_dir)
        loaded.add(landed.sha256)
        summary.add(load)
        summary.versions_replaced += [f"{landed.path}: {old[:12]} → {landed.sha256[:12]}" for old in previous]
        if archived is not None:
            summary.files_archived.append(str(archived))
        summary.warnings.extend(f"{landed.path.name}: {w}" for w in result.warnings)
    if data_dir is not None:
        # files the ledger holds from before archiving existed get their copy too (the sensor relies on it)
        archive_new_loads(con, data_dir, src.name, files)
    return summary


def refused_report(warehouse: Path, since: datetime) -> list[str]:
    """One line per file refused as a whole since ``since`` (a run's start): source, file, reason."""
    if not Path(warehouse).exists():
        return []
    with connect(Path(warehouse), read_only=True) as con:
        if not con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'ops' and table_name = 'refused_files'"
        ).fetchone()[0]:
            return []
        return [f"raw/{source}: {reason}" for source, _, reason in refused_since(con, since)]
