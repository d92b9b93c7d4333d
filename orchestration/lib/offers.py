"""France Travail offers: from landing files (API bodies, arrays, NDJSON) into ``raw.francetravail_offres``.

Everything streams through DuckDB: files are read as JSON text documents with their line (NDJSON) or
record number (JSON files), validated, typed with one ``json_transform`` per document, then merged into
``raw`` so that each offer ``id`` keeps its latest ``dateActualisation``. Rows that cannot be loaded go
to ``quarantine.francetravail_offres`` with the file, the line and the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb

RAW_TABLE = "raw.francetravail_offres"
QUARANTINE_TABLE = "quarantine.francetravail_offres"
FILE_PATTERNS = ("*.json", "*.jsonl", "*.ndjson")
PARIS = "Europe/Paris"

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
]


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    columns = [(name, sql_type) for name, sql_type, _ in RAW_COLUMNS] + META_COLUMNS
    con.execute(f"create table if not exists {RAW_TABLE} ({', '.join(f'{n} {t}' for n, t in columns)})")
    con.execute(
        f"create table if not exists {QUARANTINE_TABLE} "
        f"({', '.join(f'{n} {t}' for n, t in QUARANTINE_COLUMNS)})"
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
                           maximum_object_size=1000000000)
        """
    return f"""
        select generate_subscripts(resultats, 1) as line, unnest(resultats) as doc
        from read_json({quoted}, columns={{'resultats': 'JSON[]'}}, maximum_object_size=1000000000)
    """


def _first_char(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    return head[:1].decode("ascii", errors="replace")


@dataclass(frozen=True)
class OfferFileLoad:
    path: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int


def stage_file(
    con: duckdb.DuckDBPyConnection, path: Path, batch_table: str = "offers_batch"
) -> OfferFileLoad:
    """Read one file into the temp table ``batch_table`` (typed, valid rows) and quarantine the others."""
    ensure_tables(con)
    structure = _sql_string(json.dumps(OFFER_STRUCTURE))
    source = _sql_string(str(path))
    try:
        con.execute(
            f"""
            create or replace temp table _docs as
            with documents as ({_documents_sql(path)})
            select line, doc,
                case
                    when not json_valid(doc) then 'malformed JSON'
                    when json_type(doc) <> 'OBJECT' then 'not a JSON object'
                end as reason
            from documents
            where doc is not null and trim(doc) <> ''
            """
        )
    except duckdb.Error as error:
        # The whole file is unreadable JSON: keep a trace of it rather than lose it silently.
        message = str(error).splitlines()[0][:300]
        con.execute(
            f"insert into {QUARANTINE_TABLE} values (?, 0, ?, null, now())",
            [str(path), f"unreadable file: {message}"],
        )
        con.execute(f"create or replace temp table {batch_table} as select * from {RAW_TABLE} limit 0")
        return OfferFileLoad(str(path), 1, 0, 1)

    flat = ",\n".join(f"{expr} as {name}" for name, _, expr in RAW_COLUMNS)
    con.execute(
        f"""
        create or replace temp table _typed as
        select line, doc, reason, {flat}
        from (
            select line, doc, reason,
                case when reason is null then json_transform(doc, {structure}) end as o
            from _docs
        )
        """
    )
    con.execute(
        """
        create or replace temp table _typed_checked as
        select *,
            coalesce(reason,
                case
                    when id is null or trim(id) = '' then 'missing id'
                    when date_creation is null then 'missing or invalid dateCreation'
                end) as final_reason
        from _typed
        """
    )
    con.execute(
        f"""
        insert into {QUARANTINE_TABLE}
        select {source}, line, final_reason, left(doc, 10000), now()
        from _typed_checked where final_reason is not null
        """
    )
    raw_names = ", ".join(name for name, _, _ in RAW_COLUMNS)
    con.execute(
        f"""
        create or replace temp table {batch_table} as
        select {raw_names}, {source} as _source_file, line as _line, now() as _loaded_at
        from _typed_checked where final_reason is null
        """
    )
    read, quarantined = con.execute(
        "select count(*), count(*) filter (where final_reason is not null) from _typed_checked"
    ).fetchone()
    for temp in ("_docs", "_typed", "_typed_checked"):
        con.execute(f"drop table if exists {temp}")
    return OfferFileLoad(str(path), read, read - quarantined, quarantined)


def merge_batch(con: duckdb.DuckDBPyConnection, batch_table: str = "offers_batch") -> None:
    """Upsert a batch into raw: one row per id, the version with the latest dateActualisation wins."""
    con.execute(
        f"""
        create or replace temp table _latest as
        select * from {batch_table}
        qualify row_number() over (
            partition by id order by date_actualisation desc nulls last, _source_file desc, _line desc
        ) = 1
        """
    )
    con.execute(
        f"""
        delete from {RAW_TABLE} r using _latest b
        where r.id = b.id
          and coalesce(b.date_actualisation, b.date_creation) >= coalesce(r.date_actualisation, r.date_creation)
        """
    )
    con.execute(
        f"""
        insert into {RAW_TABLE}
        select b.* from _latest b
        where not exists (select 1 from {RAW_TABLE} r where r.id = b.id)
        """
    )
    con.execute("drop table if exists _latest")
