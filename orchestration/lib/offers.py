"""France Travail offers: from landing files (API bodies, arrays, NDJSON) into ``raw.francetravail_offres``.

A load has two phases. First every file is parsed and checked, outside any transaction: the NDJSON
files straight from ``read_json`` (all in one read, keeping of each record only its line, creation day,
reason and safe extract) when every physical line is one record, the others record by record (to name
the line that is wrong, or the record of a JSON file); a ``.json`` object without ``resultats`` is
refused whole, naming the file. Then one transaction writes what the checks kept: the NDJSON files read
straight are read again into raw with the same checks (the same bytes, so the same rows; a file changed
in between stops the load before anything is written), the others from their parsed rows. Nothing about
a file's content can fail it, and nothing is retried. Each offer ``id`` keeps its latest
``dateActualisation``, across files and days. Records refused (malformed JSON, no id or an id that is
neither a string nor an integer, no readable dateCreation, a creation day before the first partition or
after the day of the load, a negative nombrePostes) go to ``quarantine.francetravail_offres`` with the
file, the line, the reason naming the field, and a safe extract: never ``contact``, which stays in raw.

Partitions (``load_range``): ``raw.francetravail_offres`` is partitioned by creation day (Europe/Paris).
Loading a range of days replaces, in one transaction, every row created in that range by the rows of
the given files for those days. How the file ledger and partitions interact:
- ``ops.loaded_files`` keeps one row per file content (sha256), written the first time a file is
  scanned, with the whole file's counts (read = loaded + quarantined): "this file was seen and parsed".
- ``ops.offer_file_days`` (sha256, creation_day, records) indexes which days each file holds, so a
  partition only re-reads the files that hold its days (plus files never seen): the nightly load of one
  day does not re-parse a year of landing files, and a range is loaded with one scan of each file.
- ``ops.offer_partitions`` (creation_day, origin, read, loaded, quarantined, files, loaded_at) is the
  per-partition load log, replaced each time a day is loaded (an empty day has a row with zeros); the
  loaded count of another day is brought up to date when a newer copy of one of its offers comes in.
- Quarantined records with a creation day in the partitions belong to that day's partition (replaced with
  it); the others (malformed JSON, no dateCreation, a day outside the partitions) are quarantined once,
  when their file is new.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from orchestration.lib import registry
from orchestration.lib.warehouse import (
    FileLoad,
    LandedFile,
    loaded_hashes,
    record_load,
    record_refusal,
    refused_hashes,
)

SOURCE = "francetravail_offres"
RAW_TABLE = "raw.francetravail_offres"
QUARANTINE_TABLE = "quarantine.francetravail_offres"
FILE_DAYS_TABLE = "ops.offer_file_days"
PARTITIONS_TABLE = "ops.offer_partitions"
HASHES_TABLE = "ops.offer_file_hashes"
FILE_PATTERNS = ("*.json", "*.jsonl", "*.ndjson")
PARIS = "Europe/Paris"
PARTITIONS_START = "2024-01-01"  # first creation day of the daily partitions
LOAD_MEMORY_LIMIT = "1.5GB"  # under 2 GB at the peak, with the process around it

# The part of the "Offres d'emploi v2" schema the observatory keeps, typed once per document.
OFFER_STRUCTURE = {
    "id": "JSON",  # a string, or a number for partner offers: checked, then kept as text
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
    ("id", "varchar", "o.id->>'$'"),
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

# The registry's personal columns of the offers; each is also the name of its field in the offers' JSON.
PERSONAL = registry.source(SOURCE).personal
WITHHELD_PATCH = json.dumps(dict.fromkeys(PERSONAL))  # json_merge_patch removes these fields

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
    # warehouses that copied whole records to quarantine: personal data never leaves raw
    con.execute(
        f"""
        update {QUARANTINE_TABLE}
        set _document = case
            when json_valid(_document) then json_merge_patch(_document, {_sql_string(WITHHELD_PATCH)})::varchar
            else {TEXT_EXTRACT.replace("(doc,", "(_document,")}
        end
        where {" or ".join(f"_document like '%{chr(34)}{name}{chr(34)}%'" for name in PERSONAL)}
        """
    )


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


SCAN_TABLE = "_offers_scan"  # one file, parsed record by record and checked (outside the transaction)
CHECKS_TABLE = "_offers_checks"  # the NDJSON files read straight: each record's checks, not its fields
STRAIGHT_BATCH = 64  # files in one statement when read straight (a union of that many reads)
RAW_NAMES = ", ".join(name for name, _, _ in RAW_COLUMNS)
ID_TYPES = ("VARCHAR", "BIGINT", "UBIGINT")  # an id is a string or an integer (partner offers)


@dataclass(frozen=True)
class Window:
    """The creation days an offer may have: from the first partition to the day of the load."""

    first: date
    last: date


def _lenient_type(spec: object) -> str:
    if isinstance(spec, dict):
        return "STRUCT(" + ", ".join(f'"{k}" {_lenient_type(v)}' for k, v in spec.items()) + ")"
    return "JSON" if spec == "JSON" else "VARCHAR"


# read_json's columns for the straight reads: every scalar as text, typed by try_cast as json_transform would
# (a value that does not fit its type becomes null instead of failing the file)
READ_JSON_COLUMNS = "{" + ", ".join(f"'{k}': '{_lenient_type(v)}'" for k, v in OFFER_STRUCTURE.items()) + "}"


def _fast_flat(names: set[str] | None = None) -> str:
    """The raw columns (or those in ``names``) over read_json's lenient struct ``o``."""
    return ", ".join(
        (f"try_cast({expr} as {sql_type})" if sql_type in ("double", "integer", "boolean") else expr)
        + f" as {name}"
        for name, sql_type, expr in RAW_COLUMNS
        if names is None or name in names
    )


