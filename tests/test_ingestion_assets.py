"""The spreadsheet ingestion assets, materialised as Dagster runs them, on a temporary warehouse and a
temporary landing folder holding files as people send them (renamed headers, Windows-1252, an unknown
column, a title row in XLSX, bad rows, the same file twice under two names), and the failure modes of a
year of real deliveries (a file re-sent under the same name, a copy that landed half-written then whole,
Excel lock files and stray files, a workbook with one sheet per year, organisations without SIRET on two
successive lists, a file refused as a whole)."""

import csv
import io
import shutil
from datetime import UTC, datetime

import dagster as dg
import duckdb
import openpyxl
import pytest

from orchestration.defs.ingest.landing import INGESTION_ASSETS
from orchestration.defs.ingest.referentiels import referentiels
from orchestration.defs.quality.reconciliation import CHECKS
from orchestration.lib.warehouse import sha256_of
from orchestration.settings import SAMPLE_LANDING_DIR

ASSETS = {a.key.path[-1]: a for a in INGESTION_ASSETS}
SPREADSHEET_ASSETS = list(ASSETS.values())
SOURCES = ["uniformation_contrats", "uniformation_adherents", "region_agrements", "organismes_formation"]
uniformation_contrats = ASSETS["uniformation_contrats"]
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


@pytest.fixture(scope="module")
def referentials_loaded(tmp_path_factory):
    """A warehouse with the referentials the loaders read (raw.ref_branches), loaded once for the module."""
    root = tmp_path_factory.mktemp("referentials")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OBS_DATA_DIR", str(root))
        mp.setenv("OBS_WAREHOUSE", str(root / "warehouse.duckdb"))
        mp.delenv("OBS_REFERENCE_DIR", raising=False)
        assert dg.materialize([referentiels]).success
    return root / "warehouse.duckdb"


@pytest.fixture
def workspace(tmp_path, monkeypatch, referentials_loaded):
    landing = tmp_path / "landing"
    for folder in ("uniformation", "agrements", "organismes"):
        (landing / folder).mkdir(parents=True)
    (tmp_path / "data").mkdir()
    shutil.copyfile(referentials_loaded, tmp_path / "data" / "warehouse.duckdb")
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
    """The assets with their blocking reconciliation checks, as a run of refresh_all has them (on a warehouse
    that holds the referentials already)."""
    checks = [CHECKS[a.key.path[-1]] for a in assets]
    return dg.materialize([*assets, *checks], **kwargs)


def check_results(result) -> dict[str, tuple[bool, str | None]]:
    return {
        e.event_specific_data.asset_key.path[-1]: (
            e.event_specific_data.passed,
            e.event_specific_data.description,
        )
        for e in result.all_events
        if e.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION
    }


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


def test_personal_columns_of_the_registry_never_appear_in_quarantine(awkward):
    materialize()

    values = [
        v
        for (v,) in query(
            awkward["warehouse"], "select _values::varchar from quarantine.uniformation_contrats"
        )
    ]
    # the refused row of a 10-year-old keeps its reason and a safe extract, never the date of birth
    assert values and all(BIRTH_OF_A_CHILD not in v and "date_naissance" not in v for v in values)
    assert any('"num_contrat"' in v for v in values)


