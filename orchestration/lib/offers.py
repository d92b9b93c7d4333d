"""France Travail offers: from landing files (API bodies, arrays, NDJSON) into ``raw.francetravail_offres``.

Everything streams through DuckDB: files are read as JSON text documents with their line (NDJSON) or
record number (JSON files), validated, typed with one ``json_transform`` per document, then merged into
``raw`` so that each offer ``id`` keeps its latest ``dateActualisation``. Rows that cannot be loaded go
to ``quarantine.francetravail_offres`` with the file, the line and the reason.

Partitions (``load_range``): ``raw.francetravail_offres`` is partitioned by creation day (Europe/Paris).
Loading a range of days replaces, in one transaction, every row created in that range by the rows of
the given files for those days. How the file ledger and partitions interact:
- ``ops.loaded_files`` keeps one row per file content (sha256), written the first time a file is
  scanned, with the whole file's counts (read = loaded + quarantined): "this file was seen and parsed".
- ``ops.offer_file_days`` (sha256, creation_day, records) indexes which days each file holds, so a
  partition only re-reads the files that hold its days (plus files never seen): the nightly load of one
  day does not re-parse a year of landing files, and a range is loaded with one scan of each file.
- ``ops.offer_partitions`` (creation_day, origin, read, loaded, quarantined, files, loaded_at) is the
  per-partition load log, replaced each time a day is loaded (an empty day has a row with zeros).
- Quarantined records with a readable creation day belong to that day's partition (replaced with it);
  records without one (malformed JSON, no dateCreation) are quarantined once, when their file is new.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from orchestration.lib.warehouse import FileLoad, LandedFile, loaded_hashes, record_load

SOURCE = "francetravail_offres"
RAW_TABLE = "raw.francetravail_offres"
QUARANTINE_TABLE = "quarantine.francetravail_offres"
FILE_DAYS_TABLE = "ops.offer_file_days"
PARTITIONS_TABLE = "ops.offer_partitions"
HASHES_TABLE = "ops.offer_file_hashes"
FILE_PATTERNS = ("*.json", "*.jsonl", "*.ndjson")
PARIS = "Europe/Paris"
PARTITIONS_START = "2024-01-01"  # first creation day of the daily partitions
LOAD_MEMORY_LIMIT = "1GB"

# The part of the "Offres d'emploi v2" schema the observatory keeps, typed once per document.
OFFER_STRUCTURE = {
    "id": "VARCHAR",
    "intitule": "VARCHAR",
    "description": "VARCHAR",
    "dateCreation": "VARCHAR",
    "dateActualisation": "VARCHAR",
    "lieuTravail": {
        "libelle": "VARCHAR",
        "latitude": "DOUBLE",
        "longitude": "DOUBLE",
        "codePostal": "VARCHAR",
        "commune": "VARCHAR",
    },
    "romeCode": "VARCHAR",
    "romeLibelle": "VARCHAR",
    "appellationlibelle": "VARCHAR",
    "entreprise": {"nom": "VARCHAR", "entrepriseAdaptee": "BOOLEAN"},
    "typeContrat": "VARCHAR",
    "typeContratLibelle": "VARCHAR",
    "natureContrat": "VARCHAR",
    "experienceExige": "VARCHAR",
    "experienceLibelle": "VARCHAR",
    "formations": "JSON",
    "salaire": {"libelle": "VARCHAR", "commentaire": "VARCHAR", "complement1": "VARCHAR"},
    "dureeTravailLibelle": "VARCHAR",
    "dureeTravailLibelleConverti": "VARCHAR",
    "alternance": "BOOLEAN",
    "nombrePostes": "INTEGER",
    "accessibleTH": "BOOLEAN",
    "qualificationCode": "VARCHAR",
    "qualificationLibelle": "VARCHAR",
    "codeNAF": "VARCHAR",
    "secteurActivite": "VARCHAR",
    "secteurActiviteLibelle": "VARCHAR",
    "trancheEffectifEtab": "VARCHAR",
    "origineOffre": {"origine": "VARCHAR", "urlOrigine": "VARCHAR", "partenaires": "JSON"},
    "contact": "JSON",
}

# raw column -> expression over the typed struct ``o`` (one place that defines the flattening).
RAW_COLUMNS: list[tuple[str, str, str]] = [
    ("id", "varchar", "o.id"),
    ("intitule", "varchar", "o.intitule"),
    ("description", "varchar", "o.description"),
    ("date_creation", "timestamptz", "try_cast(o.dateCreation as timestamptz)"),
    ("date_actualisation", "timestamptz", "try_cast(o.dateActualisation as timestamptz)"),
    ("creation_day", "date", f"cast(timezone('{PARIS}', try_cast(o.dateCreation as timestamptz)) as date)"),
    ("lieu_travail_libelle", "varchar", "o.lieuTravail.libelle"),
    ("lieu_travail_commune", "varchar", "o.lieuTravail.commune"),
    ("lieu_travail_code_postal", "varchar", "o.lieuTravail.codePostal"),
    ("latitude", "double", "o.lieuTravail.latitude"),
    ("longitude", "double", "o.lieuTravail.longitude"),
    ("rome_code", "varchar", "o.romeCode"),
    ("rome_libelle", "varchar", "o.romeLibelle"),
    ("appellation_libelle", "varchar", "o.appellationlibelle"),
    ("entreprise_nom", "varchar", "o.entreprise.nom"),
    ("entreprise_adaptee", "boolean", "o.entreprise.entrepriseAdaptee"),
    ("type_contrat", "varchar", "o.typeContrat"),
    ("type_contrat_libelle", "varchar", "o.typeContratLibelle"),
    ("nature_contrat", "varchar", "o.natureContrat"),
    ("experience_exige", "varchar", "o.experienceExige"),
    ("experience_libelle", "varchar", "o.experienceLibelle"),
    ("formations", "json", "o.formations"),
    ("salaire_libelle", "varchar", "o.salaire.libelle"),
    ("salaire_commentaire", "varchar", "o.salaire.commentaire"),
    ("duree_travail_libelle", "varchar", "o.dureeTravailLibelle"),
    ("duree_travail_libelle_converti", "varchar", "o.dureeTravailLibelleConverti"),
    ("alternance", "boolean", "o.alternance"),
    ("nombre_postes", "integer", "o.nombrePostes"),
    ("accessible_th", "boolean", "o.accessibleTH"),
    ("qualification_code", "varchar", "o.qualificationCode"),
    ("qualification_libelle", "varchar", "o.qualificationLibelle"),
    ("code_naf", "varchar", "o.codeNAF"),
    ("secteur_activite", "varchar", "o.secteurActivite"),
    ("secteur_activite_libelle", "varchar", "o.secteurActiviteLibelle"),
    ("tranche_effectif_etab", "varchar", "o.trancheEffectifEtab"),
    ("origine_offre", "varchar", "o.origineOffre.origine"),
    ("partenaires", "json", "o.origineOffre.partenaires"),
    ("contact", "json", "o.contact"),  # personal data: never leaves raw
]
META_COLUMNS = [("_source_file", "varchar"), ("_line", "bigint"), ("_loaded_at", "timestamptz")]

QUARANTINE_COLUMNS = [
    ("_source_file", "varchar"),
    ("_line", "bigint"),
    ("_reason", "varchar"),
    ("_document", "varchar"),
    ("_quarantined_at", "timestamptz"),
    ("_creation_day", "date"),  # the partition the record belongs to, when its dateCreation is readable
]


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    columns = [(name, sql_type) for name, sql_type, _ in RAW_COLUMNS] + META_COLUMNS
    con.execute(f"create table if not exists {RAW_TABLE} ({', '.join(f'{n} {t}' for n, t in columns)})")
    con.execute(
        f"create table if not exists {QUARANTINE_TABLE} "
        f"({', '.join(f'{n} {t}' for n, t in QUARANTINE_COLUMNS)})"
    )
    # warehouses created before partitions: add the partition column in place
    con.execute(f"alter table {QUARANTINE_TABLE} add column if not exists _creation_day date")


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _documents_sql(path: Path) -> str:
    """A query of (line, doc) for one file: line numbers for NDJSON, record numbers for JSON files."""
    quoted = _sql_string(str(path))
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        # Each physical line is one text value; row_number follows the file order (insertion order kept).
        return f"""
            select row_number() over () as line, doc
            from read_csv({quoted}, columns={{'doc': 'VARCHAR'}}, header=false, delim='\x01', quote='',
                          escape='', auto_detect=false, strict_mode=false, max_line_size=100000000)
        """
    if _first_char(path) == "[":
        return f"""
            select row_number() over () as line, json as doc
            from read_json({quoted}, format='array', records=false, columns={{'json': 'JSON'}},
                           maximum_object_size={_object_limit(path)})
        """
    return f"""
        select generate_subscripts(resultats, 1) as line, unnest(resultats) as doc
        from read_json({quoted}, columns={{'resultats': 'JSON[]'}}, maximum_object_size={_object_limit(path)})
    """


def _object_limit(path: Path) -> int:
    """read_json's largest object for a JSON file: the whole file is one object (its buffer is sized on it)."""
    return max(16 << 20, path.stat().st_size + (1 << 20))


