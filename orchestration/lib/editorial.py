"""What an edition says: the portrait's and the fiches' tables, queried from the marts.

Every figure published comes from a ``marts`` table through one query here, and is written as the CSV
behind it, so a reader can check each number.
"""

from __future__ import annotations

from collections.abc import Sequence

import duckdb

from orchestration.lib.publication import ChartSpec, EditionContent, FichePage, PublishedTable

REGION_LABELS = {"52": "Pays de la Loire"}

KEY_FIGURE_COLUMNS = [
    ("annee", "Année"),
    ("nb_branches", "Branches"),
    ("nb_adherents", "Employeurs adhérents"),
    ("nb_adherents_moins_11_etp", "dont moins de 11 ETP"),
    ("part_adherents_moins_11_etp", "Part moins de 11 ETP"),
    ("nb_salaries", "Salariés"),
    ("nb_salariees_femmes", "dont femmes"),
    ("part_femmes", "Part de femmes"),
    ("nb_contrats_pro", "Contrats de professionnalisation"),
    ("nb_contrats_pro_plus_30_ans", "dont signés par des plus de 30 ans"),
    ("part_contrats_pro_plus_30_ans", "Part des plus de 30 ans"),
    ("evolution_contrats_pro", "Évolution des contrats sur un an"),
    ("taux_evolution_contrats_pro", "Évolution des contrats sur un an (%)"),
    ("evolution_adherents", "Évolution des adhérents sur un an"),
    ("evolution_salaries", "Évolution des salariés sur un an"),
]


def _table(
    con: duckdb.DuckDBPyConnection,
    *,
    name: str,
    title: str,
    description: str,
    columns: Sequence[tuple[str, str]],
    sql: str,
    params: Sequence[object] = (),
    chart: ChartSpec | None = None,
) -> PublishedTable:
    rows = con.execute(sql, list(params)).fetchall()
    return PublishedTable(name, title, description, list(columns), [tuple(r) for r in rows], chart)


def _select(columns: Sequence[tuple[str, str]]) -> str:
    return ", ".join(name for name, _ in columns)


def _contracts_by(column: str, label: str) -> list[tuple[str, str]]:
    """The columns of a breakdown of contracts by one characteristic (portrait_contrats_par_*)."""
    return [("annee", "Année"), (column, label), ("nb_contrats", "Contrats"), ("part_contrats", "Part")]


def _fr_int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", "\u202f")


def _fr_pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100):d}\u202f%"


OFFER_COLUMNS = [
    ("nb_offres", "Offres"),
    ("nb_postes", "Postes"),
    ("part_cdi", "Part de CDI"),
    ("part_cdd_6_mois_plus", "Part de CDD de 6 mois ou plus"),
    ("part_interim", "Part d'intérim"),
    ("part_temps_partiel", "Part à temps partiel"),
    ("part_alternance", "Part en alternance"),
    ("nb_offres_eligibles_1e1f", "Offres éligibles « 1 emploi = 1 formation »"),
]
EF_SUMMARY_COLUMNS = [
    ("annee", "Année"),
    ("code_departement", "Code"),
    ("libelle_departement", "Département"),
    ("nb_intentions_eligibles", "Intentions éligibles"),
    ("nb_intentions_eligibilite_inconnue", "Éligibilité inconnue"),
    ("nb_intentions_avec_organisme", "avec organisme agréé"),
    ("nb_intentions_sans_organisme", "sans organisme agréé"),
    ("part_intentions_sans_organisme", "Part sans organisme"),
    ("nb_fiches_sans_organisme", "Fiches avec des intentions sans organisme"),
    ("nb_fiches_organismes_sans_intention", "Fiches avec des organismes sans intention"),
]


