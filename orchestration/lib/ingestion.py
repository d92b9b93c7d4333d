"""Loading landing files of the spreadsheet sources into ``raw`` and ``quarantine``, once per content.

A source's reader (``orchestration.lib.sources``) types the rows; this module writes them: new rows
replace older versions with the same key (a later extract wins), refused rows go to the source's
quarantine table with the file, the line and the reason, and the ledger records each file's counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from orchestration.lib.sources import LANDING, columns_of, personal_columns
from orchestration.lib.spreadsheets import FileRefused, ReadResult
from orchestration.lib.warehouse import (
    FileLoad,
    LandedFile,
    archive_file,
    archive_new_loads,
    archive_path,
    create_table,
    landed_files,
    new_files,
    record_load,
)

META_COLUMNS = [("_source_file", "varchar"), ("_line", "bigint"), ("_loaded_at", "timestamptz")]
QUARANTINE_COLUMNS = [
    ("_source_file", "varchar"),
    ("_line", "bigint"),
    ("_reason", "varchar"),
    ("_values", "json"),
    ("_quarantined_at", "timestamptz"),
]


@dataclass
class SourceLoad:
    """What one materialisation of a source did, for the asset's metadata."""

    source: str
    files_loaded: list[str] = field(default_factory=list)
    files_archived: list[str] = field(default_factory=list)
    files_skipped: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    warnings: list[str] = field(default_factory=list)

    def add(self, load: FileLoad) -> None:
        self.files_loaded.append(load.path)
        self.rows_read += load.rows_read
        self.rows_loaded += load.rows_loaded
        self.rows_quarantined += load.rows_quarantined


class FilesRefused(FileRefused):
    """Some files of a source were refused as a whole; the others were loaded (``summary``)."""

    def __init__(self, reasons: list[str], summary: SourceLoad):
        count = f"{len(reasons)} file{'s' if len(reasons) > 1 else ''} refused"
        super().__init__(f"{count} (the other files of {summary.source} were loaded):\n" + "\n".join(reasons))
        self.reasons = reasons
        self.summary = summary


def _json_value(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def source_files(landing_dir: Path, source: str) -> list[LandedFile]:
    """The files of ``source`` in the landing folder (its subfolder and patterns: ``sources.LANDING``)."""
    folder, patterns = LANDING[source]
    return landed_files(Path(landing_dir) / folder, patterns)


def ensure_tables(con: duckdb.DuckDBPyConnection, source: str) -> list[tuple[str, str]]:
    """raw.<source> and quarantine.<source> with their typed columns, even when no file has landed yet
    (dbt sources then resolve on an empty landing folder)."""
    columns = columns_of(source) + META_COLUMNS
    create_table(con, f"raw.{source}", columns)
    create_table(con, f"quarantine.{source}", QUARANTINE_COLUMNS)
    return columns


WITHHELD = "(personal data withheld)"


def _quarantine_values(row: dict, personal: set[str]) -> str:
    # The raw values help fix the file; a date of birth is not needed for that and stays out.
    values = {
        k: (WITHHELD if k in personal and v not in (None, "") else _json_value(v))
        for k, v in row.items()
        if not k.startswith("_")
    }
    return json.dumps(values, ensure_ascii=False)


def write_result(
    con: duckdb.DuckDBPyConnection,
    result: ReadResult,
    *,
    raw_table: str,
    quarantine_table: str,
    key: Sequence[str],
    personal: set[str] = frozenset(),
) -> FileLoad:
    columns = list(result.columns) + META_COLUMNS
    create_table(con, raw_table, columns)
    create_table(con, quarantine_table, QUARANTINE_COLUMNS)
    now = datetime.now(UTC)
    source_file = str(result.path)
    names = [name for name, _ in result.columns]
    rows = [[row.get(name) for name in names] + [source_file, row.get("_line"), now] for row in result.rows]
    if rows:
        con.execute("create or replace temp table _incoming as select * from " + raw_table + " limit 0")
        placeholders = ", ".join("?" for _ in columns)
        quoted = ", ".join(f'"{name}"' for name, _ in columns)
        # By name: the table's column order is the spec's, whatever order the file had.
        con.executemany(f"insert into _incoming ({quoted}) values ({placeholders})", rows)
        match = " and ".join(f'r."{k}" = i."{k}"' for k in key)
        # A later extract replaces the rows it carries again (same key): nothing is loaded twice.
        con.execute(f"delete from {raw_table} r using _incoming i where {match}")
        con.execute(f"insert into {raw_table} select * from _incoming")
        con.execute("drop table _incoming")
    if result.quarantined:
        con.executemany(
            f"insert into {quarantine_table} values (?, ?, ?, ?, ?)",
            [
                [source_file, row.get("_line"), row.get("_reason"), _quarantine_values(row, personal), now]
                for row in result.quarantined
            ],
        )
    return FileLoad(
        source=raw_table.split(".")[-1],
        path=source_file,
        sha256="",
        rows_read=result.rows_read,
        rows_loaded=len(result.rows),
        rows_quarantined=len(result.quarantined),
    )


def load_source(
    con: duckdb.DuckDBPyConnection,
    *,
    source: str,
    files: Sequence[LandedFile],
    read: Callable[[Path], ReadResult],
    key: Sequence[str],
    data_dir: Path | None = None,
) -> SourceLoad:
    """Load every file of ``files`` never loaded before (by sha256) into raw.<source>, in one transaction each.

    With ``data_dir``, each file loaded is first copied to ``<data_dir>/archive/<source>/`` and the
    ledger records that copy. Files refused as a whole are not recorded (they are tried again on the
    next run, until replaced); the others load, then ``FilesRefused`` names each refused file and why.
    """
    summary = SourceLoad(source)
    ensure_tables(con, source)
    personal = personal_columns(source)
    fresh = new_files(con, source, files)
    summary.files_skipped = [str(f.path) for f in files if f not in fresh]
    refused: list[str] = []
    for landed in fresh:
        try:
            result = read(landed.path)
        except FileRefused as exc:  # names the file and the reason; the next files still load
            refused.append(str(exc))
            continue
        existed = data_dir is not None and archive_path(data_dir, source, landed).is_file()
        archived = archive_file(data_dir, source, landed) if data_dir is not None else None
        con.execute("begin transaction")
        try:
            load = write_result(
                con,
                result,
                raw_table=f"raw.{source}",
                quarantine_table=f"quarantine.{source}",
                key=key,
                personal=personal,
            )
            load = FileLoad(
                source, load.path, landed.sha256, load.rows_read, load.rows_loaded, load.rows_quarantined
            )
            record_load(con, load, archived_path=str(archived) if archived else None)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            if archived is not None and not existed:
                archived.unlink(missing_ok=True)  # the archive holds only what the ledger says was loaded
            raise
        summary.add(load)
        if archived is not None:
            summary.files_archived.append(str(archived))
        summary.warnings.extend(f"{landed.path.name}: {w}" for w in result.warnings)
    if data_dir is not None:
        # files the ledger holds from before archiving existed get their copy too (the sensor relies on it)
        archive_new_loads(con, data_dir, source, files)
    if refused:
        raise FilesRefused(refused, summary)
    return summary
