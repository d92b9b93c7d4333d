"""The whole pipeline on the embedded sample, on a temporary data folder: real DuckDB file, real dbt,
real great-expectations, real publication. Three runs share one folder (they take a minute each)."""

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import duckdb
import openpyxl
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
    latest = workspace["edition"]  # the first run's edition
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
    published = [
        r for (y, _), r in branches.items() if y == "2022" and r["rang"]
    ]  # a secret branch has no rank
    top = sorted(published, key=lambda r: int(r["rang"]))[:3]
    assert [
        (r["libelle_branche"], int(r["nb_contrats"]), int(r["nb_contrats_annee_precedente"])) for r in top
    ] == [
        ("Mutualité", 25, 17),
        ("Aide à domicile", 16, 15),
        ("ECLAT", 13, 18),
    ]


def test_the_edition_has_the_portrait_eleven_fiches_and_a_manifest(workspace, first_run):
    latest = workspace["edition"]  # the first run's edition
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


LOCK_FILE = b"\x06Camille" + b"\x00" * 47 + b"\x20\x00" * 50


def craft_landing(landing) -> dict:
    """What a year of deliveries drops next to the sample: a corrected export under the same name, Excel
    lock files and stray files, a workbook with one sheet per year, two DGEFP lists with organisations
    without SIRET, and files refused as a whole. Returns what the run must show."""
    uniformation = landing / "uniformation"
    contrats = uniformation / "contrats_2021_2025.csv"
    lines = contrats.read_text(encoding="utf-8-sig").splitlines()
    dropped = lines[-1].split(";")[0]
    implausible = [lines[-2].split(";") for _ in range(2)]
    implausible[0][0], implausible[0][3], implausible[0][4] = "CPRO-2031-99999", "01/09/2031", "31/08/2032"
    implausible[1][0], implausible[1][8] = "CPRO-2025-99998", "-12"  # negative headcount
    corrected = [*lines[:-1], *(";".join(row) for row in implausible)]
    contrats.write_text("\n".join(corrected) + "\n", encoding="utf-8-sig")

    (uniformation / "~$contrats_2021_2025.xlsx").write_bytes(LOCK_FILE)
    (uniformation / "notes.txt").write_text("export corrigé le 12/01\n", encoding="utf-8")
    (landing / "agrements" / "~$agrements_region_2025.xlsx").write_bytes(LOCK_FILE)
    (landing / "agrements" / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 60)
    (landing / "organismes" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")

    adherents = list(
        csv.reader((uniformation / "adherents_2021_2025.csv").open(encoding="cp1252"), delimiter=";")
    )
    book = openpyxl.Workbook()
    book.active.title = "Lisez-moi"
    book.active.append(["Adhérents par année, extraction Uniformation"])
    years = sorted({row[0] for row in adherents[1:]})
    for year in years:
        sheet = book.create_sheet(year)
        for row in [adherents[0], *[r for r in adherents[1:] if r[0] == year][:3]]:
            sheet.append(row)
    book.save(uniformation / "adherents_par_annee.xlsx")

    of_lines = (
        (landing / "organismes" / "liste_publique_of_extrait.csv").read_text(encoding="utf-8").splitlines()
    )
    in_region = [i for i, line in enumerate(of_lines) if line.split(";")[8].strip('"') == "52"][:10]
    without_siret = []
    for i in in_region[:3]:
        cells = of_lines[i].split(";")
        without_siret.append(cells[0].strip('"'))
        cells[4] = '""'
        of_lines[i] = ";".join(cells)
    for name in ("liste_publique_of_2026-01.csv", "liste_publique_of_2026-02.csv"):
        kept = [of_lines[0], *(of_lines[i] for i in in_region)]
        (landing / "organismes" / name).write_text("\n".join(kept) + "\n", encoding="utf-8")

    header = lines[0].lstrip("\ufeff").split(";")
    (uniformation / "contrats_2026_sans_numero.csv").write_text(
        ";".join(header[1:]) + "\n" + ";".join(lines[1].split(";")[1:]) + "\n", encoding="utf-8"
    )
    offers = craft_offers(landing / "francetravail")
    charts = openpyxl.Workbook()
    charts.active.title = "Synthèse"
    charts.active.append(["Organismes agréés", 62])
    charts.create_sheet("Graphique")
    charts.save(landing / "agrements" / "agrements_tableau_de_bord.xlsx")
    return {
        "dropped": dropped,
        "implausible": {"CPRO-2031-99999": "date_debut in the future", "CPRO-2025-99998": "negative number"},
        "years": years,
        "without_siret": without_siret,
        "refused": {
            "contrats_2026_sans_numero.csv": "missing required column 'num_contrat'",
            "agrements_tableau_de_bord.xlsx": "'Synthèse' (no recognisable header row)",
            "offres_export_sans_resultats.json": "not an offers file",
        },
        "offers": offers,
    }


def craft_offers(folder) -> dict:
    """An NDJSON delivery of offers holding the offers' failure modes next to a corrected offer, and a
    JSON export in a shape that is not the API's. Returns the offer that must win and the reasons."""
    known = json.loads((folder / "offres_2024-03.json").read_text(encoding="utf-8"))["resultats"][0]
    updated = {**known, "intitule": "Aide aux personnes âgées (offre modifiée)"}
    updated["dateActualisation"] = "2024-06-03T08:00:00.000Z"
    tomorrow = (date.today() + timedelta(days=1)).isoformat() + "T09:00:00.000Z"
    faulty = {
        "ANCIENNE1": ({"dateCreation": "2023-06-01T09:00:00.000Z"}, "before the first partition"),
        "DEMAIN1": ({"dateCreation": tomorrow}, "after the day of the load"),
        "NEGATIVE1": ({"nombrePostes": -3}, "nombrePostes: negative"),
    }
    records = [updated]
    for offer_id, (changes, _) in faulty.items():
        records.append({**known, "id": offer_id, **changes})
    records.append({**known, "id": {"numero": 12}})  # an id that is neither a string nor a number
    (folder / "offres_livraison_2026-01.ndjson").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8"
    )
    (folder / "offres_export_sans_resultats.json").write_text(
        json.dumps({"offres": [known]}, ensure_ascii=False), encoding="utf-8"
    )
    return {
        "updated": (known["id"], updated["intitule"]),
        "contact": known["contact"]["courriel"],
        "reasons": {offer_id: reason for offer_id, (_, reason) in faulty.items()}
        | {None: "id: neither a string nor an integer"},
    }


