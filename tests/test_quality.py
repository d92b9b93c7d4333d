"""great-expectations suites of the marts, run by orchestration.lib.quality on real DuckDB files."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.quality import (
    QualityError,
    SuiteOutcome,
    load_suite,
    suite_names,
    validate_table,
)

EXPECTATIONS_DIR = Path(__file__).resolve().parents[1] / "expectations"

MARTS = [
    "fiche_offres_mensuel",
    "portrait_chiffres_cles",
    "portrait_contrats_par_age",
    "portrait_contrats_par_branche",
    "portrait_contrats_par_niveau",
    "portrait_contrats_par_certification",
]

FICHES = [
    "animation-socioculturelle",
    "aide-a-domicile",
    "intervention-sociale-familiale",
    "accompagnement-medico-social",
    "action-sociale",
    "insertion-professionnelle",
    "droit-protection-sociale",
    "assistance-dentaire",
    "ressources-humaines",
    "comptabilite",
    "gardien-immeuble",
]

# Healthy marts shaped like the dbt models (same columns and types), sized like the embedded sample.
HEALTHY_MARTS_SQL = f"""
create schema marts;

create table marts.portrait_chiffres_cles as
select
    y as annee,
    9::bigint as nb_branches,
    (1600 + (y - 2021) * 50)::bigint as nb_adherents,
    (1100 + (y - 2021) * 30)::bigint as nb_adherents_moins_11_etp,
    (1100 + (y - 2021) * 30) / (1600 + (y - 2021) * 50) as part_adherents_moins_11_etp,
    (21000 + y - 2021)::hugeint as nb_salaries,
    (16800)::hugeint as nb_salariees_femmes,
    16800 / (21000 + y - 2021) as part_femmes,
    (110 + (y - 2021) * 5)::bigint as nb_contrats_pro,
    (40)::bigint as nb_contrats_pro_plus_30_ans,
    40 / (110 + (y - 2021) * 5) as part_contrats_pro_plus_30_ans,
    case when y > 2021 then 5 end::bigint as evolution_contrats_pro,
    case when y > 2021 then 50 end::bigint as evolution_adherents
from range(2021, 2026) as t(y);

create table marts.portrait_contrats_par_branche as
select
    y as annee,
    'B' || lpad(b::varchar, 2, '0') as code_branche,
    'Branche ' || b as libelle_branche,
    (30 - b)::bigint as nb_contrats,
    case when y > 2021 then (30 - b)::bigint end as nb_contrats_annee_precedente,
    case when y > 2021 then 0::bigint end as evolution,
    case when y > 2021 then 0.0 end as taux_evolution,
    b::bigint as rang
from range(2021, 2026) as t(y), range(1, 10) as u(b);

create table marts.portrait_contrats_par_age as
select y as annee, tranche_age, n::bigint as nb_contrats, n / sum(n) over (partition by y) as part_contrats
from range(2021, 2026) as t(y),
    (values ('moins de 26 ans', 50), ('26-30 ans', 25), ('31-45 ans', 30), ('46-50 ans', 6),
            ('51-55 ans', 4), ('plus de 55 ans', 3), ('inconnu', 2)) as a(tranche_age, n);

create table marts.portrait_contrats_par_niveau as
select y as annee, niveau_entree_groupe, n::bigint as nb_contrats, n / sum(n) over (partition by y) as part_contrats
from range(2021, 2026) as t(y),
    (values ('infra-bac', 30), ('bac', 40), ('bac+2', 25), ('bac+3 et plus', 20), ('inconnu', 5))
        as a(niveau_entree_groupe, n);

create table marts.portrait_contrats_par_certification as
select
    y as annee,
    'RNCP' || (34000 + r) as code_certification,
    'Certification ' || r as intitule_certification,
    'K1201, K1205' as codes_rome,
    '44028' as formacode,
    'Social' as domaine_formacode,
    (20 - r)::bigint as nb_contrats,
    (20 - r) / 155 as part_contrats,
    r::bigint as rang