def test_a_file_missing_a_required_column_is_refused_once_and_the_asset_goes_on(workspace):
    header, rows = sample_contrats(3)
    kept = [h for h in header if h != "num_contrat"]
    lines = [";".join(kept)] + [";".join(row[h] for h in kept) for row in rows]
    uniformation = workspace["landing"] / "uniformation"
    (uniformation / "contrats_a_sans_numero.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (uniformation / "contrats_b.csv").write_bytes(awkward_contrats_csv())
    started = datetime.now(UTC)

    result = materialize([uniformation_contrats])

    assert result.success
    meta = metadata_by_source(result)["uniformation_contrats"]
    assert meta["files_refused"] == 1
    assert "contrats_a_sans_numero.csv" in meta["refused"]
    assert "missing required column 'num_contrat'" in meta["refused"]
    assert check_results(result)["uniformation_contrats"][0]
    ledger = query(workspace["warehouse"], "select path, rows_read from ops.loaded_files")
    assert [(path.split("/")[-1], read) for path, read in ledger] == [("contrats_b.csv", 12)]
    from orchestration.lib.ingestion import refused_report

    (line,) = refused_report(workspace["warehouse"], started)
    assert line.startswith("raw/uniformation_contrats: missing required column 'num_contrat'")

    again = materialize([uniformation_contrats])

    # recorded once, still listed while the file stays in the landing folder
    assert (
        again.success
        and "contrats_a_sans_numero.csv" in metadata_by_source(again)["uniformation_contrats"]["refused"]
    )
    refused = query(workspace["warehouse"], "select path, reason from ops.refused_files")
    assert len(refused) == 1 and refused[0][0].endswith("contrats_a_sans_numero.csv")


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
    """The blocking check on raw assets compares the ledger with what quarantine really holds, by sha256."""
    from orchestration.defs.quality.reconciliation import reconciliation_problems
    from orchestration.lib.ingestion import ensure_tables
    from orchestration.lib.registry import source
    from orchestration.lib.warehouse import connect

    agrements = source("region_agrements")
    with connect(tmp_path / "w.duckdb") as con:
        ensure_tables(con, agrements)
        ledger = "insert into ops.loaded_files (source, path, sha256, rows_read, rows_loaded, rows_quarantined, loaded_at) "
        quarantine = "insert into quarantine.region_agrements (_source_file, _sha256, _line, _reason) "
        con.execute(ledger + "values ('region_agrements', '/l/a.csv', 'aaa', 10, 8, 2, now())")
        con.execute(quarantine + "values ('/l/a.csv', 'aaa', 3, 'bad SIRET')")
        assert reconciliation_problems(con, agrements) == [
            "/l/a.csv (aaa): the ledger says 2 rows quarantined, quarantine.region_agrements holds 1"
        ]
        con.execute(quarantine + "values ('/l/a.csv', 'aaa', 7, 'bad date')")
        assert reconciliation_problems(con, agrements) == []
        con.execute(ledger + "values ('region_agrements', '/l/b.csv', 'bbb', 5, 5, 1, now())")
        assert any("read 5 != loaded 5 + quarantined 1" in p for p in reconciliation_problems(con, agrements))


def test_files_loaded_before_archiving_existed_get_their_copy_on_the_next_run(tmp_path):
    from orchestration.lib.ingestion import load_source
    from orchestration.lib.registry import source
    from orchestration.lib.sources import ReadContext
    from orchestration.lib.warehouse import connect, landed_files

    agrements = source("region_agrements")
    files = landed_files(SAMPLE_LANDING_DIR / "agrements", ["*.csv"])
    with connect(tmp_path / "w.duckdb") as con:
        load_source(con, agrements, files, ReadContext())
        assert con.execute("select archived_path from ops.loaded_files").fetchall() == [(None,)]

        summary = load_source(con, agrements, files, ReadContext(), data_dir=tmp_path / "data")

        assert summary.files_loaded == []  # nothing loaded twice
        (archived,) = con.execute("select archived_path from ops.loaded_files").fetchone()
    assert archived.startswith(str(tmp_path / "data" / "archive" / "region_agrements" / files[0].sha256[:12]))


# ---------------------------------------------------------------------------------------------
# Failure modes of a year of real deliveries


def contrats_csv(rows: list[dict], header: list[str]) -> bytes:
    return (
        "\n".join([";".join(header)] + [";".join(row[h] for h in header) for row in rows]) + "\n"
    ).encode()


def raw_contracts(warehouse) -> dict[str, str]:
    return dict(
        query(warehouse, "select num_contrat, heures_formation::varchar from raw.uniformation_contrats")
    )


def test_a_spreadsheet_re_sent_under_the_same_name_replaces_its_previous_version(workspace):
    header, rows = sample_contrats(6)
    first = [dict(r) for r in rows[:5]]
    first[4]["siret_employeur"] = "12345678901234"  # refused: bad checksum
    path = workspace["landing"] / "uniformation" / "contrats_2024.csv"
    path.write_bytes(contrats_csv(first, header))
    assert materialize([uniformation_contrats]).success

    # The corrected export: row 1 dropped, row 2 changed, the refused row fixed, one more contract.
    corrected = [dict(r) for r in rows]
    corrected[2]["heures_formation"] = "999"
    del corrected[1]
    path.write_bytes(contrats_csv(corrected, header))
    result = materialize([uniformation_contrats])

    assert result.success
    assert check_results(result)["uniformation_contrats"] == (True, None)
    kept = raw_contracts(workspace["warehouse"])
    assert set(kept) == {r["num_contrat"] for r in corrected}  # the row the new version dropped is gone
    assert kept[rows[2]["num_contrat"]] == "999.0"
    assert query(workspace["warehouse"], "select count(*) from quarantine.uniformation_contrats") == [(0,)]
    new = sha256_of(path)
    ledger = {
        sha: rest
        for sha, *rest in query(
            workspace["warehouse"],
            "select sha256, rows_read, rows_quarantined, replaced_by from ops.loaded_files",
        )
    }
    # both versions reconcile; the first says which content replaced it
    assert ledger.pop(new) == [5, 0, None]
    assert list(ledger.values()) == [[5, 1, new]]
    assert (
        metadata_by_source(result)["uniformation_contrats"]["versions_replaced"].count("contrats_2024.csv")
        == 1
    )
    # and the runs after it still pass
    assert check_results(materialize([uniformation_contrats]))["uniformation_contrats"][0]


def test_a_copy_that_landed_half_written_then_whole_keeps_only_the_whole_file(workspace):
    header, rows = sample_contrats(8)
    whole = contrats_csv(rows, header)
    path = workspace["landing"] / "uniformation" / "contrats_2025.csv"
    path.write_bytes(whole[: len(whole) // 2])  # cut in the middle of a line
    half = materialize([uniformation_contrats])
    assert half.success
    assert metadata_by_source(half)["uniformation_contrats"]["rows_quarantined"] == 1  # the truncated line

    path.write_bytes(whole)
    result = materialize([uniformation_contrats])

    assert check_results(result)["uniformation_contrats"] == (True, None)
    assert set(raw_contracts(workspace["warehouse"])) == {r["num_contrat"] for r in rows}
    assert query(workspace["warehouse"], "select count(*) from quarantine.uniformation_contrats") == [(0,)]
    assert query(workspace["warehouse"], "select count(*), count(replaced_by) from ops.loaded_files") == [
        (2, 1)
    ]


def test_lock_files_and_stray_files_are_ignored(workspace):
    landing = workspace["landing"]
    for folder in ("agrements", "organismes"):
        for path in (SAMPLE_LANDING_DIR / folder).iterdir():
            (landing / folder / path.name).write_bytes(path.read_bytes())
    header, rows = sample_contrats(3)
    (landing / "uniformation" / "contrats_2024.csv").write_bytes(contrats_csv(rows, header))
    lock = b"\x06Camille" + b"\x00" * 47 + b"\x06\x00C\x00a\x00m\x00i\x00l\x00l\x00e\x00" + b"\x20\x00" * 50
    (landing / "uniformation" / "~$contrats_2024.xlsx").write_bytes(lock)
    (landing / "agrements" / "~$agrements_region_2025.xlsx").write_bytes(lock)
    (landing / "agrements" / "._agrements_region_2025.csv").write_bytes(b"\x00\x05\x16\x07Mac OS X")
    (landing / "agrements" / "notes.txt").write_text("envoyé par la Région le 12/01\n", encoding="utf-8")
    (landing / "organismes" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    (landing / "organismes" / "desktop.ini").write_text("[.ShellClassInfo]\n", encoding="utf-8")

    result = materialize()

    assert result.success
    meta = metadata_by_source(result)
    assert all(meta[s]["files_refused"] == 0 for s in SOURCES), {s: meta[s]["refused"] for s in SOURCES}
    names = sorted(
        p.split("/")[-1] for (p,) in query(workspace["warehouse"], "select path from ops.loaded_files")
    )
    assert names == ["agrements_region_2025.csv", "contrats_2024.csv", "liste_publique_of_extrait.csv"]


def test_a_workbook_with_one_sheet_per_year_loads_every_year(workspace):
    text = (SAMPLE_LANDING_DIR / "uniformation" / "adherents_2021_2025.csv").read_text(encoding="cp1252")
    reader = csv.reader(io.StringIO(text), delimiter=";")
    header = next(reader)
    by_year: dict[str, list[list[str]]] = {}
    for row in reader:
        if len(by_year.get(row[0], [])) < 5:
            by_year.setdefault(row[0], []).append(row)
    book = openpyxl.Workbook()
    book.remove(book.active)
    for year, rows in sorted(by_year.items()):
        sheet = book.create_sheet(year)
        for row in [header, *rows]:
            sheet.append(row)
    book.save(workspace["landing"] / "uniformation" / "adherents_par_annee.xlsx")

    result = materialize([ASSETS["uniformation_adherents"]])

    assert result.success
    assert metadata_by_source(result)["uniformation_adherents"]["rows_loaded"] == 5 * len(by_year)
    sheets = dict(
        query(
            workspace["warehouse"], "select _sheet, count(*) from raw.uniformation_adherents group by _sheet"
        )
    )
    assert sheets == {year: 5 for year in by_year}


def test_organisations_without_siret_on_two_successive_lists_are_not_duplicated(workspace):
    from test_spreadsheets import organisme_line, organismes_bytes

    def dgefp_list(stagiaires: int) -> bytes:
        lines = [organisme_line("52440000144", "52"), organisme_line("52850000155", "52", siret="")]
        return organismes_bytes([line.replace(";120;", f";{stagiaires};") for line in lines])

    folder = workspace["landing"] / "organismes"
    (folder / "liste_publique_of_2024.csv").write_bytes(dgefp_list(120))
    assert materialize([ASSETS["organismes_formation"]]).success
    (folder / "liste_publique_of_2025.csv").write_bytes(dgefp_list(80))

    result = materialize([ASSETS["organismes_formation"]])

    assert result.success
    rows = query(
        workspace["warehouse"],
        "select nda, siret, nb_stagiaires from raw.organismes_formation order by nda",
    )
    assert rows == [("52440000144", rows[0][1], 80), ("52850000155", None, 80)]
