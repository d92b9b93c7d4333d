"""Each edition's publication tables for analysts' tools: one Parquet file per table and one DuckDB file
holding them all, in ``<edition>/analyse/``.

They hold exactly the published figures (the same rows as ``donnees/*.csv``, a figure hidden by the secret
statistique is NULL), typed as the publication models declare them. The DuckDB file is written by the
DuckDB of this project (``DUCKDB_VERSION`` below, 2.x): DuckDB 1.x clients cannot open it (storage
version); Parquet opens anywhere (pandas, R arrow, Excel Power Query, QGIS).

The folder is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import duckdb

from orchestration.lib.open_data import PublishedTable
from orchestration.lib.rebuild import rebuild_record, record_in_manifest
from orchestration.settings import Settings

EXPORT_DIR = "analyse"
DATABASE = "observatoire.duckdb"
DUCKDB_VERSION = duckdb.__version__
_TYPE = re.compile(r"^[a-z]+[a-z0-9 ]*(\(\d+(, *\d+)?\))?$", re.IGNORECASE)


def _sql_type(data_type: str) -> str:
    return data_type if data_type and _TYPE.match(data_type) else "varchar"


def _rows(table: PublishedTable) -> list[tuple]:
    """The rows with every hidden figure as NULL (already so in the models: kept so whatever happens)."""
    columns = table.spec.columns
    return [
        tuple(None if table.hidden(record, column) else record[column.name] for column in columns)
        for record in table.records()
    ]


def write_exports(edition_dir: Path, tables: Mapping[str, PublishedTable]) -> Path:
    """Write ``<edition_dir>/analyse/{<table>.parquet, observatoire.duckdb}``; returns that folder."""
    target = Path(edition_dir) / EXPORT_DIR
    partial = Path(edition_dir) / f".{EXPORT_DIR}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    con = duckdb.connect(str(partial / DATABASE))
    try:
        for name, table in sorted(tables.items()):
            columns = ", ".join(f'"{c.name}" {_sql_type(c.data_type)}' for c in table.spec.columns)
            con.execute(f'create table "{name}" ({columns})')
            rows = _rows(table)
            if rows:
                marks = ", ".join("?" for _ in table.spec.columns)
                con.executemany(f'insert into "{name}" values ({marks})', rows)
            comment = table.spec.title.replace("'", "''")
            con.execute(f"comment on table \"{name}\" is '{comment}'")
            parquet = str(partial / f"{name}.parquet").replace("'", "''")
            con.execute(f"copy \"{name}\" to '{parquet}' (format parquet)")
        con.execute("checkpoint")
    finally:
        con.close()
    shutil.rmtree(target, ignore_errors=True)
    os.replace(partial, target)
    _list_in_manifest(Path(edition_dir), target)
    return target


def _list_in_manifest(edition_dir: Path, folder: Path) -> None:
    """The manifest's ``outputs`` lists every file of the edition: these too."""
    manifest = edition_dir / "manifest.json"
    if not manifest.is_file():
        return
    data = json.loads(manifest.read_text(encoding="utf-8"))
    added = [p.relative_to(edition_dir).as_posix() for p in folder.iterdir()]
    data["outputs"] = sorted(set(data.get("outputs", [])) | set(added))
    partial = manifest.with_name(f".{manifest.name}.partial")
    partial.write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
    os.replace(partial, manifest)


def complete_edition(edition_dir: Path, tables: Mapping[str, PublishedTable], settings: Settings) -> None:
    """What an edition holds besides its pages: the analysts' exports, and in its manifest what a rebuild
    needs (``lib/rebuild.py``)."""
    write_exports(edition_dir, tables)
    record_in_manifest(edition_dir, rebuild_record(settings))