def portrait_tables(con: duckdb.DuckDBPyConnection) -> list[PublishedTable]:
    branch_columns = [
        ("annee", "Année"),
        ("code_branche", "Code branche"),
        ("libelle_branche", "Branche"),
        ("nb_contrats", "Contrats"),
        ("nb_contrats_annee_precedente", "Contrats l'année précédente"),
        ("evolution", "Évolution"),
        ("rang", "Rang"),
    ]
    age_columns = _contracts_by("tranche_age", "Âge au début du contrat")
    level_columns = _contracts_by("niveau_entree_groupe", "Niveau à l'entrée")
    cert_columns = [
        ("annee", "Année"),
        ("rang", "Rang"),
        ("code_certification", "Code"),
        ("intitule_certification", "Certification"),
        ("codes_rome", "Codes ROME"),
        ("domaine_formacode", "Domaine Formacode"),
        ("nb_contrats", "Contrats"),
    ]
    return [
        _table(
            con,
            name="portrait_chiffres_cles",
            title="Chiffres clés du secteur",
            description="Employeurs adhérents d'Uniformation, leurs salariés et les contrats de professionnalisation "
            "engagés, par année. Source : Uniformation.",
            columns=KEY_FIGURE_COLUMNS,
            sql=f"select {_select(KEY_FIGURE_COLUMNS)} from marts.portrait_chiffres_cles order by annee",
            chart=ChartSpec(kind="bar", x="annee", y="nb_contrats_pro"),
        ),
        _table(
            con,
            name="portrait_contrats_par_branche",
            title="Contrats de professionnalisation par branche",
            description="Contrats engagés par branche et par année, avec l'année précédente et le rang de la branche. "
            "Source : Uniformation.",
            columns=branch_columns,
            sql=f"select {_select(branch_columns)} from marts.portrait_contrats_par_branche "
            "order by annee desc, rang, code_branche",
        ),
        _table(
            con,
            name="portrait_contrats_par_age",
            title="Contrats de professionnalisation par âge",
            description="Âge au début du contrat, par année d'engagement. Source : Uniformation.",
            columns=age_columns,
            sql=f"select {_select(age_columns)} from marts.portrait_contrats_par_age order by annee desc, tranche_age",
        ),
        _table(
            con,
            name="portrait_contrats_par_niveau",
            title="Contrats de professionnalisation par niveau à l'entrée",
            description="Niveau de formation à l'entrée en contrat, par année d'engagement. Source : Uniformation.",
            columns=level_columns,
            sql=f"select {_select(level_columns)} from marts.portrait_contrats_par_niveau "
            "order by annee desc, niveau_entree_groupe",
        ),
        _table(
            con,
            name="portrait_top_certifications",
            title="Certifications les plus préparées",
            description="Les dix certifications les plus préparées en contrat de professionnalisation, par année. "
            "Source : Uniformation.",
            columns=cert_columns,
            sql=f"select {_select(cert_columns)} from marts.portrait_top_certifications "
            "order by annee desc, rang, code_certification",
        ),
        *_portrait_more_tables(con),
    ]