def _first_char(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1].decode("ascii", errors="replace")


def creation_day_range(path: Path) -> tuple[date, date] | None:
    """The first and last creation days (Europe/Paris) of a file's offers, read with an in-memory DuckDB
    (for the sensor, which must not open the warehouse); None when no record has a readable date."""
    with duckdb.connect() as con:
        try:
            row = con.execute(
                f"""
                with documents as ({_documents_sql(path)}),
                days as (
                    select cast(timezone('{PARIS}', try_cast(json_extract_string(doc, '$.dateCreation')
                        as timestamptz)) as date) as day
                    from documents where doc is not null and json_valid(doc)
                )
                select min(day), max(day) from days
                """
            ).fetchone()
        except duckdb.Error:
            return None  # not JSON at all: the load will quarantine it
    return None if row is None or row[0] is None else (row[0], row[1])


SCAN_TABLE = "_offers_scan"
RAW_NAMES = ", ".join(name for name, _, _ in RAW_COLUMNS)


def _scan_file(con: duckdb.DuckDBPyConnection, path: Path) -> str | None:
    """Parse one file into the temp table ``_offers_scan``, in one pass.

    One row per record: ``line``, ``_reason`` (null when the record loads), the flattened raw columns
    (``creation_day`` included) and ``_document`` (the text, kept for refused records only). Returns
    None, or a message when the file as a whole is not readable JSON.
    """
    structure = _sql_string(json.dumps(OFFER_STRUCTURE))
    flat = ",\n".join(f"{expr} as {name}" for name, _, expr in RAW_COLUMNS)
    try:
        con.execute(
            f"""
            create or replace temp table {SCAN_TABLE} as
            with documents as ({_documents_sql(path)}),
            checked as (
                select line, doc,
                    case
                        when not json_valid(doc) then 'malformed JSON'
                        when json_type(doc) <> 'OBJECT' then 'not a JSON object'
                    end as reason
                from documents
                where doc is not null and trim(doc) <> ''
            ),
            typed as (
                select line, doc, reason, {flat}
                from (
                    select line, doc, reason,
                        case when reason is null then json_transform(doc, {structure}) end as o
                    from checked
                )
            )
            select * exclude (doc, reason),
                coalesce(reason,
                    case
                        when id is null or trim(id) = '' then 'missing id'
                        when date_creation is null then 'missing or invalid dateCreation'
                    end) as _reason,
                case when _reason is not null then left(doc, 10000) end as _document
            from typed
            """
        )
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        # not JSON at all; other errors (memory, disk) fail the load instead of blaming the file
        return f"unreadable file: {str(error).splitlines()[0][:300]}"
    return None


