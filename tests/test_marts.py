"""The observation marts on the embedded sample: one real run (ingestion, dbt build with its tests and unit
tests, GX checks; no publication) on a temporary warehouse, then what a reader of the marts would check."""

import duckdb
import pytest

FICHES = 11


@pytest.fixture(scope="module")
def warehouse(sample_run):
    """The warehouse as the shared first run left it (every dbt test, unit test and GX check passed)."""
    return sample_run["snapshot"]


@pytest.fixture(scope="module")
def con(warehouse):
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        yield connection


def one(con, sql, params=()):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_the_portrait_reproduces_the_2022_key_figures(con):
    branches, members, small, employees, women, contracts, over30, change = one(
        con,
        "select nb_branches, nb_adherents, part_adherents_moins_11_etp, nb_salaries, part_femmes, "
        "nb_contrats_pro, part_contrats_pro_plus_30_ans, evolution_contrats_pro "
        "from marts.portrait_chiffres_cles where annee = 2022",
    )
    assert (branches, members, employees, contracts) == (18, 1703, 48276, 120)
    assert (round(small * 100), round(women * 100), round(over30 * 100)) == (68, 76, 61)
    assert (
        change
        == 120 - one(con, "select nb_contrats_pro from marts.portrait_chiffres_cles where annee = 2021")[0]
    )
    top = con.execute(
        "select libelle_branche, nb_contrats, nb_contrats_annee_precedente from marts.portrait_contrats_par_branche "
        "where annee = 2022 order by rang, code_branche limit 3"
    ).fetchall()
    assert top == [("Mutualité", 25, 17), ("Aide à domicile", 16, 15), ("ECLAT", 13, 18)]


def test_every_contract_breakdown_adds_up_to_the_120_contracts_of_2022(con):
    for mart in ("age", "niveau", "sexe", "taille", "certification", "departement", "branche"):
        total = one(
            con, f"select sum(nb_contrats) from marts.portrait_contrats_par_{mart} where annee = 2022"
        )[0]
        assert total == 120, mart
    members, employees = one(
        con,
        "select sum(nb_adherents), sum(nb_salaries) from marts.portrait_contrats_par_departement where annee = 2022",
    )
    assert (members, employees) == (1703, 48276)


def test_the_eleven_fiches_have_offers_by_region_departement_and_zone(con):
    rows = con.execute(
        "select niveau_territoire, count(distinct fiche_id) from marts.fiche_offres_annuel group by all order by 1"
    ).fetchall()
    assert rows == [("departement", FICHES), ("region", FICHES), ("zone_emploi", FICHES)]
    # the monthly mart sums to the yearly one
    monthly, yearly = one(
        con,
        "select (select sum(nb_offres) from marts.fiche_offres_mensuel where niveau_territoire = 'region'), "
        "(select sum(nb_offres) from marts.fiche_offres_annuel where niveau_territoire = 'region')",
    )
    assert monthly == yearly > 0
    # the sector's offers are the fiches' offers together
    sector = one(
        con, "select sum(nb_offres) from marts.portrait_offres_annuel where niveau_territoire = 'region'"
    )[0]
    assert sector == yearly


def test_offer_indicators_carry_their_numerator_and_denominator(con):
    bad = one(
        con,
        """
        select count(*) from marts.fiche_offres_annuel
        where abs(part_cdi - nb_offres_cdi / nb_offres) > 1e-9
           or nb_offres_cdd_6_mois_plus > nb_offres_cdd
           or nb_offres_cdi + nb_offres_cdd + nb_offres_interim + nb_offres_saisonnier
              + nb_offres_autres_contrats <> nb_offres
           or (nb_offres_salaire_renseigne = 0) <> (salaire_mensuel_median is null)
        """,
    )[0]
    assert bad == 0
    salary = one(
        con,
        "select salaire_mensuel_median from marts.fiche_offres_annuel "
        "where fiche_id = 'aide-a-domicile' and niveau_territoire = 'region' order by annee desc limit 1",
    )[0]
    assert 1500 < salary < 3000  # a monthly salary in euros, not an hourly rate nor a yearly one