def _portrait_more_tables(con: duckdb.DuckDBPyConnection) -> list[PublishedTable]:
    """Contracts by sex, employer size and département; offers of the sector's métiers; 1e1f by département."""
    sex_columns = _contracts_by("sexe", "Sexe")
    size_columns = _contracts_by("taille_employeur", "Taille de l'employeur")
    dep_columns = [
        ("annee", "Année"),
        ("code_departement", "Code"),
        ("libelle_departement", "Département"),
        ("nb_adherents", "Employeurs adhérents"),
        ("nb_salaries", "Salariés"),
        ("nb_contrats", "Contrats de professionnalisation"),
        ("part_contrats", "Part des contrats"),
    ]
    offers_columns = [("mois", "Mois"), *OFFER_COLUMNS]
    offers_dep_columns = [
        ("annee", "Année"),
        ("code_territoire", "Code"),
        ("libelle_territoire", "Département"),
        *OFFER_COLUMNS,
    ]
    return [
        _table(
            con,
            name="portrait_contrats_par_sexe",
            title="Contrats de professionnalisation par sexe",
            description="Contrats engagés par année et sexe de la personne recrutée. Source : Uniformation.",
            columns=sex_columns,
            sql=f"select {_select(sex_columns)} from marts.portrait_contrats_par_sexe order by annee desc, sexe",
        ),
        _table(
            con,
            name="portrait_contrats_par_taille",
            title="Contrats de professionnalisation par taille d'employeur",
            description="Contrats engagés par année et effectif de l'employeur déclaré au contrat. "
            "Source : Uniformation.",
            columns=size_columns,
            sql=f"select {_select(size_columns)} from marts.portrait_contrats_par_taille "
            "order by annee desc, taille_employeur",
        ),
        _table(
            con,
            name="portrait_par_departement",
            title="Le secteur par département",
            description="Employeurs adhérents, salariés et contrats de professionnalisation (département de "
            "l'établissement) par année. Les départements s'additionnent aux chiffres clés. Source : Uniformation.",
            columns=dep_columns,
            sql=f"select {_select(dep_columns)} from marts.portrait_contrats_par_departement "
            "order by annee desc, code_departement",
        ),
        _table(
            con,
            name="portrait_offres_mensuel",
            title="Offres d'emploi des métiers du secteur, par mois (région)",
            description="Offres France Travail créées chaque mois dans la région pour les codes ROME des 11 fiches "
            "métiers : volume, contrats, temps partiel, alternance. Source : France Travail.",
            columns=offers_columns,
            sql=f"select {_select(offers_columns)} from marts.portrait_offres_mensuel "
            "where niveau_territoire = 'region' order by mois",
            chart=ChartSpec(kind="line", x="mois", y="nb_offres"),
        ),
        _table(
            con,
            name="portrait_offres_par_departement",
            title="Offres d'emploi des métiers du secteur, par département et par année",
            description="Offres créées par département et par année. Source : France Travail.",
            columns=offers_dep_columns,
            sql=f"select {_select(offers_dep_columns)} from marts.portrait_offres_annuel "
            "where niveau_territoire = 'departement' order by annee desc, code_territoire",
        ),
        _table(
            con,
            name="portrait_emploi_formation",
            title="« 1 emploi = 1 formation » : intentions d'embauche et organismes agréés, par département",
            description="Intentions d'embauche éligibles (CDI, CDD de 6 mois ou plus d'au moins 24 heures par "
            "semaine, alternance) des 11 fiches métiers, couvertes ou non par un organisme agréé par la Région dans "
            "le département pour la fiche ; éligibilité inconnue quand l'offre ne le dit pas. "
            "Sources : France Travail, Région.",
            columns=EF_SUMMARY_COLUMNS,
            sql="""
                select annee, code_departement, any_value(libelle_departement), sum(nb_intentions_eligibles),
                       sum(nb_intentions_eligibilite_inconnue), sum(nb_intentions_avec_organisme),
                       sum(nb_intentions_sans_organisme),
                       sum(nb_intentions_sans_organisme) / nullif(sum(nb_intentions_eligibles), 0),
                       count(*) filter (where nb_intentions_sans_organisme > 0),
                       count(*) filter (where statut = 'organismes_sans_intention')
                from marts.emploi_formation_annuel
                group by all order by annee desc, code_departement
            """,
        ),
    ]


def portrait_summary(con: duckdb.DuckDBPyConnection, year: int | None = None) -> list[tuple[str, str]]:
    where = "where annee = ?" if year else "where nb_adherents > 0 order by annee desc limit 1"
    row = con.execute(
        f"select annee, nb_branches, nb_adherents, part_adherents_moins_11_etp, nb_salaries, part_femmes, "
        f"nb_contrats_pro, part_contrats_pro_plus_30_ans from marts.portrait_chiffres_cles {where}",
        [year] if year else [],
    ).fetchone()
    if row is None:
        return []
    annee, branches, members, small, employees, women, contracts, over30 = row
    return [
        (f"Branches ({annee})", _fr_int(branches)),
        (f"Employeurs adhérents ({annee})", _fr_int(members)),
        ("dont moins de 11 ETP", _fr_pct(small)),
        (f"Salariés ({annee})", _fr_int(employees)),
        ("dont femmes", _fr_pct(women)),
        (f"Contrats de professionnalisation ({annee})", _fr_int(contracts)),
        ("signés par des plus de 30 ans", _fr_pct(over30)),
    ]