# ---------------------------------------------------------------- partitions (ranges of creation days)


def ensure_partition_tables(con: duckdb.DuckDBPyConnection) -> None:
    ensure_tables(con)
    con.execute("create schema if not exists ops")
    con.execute(
        f"create table if not exists {FILE_DAYS_TABLE} "
        "(sha256 varchar not null, creation_day date, records bigint not null)"
    )
    con.execute(
        f"create table if not exists {HASHES_TABLE} "
        "(path varchar not null, size bigint not null, mtime_ns bigint not null, sha256 varchar not null)"
    )
    con.execute(
        f"""
        create table if not exists {PARTITIONS_TABLE} (
            creation_day date not null,
            origin varchar not null,
            rows_read bigint not null,
            rows_loaded bigint not null,
            rows_quarantined bigint not null,
            files bigint not null,
            loaded_at timestamptz not null
        )
        """
    )


@dataclass
class RangeLoad:
    """What loading a range of creation days did (the asset's metadata).

    ``rows_read`` counts the records attributed to the range (plus the undated records of files seen for
    the first time); ``rows_read = rows_loaded + rows_superseded + rows_quarantined``, where superseded
    rows are older versions of an offer (same id) found in the files.
    """

    first_day: date
    end_day: date  # exclusive
    files_given: int = 0
    files_scanned: list[str] = field(default_factory=list)
    files_new: int = 0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_superseded: int = 0
    rows_quarantined: int = 0
    rows_outside_range: int = 0
    # days found in new files that this run did not load: their partitions need materialising
    new_days_outside_range: list[date] = field(default_factory=list)

    @property
    def days(self) -> int:
        return (self.end_day - self.first_day).days


