"""The secret statistique, end to end: what an edition publishes on a crafted landing built to break it, and
on the embedded sample. Every assertion reads the published CSV files (and their datapackage.json), as a
reuser would; the relations are re-derived here, independently of the algorithm that masked the cells."""

from __future__ import annotations

import csv
import json
import shutil
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from conftest import failed_checks

from orchestration.lib.codes import luhn_complete
from orchestration.settings import SAMPLE_LANDING_DIR

pytestmark = pytest.mark.e2e

MIN_PEOPLE, MIN_EMPLOYERS = 5, 3
YEAR = 2024


def luhn_siret(n: int) -> str:
    """A 14-digit SIRET that passes the Luhn checksum (fictitious)."""
    return luhn_complete(f"{n:013d}")


CONTRACT_HEADER = (
    "num_contrat;annee_engagement;date_engagement;date_debut;date_fin;siret_employeur;branche;code_naf;"
    "effectif_entreprise;departement_etablissement;sexe;date_naissance;niveau_entree;diplome_prepare;code_rncp;"
    "code_rome;formacode;siret_organisme_formation;duree_hebdo;heures_formation"
)
ADHERENT_HEADER = (
    "annee;siret;raison_sociale;branche;code_naf;departement;effectif_etp;salaries_physiques;dont_femmes"
)
COMMUNES = {"44": "44109", "49": "49007", "53": "53130", "72": "72181", "85": "85191"}


def crafted_landing(root: Path) -> Path:
    """A landing made to break the secret: a département with 3 contracts, a branch whose contracts come from
    one employer and one where an employer weighs 90 %, 3 men among 76 contracts (a total with a single small
    part), and a département with 2 member employers (the denominator of its hiring-pressure rate)."""
    landing = root / "landing"
    for folder in ("uniformation", "francetravail"):
        (landing / folder).mkdir(parents=True)
    shutil.copytree(SAMPLE_LANDING_DIR / "agrements", landing / "agrements")
    shutil.copytree(SAMPLE_LANDING_DIR / "organismes", landing / "organismes")

    employers: dict[str, list[str]] = defaultdict(list)
    adherents = [ADHERENT_HEADER]
    sizes = {
        "44": (80, 20),
        "49": (30, 15),
        "53": (2, 40),
        "72": (10, 12),
        "85": (8, 10),
    }  # over 100: a real extract
    n = 1000
    for year in (YEAR - 1, YEAR):
        for dep, (count, staff) in sizes.items():
            for i in range(count):
                n += 1
                siret = luhn_siret(30000000000 + int(dep) * 1000 + i)
                if year == YEAR:
                    employers[dep].append(siret)
                adherents.append(
                    f"{year};{siret};Association {dep}-{i};Aide à domicile;88.10A;{dep};{staff - 1},5;{staff};{staff - 2}"
                )
    contracts = [CONTRACT_HEADER]
    plan = (
        # (département, branch, contracts, distinct employers, one employer makes all but one per other)
        ("44", "Mutualité", 10, 5, False),
        ("44", "Aide à domicile", 10, 5, False),
        ("49", "ALISFA", 6, 3, False),
        ("49", "ECLAT", 6, 3, False),
        ("53", "Aide à domicile", 3, 2, False),  # a few contracts in one département
        ("72", "Habitat jeunes", 20, 3, True),  # one employer weighs 18 of 20 (dominance)
        ("72", "Aide à domicile", 4, 2, False),
        ("85", "Aide à domicile", 11, 4, False),
        ("85", "Tourisme social", 6, 1, False),  # one employer makes all of a branch's contracts
    )
    number = 0
    for year in (YEAR - 1, YEAR):
        for dep, branch, count, distinct, skewed in plan:
            for i in range(count):
                number += 1
                rank = max(0, i - (count - distinct)) if skewed else i % distinct
                employer = employers[dep][rank]
                # 3 men in the year (a single small part of the sexes), everybody else a woman
                sex = "M" if year == YEAR and number % 28 == 0 else "F"
                age_year = 1990 - (i % 25)
                contracts.append(
                    f"CPRO-{year}-{number:05d};{year};10/03/{year};15/03/{year};14/03/{year + 1};{employer};{branch};"
                    f"88.10A;15;{dep};{sex};01/06/{age_year};Niveau 3 (CAP, BEP);DEAES;RNCP36004;K1302;42811;"
                    f"{luhn_siret(77012124200)};35,00;400,00"
                )
    (landing / "uniformation" / "adherents_crafted.csv").write_text(
        "\n".join(adherents) + "\n", encoding="utf-8"
    )
    (landing / "uniformation" / "contrats_crafted.csv").write_text(
        "\n".join(contracts) + "\n", encoding="utf-8"
    )

    template = json.loads(
        (SAMPLE_LANDING_DIR / "francetravail" / "offres_2025-08.ndjson").read_text().splitlines()[0]
    )
    with (landing / "francetravail" / "offres_crafted.ndjson").open("w", encoding="utf-8") as handle:
        k = 0
        for year in (YEAR - 1, YEAR):
            for dep, commune in COMMUNES.items():
                for i in range(12):
                    k += 1
                    offer = dict(template)
                    offer.update(
                        id=f"CRAFT{k:04d}",
                        romeCode="K1302",
                        codeNAF="88.10A" if i % 3 else "87.10A",
                        dateCreation=f"{year}-{1 + i % 12:02d}-10T09:00:00.000Z",
                        dateActualisation=f"{year}-{1 + i % 12:02d}-10T09:00:00.000Z",
                        lieuTravail={"libelle": f"{dep} - Commune", "commune": commune},
                    )
                    handle.write(json.dumps(offer) + "\n")
    return landing