MONTHLY_COLUMNS = [
    ("mois", "Mois"),
    ("nb_offres", "Offres"),
    ("nb_postes", "Postes"),
    ("part_cdi", "Part de CDI"),
    ("part_temps_plein", "Part à temps plein"),
    ("nb_offres_eligibles_1e1f", "Offres éligibles « 1 emploi = 1 formation »"),
    ("nb_offres_eligibilite_inconnue", "Éligibilité inconnue"),
    ("nb_contrats_pro", "Contrats de professionnalisation"),
    ("nb_organismes_agrees", "Organismes agréés"),
]
FICHE_OFFER_COLUMNS = [
    ("annee", "Année"),
    ("code_territoire", "Code"),
    ("libelle_territoire", "Territoire"),
    ("nb_offres", "Offres"),
    ("nb_postes", "Postes"),
    ("part_cdi", "Part de CDI"),
    ("part_cdd_6_mois_plus", "Part de CDD de 6 mois ou plus"),
    ("part_interim", "Part d'intérim"),
    ("part_temps_plein", "Part à temps plein"),
    ("part_alternance", "Part en alternance"),
    ("part_experience_exigee", "Part exigeant de l'expérience"),
    ("salaire_mensuel_median", "Salaire mensuel brut médian (€)"),
    ("nb_offres_salaire_renseigne", "Offres au salaire lisible"),
    ("nb_offres_eligibles_1e1f", "Offres éligibles « 1 emploi = 1 formation »"),
]
FICHE_ZONE_COLUMNS = [
    ("annee", "Année"),
    ("code_territoire", "Code"),
    ("libelle_territoire", "Zone d'emploi"),
    ("nb_offres", "Offres"),
    ("part_cdi", "Part de CDI"),
    ("part_temps_plein", "Part à temps plein"),
    ("nb_offres_eligibles_1e1f", "Offres éligibles « 1 emploi = 1 formation »"),
]
FICHE_BREAKDOWN_COLUMNS = [
    ("annee", "Année"),
    ("dimension", "Répartition"),
    ("rang", "Rang"),
    ("modalite", "Code"),
    ("libelle_modalite", "Modalité"),
    ("nb_offres", "Offres"),
    ("nb_offres_total", "Offres de la fiche"),
    ("part_offres", "Part"),
]
FICHE_CONTRACT_COLUMNS = [
    ("annee", "Année"),
    ("code_territoire", "Code"),
    ("libelle_territoire", "Territoire"),
    ("nb_contrats", "Contrats"),
    ("age_median", "Âge médian"),
    ("part_moins_26_ans", "Part des moins de 26 ans"),
    ("part_femmes", "Part de femmes"),
    ("nb_contrats_infra_bac", "Infra-bac"),
    ("nb_contrats_bac", "Bac"),
    ("nb_contrats_bac_2", "Bac+2"),
    ("nb_contrats_bac_3_plus", "Bac+3 et plus"),
    ("nb_contrats_niveau_inconnu", "Niveau inconnu"),
]
FICHE_CERTIFICATION_COLUMNS = [
    ("code_certification", "Code"),
    ("intitule_certification", "Certification"),
    ("niveau", "Niveau"),
    ("codes_rome", "Codes ROME"),
    ("domaine_formacode", "Domaine Formacode"),
    ("nb_contrats_pro", "Contrats de professionnalisation (toutes années)"),
    ("nb_organismes_agrees", "Organismes agréés"),
    ("nb_departements_couverts", "Départements couverts"),
]
FICHE_PROVIDER_COLUMNS = [
    ("code_departement", "Code"),
    ("libelle_departement", "Département"),
    ("raison_sociale", "Organisme"),
    ("siret", "SIRET"),
    ("code_certification", "Certification"),
    ("date_debut", "Agréé du"),
    ("date_fin", "au"),
    ("est_qualiopi", "Qualiopi"),
    ("specialites_nsf", "Spécialités (NSF)"),
]
FICHE_PRESSURE_COLUMNS = [
    ("annee", "Année"),
    ("code_territoire", "Code"),
    ("libelle_territoire", "Territoire"),
    ("nb_offres", "Offres"),
    ("nb_salaries_branches", "Salariés des adhérents des branches"),
    ("offres_pour_1000_salaries", "Offres pour 1 000 salariés"),
    ("offres_pour_1000_salaries_annee_precedente", "L'année précédente"),
    ("evolution_offres_pour_1000_salaries", "Évolution"),
]
FICHE_EF_COLUMNS = [
    ("annee", "Année"),
    ("code_departement", "Code"),
    ("libelle_departement", "Département"),
    ("nb_intentions_eligibles", "Intentions éligibles"),
    ("nb_intentions_eligibilite_inconnue", "Éligibilité inconnue"),
    ("nb_intentions_avec_organisme", "avec organisme agréé"),
    ("nb_intentions_sans_organisme", "sans organisme agréé"),
    ("nb_organismes_agrees", "Organismes agréés"),
    ("nb_organismes_sans_intention", "Organismes sans intention"),
    ("statut", "Situation"),
]
_REGION_FIRST = "case niveau_territoire when 'region' then 0 else 1 end"


