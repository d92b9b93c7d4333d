"""The DuckDB warehouse: connections, schemas, the ledger of loaded files and table writes.

DuckDB allows one writer per file, and no reader while it writes: every opening goes through
:func:`connect`, which takes the project's warehouse lock (``lib/lock.py``: a bounded, logged wait instead
of DuckDB's lock error). Readers open it read-only. Nothing opens it at import time.

The ledger is keyed by content: ``ops.loaded_files`` holds one row per (source, sha256) loaded, and a new
content under a path already loaded is a new version of that file (the older row says which sha256
replaced it, and when). ``ops.refused_files`` holds once each content refused as a whole, with the reason.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from orchestration.lib.lock import open_duckdb, warehouse_lock

SCHEMAS = ("raw", "staging", "intermediate", "marts", "quarantine", "ops")

LEDGER_DDL = """
create table if not exists ops.loaded_files (
    source varchar not null,
    path varchar not null,
    sha256 varchar not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    loaded_at timestamptz not null,
    archived_path varchar
);
alter table ops.loaded_files add column if not exists replaced_by varchar;
alter table ops.loaded_files add column if not exists replaced_at timestamptz;
create table if not exists ops.refused_files (
    source varchar not null,
    path varchar not null,
    sha256 varchar not null,
    reason varchar not null,
    refused_at timestamptz not null
)
"""


def lock_timeout() -> float:
    from orchestration.settings import load_settings

    return load_settings().lock_timeout_seconds


@contextmanager
def connect(
    warehouse: Path, *, read_only: bool = False, timeout: float | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to the warehouse, under the project's lock (waiting at most ``timeout`` seconds,
    default ``OBS_LOCK_TIMEOUT_SECONDS``, for another process, inside or outside the project)."""
    warehouse = Path(warehouse)
    if read_only and not warehouse.exists():
        raise FileNotFoundError(
            f"warehouse {warehouse} does not exist yet: materialise the ingestion assets first"
        )
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    timeout = lock_timeout() if timeout is None else timeout
    with warehouse_lock(warehouse, timeout):
        con = open_duckdb(warehouse, read_only=read_only, timeout=timeout)
        try:
            if not read_only:
                for schema in SCHEMAS:
                    con.execute(f"create schema if not exists {schema}")
                con.execute(LEDGER_DDL)
            yield con
        finally:
            con.close()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class LandedFile:
    path: Path
    sha256: str


# Files that are not data, whatever the folder: Office lock files, hidden files (macOS `._x`, `.DS_Store`),
# Windows thumbnails and folder settings.
NOT_DATA = ("~$*", ".*", "Thumbs.db", "desktop.ini")


def is_data_file(path: Path) -> bool:
    return not any(fnmatch.fnmatch(path.name, pattern) for pattern in NOT_DATA)


def landed_files(folder: Path, patterns: Sequence[str]) -> list[LandedFile]:
    """Data files of a landing subfolder matching the patterns, sorted by name (deterministic load order)."""
    if not folder.is_dir():
        return []
    paths = sorted(
        {p for pattern in patterns for p in folder.glob(pattern) if p.is_file() and is_data_file(p)}
    )
    return hashed(paths)


def hashed(paths: Iterable[Path]) -> list[LandedFile]:
    return [LandedFile(p, sha256_of(p)) for p in paths]


def loaded_hashes(con: duckdb.DuckDBPyConnection, source: str) -> set[str]:
    rows = con.execute("select sha256 from ops.loaded_files where source = ?", [source]).fetchall()
    return {row[0] for row in rows}


@dataclass(frozen=True)
class FileLoad:
    source: str
    path: str
    sha256: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int

    def __post_init__(self) -> None:
        if self.rows_read != self.rows_loaded + self.rows_quarantined:
            raise ValueError(
                f"{self.path}: counts do not reconcile: read {self.rows_read} != loaded {self.rows_loaded}"
                f" + quarantined {self.rows_quarantined}"
            )


def record_load(con: duckdb.DuckDBPyConnection, load: FileLoad, archived_path: str | None = None) -> None:
    con.execute(
        "insert into ops.loaded_files (source, path, sha256, rows_read, rows_loaded, rows_quarantined, "
        "loaded_at, archived_path) values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load.source,
            load.path,
            load.sha256,
            load.rows_read,
            load.rows_loaded,
            load.rows_quarantined,
            datetime.now(UTC),
            archived_path,
        ],
    )


def current_versions(con: duckdb.DuckDBPyConnection, source: str, path: str, sha256: str) -> list[str]:
    """The contents loaded under ``path`` that no later version replaced (other than ``sha256``)."""
    return [
        row[0]
        for row in con.execute(
            "select sha256 from ops.loaded_files "
            "where source = ? and path = ? and replaced_by is null and sha256 <> ?",
            [source, path, sha256],
        ).fetchall()
    ]


