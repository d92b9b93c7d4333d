"""Offers by creation day: a range of days replaces its rows, each file is read once, the ledger and the
per-day log reconcile, and the incremental dbt model equals a full refresh. Real DuckDB files, real dbt."""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fake_francetravail import make_offers

from orchestration.lib import offers
from orchestration.lib.warehouse import LandedFile, connect, landed_files, sha256_of
from orchestration.settings import DBT_PROJECT_DIR

DAY = date(2025, 3, 4)
NEXT = DAY + timedelta(days=1)


def day_offers(n, seed, day):
    # noon UTC keeps every offer on the same Paris calendar day
    start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    return make_offers(n, seed=seed, start=start, end=start + timedelta(hours=12))


def write_ndjson(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    return path


def files_in(folder):
    return landed_files(folder, offers.FILE_PATTERNS)


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def landing(tmp_path):
    folder = tmp_path / "landing"
    # one file spans two days; a second holds the next day only, with a malformed line and an undated record
    write_ndjson(folder / "a.ndjson", day_offers(40, 1, DAY) + day_offers(30, 2, NEXT))
    write_ndjson(
        folder / "b.ndjson", [*day_offers(20, 3, NEXT), "{broken", {"id": "X1", "intitule": "sans date"}]
    )
    return folder


def test_a_partition_loaded_twice_holds_the_same_rows(warehouse, landing):
    with connect(warehouse) as con:
        first = offers.load_range(con, files_in(landing), DAY, NEXT)
        snapshot = rows(con, "select * exclude (_loaded_at) from raw.francetravail_offres order by id")
        second = offers.load_range(con, files_in(landing), DAY, NEXT)
        again = rows(con, "select * exclude (_loaded_at) from raw.francetravail_offres order by id")
    assert first.rows_loaded == second.rows_loaded == 40
    assert again == snapshot
    assert {r[5] for r in snapshot} == {DAY}  # creation_day: only the partition's day


def test_a_range_reads_each_file_once_and_counts_reconcile(warehouse, landing):
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(landing), DAY, NEXT + timedelta(days=1))
        per_day = rows(
            con,
            "select creation_day, rows_read, rows_loaded, rows_quarantined, origin from ops.offer_partitions "
            "order by creation_day",
        )
        ledger = rows(
            con, "select path, rows_read, rows_loaded, rows_quarantined from ops.loaded_files order by path"
        )
        quarantined = rows(
            con, "select _source_file, _line, _reason from quarantine.francetravail_offres order by 2"
        )
    assert len(load.files_scanned) == 2
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined, load.rows_superseded) == (92, 90, 2, 0)
    assert load.rows_read == load.rows_loaded + load.rows_superseded + load.rows_quarantined
    assert per_day == [(DAY, 40, 40, 0, "landing"), (NEXT, 50, 50, 0, "landing")]
    assert ledger == [(str(landing / "a.ndjson"), 70, 70, 0), (str(landing / "b.ndjson"), 22, 20, 2)]
    assert quarantined == [
        (str(landing / "b.ndjson"), 21, "malformed JSON"),
        (str(landing / "b.ndjson"), 22, "missing or invalid dateCreation"),
    ]


def test_a_day_reads_only_the_files_holding_it_and_undated_records_are_quarantined_once(warehouse, landing):
    with connect(warehouse) as con:
        offers.load_range(con, files_in(landing), DAY, NEXT + timedelta(days=1))
        only_first_day = offers.load_range(con, files_in(landing), DAY, NEXT)
        offers.load_range(con, files_in(landing), NEXT, NEXT + timedelta(days=1))
        empty_day = offers.load_range(con, files_in(landing), date(2025, 6, 1), date(2025, 6, 2))
        quarantine = rows(con, "select count(*) from quarantine.francetravail_offres")[0][0]
        ledger = rows(con, "select count(*) from ops.loaded_files")[0][0]
        logged = rows(con, "select rows_loaded from ops.offer_partitions where creation_day = '2025-06-01'")
    assert [Path(p).name for p in only_first_day.files_scanned] == ["a.ndjson"]
    assert empty_day.files_scanned == []
    assert logged == [(0,)]  # the day was loaded and had no offer
    assert quarantine == 2 and ledger == 2


def test_an_updated_offer_keeps_its_latest_version_and_a_reload_drops_what_the_source_no_longer_has(
    warehouse, tmp_path
):
    base = day_offers(10, 4, DAY)
    newer = dict(base[0], intitule="Intitulé mis à jour", dateActualisation="2099-01-01T00:00:00.000Z")
    folder = tmp_path / "landing"
    write_ndjson(folder / "1.ndjson", base)
    write_ndjson(folder / "2.ndjson", [newer])
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(folder), DAY, NEXT)
        assert load.rows_superseded == 1
        assert rows(con, "select count(*), count(distinct id) from raw.francetravail_offres") == [(10, 10)]
        assert rows(
            con, "select intitule from raw.francetravail_offres where id = ?", [str(base[0]["id"])]
        ) == [("Intitulé mis à jour",)]
        # an API fetch of the day replaces the day: 9 offers now
        fetched = write_ndjson(tmp_path / "api" / "day.ndjson", base[1:])
        offers.load_range(con, [LandedFile(fetched, sha256_of(fetched))], DAY, NEXT, origin="api")
        assert rows(con, "select count(*) from raw.francetravail_offres") == [(9,)]