def _fiche_tables(con: duckdb.DuckDBPyConnection, fiche_id: str) -> list[PublishedTable]:
    """The fiche's subjects, one table each, yearly (the monthly detail stays in the region table)."""
    tables = [
        _table(
            con,
            name=f"fiche_{fiche_id}_offres",
            title="Offres d'emploi par année (région et départements)",
            description="Contrats proposés, temps de travail, alternance, expérience exigée et salaire médian "
            "annoncé (salaire lisible dans le libellé de l'offre), par année. Source : France Travail.",
            columns=FICHE_OFFER_COLUMNS,
            sql=f"select {_select(FICHE_OFFER_COLUMNS)} from marts.fiche_offres_annuel "
            "where fiche_id = ? and niveau_territoire in ('region', 'departement') "
            f"order by annee desc, {_REGION_FIRST}, code_territoire",
            params=[fiche_id],
        ),
        _table(
            con,
            name=f"fiche_{fiche_id}_zone_emploi",
            title="Offres d'emploi par zone d'emploi et par année",
            description="Offres créées par zone d'emploi (INSEE 2020) et par année ; « inconnu » quand la commune "
            "de l'offre n'est pas dans le référentiel. Source : France Travail.",
            columns=FICHE_ZONE_COLUMNS,
            sql=f"select {_select(FICHE_ZONE_COLUMNS)} from marts.fiche_offres_annuel "
            "where fiche_id = ? and niveau_territoire = 'zone_emploi' order by annee desc, code_territoire",
            params=[fiche_id],
        ),
        _table(
            con,
            name=f"fiche_{fiche_id}_recruteurs",
            title="Qui recrute : secteurs, tailles d'établissement, qualification et expérience (région)",
            description="Les trois premières modalités de chaque répartition des offres, par année. "
            "Source : France Travail.",
            columns=FICHE_BREAKDOWN_COLUMNS,
            sql=f"select {_select(FICHE_BREAKDOWN_COLUMNS)} from marts.fiche_offres_repartitions "
            "where fiche_id = ? and niveau_territoire = 'region' and rang <= 3 "
            "order by annee desc, dimension, rang, modalite",
            params=[fiche_id],
        ),
        _table(
            con,
            name=f"fiche_{fiche_id}_tension",
            title="Pression de recrutement : offres pour 1 000 salariés des branches",
            description="Offres de la fiche rapportées aux salariés des employeurs adhérents des branches de la "
            "fiche, numérateur et dénominateur à l'appui. Sources : France Travail, Uniformation.",
            columns=FICHE_PRESSURE_COLUMNS,
            sql=f"select {_select(FICHE_PRESSURE_COLUMNS)} from marts.fiche_tension_annuel "
            f"where fiche_id = ? order by annee desc, {_REGION_FIRST}, code_territoire",
            params=[fiche_id],
        ),
        _table(
            con,
            name=f"fiche_{fiche_id}_contrats_pro",
            title="Contrats de professionnalisation par année (région et départements)",
            description="Contrats engagés, âge, part de femmes et niveau à l'entrée. Source : Uniformation.",
            columns=FICHE_CONTRACT_COLUMNS,
            sql=f"select {_select(FICHE_CONTRACT_COLUMNS)} from marts.fiche_contrats_pro_annuel "
            f"where fiche_id = ? order by annee desc, {_REGION_FIRST}, code_territoire",
            params=[fiche_id],
        ),
        _table(
            con,
            name=f"fiche_{fiche_id}_certifications",
            title="Certifications qui mènent au métier",
            description="Certifications RNCP et RS dont un code ROME relève de la fiche, contrats de "
            "professionnalisation qui les préparent et organismes agréés par la Région. "
            "Sources : référentiel des certifications, Uniformation, Région.",
            columns=FICHE_CERTIFICATION_COLUMNS,
            sql=f"select {_select(FICHE_CERTIFICATION_COLUMNS)} from marts.fiche_certifications "
            "where fiche_id = ? order by nb_contrats_pro desc, code_certification",
            params=[fiche_id],
        ),
        _table(
            con,
            name=f"fiche_{fiche_id}_organismes",
            title="Organismes agréés par département",
            description="Organismes agréés par la Région pour délivrer une certification de la fiche, avec leur "
            "statut Qualiopi (liste publique de la DGEFP, à défaut la déclaration à la Région). Source : Région, DGEFP.",
            columns=FICHE_PROVIDER_COLUMNS,
            sql=f"select {_select(FICHE_PROVIDER_COLUMNS)} from marts.fiche_organismes_agrees "
            "where fiche_id = ? order by code_departement, raison_sociale, code_certification",
            params=[fiche_id],
        ),
        _table(
            con,
            name=f"fiche_{fiche_id}_emploi_formation",
            title="« 1 emploi = 1 formation » : besoins et offre de formation par département",
            description="Intentions d'embauche éligibles (CDI, CDD de 6 mois ou plus d'au moins 24 heures par "
            "semaine, alternance) et organismes agréés dans le département : intentions couvertes, intentions sans "
            "organisme (les manques), organismes sans intention. Sources : France Travail, Région.",
            columns=FICHE_EF_COLUMNS,
            sql=f"select {_select(FICHE_EF_COLUMNS)} from marts.emploi_formation_annuel "
            "where fiche_id = ? order by annee desc, code_departement",
            params=[fiche_id],
        ),
    ]
    return tables


