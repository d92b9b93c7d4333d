"""The spreadsheet ingestion assets, materialised as Dagster runs them, on a temporary warehouse and a
temporary landing folder holding files as people send them (renamed headers, Windows-1252, an unknown
column, a title row in XLSX, bad rows, the same file twice under two names)."""

import csv
import io

import dagster as dg
import duckdb
import openpyxl
import pytest

from orchestration.defs.ingest.agrements import region_agrements
from orchestration.defs.ingest.organismes import organismes_formation
from orchestration.defs.ingest.referentiels import referentiels
from orchestration.defs.ingest.uniformation import uniformation_adherents, uniformation_contrats
from orchestration.lib.ingestion import WITHHELD
from orchestration.lib.warehouse import sha256_of
from orchestration.settings import SAMPLE_LANDING_DIR

SPREADSHEET_ASSETS = [uniformation_contrats, uniformation_adherents, region_agrements, organismes_formation]
SOURCES = ["uniformation_contrats", "uniformation_adherents", "region_agrements", "organismes_formation"]
RENAMED = {
    "num_contrat": "N° contrat",
    "date_debut": "Date de début",
    "siret_employeur": "SIRET employeur",
    "branche": "Branche professionnelle",
    "date_naissance": "Date de naissance",
}
BIRTH_OF_A_CHILD = "25/12/2010"


def sample_contrats(n: int) -> tuple[list[str], list[dict]]:
    text = (SAMPLE_LANDING_DIR / "uniformation" / "contrats_2021_2025.csv").read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    return list(reader.fieldnames), [row for _, row in zip(range(n), reader, strict=False)]


def awkward_contrats_csv() -> bytes:
    """Windows-1252, renamed headers, an unknown column, a blank line, a totals row and two bad rows."""
    header, rows = sample_contrats(12)
    rows[3]["siret_employeur"] = "12345678901234"  # checksum fails
    rows[5]["date_naissance"] = BIRTH_OF_A_CHILD  # about 10 years old at the start of the contract
    out = [";".join([RENAMED.get(h, h) for h in header] + ["Commentaire"])]
    out += [";".join([row[h] for h in header] + ["à revoir"]) for row in rows[:8]]
    out.append("")
    out += [";".join([row[h] for h in header] + [""]) for row in rows[8:]]
    out.append("Total;" + ";" * (len(header) - 1))
    return ("\r\n".join(out) + "\r\n").encode("cp1252")


