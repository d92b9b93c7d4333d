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

from orchestration.lib.spreadsheets import ReadResult
from orchestration.lib.warehouse import FileLoad, LandedFile, create_table, new_files, record_load

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


def _json_value(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def write_result(
    con: duckdb.DuckDBPyConnection,
    result: ReadResult,
    *,
    raw_table: str,
    quarantine_table: str,
    key: Sequence[str],
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
        con.executemany(f"insert into _incoming values ({placeholders})", rows)
        match = " and ".join(f'r."{k}" = i."{k}"' for k in key)
        # A later extract replaces the rows it carries again (same key): nothing is loaded twice.
        con.execute(f"delete from {raw_table} r using _incoming i where {match}")
        con.execute(f"insert into {raw_table} select * from _incoming")
        con.execute("drop table _incoming")
    if result.quarantined:
        con.executemany(
            f"insert into {quarantine_table} values (?, ?, ?, ?, ?)",
            [
                [
                    source_file,
                    row.get("_line"),
                    row.get("_reason"),
                    json.dumps(
                        {k: _json_value(v) for k, v in row.items() if not k.startswith("_")},
                        ensure_ascii=False,
                    ),
                    now,
                ]
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
) -> SourceLoad:
    """Load every file of ``files`` never loaded before (by sha256) into raw.<source>, in one transaction each."""
    summary = SourceLoad(source)
    fresh = new_files(con, source, files)
    summary.files_skipped = [str(f.path) for f in files if f not in fresh]
    for landed in fresh:
        result = read(landed.path)  # FileRefused names the file and the reason
        con.execute("begin transaction")
        try:
            load = write_result(
                con, result, raw_table=f"raw.{source}", quarantine_table=f"quarantine.{source}", key=key
            )
            load = FileLoad(
                source, load.path, landed.sha256, load.rows_read, load.rows_loaded, load.rows_quarantined
            )
            record_load(con, load)
            con.execute("commit")
        except Exception:
            con.execute("rollback")
            raise
        summary.add(load)
        summary.warnings.extend(f"{landed.path.name}: {w}" for w in result.warnings)
    return summary