def test_a_second_run_over_a_year_of_awkward_deliveries_loads_nothing_twice_and_publishes(
    workspace, first_run, monkeypatch
):
    """One run over the crafted landing holds every failure mode of the spreadsheet sources at once."""
    before = counts(workspace["warehouse"])
    previous_edition = (workspace["publication"] / "latest").resolve().name
    with duckdb.connect(str(workspace["warehouse"]), read_only=True) as con:
        ledger_before = set(con.execute("select source, path, sha256 from ops.loaded_files").fetchall())
    crafted = craft_landing(workspace["landing"])
    monkeypatch.setenv("OBS_EDITION_PDF", "false")  # the first run's PDFs are read in test_pages

    result = run_everything()

    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert failed_checks(result) == []
    assert (workspace["publication"] / "latest").resolve().name != previous_edition
    # the new edition says what moved since the first one (the contract dropped in 2025) and what was refused
    second = (workspace["publication"] / "latest").resolve()
    changes = json.loads((second / "changements.json").read_text(encoding="utf-8"))
    assert changes["previous"] == previous_edition and not changes["identical"]
    moved = {(m["table"], m["row"], m["column"]): m for m in changes["moved"]}
    assert moved[("portrait_chiffres_cles", "2025", "nb_contrats_pro")]["difference"] == -1
    changes_page = (second / "changements.html").read_text(encoding="utf-8")
    assert previous_edition in changes_page and "Contrats de professionnalisation" in changes_page
    assert "portrait_contrats_par_branche" in changes_page  # the Mutualité's contracts moved too
    quality = json.loads((second / "qualite.json").read_text(encoding="utf-8"))
    assert {f["path"].split("/")[-1] for f in quality["refused_files"]} == set(crafted["refused"])
    assert quality["rows_quarantined"] >= len(crafted["implausible"])
    assert "contrats_2026_sans_numero.csv" in (second / "qualite.html").read_text(encoding="utf-8")
    refused_meta = " ".join(
        str(e.materialization.metadata["refused"].value)
        for e in result.get_asset_materialization_events()
        if "refused" in e.materialization.metadata
    )
    with duckdb.connect(str(workspace["warehouse"]), read_only=True) as con:
        q = lambda sql: con.execute(sql).fetchall()  # noqa: E731
        # nothing loaded twice: every file of the first run is still the one version loaded, but the
        # corrected export, which replaced its previous version
        ledger = {
            (s, p, h): r
            for s, p, h, *r in q("select source, path, sha256, replaced_by from ops.loaded_files")
        }
        replaced = {key for key in ledger_before if ledger[key][0] is not None}
        assert [p.split("/")[-1] for _, p, _ in replaced] == ["contrats_2021_2025.csv"]
        assert (
            counts(workspace["warehouse"])["raw.francetravail_offres"] == before["raw.francetravail_offres"]
        )
        assert q(
            "select count(*) from (select id from raw.francetravail_offres group by id having count(*) > 1)"
        ) == [(0,)]
        # read = loaded + quarantined for every file version; quarantine matched by sha256
        assert q(
            "select count(*) from ops.loaded_files where rows_read <> rows_loaded + rows_quarantined"
        ) == [(0,)]
        for source in (
            "uniformation_contrats",
            "uniformation_adherents",
            "region_agrements",
            "organismes_formation",
        ):
            mismatched = q(
                f"""
                select l.path from ops.loaded_files l
                left join (select _sha256, count(*) as n from quarantine.{source} group by all) qq
                    on qq._sha256 = l.sha256
                where l.source = '{source}'
                  and coalesce(qq.n, 0) <> case when l.replaced_by is null then l.rows_quarantined else 0 end
                """
            )
            assert mismatched == [], source
            assert q(
                f"select count(*) from raw.{source} where _sha256 not in "
                "(select sha256 from ops.loaded_files where replaced_by is null)"
            ) == [(0,)], source
        # the corrected export: the contract it dropped is gone, its implausible rows are in quarantine
        contracts = {n for (n,) in q("select num_contrat from raw.uniformation_contrats")}
        assert crafted["dropped"] not in contracts
        reasons = dict(q("select _values->>'num_contrat', _reason from quarantine.uniformation_contrats"))
        for number, reason in crafted["implausible"].items():
            assert number not in contracts and reason in reasons[number]
        assert all(
            "date_naissance" not in v
            for (v,) in q("select _values::varchar from quarantine.uniformation_contrats")
        )
        # one sheet per year, each loaded (and the same figures: the rows were already there)
        sheets = {
            s for (s,) in q("select distinct _sheet from raw.uniformation_adherents where _sheet is not null")
        }
        assert sheets == set(crafted["years"])
        assert (
            counts(workspace["warehouse"])["raw.uniformation_adherents"]
            == before["raw.uniformation_adherents"]
        )
        # organisations without SIRET on two successive lists: one row each
        assert q("select count(*) - count(distinct nda) from raw.organismes_formation") == [(0,)]
        no_siret = {n for (n,) in q("select nda from raw.organismes_formation where siret is null")}
        assert no_siret == set(crafted["without_siret"])
        # files refused as a whole: recorded once, with the reason, on the asset and in ops
        refused = {p.split("/")[-1]: r for p, r in q("select path, reason from ops.refused_files")}
        assert set(refused) == set(crafted["refused"])
        for name, reason in crafted["refused"].items():
            assert reason in refused[name] and name in refused_meta
        # offers: the latest dateActualisation wins; offers outside the partitions, with an id that is
        # not one or implausible, are quarantined with the field named and without their contact
        offer_id, title = crafted["offers"]["updated"]
        assert q(f"select intitule from raw.francetravail_offres where id = '{offer_id}'") == [(title,)]
        quarantined = q(
            "select _document, _reason from quarantine.francetravail_offres "
            "where _source_file like '%offres_livraison_2026-01.ndjson'"
        )
        for wanted_id, reason in crafted["offers"]["reasons"].items():
            assert any(
                reason in r and (wanted_id is None or wanted_id in (d or "")) for d, r in quarantined
            ), (wanted_id, quarantined)
        assert not any(crafted["offers"]["contact"] in (d or "") for d, _ in quarantined)
        assert q(
            "select rows_read, rows_loaded + rows_quarantined from ops.loaded_files "
            "where path like '%offres_livraison_2026-01.ndjson'"
        ) == [(5, 5)]
        # lock files and stray files were not even looked at
        assert not any("~$" in p or p.endswith((".txt", ".db", ".DS_Store")) for (_, p, _) in ledger)


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