def mark_replaced(con: duckdb.DuckDBPyConnection, source: str, old: Sequence[str], new: str) -> None:
    if not old:
        return
    con.executemany(
        "update ops.loaded_files set replaced_by = ?, replaced_at = now() where source = ? and sha256 = ?",
        [[new, source, sha] for sha in old],
    )


def refused_hashes(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """sha256 → reason of the contents of ``source`` refused as a whole."""
    rows = con.execute("select sha256, reason from ops.refused_files where source = ?", [source]).fetchall()
    return dict(rows)


def record_refusal(con: duckdb.DuckDBPyConnection, source: str, landed: LandedFile, reason: str) -> None:
    """Record once that a content was refused as a whole (the same content under another name is not new)."""
    con.execute(
        "insert into ops.refused_files select ?, ?, ?, ?, now() "
        "where not exists (select 1 from ops.refused_files where source = ? and sha256 = ?)",
        [source, str(landed.path), landed.sha256, reason, source, landed.sha256],
    )


def refused_since(con: duckdb.DuckDBPyConnection, since: datetime) -> list[tuple[str, str, str]]:
    """(source, path, reason) of the files refused since ``since``, for a run's summary."""
    return con.execute(
        "select source, path, reason from ops.refused_files where refused_at >= ? order by source, path",
        [since],
    ).fetchall()


def create_table(con: duckdb.DuckDBPyConnection, table: str, columns: Sequence[tuple[str, str]]) -> None:
    ddl = ", ".join(f'"{name}" {sql_type}' for name, sql_type in columns)
    con.execute(f"create table if not exists {table} ({ddl})")


def insert_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[tuple[str, str]],
    rows: Sequence[dict],
) -> int:
    """Insert small row sets (spreadsheets, referentials) into a table created from ``columns``."""
    create_table(con, table, columns)
    if not rows:
        return 0
    names = [name for name, _ in columns]
    placeholders = ", ".join("?" for _ in names)
    quoted = ", ".join(f'"{name}"' for name in names)
    con.executemany(
        f"insert into {table} ({quoted}) values ({placeholders})",
        [[row.get(name) for name in names] for row in rows],
    )
    return len(rows)


def replace_tables(
    con: duckdb.DuckDBPyConnection, tables: dict[str, tuple[Sequence[tuple[str, str]], Sequence[dict]]]
) -> dict[str, int]:
    """Replace each table (name → (columns, rows)) in one transaction: all or, on any failure, none."""
    loaded: dict[str, int] = {}
    con.execute("begin transaction")
    try:
        for table, (columns, rows) in tables.items():
            con.execute(f"drop table if exists {table}")
            loaded[table] = insert_rows(con, table, columns, rows)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return loaded


def table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


# ---------------------------------------------------------------------------------------------
# Archive of loaded files: $OBS_DATA_DIR/archive/<source>/<sha256[:12]>_<name>


def archive_path(data_dir: Path, source: str, landed: LandedFile) -> Path:
    return Path(data_dir) / "archive" / source / f"{landed.sha256[:12]}_{landed.path.name}"


def archive_file(data_dir: Path, source: str, landed: LandedFile) -> Path:
    """Copy a landed file (never move it: the landing folder is read-only) into the archive.

    The copy is written under a temporary name and renamed, so a half-copied file is never visible;
    an archive already holding this content under this name is kept as is.
    """
    target = archive_path(data_dir, source, landed)
    if target.is_file() and target.stat().st_size == landed.path.stat().st_size:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    shutil.copy2(landed.path, partial)
    os.replace(partial, target)
    return target


def is_archived(data_dir: Path, source: str, sha256: str) -> bool:
    """Whether some file with this content was archived for this source (under any name).

    Lets a sensor tell a file already loaded without opening the warehouse (DuckDB has one writer).
    """
    folder = Path(data_dir) / "archive" / source
    return folder.is_dir() and any(folder.glob(f"{sha256[:12]}_*"))


def archive_new_loads(
    con: duckdb.DuckDBPyConnection, data_dir: Path, source: str, files: Iterable[LandedFile]
) -> int:
    """Archive the files of ``files`` that the ledger holds without an archived copy, and record where."""
    pending = {
        row[0]
        for row in con.execute(
            "select sha256 from ops.loaded_files where source = ? and archived_path is null", [source]
        ).fetchall()
    }
    archived = 0
    for landed in files:
        if landed.sha256 in pending:
            target = archive_file(data_dir, source, landed)
            con.execute(
                "update ops.loaded_files set archived_path = ? where source = ? and sha256 = ? and archived_path is null",
                [str(target), source, landed.sha256],
            )
            pending.discard(landed.sha256)
            archived += 1
    return archived