def test_partner_offers_with_numeric_ids_and_sparse_fields_load_in_their_partition(warehouse, tmp_path):
    partner = {
        "id": 7269425,
        "intitule": "Aide à domicile H/F",
        "dateCreation": "2025-03-03T23:30:00.000Z",  # 00:30 in Paris: the 4th
        "dateActualisation": "2025-03-04T08:00:00.000Z",
        "lieuTravail": {"libelle": "44 - NANTES"},
        "entreprise": {},
        "salaire": {},
        "contact": {},
        "origineOffre": {"origine": "2", "partenaires": [{"nom": "HELLOWORK", "url": "https://x.invalid"}]},
    }
    folder = tmp_path / "landing"
    write_ndjson(folder / "partner.ndjson", [partner])
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(folder), DAY, NEXT)
        row = rows(con, "select id, origine_offre, entreprise_nom, latitude from raw.francetravail_offres")
    assert load.rows_loaded == 1
    assert row == [("7269425", "2", None, None)]


# ---------------------------------------------------------------- dbt: incremental == full refresh


def dbt(args, env):
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]


def test_the_incremental_offers_model_equals_a_full_refresh(tmp_path):
    import dagster as dg

    from orchestration.defs.ingest.referentiels import referentiels

    warehouse = tmp_path / "warehouse.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OBS_", "FRANCETRAVAIL_"))}
    env.update(OBS_DATA_DIR=str(tmp_path), OBS_WAREHOUSE=str(warehouse), OBS_REGION="52")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("OBS_DATA_DIR", "OBS_WAREHOUSE", "OBS_REGION"):
            mp.setenv(name, env[name])
        mp.delenv("OBS_REFERENCE_DIR", raising=False)
        assert dg.materialize([referentiels]).success
    folder = tmp_path / "landing"
    first = day_offers(60, 5, DAY)
    write_ndjson(folder / "jour1.ndjson", first)
    write_ndjson(folder / "jour2.ndjson", day_offers(50, 6, NEXT))
    day_vars = lambda d: ["--vars", json.dumps({"min_date": str(d), "max_date": str(d + timedelta(days=1))})]  # noqa: E731

    with connect(warehouse) as con:
        offers.load_range(con, files_in(folder), DAY, NEXT)
    dbt(["run", "--select", "+int_offres__enrichies", *day_vars(DAY)], env)
    with connect(warehouse) as con:
        offers.load_range(con, files_in(folder), NEXT, NEXT + timedelta(days=1))
    dbt(["run", "--select", "int_offres__enrichies", *day_vars(NEXT)], env)
    # the first day again, its source changed: one offer gone, one updated
    (folder / "jour1.ndjson").unlink()
    write_ndjson(folder / "jour1_v2.ndjson", [dict(first[1], intitule="Nouvel intitulé"), *first[2:]])
    with connect(warehouse) as con:
        offers.load_range(con, files_in(folder), DAY, NEXT)
    dbt(["run", "--select", "int_offres__enrichies", *day_vars(DAY)], env)
    with connect(warehouse) as con:
        con.execute("create table ops.incremental as select * from intermediate.int_offres__enrichies")
    dbt(["run", "--select", "int_offres__enrichies", "--full-refresh"], env)

    with connect(warehouse, read_only=True) as con:
        full = "intermediate.int_offres__enrichies"
        only_incremental = rows(con, f"select count(*) from (from ops.incremental except all from {full})")
        only_full = rows(con, f"select count(*) from (from {full} except all from ops.incremental)")
        total = rows(con, f"select count(*), count(distinct offre_id) from {full}")
        renamed = rows(con, f"select intitule from {full} where offre_id = ?", [str(first[1]["id"])])
    assert total == [(109, 109)]
    assert only_incremental == [(0,)] and only_full == [(0,)]
    assert renamed == [("Nouvel intitulé",)]


def test_clean_ndjson_and_odd_records_load_alike_with_their_line_numbers(warehouse, tmp_path):
    many = day_offers(30000, 7, DAY)
    folder = tmp_path / "landing"
    write_ndjson(folder / "big.ndjson", [dict(o, id=f"L{i}") for i, o in enumerate(many, start=1)])
    # a record whose place is text instead of an object, a price as text: loaded, the odd values as null
    odd = dict(day_offers(1, 8, DAY)[0], id="ODD", lieuTravail="Nantes", nombrePostes="deux")
    write_ndjson(folder / "odd.ndjson", [*day_offers(3, 9, DAY), odd])
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(folder), DAY, NEXT)
        drift = rows(
            con, "select count(*) from raw.francetravail_offres where id like 'L%' and id <> 'L' || _line"
        )
        odd_row = rows(
            con,
            "select _line, lieu_travail_libelle, nombre_postes from raw.francetravail_offres where id = 'ODD'",
        )
    assert load.rows_loaded == 30004 and drift == [(0,)]
    assert odd_row == [(4, None, None)]


def test_a_nightly_run_does_not_rehash_unchanged_landing_files(warehouse, landing, monkeypatch):
    hashed = []
    real = offers.hash_and_count
    monkeypatch.setattr(offers, "hash_and_count", lambda path: hashed.append(path.name) or real(path))
    with connect(warehouse) as con:
        first = offers.landed_offer_files(landing, con)
        write_ndjson(landing / "c.ndjson", day_offers(5, 10, NEXT))
        second = offers.landed_offer_files(landing, con)
    assert sorted(hashed) == ["a.ndjson", "b.ndjson", "c.ndjson"]
    assert second[:2] == first and second[2].sha256 == sha256_of(landing / "c.ndjson")


def test_a_file_that_is_not_json_is_quarantined_whole_and_the_others_load(warehouse, landing):
    (landing / "export.json").write_text("<html>Erreur 502</html>", encoding="utf-8")
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(landing), DAY, NEXT)
        refused = rows(con, "select _source_file, _line, _reason from quarantine.francetravail_offres")
    assert load.rows_loaded == 40
    assert [(Path(f).name, line) for f, line, _ in refused if f.endswith(".json")] == [("export.json", 0)]
    assert any(reason.startswith("unreadable file") for _, _, reason in refused)