from range(2021, 2026) as t(y), range(1, 11) as u(r);

create table marts.fiche_offres_mensuel as
with
fiches as (select unnest({FICHES!r}) as fiche_id),
months as (select range::date as mois from range(date '2024-01-01', date '2026-01-01', interval 1 month)),
territories as (
    select 'region' as niveau_territoire, '52' as code_territoire, null as libelle_territoire
    union all select 'departement', d, 'Département ' || d from unnest(['44', '49', '53', '72', '85']) as t(d)
    union all select 'zone_emploi', z, 'Zone ' || z
        from unnest(['5201', '5202', '5203', '5204', '5205', '5206', '5207', '5208']) as t(z)
)
select
    fiche_id,
    'Fiche ' || fiche_id as libelle_fiche,
    niveau_territoire,
    code_territoire,
    libelle_territoire,
    mois,
    10::bigint as nb_offres,
    6::bigint as nb_offres_secteur,
    12::bigint as nb_postes,
    5::bigint as nb_offres_cdi,
    0.5 as part_cdi,
    4::bigint as nb_offres_cdd,
    2::bigint as nb_offres_cdd_6_mois_plus,
    0.2 as part_cdd_6_mois_plus,
    1::bigint as nb_offres_interim,
    0.1 as part_interim,
    0::bigint as nb_offres_saisonnier,
    0::bigint as nb_offres_autres_contrats,
    7::bigint as nb_offres_temps_plein,
    0.7 as part_temps_plein,
    3::bigint as nb_offres_temps_partiel,
    0.3 as part_temps_partiel,
    1::bigint as nb_offres_alternance,
    0.1 as part_alternance,
    4::bigint as nb_offres_experience_exigee,
    0.4 as part_experience_exigee,
    8::bigint as nb_offres_salaire_renseigne,
    1950.0 as salaire_mensuel_median,
    6::bigint as nb_offres_eligibles_1e1f,
    7::bigint as nb_postes_eligibles_1e1f,
    2::bigint as nb_offres_eligibilite_inconnue
from fiches, months, territories
union all
-- a few offers whose commune is unknown to the referential: healthy, well under 2 % of rows
select 'comptabilite', 'Fiche comptabilite', 'zone_emploi', 'inconnu', null, date '2024-03-01',
    1, 1, 1, 1, 1.0, 0, 0, 0.0, 0, 0.0, 0, 0, 1, 1.0, 0, 0.0, 0, 0.0, 0, 0.0, 1, 2000.0, 1, 1, 0;