FAST_FLAT = _fast_flat()
# What the checks and the quarantine's extract read of a record in the first, straight read: a few short
# fields (the JSON parser still reads each record whole, but nothing else is kept).
_CHECKED_FIELDS = {
    "id": "id",
    "intitule": "intitule",
    "dateCreation": "date_creation",
    "dateActualisation": "date_actualisation",
    "lieuTravail": "lieu_travail_libelle",
    "romeCode": "rome_code",
    "typeContrat": "type_contrat",
    "nombrePostes": "nombre_postes",
}
CHECKS_READ_COLUMNS = (
    "{"
    + ", ".join(
        f"'{k}': '{_lenient_type({'libelle': 'VARCHAR'} if k == 'lieuTravail' else v)}'"
        for k, v in OFFER_STRUCTURE.items()
        if k in _CHECKED_FIELDS
    )
    + "}"
)
CHECKS_FLAT = _fast_flat({*_CHECKED_FIELDS.values(), "creation_day"})
SLOW_FLAT = ", ".join(f"{expr} as {name}" for name, _, expr in RAW_COLUMNS)
# what both paths carry besides the raw columns, for the checks and the quarantine's extract
CHECKED = "json_type(o.id) as _id_type, o.dateCreation as _date_creation_text"


def _checks_sql(window: Window) -> str:
    """The reason a typed record is refused (null: it loads), as one expression: the same rules on both
    paths. Each reason names the field; implausible values are refused rather than published."""
    first, last = _sql_string(str(window.first)), _sql_string(str(window.last))
    return f"""
        case
            when _json_reason is not null then _json_reason
            when _id_type is null or _id_type = 'NULL' or trim(id) = '' then 'missing id'
            when _id_type not in ({", ".join(_sql_string(t) for t in ID_TYPES)})
                then 'id: neither a string nor an integer (' || lower(_id_type) || ')'
            when date_creation is null then 'missing or invalid dateCreation'
            when creation_day < {first}::date
                then 'dateCreation ' || creation_day || ': before the first partition (' || {first} || ')'
            when creation_day > {last}::date
                then 'dateCreation ' || creation_day || ': after the day of the load (' || {last} || ')'
            when nombre_postes < 0 then 'nombrePostes: negative (' || nombre_postes || ')'
        end
    """