def read_csv(folder: Path, name: str) -> list[dict]:
    with (folder / "donnees" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def number(value: str) -> float | None:
    return float(value) if value != "" else None


# ------------------------------------------------------------------ independent checks of an edition


def small_published_counts(edition: Path) -> list[str]:
    """Published counts of people or employers under the thresholds (datapackage.json says which columns)."""
    package = json.loads((edition / "datapackage.json").read_text(encoding="utf-8"))
    problems = []
    for resource in package["resources"]:
        rows = list(csv.DictReader((edition / resource["path"]).open(encoding="utf-8", newline="")))
        for field in resource["schema"]["fields"]:
            unit = field.get("unit", "")
            threshold = MIN_EMPLOYERS if unit == "employeurs" else MIN_PEOPLE
            if field["type"] != "integer" or unit not in ("contrats", "salariés", "salariées", "employeurs"):
                continue
            if field["name"].startswith(("evolution", "rang")):
                continue
            for row in rows:
                value = number(row[field["name"]])
                if value is not None and 0 < value < threshold:
                    problems.append(f"{resource['path']}: {field['name']} = {row[field['name']]}")
    return problems


def hidden_values_left_in(edition: Path) -> list[str]:
    """Values published although a status column that hides them says secret."""
    package = json.loads((edition / "datapackage.json").read_text(encoding="utf-8"))
    problems = []
    for resource in package["resources"]:
        rows = list(csv.DictReader((edition / resource["path"]).open(encoding="utf-8", newline="")))
        for field in resource["schema"]["fields"]:
            for row in rows:
                if row[field["name"]] != "" and any(row[s] == "secret" for s in field.get("masked_by", [])):
                    problems.append(f"{resource['path']}: {field['name']} = {row[field['name']]}")
    return problems


def recoverable_cells(edition: Path) -> list[str]:
    """Hidden cells a reader could recompute, or bound under the threshold, from a published total and its
    published parts: the additive relations between the tables, written out here independently."""
    key_figures = {row["annee"]: row for row in read_csv(edition, "portrait_chiffres_cles")}
    relations: list[tuple[str, float | None, list[float | None]]] = []

    def add(label, total, parts):
        relations.append((label, total, parts))

    def by_year(rows, column):
        grouped = defaultdict(list)
        for row in rows:
            grouped[row["annee"]].append(number(row[column]))
        return grouped

    departements = read_csv(edition, "portrait_par_departement")
    for column, total_column in (
        ("nb_contrats", "nb_contrats_pro"),
        ("nb_salaries", "nb_salaries"),
        ("nb_adherents", "nb_adherents"),
    ):
        for year, parts in by_year(departements, column).items():
            add(f"départements → région ({column} {year})", number(key_figures[year][total_column]), parts)
    for table in (
        "portrait_contrats_par_branche",
        "portrait_contrats_par_age",
        "portrait_contrats_par_sexe",
        "portrait_contrats_par_taille",
        "portrait_contrats_par_niveau",
        "portrait_contrats_par_certification",
    ):
        for year, parts in by_year(read_csv(edition, table), "nb_contrats").items():
            add(
                f"{table} → contrats de l'année ({year})", number(key_figures[year]["nb_contrats_pro"]), parts
            )
    over_30 = defaultdict(list)
    for row in read_csv(edition, "portrait_contrats_par_age"):
        if row["tranche_age"] in ("31-45 ans", "46-50 ans", "51-55 ans", "plus de 55 ans"):
            over_30[row["annee"]].append(number(row["nb_contrats"]))
    for year, parts in over_30.items():
        add(
            f"tranches → plus de 30 ans ({year})",
            number(key_figures[year]["nb_contrats_pro_plus_30_ans"]),
            parts,
        )
    for table, column in (
        ("fiche_contrats_pro", "nb_contrats"),
        ("fiche_pression_recrutement", "nb_salaries_secteur"),
    ):
        rows = read_csv(edition, table)
        totals = {
            (r["fiche_id"], r["annee"]): number(r[column]) for r in rows if r["niveau_territoire"] == "region"
        }
        parts = defaultdict(list)
        for r in rows:
            if r["niveau_territoire"] == "departement":
                parts[(r["fiche_id"], r["annee"])].append(number(r[column]))
        for key, values in parts.items():
            add(f"{table}: départements → région {key}", totals.get(key), values)

    problems = []
    for label, total, parts in relations:
        hidden = [p for p in parts if p is None]
        if total is None or not hidden:
            continue
        remainder = total - sum(p for p in parts if p is not None)
        if len(hidden) == 1:
            problems.append(f"{label}: the hidden cell is {remainder:g}")
        elif remainder < MIN_PEOPLE and "nb_adherents" not in label:
            problems.append(f"{label}: the {len(hidden)} hidden cells add up to {remainder:g}")
    return problems


# ------------------------------------------------------------------ the crafted landing


@pytest.fixture(scope="module")
def crafted(crafted_run):
    return crafted_run


def test_the_crafted_landing_publishes_through_every_blocking_check(crafted):
    result = crafted["result"]
    assert result.success, [e.message for e in result.all_events if e.is_failure]
    assert failed_checks(result) == []
    manifest = json.loads((crafted["edition"] / "manifest.json").read_text(encoding="utf-8"))
    names = {c["name"] for c in manifest["checks"]}
    # the blocking checks of the secret: a GX suite per publication model, dbt tests on the audit models
    assert {"gx_pub_portrait_par_departement", "gx_pub_fiche_pression_recrutement"} <= names
    assert {"assert_secret_relations_protect_every_hidden_cell", "assert_secret_relations_add_up"} <= names
    assert manifest["secret_statistique"]["cellules_masquees"]["portrait_par_departement"] > 0


def test_no_small_count_and_no_figure_on_a_hidden_population_is_published(crafted):
    edition = crafted["edition"]
    assert small_published_counts(edition) == []
    assert hidden_values_left_in(edition) == []


def test_no_hidden_cell_can_be_recomputed_through_a_relation(crafted):
    assert recoverable_cells(crafted["edition"]) == []


def test_each_crafted_trap_is_hidden_with_what_would_give_it_back(crafted):
    edition = crafted["edition"]
    year = str(YEAR)
    departements = {
        r["code_departement"]: r for r in read_csv(edition, "portrait_par_departement") if r["annee"] == year
    }
    # 3 contracts in Mayenne: hidden, and another département with them (the région's total is published)
    assert departements["53"]["nb_contrats"] == "" and departements["53"]["statut_contrats"] == "secret"
    assert sum(r["statut_contrats"] == "secret" for r in departements.values()) >= 2
    key = next(r for r in read_csv(edition, "portrait_chiffres_cles") if r["annee"] == year)
    assert key["nb_contrats_pro"] == "76"
    # 2 member employers in Mayenne: their employees and the rate they are the denominator of are hidden
    assert departements["53"]["nb_salaries"] == "" and departements["53"]["nb_adherents"] == ""
    pressure = next(
        r
        for r in read_csv(edition, "fiche_pression_recrutement")
        if r["fiche_id"] == "aide-a-domicile" and r["annee"] == year and r["code_territoire"] == "53"
    )
    assert pressure["nb_salaries_secteur"] == "" and pressure["offres_secteur_pour_1000_salaries"] == ""
    assert pressure["nb_offres_secteur"] != ""  # offers are public announcements: never masked
    # one employer in Tourisme social, one weighing 90 % in Habitat jeunes: both hidden
    branches = {
        r["code_branche"]: r for r in read_csv(edition, "portrait_contrats_par_branche") if r["annee"] == year
    }
    assert (
        branches["HABITAT_JEUNES"]["nb_contrats"] == "" and branches["TOURISME_SOCIAL"]["nb_contrats"] == ""
    )
    # 3 men: hidden, and the women too (they would give the men back), the total stays
    sexes = {r["sexe"]: r for r in read_csv(edition, "portrait_contrats_par_sexe") if r["annee"] == year}
    assert sexes["homme"]["nb_contrats"] == "" and sexes["femme"]["nb_contrats"] == ""
    # the audit keeps what decided it
    with duckdb.connect(str(crafted["warehouse"]), read_only=True) as con:
        reasons = dict(
            con.execute(
                "select cellule_id, motif_secret_primaire from audit.audit_secret__cellules "
                "where cellule_id like ?",
                [f"%|annee={year}|%"],
            ).fetchall()
        )
    assert reasons[f"contrats|annee={year}|code_branche=HABITAT_JEUNES"] == "un employeur pèse 85 % ou plus"
    assert reasons[f"contrats|annee={year}|code_branche=TOURISME_SOCIAL"] == "moins de 3 employeurs"
    assert reasons[f"contrats|annee={year}|sexe=homme"] == "moins de 5 personnes"
    assert reasons[f"adherents|annee={year}|code_departement=53"] == "moins de 3 employeurs"
    assert reasons[f"contrats|annee={year}|code_departement=53"] == "moins de 5 personnes"


def test_pages_show_s_where_the_csv_is_empty(crafted):
    page = (crafted["edition"] / "portrait-cohesion-sociale.html").read_text(encoding="utf-8")
    assert '<abbr title="secret statistique">s</abbr>' in page
    assert "Secret statistique" in page


# ------------------------------------------------------------------ the embedded sample


@pytest.fixture(scope="module")
def sample_edition(sample_run):
    return sample_run["edition"]


def test_the_sample_edition_keeps_the_secret(sample_edition):
    assert small_published_counts(sample_edition) == []
    assert hidden_values_left_in(sample_edition) == []
    assert recoverable_cells(sample_edition) == []


def test_the_sample_edition_csvs_validate_against_their_datapackage(sample_edition):
    from frictionless import validate

    report = validate(str(sample_edition / "datapackage.json"))
    assert report.valid, report.flatten(["resourcePath", "rowNumber", "fieldName", "type", "note"])[:10]
    package = json.loads((sample_edition / "datapackage.json").read_text(encoding="utf-8"))
    assert {r["path"] for r in package["resources"]} == {
        p.relative_to(sample_edition).as_posix() for p in (sample_edition / "donnees").glob("*.csv")
    }


def test_every_published_rate_has_its_numerator_and_denominator_on_the_same_scope(sample_edition):
    rows = read_csv(sample_edition, "fiche_pression_recrutement")
    checked = 0
    for row in rows:
        rate, offers, employees = (
            number(row[c])
            for c in ("offres_secteur_pour_1000_salaries", "nb_offres_secteur", "nb_salaries_secteur")
        )
        if rate is None:
            continue
        assert employees and rate == pytest.approx(offers * 1000 / employees, abs=0.01)
        checked += 1
    assert checked > 50
    package = json.loads((sample_edition / "datapackage.json").read_text(encoding="utf-8"))
    fields = {
        f["name"]: f
        for r in package["resources"]
        if r["path"].endswith("fiche_pression_recrutement.csv")
        for f in r["schema"]["fields"]
    }
    assert "nb_offres_secteur" in fields["offres_secteur_pour_1000_salaries"]["description"]
    assert "nb_salaries_secteur" in fields["offres_secteur_pour_1000_salaries"]["description"]


def test_the_renderer_reads_the_publication_models_and_nothing_else(sample_run, sample_edition, tmp_path):
    """An edition built from a DuckDB file that holds the publication schema only has the same CSV bytes."""
    from orchestration.lib.editorial import build_content
    from orchestration.lib.open_data import read_publication
    from orchestration.lib.publication import write_edition
    from orchestration.lib.publication_spec import load_spec

    spec = load_spec(Path(__file__).resolve().parents[1] / "dbt_project" / "target" / "manifest.json")
    isolated = tmp_path / "publication_only.duckdb"
    with duckdb.connect(str(isolated)) as con:
        con.execute(f"attach '{sample_run['snapshot']}' as w (read_only)")
        con.execute("create schema publication")
        for table in spec.tables:
            con.execute(
                f"create table publication.{table.model} as select * from w.publication.{table.model}"
            )
        con.execute("detach w")
        assert {
            r[0]
            for r in con.execute("select distinct schema_name from information_schema.schemata").fetchall()
        } <= {"main", "publication", "information_schema", "pg_catalog"}
        tables = read_publication(con, spec)
    content = build_content(
        tables,
        region="52",
        inputs=[],
        checks=[],
        code_version="test",
        secrecy={"min_people": 5, "min_employers": 3, "dominance": 0.85},
    )
    folder = write_edition(
        tmp_path / "publication",
        content,
        edition_id="20260101T000000",
        generated_at=datetime.now(UTC),
        pdf=False,
    )
    for path in (sample_edition / "donnees").glob("*.csv"):
        assert (folder / "donnees" / path.name).read_bytes() == path.read_bytes(), path.name
