"""The whole pipeline on the embedded sample, on a temporary data folder: real DuckDB file, real dbt,
real great-expectations, real publication. Three runs share one folder (they take a minute each)."""

import csv
import json
from pathlib import Path

import duckdb
import pytest
from conftest import failed_checks, run_everything, sample_environment

from orchestration.settings import SAMPLE_LANDING_DIR

pytestmark = pytest.mark.e2e

COUNTED_TABLES = [
    "raw.francetravail_offres",
    "raw.uniformation_contrats",
    "raw.uniformation_adherents",
    "raw.region_agrements",
    "raw.organismes_formation",
]


def counts(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {table: con.execute(f"select count(*) from {table}").fetchone()[0] for table in COUNTED_TABLES}


@pytest.fixture(scope="module")
def workspace(sample_run):
    """The shared first run's folder; later runs here see the same environment."""
    with sample_environment(sample_run["root"]):
        yield sample_run


@pytest.fixture(scope="module")
def first_run(workspace):
    return workspace["result"]


def read_csv(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_first_run_publishes_the_2022_key_figures_exactly(workspace, first_run):
    latest = workspace["publication"] / "latest"
    assert (latest / "index.html").is_file()
    rows = {row["annee"]: row for row in read_csv(latest / "donnees" / "portrait_chiffres_cles.csv")}
    year = rows["2022"]
    assert int(year["nb_branches"]) == 18
    assert int(year["nb_adherents"]) == 1703
    assert round(float(year["part_adherents_moins_11_etp"]) * 100) == 68
    assert int(year["nb_salaries"]) == 48276
    assert round(float(year["part_femmes"]) * 100) == 76
    assert int(year["nb_contrats_pro"]) == 120
    assert round(float(year["part_contrats_pro_plus_30_ans"]) * 100) == 61

    branches = {
        (row["annee"], row["libelle_branche"]): row
        for row in read_csv(latest / "donnees" / "portrait_contrats_par_branche.csv")
    }
    top = sorted((r for (y, _), r in branches.items() if y == "2022"), key=lambda r: int(r["rang"]))[:3]
    assert [
        (r["libelle_branche"], int(r["nb_contrats"]), int(r["nb_contrats_annee_precedente"])) for r in top
    ] == [
        ("Mutualité", 25, 17),
        ("Aide à domicile", 16, 15),
        ("ECLAT", 13, 18),
    ]


def test_the_edition_has_the_portrait_eleven_fiches_and_a_manifest(workspace, first_run):
    latest = workspace["publication"] / "latest"
    assert (latest / "portrait-cohesion-sociale.html").is_file()
    fiches = sorted(p.stem for p in (latest / "fiches").glob("*.html"))
    assert len(fiches) == 11
    assert "aide-a-domicile" in fiches
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["edition"] == latest.resolve().name
    assert {c["name"] for c in manifest["checks"]} >= {
        "gx_portrait_chiffres_cles",
        "gx_fiche_offres_mensuel",
        "gx_pub_fiche_contrats_pro",
        "assert_secret_relations_protect_every_hidden_cell",
    }
    assert all(c["passed"] for c in manifest["checks"] if c["blocking"])
    assert {"origin": "depot", "path": "uniformation/contrats_2021_2025.csv"}.items() <= next(
        i for i in manifest["inputs"] if i["path"].endswith("contrats_2021_2025.csv")
    ).items()
    assert not any(i["path"].startswith("/") for i in manifest["inputs"])  # never a server's absolute path
    for output in manifest["outputs"]:
        assert (latest / output).is_file()
    text = (latest / "fiches" / "aide-a-domicile.html").read_text(encoding="utf-8")
    assert "Aide à domicile" in text


def test_personal_data_never_reaches_marts_or_publication(workspace, first_run):
    with duckdb.connect(str(workspace["warehouse"]), read_only=True) as con:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where table_schema in ('staging', 'intermediate', 'marts')"
        ).fetchall()
    leaked = [c for c in columns if c[2] in ("date_naissance", "contact")]
    assert leaked == []
    published = " ".join(
        p.read_text(encoding="utf-8") for p in (workspace["publication"] / "latest").rglob("*.csv")
    )
    assert "date_naissance" not in published and "courriel" not in published
    with duckdb.connect(str(workspace["warehouse"]), read_only=True) as con:
        quarantined = con.execute("select _values::varchar from quarantine.uniformation_contrats").fetchall()
    # Quarantine keeps a refused row's values to help fix the file, never a date of birth.
    assert all(
        '"date_naissance"' not in v
        or '"date_naissance": "(personal data withheld)"' in v
        or '"date_naissance": ""' in v
        or '"date_naissance": null' in v
        for (v,) in quarantined
    )


def test_offers_whose_rome_code_maps_to_no_fiche_count_as_autre_never_dropped(workspace, first_run):
    with duckdb.connect(str(workspace["warehouse"]), read_only=True) as con:
        raw = con.execute("select count(*) from raw.francetravail_offres").fetchone()[0]
        by_fiche = dict(
            con.execute(
                "select fiche_id, count(*) from intermediate.int_offres__enrichies group by fiche_id"
            ).fetchall()
        )
        # ROME 4.0 codes reach their historical fiche through code_rome_parent (K1311 → K1302).
        through_parent = con.execute(
            "select count(*) from intermediate.int_offres__enrichies "
            "where code_rome = 'K1311' and fiche_id = 'aide-a-domicile'"
        ).fetchone()[0]
    assert sum(by_fiche.values()) == raw
    assert by_fiche["autre"] > 0 and None not in by_fiche
    assert through_parent > 0


def test_every_loaded_file_is_archived_with_its_hash_and_counts_reconcile(workspace, first_run):
    with duckdb.connect(str(workspace["warehouse"]), read_only=True) as con:
        ledger = con.execute(
            "select source, path, sha256, rows_read, rows_loaded, rows_quarantined, archived_path from ops.loaded_files"
        ).fetchall()
    sources = {row[0] for row in ledger}
    assert {"francetravail_offres", "uniformation_contrats", "uniformation_adherents"} <= sources
    for source, path, sha, read, loaded, quarantined, archived in ledger:
        assert read == loaded + quarantined, path
        assert archived and Path(archived).name.startswith(sha[:12]), path
        assert Path(archived).read_bytes() == Path(path).read_bytes()
        assert Path(archived).is_relative_to(workspace["root"] / "data" / "archive" / source)


def test_a_second_run_loads_no_row_twice_and_republishes_the_same_csv_bytes(workspace, first_run):
    before = counts(workspace["warehouse"])
    first_edition = (workspace["publication"] / "latest").resolve()
    with duckdb.connect(str(workspace["warehouse"]), read_only=True) as con:
        ledger_before = con.execute("select count(*) from ops.loaded_files").fetchone()[0]
    result = run_everything()
    assert result.success
    assert counts(workspace["warehouse"]) == before
    second_edition = (workspace["publication"] / "latest").resolve()
    csvs = sorted(p.relative_to(first_edition) for p in first_edition.rglob("*.csv"))
    assert csvs and csvs == sorted(p.relative_to(second_edition) for p in second_edition.rglob("*.csv"))
    for path in csvs:
        assert (second_edition / path).read_bytes() == (first_edition / path).read_bytes(), path
    with duckdb.connect(str(workspace["warehouse"]), read_only=True) as con:
        assert con.execute("select count(*) from ops.loaded_files").fetchone()[0] == ledger_before
        duplicated = con.execute(
            "select count(*) from (select id from raw.francetravail_offres group by id having count(*) > 1)"
        ).fetchone()[0]
    assert duplicated == 0


def test_a_failing_blocking_check_keeps_latest_on_the_previous_edition(workspace, first_run):
    previous = (workspace["publication"] / "latest").resolve().name
    # An extract whose communes the referential does not know (an outdated commune list): the offers load,
    # but the fiches' zone d'emploi breakdown becomes unreliable and the quality suite must stop publication.
    template = json.loads(
        next((SAMPLE_LANDING_DIR / "francetravail").glob("*.ndjson"))
        .read_text(encoding="utf-8")
        .splitlines()[0]
    )
    fiche_codes = [
        "K1302",
        "K1304",
        "G1202",
        "K1201",
        "K1801",
        "M1203",
        "J1303",
        "K2501",
        "K1305",
        "K1903",
        "M1502",
    ]
    with (workspace["landing"] / "francetravail" / "offres_communes_inconnues.ndjson").open("w") as handle:
        n = 0
        for month in range(1, 13):
            for year in (2024, 2025):
                for code in fiche_codes:
                    for dep in ("44", "49", "53", "72", "85"):
                        n += 1
                        offer = dict(template)
                        offer["id"] = f"ZZ{n:05d}"
                        offer["romeCode"] = code
                        offer["dateCreation"] = offer["dateActualisation"] = (
                            f"{year}-{month:02d}-15T10:00:00.000Z"
                        )
                        offer["lieuTravail"] = {
                            "libelle": f"{dep} - Commune nouvelle",
                            "commune": f"{dep}999",
                        }
                        handle.write(json.dumps(offer) + "\n")

    result = run_everything()

    assert not result.success
    assert "gx_fiche_offres_mensuel" in failed_checks(result)
    assert (workspace["publication"] / "latest").resolve().name == previous
    editions = sorted(p.name for p in (workspace["publication"] / "editions").iterdir())
    assert not any(name.startswith(".tmp") for name in editions)