# What quarantine keeps of a refused record: a few fields that say which offer it is, never a personal
# field (``contact``: personal data never leaves raw). A record that is not JSON keeps its first
# characters, cut where a personal field starts.
SAFE_EXTRACT = """json_object('id', id, 'intitule', left(intitule, 200), 'dateCreation', _date_creation_text,
    'dateActualisation', date_actualisation, 'romeCode', rome_code, 'typeContrat', type_contrat,
    'nombrePostes', nombre_postes, 'lieuTravail', lieu_travail_libelle)"""
TEXT_EXTRACT = f"left(regexp_replace(doc, '\"({'|'.join(PERSONAL)})\".*$', '\"\\1\": (withheld)', 's'), 500)"


def _raw_names_in(window: Window, names: set[str] | None = None) -> str:
    """The raw columns (or those in ``names``), with no creation day outside the window: such a record is
    in no partition (it is quarantined once, when its file is new, like a record without a date)."""
    first, last = _sql_string(str(window.first)), _sql_string(str(window.last))
    inside = f"case when creation_day between {first} and {last} then creation_day end as creation_day"
    return ", ".join(
        inside if name == "creation_day" else name
        for name, _, _ in RAW_COLUMNS
        if names is None or name in names
    )


def _checked_query(typed: str, window: Window, names: set[str] | None = None) -> str:
    """Typed records (line, _json_reason, _text, columns, CHECKED) with their reason and safe extract:
    line, the raw columns (or those in ``names``), _reason, _document."""
    # subqueries, not CTEs: DuckDB may materialise a CTE, and the write needs neither extract nor order
    return f"""
        select line, {_raw_names_in(window, names)}, _reason,
            case when _reason is not null then coalesce(_text, ({SAFE_EXTRACT})::varchar) end as _document
        from (select *, {_checks_sql(window)} as _reason from ({typed}))
    """


def _checked_sql(typed: str, window: Window, table: str) -> str:
    """A temp table of checked records with every raw column (see ``_checked_query``)."""
    return f"create or replace temp table {table} as {_checked_query(typed, window)}"


def _straight_read(path: Path, window: Window, *, number: int | None = None, clean: bool = False) -> str:
    """One NDJSON file through ``read_json``, each record numbered by its line (its ordinality: this read
    is used only when every physical line is one record) and checked. With the file's ``number``: the
    first read, keeping the creation day, reason and safe extract of each record under that number; else
    every raw column under the file's path (the write), and for a ``clean`` file (its first read refused no
    record) without the checks, which would refuse nothing."""
    checks_only = number is not None
    columns, flat = (CHECKS_READ_COLUMNS, CHECKS_FLAT) if checks_only else (READ_JSON_COLUMNS, FAST_FLAT)
    which = f"{number}::integer as _file" if checks_only else f"{_sql_string(str(path))} as _source_file"
    source = f"""read_json({_sql_string(str(path))}, format='newline_delimited', records=true,
                           maximum_object_size=16777216, columns={columns}) with ordinality as o"""
    if clean:
        return f"""select {which}, ordinality as line, {flat}, null::varchar as _reason,
            null::varchar as _document from {source}"""
    typed = f"""select ordinality as line, null::varchar as _json_reason, null::varchar as _text, {flat},
        {CHECKED} from {source}"""
    names = {"creation_day"} if checks_only else None
    return f"select {which}, * from ({_checked_query(typed, window, names)})"


def _batches(items: Sequence) -> list[Sequence]:
    return [items[i : i + STRAIGHT_BATCH] for i in range(0, len(items), STRAIGHT_BATCH)]