def contrats_xlsx(path) -> None:
    """A title row above the header, as exported by hand; contracts not in the CSV."""
    header, rows = sample_contrats(15)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Extraction Uniformation — contrats de professionnalisation"])
    sheet.append([])
    sheet.append(header)
    for row in rows[12:]:
        sheet.append([row[h] for h in header])
    workbook.save(path)


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    landing = tmp_path / "landing"
    for folder in ("uniformation", "agrements", "organismes"):
        (landing / folder).mkdir(parents=True)
    monkeypatch.setenv("OBS_LANDING_DIR", str(landing))
    monkeypatch.setenv("OBS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OBS_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    monkeypatch.setenv("OBS_REGION", "52")
    monkeypatch.delenv("OBS_REFERENCE_DIR", raising=False)
    return {
        "landing": landing,
        "data": tmp_path / "data",
        "warehouse": tmp_path / "data" / "warehouse.duckdb",
    }


@pytest.fixture
def awkward(workspace):
    landing = workspace["landing"]
    data = awkward_contrats_csv()
    (landing / "uniformation" / "contrats_export_2026.csv").write_bytes(data)
    (landing / "uniformation" / "contrats_export_2026 (copie).csv").write_bytes(data)
    contrats_xlsx(landing / "uniformation" / "contrats_titre.xlsx")
    adherents = (SAMPLE_LANDING_DIR / "uniformation" / "adherents_2021_2025.csv").read_bytes()
    (landing / "uniformation" / "adherents_2021.csv").write_bytes(b"\n".join(adherents.split(b"\n")[:40]))
    for folder in ("agrements", "organismes"):
        for path in (SAMPLE_LANDING_DIR / folder).iterdir():
            (landing / folder / path.name).write_bytes(path.read_bytes())
    return workspace


def materialize(assets=SPREADSHEET_ASSETS, **kwargs):
    return dg.materialize([referentiels, *assets], **kwargs)


def metadata_by_source(result) -> dict[str, dict]:
    return {
        event.asset_key.path[-1]: {k: v.value for k, v in event.materialization.metadata.items()}
        for event in result.get_asset_materialization_events()
    }


def query(warehouse, sql):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_awkward_files_load_and_every_row_is_counted(awkward):
    result = materialize()

    assert result.success
    meta = metadata_by_source(result)
    for source in SOURCES:
        m = meta[source]
        assert m["rows_read"] == m["rows_loaded"] + m["rows_quarantined"], source
        assert m["rows_loaded"] > 0, source
    contrats = meta["uniformation_contrats"]
    # 12 rows in the CSV (its copy is the same content: not loaded twice) + 3 in the XLSX.
    assert (contrats["files_loaded"], contrats["rows_read"], contrats["rows_quarantined"]) == (2, 15, 2)
    assert "unknown column 'Commentaire' ignored" in contrats["warnings"]
    assert "header found on line 3" in contrats["warnings"]
    assert "totals row" in contrats["warnings"]

    ledger = query(
        awkward["warehouse"],
        "select source, sum(rows_read), sum(rows_loaded), sum(rows_quarantined), count(*) "
        "from ops.loaded_files group by source",
    )
    for source, read, loaded, quarantined, files in ledger:
        assert (read, loaded, quarantined) == (
            meta[source]["rows_read"],
            meta[source]["rows_loaded"],
            meta[source]["rows_quarantined"],
        )
        assert files == meta[source]["files_loaded"]
        (raw_count,) = query(awkward["warehouse"], f"select count(*) from raw.{source}")[0]
        (q_count,) = query(awkward["warehouse"], f"select count(*) from quarantine.{source}")[0]
        assert (raw_count, q_count) == (loaded, quarantined)

    reasons = dict(query(awkward["warehouse"], "select _line, _reason from quarantine.uniformation_contrats"))
    assert any("siret" in r.lower() for r in reasons.values())
    assert any(r.startswith("age out of 15-70 at date_debut: 10") for r in reasons.values())


def test_each_loaded_file_is_archived_with_its_hash_and_the_ledger_says_where(awkward):
    materialize()

    rows = query(awkward["warehouse"], "select source, path, sha256, archived_path from ops.loaded_files")
    assert len(rows) == 5
    for source, path, sha, archived in rows:
        assert archived == str(awkward["data"] / "archive" / source / f"{sha[:12]}_{path.split('/')[-1]}")
        assert sha256_of(awkward["data"] / "archive" / source / archived.split("/")[-1]) == sha
    # The landing folder is read, never modified.
    assert (awkward["landing"] / "uniformation" / "contrats_export_2026.csv").is_file()


def test_a_second_run_loads_nothing_twice(awkward):
    materialize()
    before = {s: query(awkward["warehouse"], f"select count(*) from raw.{s}")[0][0] for s in SOURCES}

    result = materialize()

    meta = metadata_by_source(result)
    assert all(meta[s]["files_loaded"] == 0 for s in SOURCES)
    assert meta["uniformation_contrats"]["files_already_loaded"] == 3
    assert {s: query(awkward["warehouse"], f"select count(*) from raw.{s}")[0][0] for s in SOURCES} == before
    assert query(awkward["warehouse"], "select count(*) from ops.loaded_files")[0][0] == 5


def test_a_birth_date_never_appears_in_quarantine(awkward):
    materialize()

    values = [
        v
        for (v,) in query(
            awkward["warehouse"], "select _values::varchar from quarantine.uniformation_contrats"
        )
    ]
    assert values and all(BIRTH_OF_A_CHILD not in v for v in values)
    assert any(WITHHELD in v for v in values)


def test_a_missing_required_column_fails_the_asset_naming_the_column_and_the_file(workspace):
    header, rows = sample_contrats(3)
    kept = [h for h in header if h != "num_contrat"]
    lines = [";".join(kept)] + [";".join(row[h] for h in kept) for row in rows]
    uniformation = workspace["landing"] / "uniformation"
    (uniformation / "contrats_a_sans_numero.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (uniformation / "contrats_b.csv").write_bytes(awkward_contrats_csv())

    result = materialize([uniformation_contrats], raise_on_error=False)

    assert not result.success
    failures = [e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE]
    message = failures[0].event_specific_data.error.message
    assert "missing required column 'num_contrat'" in message
    assert "contrats_a_sans_numero.csv" in message
    # The refused file does not hold back the next one; it is tried again on the next run.
    ledger = query(workspace["warehouse"], "select path, rows_read from ops.loaded_files")
    assert [(path.split("/")[-1], read) for path, read in ledger] == [("contrats_b.csv", 12)]
    assert not result.success and not materialize([uniformation_contrats], raise_on_error=False).success


def test_empty_sources_still_create_their_typed_raw_and_quarantine_tables(workspace):
    result = materialize()

    assert result.success
    columns = {
        (table, column): data_type
        for table, column, data_type in query(
            workspace["warehouse"],
            "select table_schema || '.' || table_name, column_name, data_type from information_schema.columns "
            "where table_schema in ('raw', 'quarantine')",
        )
    }
    for source in SOURCES:
        assert (f"raw.{source}", "_source_file") in columns
        assert (f"quarantine.{source}", "_reason") in columns
    assert columns[("raw.uniformation_contrats", "date_debut")] == "DATE"
    assert columns[("raw.uniformation_adherents", "effectif_etp")] == "DOUBLE"
    assert columns[("raw.region_agrements", "departements")] == "VARCHAR[]"
    assert columns[("raw.organismes_formation", "qualiopi")] == "BOOLEAN"
    assert all(m["rows_read"] == 0 for m in metadata_by_source(result).values() if "rows_read" in m)


def test_reconciliation_check_finds_a_quarantined_row_lost_after_load(tmp_path):
    """The blocking check on raw assets compares the ledger with what quarantine really holds."""
    import duckdb

    from orchestration.defs.quality.reconciliation import reconciliation_problems

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema ops; create schema quarantine")
    con.execute(
        "create table ops.loaded_files (source varchar, path varchar, sha256 varchar, rows_read bigint, "
        "rows_loaded bigint, rows_quarantined bigint, loaded_at timestamptz, archived_path varchar)"
    )
    con.execute(
        "create table quarantine.region_agrements (_source_file varchar, _line bigint, _reason varchar)"
    )
    con.execute(
        "insert into ops.loaded_files values ('region_agrements', '/l/a.csv', 'x', 10, 8, 2, now(), null)"
    )
    con.execute("insert into quarantine.region_agrements values ('/l/a.csv', 3, 'bad SIRET')")
    assert reconciliation_problems(con, "region_agrements") == [
        "/l/a.csv: the ledger says 2 rows quarantined, quarantine.region_agrements holds 1"
    ]
    con.execute("insert into quarantine.region_agrements values ('/l/a.csv', 7, 'bad date')")
    assert reconciliation_problems(con, "region_agrements") == []
    con.execute(
        "insert into ops.loaded_files values ('region_agrements', '/l/b.csv', 'y', 5, 5, 1, now(), null)"
    )
    assert any(
        "read 5 != loaded 5 + quarantined 1" in p for p in reconciliation_problems(con, "region_agrements")
    )


def test_files_loaded_before_archiving_existed_get_their_copy_on_the_next_run(tmp_path):
    from orchestration.lib.ingestion import load_source
    from orchestration.lib.sources import read_region_agrements
    from orchestration.lib.warehouse import connect, landed_files

    files = landed_files(SAMPLE_LANDING_DIR / "agrements", ["*.csv"])
    with connect(tmp_path / "w.duckdb") as con:
        load_source(con, source="region_agrements", files=files, read=read_region_agrements, key=["siret"])
        assert con.execute("select archived_path from ops.loaded_files").fetchall() == [(None,)]

        summary = load_source(
            con,
            source="region_agrements",
            files=files,
            read=read_region_agrements,
            key=["siret"],
            data_dir=tmp_path / "data",
        )

        assert summary.files_loaded == []  # nothing loaded twice
        (archived,) = con.execute("select archived_path from ops.loaded_files").fetchone()
    assert archived.startswith(str(tmp_path / "data" / "archive" / "region_agrements" / files[0].sha256[:12]))