def test_hiring_pressure_divides_the_sector_s_offers_by_the_sector_s_employees(con):
    offers, sector_offers, employees, ratio, previous, change = one(
        con,
        "select nb_offres, nb_offres_secteur, nb_salaries_secteur, offres_secteur_pour_1000_salaries, "
        "offres_secteur_pour_1000_salaries_annee_precedente, evolution_offres_secteur_pour_1000_salaries "
        "from marts.fiche_pression_recrutement "
        "where fiche_id = 'aide-a-domicile' and niveau_territoire = 'region' and annee = 2025",
    )
    # the numerator: offers whose employer's NAF code is one of the member employers' (the naf_secteur seed)
    by_naf = one(
        con,
        "select count(*) from intermediate.int_offres__enrichies o "
        "join staging.stg_referentiels__naf_secteur n on n.code_naf = o.code_naf "
        "where o.est_dans_region and o.fiche_id = 'aide-a-domicile' and o.annee_creation = 2025",
    )[0]
    # the denominator: every member employer of the sector in the région
    members = one(
        con,
        "select sum(salaries_physiques) from staging.stg_uniformation__adherents a "
        "join staging.stg_referentiels__departements d using (code_departement) "
        "where d.code_region = '52' and a.annee = 2025",
    )[0]
    assert sector_offers == by_naf and 0 < sector_offers < offers
    assert employees == members
    assert ratio == pytest.approx(sector_offers * 1000 / employees, abs=0.01)
    assert change == pytest.approx(ratio - previous, abs=0.02)  # three figures, each rounded to 0.01


def test_needs_against_supply_split_every_eligible_intention(con):
    eligible, covered, gaps = one(
        con,
        "select sum(nb_intentions_eligibles), sum(nb_intentions_avec_organisme), "
        "sum(nb_intentions_sans_organisme) from intermediate.int_emploi_formation__mensuel",
    )
    assert eligible == covered + gaps and covered > 0 and gaps > 0
    intentions = one(
        con,
        "select count(*) from intermediate.int_offres__enrichies "
        "where est_dans_region and fiche_id <> 'autre' and eligibilite_1e1f = 'eligible'",
    )[0]
    assert eligible == intentions
    # a fiche × département × month with providers is never reported as a gap
    assert (
        one(
            con,
            "select count(*) from intermediate.int_emploi_formation__mensuel "
            "where nb_organismes_agrees > 0 and nb_intentions_sans_organisme > 0",
        )[0]
        == 0
    )
    statuses = {
        row[0] for row in con.execute("select distinct statut from marts.emploi_formation_annuel").fetchall()
    }
    assert {"intentions_couvertes", "intentions_sans_organisme"} <= statuses


def test_providers_and_certifications_of_a_fiche(con):
    providers = con.execute(
        "select code_departement, siret, est_qualiopi from marts.fiche_organismes_agrees "
        "where fiche_id = 'accompagnement-medico-social'"
    ).fetchall()
    assert providers and all(len(siret) == 14 for _, siret, _ in providers)
    certification = one(
        con,
        "select codes_rome, domaine_formacode from marts.fiche_certifications "
        "where fiche_id = 'accompagnement-medico-social' and code_certification = 'RNCP36004'",
    )
    assert certification == ("K1301, K1302", "Travail social")


def test_label_parsers_read_the_real_api_labels(con):
    rows = dict(
        con.execute(
            "select type_contrat_libelle, duree_contrat_mois from intermediate.int_offres__libelles "
            "where type_contrat_libelle in ('Contrat à durée déterminée - 18 Mois', "
            "'Contrat travail temporaire - 3 Mois') group by all"
        ).fetchall()
    )
    assert rows == {"Contrat à durée déterminée - 18 Mois": 18, "Contrat travail temporaire - 3 Mois": 3}
    unparsed = one(
        con,
        "select count(*) from intermediate.int_offres__libelles "
        "where salaire_libelle like 'Mensuel de %' and salaire_mensuel is null",
    )[0]
    assert unparsed == 0


def test_dbt_docs_generate_without_warning(sample_run, tmp_path):
    """`make docs` first generates the documentation: every model, column and test must parse cleanly."""
    import os
    import shutil
    import subprocess
    import sys
    from pathlib import Path

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copyfile(sample_run["snapshot"], warehouse)  # dbt opens it for writing
    project = Path(__file__).resolve().parent.parent / "dbt_project"
    completed = subprocess.run(
        [
            str(Path(sys.executable).parent / "dbt"),
            "docs",
            "generate",
            "--target-path",
            str(tmp_path / "target"),
        ],
        cwd=project,
        env=dict(os.environ, OBS_WAREHOUSE=str(warehouse), DBT_SEND_ANONYMOUS_USAGE_STATS="false"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, output
    assert "Catalog written" in output
    warnings = [line for line in output.splitlines() if "warn" in line.lower()]
    assert warnings == []
    catalog = (tmp_path / "target" / "catalog.json").read_text(encoding="utf-8")
    assert "pub_fiche_contrats_pro" in catalog and "audit_secret__relations" in catalog