def scan_straight(con: duckdb.DuckDBPyConnection, paths: Sequence[Path], window: Window) -> dict[Path, int]:
    """Check NDJSON files in one straight read of them all (a batch at a time, both cores busy) into
    ``CHECKS_TABLE``, each file's records under its number (its place in ``paths``), outside any
    transaction. Returns the files whose every physical line is one record, with their number; the others
    (a blank or malformed line: read_json skips or refuses it) are read record by record, to keep line
    numbers and say which line is wrong."""
    con.execute(
        f"create or replace temp table {CHECKS_TABLE} "
        "(_file integer, line bigint, creation_day date, _reason varchar, _document varchar)"
    )
    con.execute("set preserve_insertion_order = false")  # lines are numbered by ordinality, not by order
    numbered = list(enumerate(paths))
    for batch in _batches(numbered):
        reads = " union all ".join(_straight_read(path, window, number=number) for number, path in batch)
        try:
            con.execute(f"insert into {CHECKS_TABLE} {reads}")
        except duckdb.Error:
            # a file of the batch cannot be read straight: each on its own, so the others still are
            for number, path in batch:
                with suppress(duckdb.Error):
                    con.execute(f"insert into {CHECKS_TABLE} {_straight_read(path, window, number=number)}")
    counts = dict(con.execute(f"select _file, count(*) from {CHECKS_TABLE} group by all").fetchall())
    straight = {path: number for number, path in numbered if counts.get(number, 0) == _physical_lines(path)}
    con.execute(
        f"delete from {CHECKS_TABLE} where _file not in (select unnest(?::integer[]))",
        [list(straight.values())],
    )
    return straight


def _scan_records(con: duckdb.DuckDBPyConnection, path: Path, window: Window, table: str) -> str | None:
    """Any offers file record by record into ``table`` (line or record number, a reason per record).
    Returns None, or a message when the file as a whole is not readable JSON."""
    structure = _sql_string(json.dumps(OFFER_STRUCTURE))
    typed = f"""
        select line, _json_reason,
            case when _json_reason is not null then {TEXT_EXTRACT} end as _text,
            {SLOW_FLAT}, {CHECKED}
        from (
            select line, doc, _json_reason,
                case when _json_reason is null then json_transform(doc, {structure}) end as o
            from (
                select line, doc,
                    case
                        when not json_valid(doc) then 'malformed JSON'
                        when json_type(doc) <> 'OBJECT' then 'not a JSON object'
                    end as _json_reason
                from ({_documents_sql(path)})
                where doc is not null and trim(doc) <> ''
            )
        )
    """
    try:
        con.execute(_checked_sql(typed, window, table))
    except (duckdb.InvalidInputException, duckdb.ConversionException) as error:
        # not JSON at all; other errors (memory, disk) fail the load instead of blaming the file
        return f"unreadable file: {str(error).splitlines()[0][:300]}"
    return None


def unrecognised_shape(path: Path) -> str | None:
    """Why a .json file is not offers (None: an array of offers, or an API body with ``resultats``).
    Checked before reading records: an object without ``resultats`` is refused, not taken as empty."""
    if path.suffix.lower() in (".jsonl", ".ndjson") or _first_char(path) == "[":
        return None
    with duckdb.connect() as con:
        try:
            found = con.execute(
                f"select json_type(resultats) from read_json({_sql_string(str(path))}, "
                f"columns={{'resultats': 'JSON'}}, maximum_object_size={_object_limit(path)})"
            ).fetchall()
        except duckdb.Error:
            return None  # not JSON at all: the record path quarantines it as unreadable
    kinds = {row[0] for row in found}
    if kinds == {"ARRAY"}:
        return None
    what = (
        "no 'resultats'" if kinds <= {None} else f"'resultats' is not an array ({', '.join(map(str, kinds))})"
    )
    return (
        f"{path}: not an offers file: a JSON object with {what}; expected an API body "
        '({"resultats": [...]}), a JSON array of offers, or one offer per line (.ndjson/.jsonl)'
    )