"""


def make_warehouse(path: Path, *defects: str) -> Path:
    con = duckdb.connect(str(path))
    try:
        con.execute(HEALTHY_MARTS_SQL)
        for sql in defects:
            con.execute(sql)
    finally:
        con.close()
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def healthy_warehouse(tmp_path_factory) -> Path:
    return make_warehouse(tmp_path_factory.mktemp("healthy") / "warehouse.duckdb")


def test_every_mart_has_a_suite_and_every_suite_loads():
    # the marts of issue 5 have suites too; they are validated on the real sample in tests/test_marts.py
    names = suite_names(EXPECTATIONS_DIR)
    assert set(MARTS) <= set(names)
    # the suites/ folder itself is accepted too
    assert suite_names(EXPECTATIONS_DIR / "suites") == names
    for name in names:
        suite = load_suite(EXPECTATIONS_DIR, name)
        assert suite.name == name
        assert len(suite.expectations) >= 5
        assert all(e.meta["why"].strip() for e in suite.expectations)


def test_suite_files_are_gx_serialisation(tmp_path):
    """What GX writes back for a loaded suite has the same types, kwargs keys and meta as the file."""
    for name in MARTS:
        on_disk = json.loads((EXPECTATIONS_DIR / "suites" / f"{name}.json").read_text(encoding="utf-8"))
        assert set(on_disk) <= {"name", "expectations", "meta", "notes", "id", "suite_parameters"}
        written = load_suite(EXPECTATIONS_DIR, name).to_json_dict()
        assert [e["type"] for e in written["expectations"]] == [e["type"] for e in on_disk["expectations"]]
        for mine, gx_own in zip(on_disk["expectations"], written["expectations"], strict=True):
            assert set(mine["kwargs"]) <= set(gx_own["kwargs"])
            assert gx_own["meta"] == mine["meta"]


@pytest.mark.parametrize("mart", MARTS)
def test_healthy_mart_passes(healthy_warehouse, mart):
    outcome = validate_table(healthy_warehouse, mart, mart, EXPECTATIONS_DIR)
    assert isinstance(outcome, SuiteOutcome)
    assert outcome.success, outcome.summary()
    assert outcome.failed == []
    assert outcome.evaluated == len(outcome.outcomes) == len(load_suite(EXPECTATIONS_DIR, mart).expectations)


# (mart, SQL that introduces a realistic defect, failing expectation, column, words of the detail)
DEFECTS = [
    pytest.param(
        "portrait_chiffres_cles",
        "update marts.portrait_chiffres_cles set nb_adherents = 42, nb_adherents_moins_11_etp = 30,"
        " part_adherents_moins_11_etp = 30 / 42 where annee = 2024",
        "expect_column_values_to_be_between",
        "nb_adherents",
        "1 of 5 rows outside [100, ∞)",
        id="chiffres_cles-truncated-adherents-extract",
    ),
    pytest.param(
        "portrait_chiffres_cles",
        "update marts.portrait_chiffres_cles set part_femmes = part_femmes * 100",
        "expect_column_values_to_be_between",
        "part_femmes",
        "5 of 5 rows outside [0, 1]",
        id="chiffres_cles-share-as-percentage",
    ),
    pytest.param(
        "portrait_chiffres_cles",
        "insert into marts.portrait_chiffres_cles select * from marts.portrait_chiffres_cles where annee = 2025",
        "expect_column_values_to_be_unique",
        "annee",
        "duplicated",
        id="chiffres_cles-duplicated-year",
    ),
    pytest.param(
        "portrait_contrats_par_branche",
        "update marts.portrait_contrats_par_branche set rang = 0 where code_branche = 'B09'",
        "expect_column_values_to_be_between",
        "rang",
        "5 of 45 rows outside [1, ∞)",
        id="par_branche-broken-rank",
    ),
    pytest.param(
        "portrait_contrats_par_branche",
        "insert into marts.portrait_contrats_par_branche select * from marts.portrait_contrats_par_branche"
        " where code_branche = 'B01'",
        "expect_compound_columns_to_be_unique",
        "annee, code_branche",
        "10 of 50 rows duplicated (e.g. (2021, B01), (2022, B01)",
        id="par_branche-branch-twice-in-referential",
    ),
    pytest.param(
        "portrait_contrats_par_age",
        "update marts.portrait_contrats_par_age set tranche_age = '18-25 ans' where tranche_age = 'moins de 26 ans'",
        "expect_column_values_to_be_in_set",
        "tranche_age",
        "'18-25 ans'",
        id="par_age-new-age-band",
    ),
    pytest.param(
        "portrait_contrats_par_niveau",
        "update marts.portrait_contrats_par_niveau set part_contrats = part_contrats * 100",
        "expect_column_values_to_be_between",
        "part_contrats",
        "outside [0, 1]",
        id="par_niveau-share-as-percentage",
    ),
    pytest.param(
        "portrait_contrats_par_certification",
        "update marts.portrait_contrats_par_certification set part_contrats = part_contrats * 100",
        "expect_column_values_to_be_between",
        "part_contrats",
        "outside [0, 1]",
        id="par_certification-share-as-percentage",
    ),
    pytest.param(
        "fiche_offres_mensuel",
        "update marts.fiche_offres_mensuel set code_territoire = 'inconnu', libelle_territoire = null"
        " where niveau_territoire = 'zone_emploi' and code_territoire = '5208' and fiche_id in"
        " ('aide-a-domicile', 'action-sociale', 'animation-socioculturelle', 'insertion-professionnelle')",
        "expect_column_values_to_not_be_in_set",
        "code_territoire",
        "97 of 3,697 rows in ['inconnu'] (e.g. 'inconnu'); 2.6 % where at most 2 % is allowed",
        id="fiche_offres-outdated-commune-referential",
    ),
    pytest.param(
        "fiche_offres_mensuel",
        "update marts.fiche_offres_mensuel set nb_offres_eligibilite_inconnue = 5"
        " where fiche_id = 'gardien-immeuble' and mois = date '2025-06-01'",
        "expect_table_row_count_to_equal",
        None,
        "14 rows where nb_offres_eligibles_1e1f + nb_offres_eligibilite_inconnue > nb_offres",
        id="fiche_offres-offer-counted-eligible-and-unknown",
    ),
    pytest.param(
        "fiche_offres_mensuel",
        "update marts.fiche_offres_mensuel set fiche_id = 'autre' where fiche_id = 'comptabilite'",
        "expect_column_values_to_be_in_set",
        "fiche_id",
        "'autre'",
        id="fiche_offres-unmapped-rome-leaks",
    ),
    pytest.param(
        "fiche_offres_mensuel",
        "update marts.fiche_offres_mensuel set mois = mois + interval 14 day where fiche_id = 'action-sociale'",
        "expect_table_row_count_to_equal",
        None,
        "where mois.dt.day != 1",
        id="fiche_offres-month-not-truncated",
    ),
]


@pytest.mark.parametrize(("mart", "defect", "expectation", "column", "detail"), DEFECTS)
def test_defect_fails_the_suite_and_names_expectation_and_column(
    tmp_path, mart, defect, expectation, column, detail
):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", defect)
    outcome = validate_table(warehouse, mart, mart, EXPECTATIONS_DIR)
    assert not outcome.success
    matching = [f for f in outcome.failed if f.expectation == expectation and f.column == column]
    assert matching, outcome.summary()
    assert any(detail in f.detail for f in matching), outcome.summary()
    assert all(f.why for f in matching)
    assert f"{expectation} ({column or 'table'})" in outcome.summary()


def test_missing_column_fails_with_its_name(tmp_path):
    warehouse = make_warehouse(
        tmp_path / "warehouse.duckdb",
        "alter table marts.portrait_contrats_par_age rename part_contrats to part",
    )
    outcome = validate_table(
        warehouse, "portrait_contrats_par_age", "portrait_contrats_par_age", EXPECTATIONS_DIR
    )
    assert not outcome.success
    failed = [f for f in outcome.failed if f.column == "part_contrats"]
    assert failed
    assert all('"part_contrats"' in f.detail and "does not exist" in f.detail for f in failed)


def test_empty_mart_fails_on_row_count(tmp_path):
    warehouse = make_warehouse(tmp_path / "warehouse.duckdb", "delete from marts.portrait_chiffres_cles")
    outcome = validate_table(warehouse, "portrait_chiffres_cles", "portrait_chiffres_cles", EXPECTATIONS_DIR)
    assert not outcome.success
    assert [f.expectation for f in outcome.failed] == ["expect_table_row_count_to_be_between"]
    assert outcome.failed[0].detail == "observed 0, expected within [1, 30]"


def test_warehouse_is_opened_read_only_and_left_untouched(healthy_warehouse, tmp_path, monkeypatch):
    before = (sha256(healthy_warehouse), healthy_warehouse.stat().st_mtime_ns)
    expectations_before = sorted((p.name, sha256(p)) for p in (EXPECTATIONS_DIR / "suites").glob("*"))
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    # another reader (a notebook, the publication) holds the file open at the same time
    other = duckdb.connect(str(healthy_warehouse), read_only=True)
    try:
        outcome = validate_table(
            healthy_warehouse, "fiche_offres_mensuel", "fiche_offres_mensuel", EXPECTATIONS_DIR
        )
        assert outcome.success
        assert other.execute("select count(*) from marts.fiche_offres_mensuel").fetchall()[0][0] > 3000
    finally:
        other.close()
    assert (sha256(healthy_warehouse), healthy_warehouse.stat().st_mtime_ns) == before
    assert sorted((p.name, sha256(p)) for p in (EXPECTATIONS_DIR / "suites").glob("*")) == expectations_before
    assert list(workdir.iterdir()) == []  # nothing written at run time (no gx/ folder)
    # the connection was closed: a writer can open the file right after
    duckdb.connect(str(healthy_warehouse)).close()


def test_missing_table_and_warehouse_are_named(tmp_path, healthy_warehouse):
    with pytest.raises(QualityError, match=r"table marts\.nope not found"):
        validate_table(healthy_warehouse, "nope", "portrait_chiffres_cles", EXPECTATIONS_DIR)
    with pytest.raises(QualityError, match="warehouse not found"):
        validate_table(
            tmp_path / "absent.duckdb", "portrait_chiffres_cles", "portrait_chiffres_cles", EXPECTATIONS_DIR
        )
    with pytest.raises(QualityError, match="not a table name"):
        validate_table(healthy_warehouse, "x; drop table y", "portrait_chiffres_cles", EXPECTATIONS_DIR)


def _project_with(tmp_path: Path, name: str, text: str) -> Path:
    project = tmp_path / "expectations"
    shutil.copytree(EXPECTATIONS_DIR / "suites", project / "suites")
    (project / "suites" / f"{name}.json").write_text(text, encoding="utf-8")
    return project


def test_adding_a_suite_is_adding_a_file(tmp_path, healthy_warehouse):
    suite = {
        "name": "portrait_chiffres_cles_extra",
        "expectations": [
            {
                "type": "expect_column_max_to_be_between",
                "kwargs": {"column": "nb_contrats_pro", "max_value": 100},
                "meta": {"why": "Made to fail: the sample has more than 100 contracts a year."},
            }
        ],
        "meta": {},
    }
    project = _project_with(tmp_path, suite["name"], json.dumps(suite, indent=2))
    assert "portrait_chiffres_cles_extra" in suite_names(project)
    outcome = validate_table(
        healthy_warehouse, "portrait_chiffres_cles", "portrait_chiffres_cles_extra", project
    )
    assert not outcome.success
    assert outcome.failed[0].column == "nb_contrats_pro"
    assert outcome.failed[0].detail == "observed 130, expected within (-∞, 100]"


def test_unknown_expectation_type_is_refused_at_load_time_with_file_and_line(tmp_path):
    text = json.dumps(
        {
            "name": "broken",
            "expectations": [
                {
                    "type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": "a"},
                    "meta": {"why": "x"},
                },
                {
                    "type": "expect_column_values_to_be_positive",
                    "kwargs": {"column": "a"},
                    "meta": {"why": "y"},
                },
            ],
        },
        indent=2,
    )
    project = _project_with(tmp_path, "broken", text)
    with pytest.raises(QualityError) as error:
        load_suite(project, "broken")
    message = str(error.value)
    line = text.splitlines().index('      "type": "expect_column_values_to_be_positive",') + 1
    assert f"broken.json:{line}:" in message
    assert "field 'type'" in message
    assert "expect_column_values_to_be_positive" in message


@pytest.mark.parametrize(
    ("suite", "expected"),
    [
        (
            {
                "name": "s",
                "expectations": [{"type": "expect_column_values_to_not_be_null", "kwargs": {"column": "a"}}],
            },
            "field 'meta.why'",
        ),
        (
            {
                "name": "s",
                "expectations": [
                    {
                        "type": "expect_column_values_to_be_between",
                        "kwargs": {"min_value": 0},
                        "meta": {"why": "x"},
                    }
                ],
            },
            "field 'kwargs'",
        ),
        ({"name": "other", "expectations": []}, "field 'name' is 'other', expected 's'"),
        ({"name": "s", "expectations": []}, "field 'expectations' must be a non-empty list"),
    ],
)
def test_malformed_suite_is_refused_naming_the_field(tmp_path, suite, expected):
    project = _project_with(tmp_path, "s", json.dumps(suite, indent=2))
    with pytest.raises(QualityError, match=r"s\.json:") as error:
        load_suite(project, "s")
    assert expected in str(error.value)


def test_invalid_json_names_line_and_column(tmp_path):
    project = _project_with(tmp_path, "s", '{\n  "name": "s",\n  "expectations": [,]\n}\n')
    with pytest.raises(QualityError, match=r"s\.json:3:\d+: invalid JSON"):
        load_suite(project, "s")


def test_one_validation_is_fast_once_gx_is_imported(tmp_path):
    # a production-sized fiche_offres_mensuel: 11 fiches × 24 months × 14 territories × 30 copies ≈ 110,000 rows
    warehouse = make_warehouse(
        tmp_path / "warehouse.duckdb",
        "create table marts.big as select f.* replace (mois + interval (2 * i) year as mois)"
        " from marts.fiche_offres_mensuel as f, range(30) as t(i)",
    )
    validate_table(warehouse, "portrait_chiffres_cles", "portrait_chiffres_cles", EXPECTATIONS_DIR)  # warm
    started = time.perf_counter()
    outcome = validate_table(warehouse, "big", "fiche_offres_mensuel", EXPECTATIONS_DIR)
    elapsed = time.perf_counter() - started
    print(f"validate_table on {outcome.evaluated} expectations, ~111,000 rows: {elapsed:.2f} s")
    assert outcome.success, outcome.summary()
    assert elapsed < 5  # target < 2 s; generous bound for a loaded CI machine


# ------------------------------------------------------------------ suites of the publication models


def _published_age_table(*rows):
    import pandas as pd

    columns = ["annee", "tranche_age", "nb_contrats", "part_contrats", "statut_contrats", "statut_total"]
    return pd.DataFrame(list(rows), columns=columns)


@pytest.fixture(scope="module")
def age_suite():
    from orchestration.lib.publication_spec import load_spec
    from orchestration.lib.quality import build_suite, publication_suite_config

    spec = load_spec(Path(__file__).resolve().parents[1] / "dbt_project" / "target" / "manifest.json")
    return build_suite(publication_suite_config(spec.table("portrait_contrats_par_age"), 5, 3))


def test_a_published_table_that_keeps_the_secret_passes_its_suite(age_suite):
    from orchestration.lib.quality import validate_dataframe

    healthy = _published_age_table(
        (2022, "moins de 26 ans", 28, 0.23, "publie", "publie"),
        (2022, "46-50 ans", None, None, "secret", "publie"),
        (2022, "51-55 ans", None, None, "secret", "publie"),
        (2022, "inconnu", 0, 0.0, "publie", "publie"),
    )
    outcome = validate_dataframe(healthy, age_suite)
    assert outcome.success, outcome.summary()


@pytest.mark.parametrize(
    ("row", "expectation", "column"),
    [
        (
            (2022, "51-55 ans", 2, 2 / 120, "publie", "publie"),
            "expect_column_values_to_not_be_in_set",
            "nb_contrats",
        ),
        ((2022, "51-55 ans", 7, 7 / 120, "secret", "publie"), "expect_table_row_count_to_equal", None),
        (
            (2022, "51-55 ans", None, None, "secret_primaire", "publie"),
            "expect_column_values_to_be_in_set",
            "statut_contrats",
        ),
    ],
    ids=["small-count-published", "hidden-value-left-in", "status-tells-primary"],
)
def test_a_published_table_that_breaks_the_secret_fails_its_suite(age_suite, row, expectation, column):
    from orchestration.lib.quality import validate_dataframe

    outcome = validate_dataframe(
        _published_age_table((2022, "moins de 26 ans", 28, 0.23, "publie", "publie"), row), age_suite
    )
    assert not outcome.success
    assert any(f.expectation == expectation and f.column == column and f.why for f in outcome.failed), (
        outcome.summary()
    )