def files_to_scan(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[LandedFile],
    first_day: date,
    end_day: date,
    source: str = SOURCE,
) -> list[LandedFile]:
    """The files a range needs: never seen, never indexed by day, or holding a day of the range."""
    ensure_partition_tables(con)
    known = loaded_hashes(con, source)
    indexed = {row[0] for row in con.execute(f"select distinct sha256 from {FILE_DAYS_TABLE}").fetchall()}
    in_range = {
        row[0]
        for row in con.execute(
            f"select distinct sha256 from {FILE_DAYS_TABLE} where creation_day >= ? and creation_day < ?",
            [first_day, end_day],
        ).fetchall()
    }
    chosen: list[LandedFile] = []
    seen: set[str] = set()
    for landed in files:
        if landed.sha256 in seen:  # the same content under two names counts once
            continue
        seen.add(landed.sha256)
        if landed.sha256 not in known or landed.sha256 not in indexed or landed.sha256 in in_range:
            chosen.append(landed)
    return chosen


def load_range(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[LandedFile],
    first_day: date,
    end_day: date,
    *,
    origin: str = "landing",
    source: str = SOURCE,
    log: Callable[[str], None] | None = None,
) -> RangeLoad:
    """Replace, in one transaction, the offers created in [first_day, end_day) by those of ``files``.

    Each file is parsed once whatever the length of the range; files that hold no day of the range
    (known from ``ops.offer_file_days``) are not read at all. Idempotent: loading the same range twice
    leaves the same rows, one per id (its latest ``dateActualisation``).
    """
    if end_day <= first_day:
        raise ValueError(f"empty range of creation days: [{first_day}, {end_day})")
    slow: set[str] = set()
    unreadable: dict[str, str] = {}
    together = True
    # a year of offers is a few GB of JSON: keep DuckDB's memory bounded (it spills what does not fit)
    con.execute(f"set memory_limit = '{LOAD_MEMORY_LIMIT}'")
    try:
        while True:
            try:
                return _load_range_once(
                    con, files, first_day, end_day, origin, source, log, slow, unreadable, together
                )
            except _FastPathRefused as refused:
                # rolled back: load again, the clean files one by one to find the culprit, then that file
                # record by record
                if refused.path is None:
                    together = False
                elif refused.unreadable is not None:
                    unreadable[refused.path] = refused.unreadable
                else:
                    slow.add(refused.path)
    finally:
        con.execute("reset memory_limit")


class _FastPathRefused(Exception):
    """A statement failed inside the load's transaction (which DuckDB then aborts): the load starts again
    with what was learnt (which file, and for a file that is not JSON at all, why)."""

    def __init__(self, path: str | None, unreadable: str | None = None) -> None:
        super().__init__(path or "several files")
        self.path = path
        self.unreadable = unreadable