def scan_file(
    con: duckdb.DuckDBPyConnection, path: Path, window: Window, table: str = SCAN_TABLE
) -> tuple[str, str | None]:
    """Parse and check one file record by record into the temp ``table``, outside any transaction, so
    that nothing about a file's content can fail the load's transaction. Returns (how, message):
    "records" (the file is in ``table``), "unreadable" (not JSON: quarantined whole) or "refused" (not
    offers: refused whole)."""
    refusal = unrecognised_shape(path)
    if refusal:
        return "refused", refusal
    con.execute("set preserve_insertion_order = true")  # row_number() follows the file's order
    error = _scan_records(con, path, window, table)
    return ("unreadable", error) if error else ("records", None)


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
    files_refused: list[tuple[str, str]] = field(default_factory=list)  # (path, reason): not offers files
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


PARSED_TABLE = "_offers_parsed"  # files quarantined whole (the rows of the others stay in their scan table)
INDEX_TABLE = "_offers_index"  # the days of the files indexed by this load
DAYS_TABLE = "_offers_range_days"  # records read and refused per day of the range


def default_window(today: date | None = None) -> Window:
    """Creation days of the partitions: from the first one to today in Paris (a later day is not there yet)."""
    return Window(date.fromisoformat(PARTITIONS_START), today or datetime.now(ZoneInfo(PARIS)).date())


@dataclass
class _Writes:
    """What the load's transaction records besides the rows: the ledger and the refused files."""

    loads: list[FileLoad] = field(default_factory=list)
    refusals: list[tuple[LandedFile, str]] = field(default_factory=list)
    scans: list[tuple[str, str]] = field(default_factory=list)  # (temp table, path): the rows to write
    # NDJSON files read straight: (path, number in the checks, new file, (size, mtime) when checked); their
    # rows are read again by the write
    straight: list[tuple[Path, int, bool, tuple[int, int]]] = field(default_factory=list)


def load_range(
    con: duckdb.DuckDBPyConnection,
    files: Sequence[LandedFile],
    first_day: date,
    end_day: date,
    *,
    origin: str = "landing",
    source: str = SOURCE,
    log: Callable[[str], None] | None = None,
    today: date | None = None,
) -> RangeLoad:
    """Replace, in one transaction, the offers created in [first_day, end_day) by those of ``files``.

    Two phases: each file is parsed and checked first, outside any transaction (its path, straight from
    ``read_json`` or record by record, is chosen from what that finds), then one transaction writes what
    the files hold, the ledger and the per-day log. Nothing about a file's content can fail the
    transaction, and nothing is retried. Each file is parsed once whatever the length of the range;
    files that hold no day of the range (known from ``ops.offer_file_days``) are not read at all.
    Idempotent: loading the same range twice leaves the same rows, one per id (its latest
    ``dateActualisation``, across days and files).
    """
    if end_day <= first_day:
        raise ValueError(f"empty range of creation days: [{first_day}, {end_day})")
    window = default_window(today)
    ensure_partition_tables(con)
    result = RangeLoad(first_day, end_day, files_given=len(files))
    known, refused = loaded_hashes(con, source), refused_hashes(con, source)
    indexed = {row[0] for row in con.execute(f"select distinct sha256 from {FILE_DAYS_TABLE}").fetchall()}
    bounds = [first_day, end_day]
    writes = _Writes()
    # a year of offers is a few GB of JSON: keep DuckDB's memory bounded (it spills what does not fit)
    con.execute(f"set memory_limit = '{LOAD_MEMORY_LIMIT}'")
    try:
        _create_work_tables(con)
        chosen = []
        for landed in files_to_scan(con, files, first_day, end_day, source):
            if landed.sha256 in refused:  # refused before: listed, not read again
                result.files_refused.append((str(landed.path), refused[landed.sha256]))
                continue
            chosen.append(landed)
        ndjson = [landed.path for landed in chosen if landed.path.suffix.lower() in (".jsonl", ".ndjson")]
        straight = scan_straight(con, ndjson, window)
        for landed in chosen:
            how = _parse(
                con,
                landed,
                landed.sha256 not in known,
                landed.sha256 not in indexed,
                straight.get(landed.path),
                window,
                bounds,
                source,
                result,
                writes,
            )
            if log is not None:
                log(f"{landed.path.name}: {how}")
        _write(con, writes, bounds, window, origin, source, result)
    finally:
        tables = [
            SCAN_TABLE,
            CHECKS_TABLE,
            PARSED_TABLE,
            INDEX_TABLE,
            DAYS_TABLE,
            *(t for t, _ in writes.scans),
        ]
        for table in tables:
            con.execute(f"drop table if exists {table}")
        con.execute("reset preserve_insertion_order")
        con.execute("reset memory_limit")
    result.rows_superseded = result.rows_read - result.rows_loaded - result.rows_quarantined
    result.new_days_outside_range = sorted(set(result.new_days_outside_range))
    return result