def fiche_page(con: duckdb.DuckDBPyConnection, fiche_id: str, title: str) -> FichePage:
    monthly = _table(
        con,
        name=f"fiche_{fiche_id}_mensuel",
        title="Offres d'emploi et contrats par mois (région)",
        description="Offres d'emploi France Travail créées chaque mois dans la région pour les codes ROME de la "
        "fiche, contrats de professionnalisation engagés et organismes agréés par la Région, depuis le premier "
        "mois d'offres observé (les contrats des années antérieures sont dans le tableau annuel).",
        columns=MONTHLY_COLUMNS,
        # months before the offers' observation starts would show as months without any offer
        sql=f"select {_select(MONTHLY_COLUMNS)} from marts.fiche_metier_mensuel "
        "where fiche_id = ? and niveau_territoire = 'region' "
        "and mois >= (select min(mois) from marts.fiche_metier_mensuel where nb_offres > 0) order by mois",
        params=[fiche_id],
        chart=ChartSpec(kind="line", x="mois", y="nb_offres"),
    )
    tables = [monthly, *_fiche_tables(con, fiche_id)]
    summary_row = con.execute(
        """
        select o.annee, o.nb_offres, o.nb_offres_eligibles_1e1f, o.part_cdi, o.salaire_mensuel_median,
               t.offres_pour_1000_salaries, c.nb_contrats,
               (select sum(nb_intentions_sans_organisme) from marts.emploi_formation_annuel e
                where e.fiche_id = o.fiche_id and e.annee = o.annee)
        from marts.fiche_offres_annuel o
        left join marts.fiche_tension_annuel t
            on t.fiche_id = o.fiche_id and t.annee = o.annee and t.niveau_territoire = 'region'
        left join marts.fiche_contrats_pro_annuel c
            on c.fiche_id = o.fiche_id and c.annee = o.annee and c.niveau_territoire = 'region'
        where o.fiche_id = ? and o.niveau_territoire = 'region'
        order by o.annee desc limit 1
        """,
        [fiche_id],
    ).fetchone()
    summary: list[tuple[str, str]] = []
    if summary_row:
        annee, offers, eligible, cdi, salary, pressure, contracts, gaps = summary_row
        summary = [
            (f"Offres d'emploi ({annee})", _fr_int(offers)),
            ("dont éligibles « 1 emploi = 1 formation »", _fr_int(eligible)),
            ("dont sans organisme agréé dans le département", _fr_int(gaps)),
            ("Part de CDI", _fr_pct(cdi)),
            (
                "Salaire mensuel brut médian annoncé",
                "—" if salary is None else f"{_fr_int(round(salary))}\u00a0€",
            ),
            (
                "Offres pour 1 000 salariés des branches",
                "—" if pressure is None else f"{pressure:.1f}".replace(".", ","),
            ),
            (f"Contrats de professionnalisation ({annee})", _fr_int(contracts or 0)),
        ]
    return FichePage(fiche_id=fiche_id, title=title, summary=summary, tables=tables)


def build_content(
    con: duckdb.DuckDBPyConnection,
    *,
    region: str,
    inputs: list[dict],
    checks: list[dict],
    code_version: str,
) -> EditionContent:
    fiches = con.execute(
        "select fiche_id, any_value(libelle_fiche) from raw.ref_fiches_metiers group by fiche_id order by fiche_id"
    ).fetchall()
    return EditionContent(
        portrait_title="Portrait du secteur de la Cohésion sociale",
        portrait_summary=portrait_summary(con),
        portrait_tables=portrait_tables(con),
        fiches=[fiche_page(con, fiche_id, title) for fiche_id, title in fiches],
        inputs=inputs,
        checks=checks,
        code_version=code_version,
        region_label=REGION_LABELS.get(region, f"Région {region}"),
    )


def loaded_inputs(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute(
        "select path, sha256, rows_read from ops.loaded_files order by source, path"
    ).fetchall()
    return [{"path": path, "sha256": sha, "rows": n} for path, sha, n in rows]