def _load_range_once(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[LandedFile],
    first_day: date,
    end_day: date,
    origin: str,
    source: str,
    log: Callable[[str], None] | None,
    slow: set[str],
    unreadable: dict[str, str],
    together: bool,
) -> RangeLoad:
    ensure_partition_tables(con)
    result = RangeLoad(first_day, end_day, files_given=len(files))
    known = loaded_hashes(con, source)
    indexed = {row[0] for row in con.execute(f"select distinct sha256 from {FILE_DAYS_TABLE}").fetchall()}
    scan = files_to_scan(con, files, first_day, end_day, source)
    bounds = [first_day, end_day]
    in_range = "creation_day >= ? and creation_day < ?"
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {RAW_TABLE} where {in_range}", bounds)
        con.execute(f"delete from {QUARANTINE_TABLE} where _creation_day >= ? and _creation_day < ?", bounds)
        con.execute(
            "create or replace temp table _range_days (creation_day date, read bigint, quarantined bigint)"
        )
        clean = [
            f for f in scan if f.path.suffix.lower() in (".jsonl", ".ndjson") and str(f.path) not in slow
        ]
        loaded: set[str] = set()
        for group in [clean] if together else [[f] for f in clean]:
            loaded |= _load_clean_ndjson(con, group, known, indexed, bounds, source, result, together)
        for landed in scan:
            if str(landed.path) not in loaded:
                is_new, needs_index = landed.sha256 not in known, landed.sha256 not in indexed
                _load_file_range(con, landed, is_new, needs_index, bounds, source, result, unreadable)
            if log is not None:
                log(f"{landed.path.name}: loaded")
        # an offer loaded in the range keeps one row: drop a copy dated elsewhere (dateCreation changed)
        con.execute(
            f"""
            delete from {RAW_TABLE}
            where not ({in_range})
              and id in (select id from {RAW_TABLE} where {in_range})
            """,
            bounds + bounds,
        )
        # one row per id in the range: the latest dateActualisation, then the last file and line
        con.execute(
            f"""
            delete from {RAW_TABLE} where rowid in (
                select rowid from {RAW_TABLE} where {in_range}
                qualify row_number() over (
                    partition by id order by date_actualisation desc nulls last, _source_file desc, _line desc
                ) > 1
            )
            """,
            bounds,
        )
        con.execute(f"delete from {PARTITIONS_TABLE} where {in_range}", bounds)
        con.execute(
            f"""
            insert into {PARTITIONS_TABLE}
            with days as (
                select cast(unnest(generate_series(?::date, ?::date - 1, interval 1 day)) as date) as creation_day
            ),
            read as (
                select creation_day, sum(read) as read, sum(quarantined) as quarantined
                from _range_days group by creation_day
            ),
            loaded as (
                select creation_day, count(*) as loaded from {RAW_TABLE} where {in_range} group by creation_day
            )
            select days.creation_day, ?, coalesce(read.read, 0), coalesce(loaded.loaded, 0),
                coalesce(read.quarantined, 0), ?, now()
            from days left join read using (creation_day) left join loaded using (creation_day)
            """,
            bounds + bounds + [origin, len(scan)],
        )
        result.rows_loaded = con.execute(
            f"select count(*) from {RAW_TABLE} where {in_range}", bounds
        ).fetchone()[0]
        con.execute("drop table if exists _range_days")
        con.execute(f"drop table if exists {SCAN_TABLE}")
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        con.execute("reset preserve_insertion_order")
        raise
    result.rows_superseded = result.rows_read - result.rows_loaded - result.rows_quarantined
    result.new_days_outside_range = sorted(set(result.new_days_outside_range))
    return result


def _lenient_type(spec: object) -> str:
    if isinstance(spec, dict):
        return "STRUCT(" + ", ".join(f'"{k}" {_lenient_type(v)}' for k, v in spec.items()) + ")"
    return "JSON" if spec == "JSON" else "VARCHAR"


# read_json's columns for the fast path: every scalar as text, typed by try_cast as json_transform would
# (a value that does not fit its type becomes null instead of failing the file)
READ_JSON_COLUMNS = "{" + ", ".join(f"'{k}': '{_lenient_type(v)}'" for k, v in OFFER_STRUCTURE.items()) + "}"
FAST_FLAT = ", ".join(
    (f"try_cast({expr} as {sql_type})" if sql_type in ("double", "integer", "boolean") else expr)
    + f" as {name}"
    for name, sql_type, expr in RAW_COLUMNS
)


_LINES: dict[tuple[str, float, int], int] = {}  # (path, mtime, size) -> physical lines


def _physical_lines(path: Path) -> int:
    stat = path.stat()
    key = (str(path), stat.st_mtime, stat.st_size)
    if key not in _LINES:
        hash_and_count(path)
    return _LINES[key]


def hash_and_count(path: Path) -> str:
    """sha256 and physical line count of a file in one read (the count is kept for the fast path)."""
    stat = path.stat()
    digest, count, last = hashlib.sha256(), 0, b"\n"
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 22), b""):
            digest.update(chunk)
            count += chunk.count(b"\n")
            last = chunk[-1:]
    _LINES[(str(path), stat.st_mtime, stat.st_size)] = count + (last != b"\n")
    return digest.hexdigest()