def _create_work_tables(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        f"create or replace temp table {PARSED_TABLE} (_source_file varchar, line bigint, _reason varchar)"
    )
    con.execute(
        f"create or replace temp table {INDEX_TABLE} (sha256 varchar, creation_day date, records bigint)"
    )
    con.execute(
        f"create or replace temp table {DAYS_TABLE} (creation_day date, read bigint, quarantined bigint)"
    )


def _parse(
    con: duckdb.DuckDBPyConnection,
    landed: LandedFile,
    is_new: bool,
    needs_index: bool,
    straight: int | None,
    window: Window,
    bounds: list[date],
    source: str,
    result: RangeLoad,
    writes: _Writes,
) -> str:
    """Scan one file and keep what the range needs: its rows of the range, and (for a new file) its
    records in no partition. ``straight``: the file's number in the checks when it was read straight.
    Returns how the file was read."""
    path = str(landed.path)
    if straight is not None:  # checked already, with the other files read straight: its records' checks
        how, message = "fast", None
        table = f"(select * from {CHECKS_TABLE} where _file = {straight})"
    else:  # each file keeps its own scan table until the transaction (no copy of its rows in between)
        table = f"{SCAN_TABLE}_{len(writes.scans)}"
        how, message = scan_file(con, landed.path, window, table)
    if how in ("refused", "unreadable"):
        con.execute(f"drop table if exists {table}")  # what a first attempt may have left
    if how == "refused":
        writes.refusals.append((landed, message))
        result.files_refused.append((path, message))
        return how
    result.files_scanned.append(path)
    if how == "unreadable":
        if is_new:
            con.execute(
                f"insert into {PARSED_TABLE} (_source_file, line, _reason) values (?, 0, ?)", [path, message]
            )
            con.execute(f"insert into {INDEX_TABLE} values (?, null, 1)", [landed.sha256])
            writes.loads.append(FileLoad(source, path, landed.sha256, 1, 0, 1))
            result.files_new += 1
            result.rows_read += 1
            result.rows_quarantined += 1
        return how
    if straight is not None:
        stat = landed.path.stat()
        writes.straight.append((landed.path, straight, is_new, (stat.st_size, stat.st_mtime_ns)))
    else:
        writes.scans.append((table, path))
    in_range = "creation_day >= ? and creation_day < ?"
    con.execute(
        f"insert into {DAYS_TABLE} select creation_day, count(*), count(*) filter (where _reason is not null) "
        f"from {table} where {in_range} group by creation_day",
        bounds,
    )
    total, refused, read_in_range, refused_in_range, undated, outside = con.execute(
        f"""
        select count(*), count(*) filter (where _reason is not null),
            count(*) filter (where {in_range}), count(*) filter (where _reason is not null and {in_range}),
            count(*) filter (where creation_day is null),
            count(*) filter (where creation_day is not null and not ({in_range}))
        from {table}
        """,
        bounds * 3,
    ).fetchone()
    result.rows_read += read_in_range + (undated if is_new else 0)
    result.rows_quarantined += refused_in_range + (undated if is_new else 0)
    result.rows_outside_range += outside
    if is_new:
        result.files_new += 1
        writes.loads.append(FileLoad(source, path, landed.sha256, total, total - refused, refused))
        result.new_days_outside_range.extend(
            row[0]
            for row in con.execute(
                f"select distinct creation_day from {table} "
                f"where creation_day is not null and not ({in_range})",
                bounds,
            ).fetchall()
        )
    if is_new or needs_index:
        con.execute(
            f"insert into {INDEX_TABLE} select ?, creation_day, count(*) from {table} group by creation_day",
            [landed.sha256],
        )
    if straight is not None:  # its rows are read again by the write; its refused records are in the checks
        return how
    # keep what the range writes: its rows, and (for a new file) the records in no partition
    con.execute(
        f"delete from {table} where not coalesce(({in_range}) or (creation_day is null and ?), false)",
        [*bounds, is_new],
    )
    return how