def landed_offer_files(folder: Path, con: duckdb.DuckDBPyConnection | None = None) -> list[LandedFile]:
    """The offers files of a landing folder with their sha256, as ``warehouse.landed_files``.

    With a connection, the hashes of files unchanged since they were last hashed (same path, size and
    mtime, in ``ops.offer_file_hashes``) are reused: a nightly run does not re-read a year of files.
    """
    if not folder.is_dir():
        return []
    paths = sorted({p for pattern in FILE_PATTERNS for p in folder.glob(pattern) if p.is_file()})
    keys = {p: (str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in paths}
    cached: dict[tuple[str, int, int], str] = {}
    if con is not None:
        ensure_partition_tables(con)
        cached = {
            (path, size, mtime): sha
            for path, size, mtime, sha in con.execute(
                f"select path, size, mtime_ns, sha256 from {HASHES_TABLE}"
            ).fetchall()
        }
    todo = [p for p in paths if keys[p] not in cached]
    # hashlib releases the GIL: the files are hashed on every core
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        hashed = dict(zip(todo, pool.map(hash_and_count, todo), strict=True))
    if con is not None and hashed:
        con.executemany(f"delete from {HASHES_TABLE} where path = ?", [[str(p)] for p in hashed])
        con.executemany(
            f"insert into {HASHES_TABLE} values (?, ?, ?, ?)", [[*keys[p], sha] for p, sha in hashed.items()]
        )
    return [LandedFile(p, hashed.get(p) or cached[keys[p]]) for p in paths]


def _last_id(path: Path) -> str | None:
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - (1 << 20)))
        last = handle.read().rstrip(b"\r\n").rsplit(b"\n", 1)[-1]
    try:
        value = json.loads(last).get("id")
    except (ValueError, AttributeError):
        return None
    return None if value is None else str(value)


def _load_clean_ndjson(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[LandedFile],
    known: set[str],
    indexed: set[str],
    bounds: list[date],
    source: str,
    result: RangeLoad,
    together: bool,
) -> set[str]:
    """Load NDJSON files whose every line is a good offer straight from ``read_json``, in one statement:
    one parse of each record, no intermediate copy. Returns the paths loaded; the others (a blank or
    malformed line, a record without id or dateCreation) are left, with nothing behind, to the
    record-by-record path."""
    if not files:
        return set()
    paths = [str(f.path) for f in files]
    listed = ", ".join(_sql_string(p) for p in paths)
    # the rows this transaction inserted from these files (now() is the transaction's start)
    mine = f"_loaded_at = now() and _source_file in ({listed})"
    branches = " union all ".join(
        f"""
        select {FAST_FLAT}, {_sql_string(path)}, line, now()
        from (
            select row_number() over () as line, *
            from read_json({_sql_string(path)}, format='newline_delimited', maximum_object_size=16777216,
                           columns={READ_JSON_COLUMNS})
        ) o
        where o.id is not null and trim(o.id) <> '' and try_cast(o.dateCreation as timestamptz) is not null
        """
        for path in paths
    )
    try:
        # Files are read in parallel, each in its own order (row_number over one file's single-threaded
        # scan); the last line of each file is checked below, and one by one the order is kept anyway.
        con.execute(f"set preserve_insertion_order = {'false' if together else 'true'}")
        con.execute(f"insert into {RAW_TABLE} {branches}")
    except duckdb.Error as error:  # malformed JSON, or a record whose shape read_json refuses
        raise _FastPathRefused(None if together and len(paths) > 1 else paths[0]) from error
    con.execute("reset preserve_insertion_order")
    con.execute(
        "create or replace temp table _file_days as select _source_file, creation_day, count(*) as records "
        f"from {RAW_TABLE} where {mine} group by all"
    )
    counted = dict(
        con.execute("select _source_file, sum(records) from _file_days group by _source_file").fetchall()
    )
    # a refused record, or a blank line (read_json skips it: numbers would not be line numbers)
    lines = {p: _physical_lines(Path(p)) for p in paths}
    refused = [p for p in paths if counted.get(p, 0) == 0 or counted[p] != lines[p]]
    for path in set(paths) - set(refused):
        numbered = con.execute(
            f"select id from {RAW_TABLE} where {mine} and _source_file = ? and _line = ?", [path, lines[path]]
        ).fetchall()
        if numbered != [(_last_id(Path(path)),)]:
            raise _FastPathRefused(None)  # line numbers out of file order: load again, one file at a time
    if refused:
        gone = ", ".join(_sql_string(p) for p in refused)
        con.execute(f"delete from {RAW_TABLE} where _loaded_at = now() and _source_file in ({gone})")
        con.execute(f"delete from _file_days where _source_file in ({gone})")
    in_range = "creation_day >= ? and creation_day < ?"
    # the files' other days belong to other partitions
    con.execute(f"delete from {RAW_TABLE} where {mine} and not ({in_range})", bounds)
    con.execute(
        f"insert into _range_days select creation_day, sum(records), 0 from _file_days where {in_range} "
        "group by creation_day",
        bounds,
    )
    for landed in files:
        path = str(landed.path)
        if path in refused:
            continue
        result.files_scanned.append(path)
        read_in_range, outside = con.execute(
            f"select coalesce(sum(records) filter (where {in_range}), 0), "
            f"coalesce(sum(records) filter (where not ({in_range})), 0) from _file_days where _source_file = ?",
            [*bounds, *bounds, path],
        ).fetchone()
        result.rows_read += read_in_range
        result.rows_outside_range += outside
        if landed.sha256 not in known:
            result.files_new += 1
            total = counted[path]
            record_load(con, FileLoad(source, path, landed.sha256, total, total, 0))
            result.new_days_outside_range.extend(
                row[0]
                for row in con.execute(
                    f"select creation_day from _file_days where _source_file = ? and not ({in_range})",
                    [path, *bounds],
                ).fetchall()
            )
        if landed.sha256 not in known or landed.sha256 not in indexed:
            con.execute(
                f"insert into {FILE_DAYS_TABLE} select ?, creation_day, records from _file_days "
                "where _source_file = ?",
                [landed.sha256, path],
            )
    con.execute("drop table if exists _file_days")
    return set(paths) - set(refused)


def _load_file_range(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    is_new: bool,
    needs_index: bool,
    bounds: list[date],
    source: str,
    result: RangeLoad,
    unreadable: dict[str, str],
) -> None:
    path = str(landed.path)
    result.files_scanned.append(path)
    error = unreadable.get(path)
    if error is None:
        error = _scan_file(con, landed.path)
        if error:  # the failed statement aborted the transaction: load again, knowing this file
            raise _FastPathRefused(path, error)
    if error:
        if is_new:
            con.execute(f"insert into {QUARANTINE_TABLE} values (?, 0, ?, null, now(), null)", [path, error])
            record_load(con, FileLoad(source, path, landed.sha256, 1, 0, 1))
            con.execute(f"insert into {FILE_DAYS_TABLE} values (?, null, 1)", [landed.sha256])
            result.files_new += 1
            result.rows_read += 1
            result.rows_quarantined += 1
        return
    in_range = "creation_day >= ? and creation_day < ?"
    src = _sql_string(path)
    con.execute(
        f"""
        insert into {RAW_TABLE}
        select {RAW_NAMES}, {src}, line, now()
        from {SCAN_TABLE} where _reason is null and {in_range}
        """,
        bounds,
    )
    con.execute(
        f"""
        insert into {QUARANTINE_TABLE}
        select {src}, line, _reason, _document, now(), creation_day
        from {SCAN_TABLE}
        where _reason is not null and (({in_range}) or (creation_day is null and ?))
        """,
        [*bounds, is_new],
    )
    con.execute(
        f"""
        insert into _range_days
        select creation_day, count(*), count(*) filter (where _reason is not null)
        from {SCAN_TABLE} where {in_range} group by creation_day
        """,
        bounds,
    )
    total, refused, read_in_range, refused_in_range, undated, outside = con.execute(
        f"""
        select count(*), count(*) filter (where _reason is not null),
            count(*) filter (where {in_range}), count(*) filter (where _reason is not null and {in_range}),
            count(*) filter (where creation_day is null),
            count(*) filter (where creation_day is not null and not ({in_range}))
        from {SCAN_TABLE}
        """,
        bounds + bounds + bounds,
    ).fetchone()
    result.rows_read += read_in_range + (undated if is_new else 0)
    result.rows_quarantined += refused_in_range + (undated if is_new else 0)
    result.rows_outside_range += outside
    if is_new:
        result.files_new += 1
        record_load(con, FileLoad(source, path, landed.sha256, total, total - refused, refused))
        result.new_days_outside_range.extend(
            row[0]
            for row in con.execute(
                f"select distinct creation_day from {SCAN_TABLE} "
                f"where creation_day is not null and not ({in_range})",
                bounds,
            ).fetchall()
        )
    if is_new or needs_index:
        con.execute(
            f"""
            insert into {FILE_DAYS_TABLE}
            select ?, creation_day, count(*) from {SCAN_TABLE} group by creation_day
            """,
            [landed.sha256],
        )