def _write(
    con: duckdb.DuckDBPyConnection,
    writes: _Writes,
    bounds: list[date],
    window: Window,
    origin: str,
    source: str,
    result: RangeLoad,
) -> None:
    """The load's one transaction: every row was parsed and checked before, so only the warehouse itself
    (disk, memory) can make it fail, and then it is rolled back whole."""
    in_range = "creation_day >= ? and creation_day < ?"
    con.execute("begin transaction")
    try:
        con.execute(f"delete from {RAW_TABLE} where {in_range}", bounds)
        con.execute(f"delete from {QUARANTINE_TABLE} where _creation_day >= ? and _creation_day < ?", bounds)
        for table, path in writes.scans:
            con.execute(
                f"insert into {RAW_TABLE} select {RAW_NAMES}, ?, line, now() from {table} where _reason is null",
                [path],
            )
            con.execute(
                f"insert into {QUARANTINE_TABLE} select ?, line, _reason, _document, now(), creation_day "
                f"from {table} where _reason is not null",
                [path],
            )
        _write_straight(con, writes.straight, bounds, window)
        con.execute(
            f"insert into {QUARANTINE_TABLE} select _source_file, line, _reason, null, now(), null "
            f"from {PARSED_TABLE}"
        )
        for load in writes.loads:
            record_load(con, load)
        for landed, reason in writes.refusals:
            record_refusal(con, source, landed, reason)
        con.execute(f"insert into {FILE_DAYS_TABLE} select * from {INDEX_TABLE}")
        # One row per id, across days: the latest dateActualisation, then the last file and line. An older
        # copy created on another day goes, and so does a copy of the range older than one loaded before.
        superseded_days = con.execute(
            f"""
            delete from {RAW_TABLE} where rowid in (
                select rowid from {RAW_TABLE}
                where id in (select id from {RAW_TABLE} where {in_range})
                qualify row_number() over (
                    partition by id order by date_actualisation desc nulls last, _source_file desc, _line desc
                ) > 1
            )
            returning creation_day
            """,
            bounds,
        ).fetchall()
        other_days = sorted({day for (day,) in superseded_days if not bounds[0] <= day < bounds[1]})
        con.execute(f"delete from {PARTITIONS_TABLE} where {in_range}", bounds)
        con.execute(
            f"""
            insert into {PARTITIONS_TABLE}
            with days as (
                select cast(unnest(generate_series(?::date, ?::date - 1, interval 1 day)) as date) as creation_day
            ),
            read as (
                select creation_day, sum(read) as read, sum(quarantined) as quarantined
                from {DAYS_TABLE} group by creation_day
            ),
            loaded as (
                select creation_day, count(*) as loaded from {RAW_TABLE} where {in_range} group by creation_day
            )
            select days.creation_day, ?, coalesce(read.read, 0), coalesce(loaded.loaded, 0),
                coalesce(read.quarantined, 0), ?, now()
            from days left join read using (creation_day) left join loaded using (creation_day)
            """,
            bounds + bounds + [origin, len(result.files_scanned)],
        )
        if other_days:  # their logged rows lost an offer to a newer copy created on a day of this range
            con.execute(
                f"""
                update {PARTITIONS_TABLE} as logged set rows_loaded = (
                    select count(*) from {RAW_TABLE} where creation_day = logged.creation_day
                )
                where creation_day in (select unnest(?::date[]))
                """,
                [other_days],
            )
        result.rows_loaded = con.execute(
            f"select count(*) from {RAW_TABLE} where {in_range}", bounds
        ).fetchone()[0]
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _write_straight(
    con: duckdb.DuckDBPyConnection,
    straight: Sequence[tuple[Path, int, bool, tuple[int, int]]],
    bounds: list[date],
    window: Window,
) -> None:
    """Inside the load's transaction: the NDJSON files read straight. Their records refused by the checks
    go to quarantine from the checks; the others are read again, with the same checks, into raw, all the
    files of a batch in one statement (both cores, no order kept: each row carries its line)."""
    if not straight:
        return
    in_range = "creation_day >= ? and creation_day < ?"
    paths = {number: str(path) for path, number, _, _ in straight}
    con.execute(
        f"""
        insert into {QUARANTINE_TABLE}
        select map_extract_value(?::map(integer, varchar), _file), line, _reason, _document, now(), creation_day
        from {CHECKS_TABLE}
        where _reason is not null
            and (({in_range}) or (creation_day is null and _file in (select unnest(?::integer[]))))
        """,
        [paths, *bounds, [number for _, number, is_new, _ in straight if is_new]],
    )
    with_rows = dict(  # file number -> whether its first read refused no record
        con.execute(
            f"select _file, count(_reason) = 0 from {CHECKS_TABLE} group by all "
            f"having count(*) filter (where _reason is null and {in_range}) > 0",
            bounds,
        ).fetchall()
    )
    to_read = []
    for path, number, _, checked in straight:
        if number not in with_rows:
            continue
        stat = path.stat()
        if (stat.st_size, stat.st_mtime_ns) != checked:  # the same bytes give the same rows: else stop
            raise RuntimeError(f"{path}: changed while it was being loaded; the next run reads it again")
        to_read.append((path, with_rows[number]))
    con.execute("set preserve_insertion_order = false")
    for batch in _batches(to_read):
        reads = " union all ".join(_straight_read(path, window, clean=clean) for path, clean in batch)
        con.execute(
            f"insert into {RAW_TABLE} select {RAW_NAMES}, _source_file, line, now() from ({reads}) "
            f"where _reason is null and {in_range}",
            bounds,
        )


_LINES: dict[tuple[str, float, int], int] = {}  # (path, mtime, size) -> physical lines


def _physical_lines(path: Path) -> int:
    stat = path.stat()
    key = (str(path), stat.st_mtime, stat.st_size)
    if key not in _LINES:
        hash_and_count(path)
    return _LINES[key]


def hash_and_count(path: Path) -> str:
    """sha256 and physical line count of a file in one read (the count tells which files go straight)."""
    stat = path.stat()
    digest, count, last = hashlib.sha256(), 0, b"\n"
    buffer = bytearray(1 << 22)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while size := handle.readinto(buffer):  # one buffer for the whole file: no copy per chunk
            digest.update(view[:size])
            count += buffer.count(b"\n", 0, size)
            last = buffer[size - 1 : size]
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
