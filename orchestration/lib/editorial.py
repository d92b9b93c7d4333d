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


def _fr_int(value: int | None) -> str:
    return "—" if value is None else f"{value:,}".replace(",", "\u202f")


def _fr_pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100):d}\u202f%"


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
    age_columns = [
        ("annee", "Année"),
        ("tranche_age", "Âge au début du contrat"),
        ("nb_contrats", "Contrats"),
        ("part_contrats", "Part"),
    ]
    level_columns = [
        ("annee", "Année"),
        ("niveau_entree_groupe", "Niveau à l'entrée"),
        ("nb_contrats", "Contrats"),
        ("part_contrats", "Part"),
    ]
    cert_columns = [
        ("annee", "Année"),
        ("rang", "Rang"),
        ("code_certification", "Code"),
        ("intitule_certification", "Certification"),
        ("codes_rome", "Codes ROME"),
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
TERRITORY_COLUMNS = [
    ("annee", "Année"),
    ("code_territoire", "Code"),
    ("libelle_territoire", "Territoire"),
    ("nb_offres", "Offres"),
    ("nb_offres_eligibles_1e1f", "Offres éligibles « 1 emploi = 1 formation »"),
    ("part_cdi", "Part de CDI"),
    ("nb_contrats_pro", "Contrats de professionnalisation"),
]


def fiche_page(con: duckdb.DuckDBPyConnection, fiche_id: str, title: str) -> FichePage:
    monthly = _table(
        con,
        name=f"fiche_{fiche_id}_mensuel",
        title="Offres d'emploi et contrats par mois (région)",
        description="Offres d'emploi France Travail créées chaque mois dans la région pour les codes ROME de la "
        "fiche, contrats de professionnalisation engagés et organismes agréés par la Région.",
        columns=MONTHLY_COLUMNS,
        sql=f"select {_select(MONTHLY_COLUMNS)} from marts.fiche_metier_mensuel "
        "where fiche_id = ? and niveau_territoire = 'region' order by mois",
        params=[fiche_id],
        chart=ChartSpec(kind="line", x="mois", y="nb_offres"),
    )
    tables = [monthly]
    for level, label in (("departement", "département"), ("zone_emploi", "zone d'emploi")):
        tables.append(
            _table(
                con,
                name=f"fiche_{fiche_id}_{level}",
                title=f"Offres d'emploi par {label} et par année",
                description=f"Offres créées, offres éligibles et contrats par {label} et par année.",
                columns=TERRITORY_COLUMNS,
                sql="""
                    select year(mois) as annee, code_territoire, any_value(libelle_territoire),
                           sum(nb_offres), sum(nb_offres_eligibles_1e1f),
                           sum(part_cdi * nb_offres) / nullif(sum(nb_offres), 0), sum(nb_contrats_pro)
                    from marts.fiche_metier_mensuel
                    where fiche_id = ? and niveau_territoire = ?
                    group by all order by annee desc, code_territoire
                """,
                params=[fiche_id, level],
            )
        )
    summary_row = con.execute(
        """
        select year(mois) as annee, sum(nb_offres), sum(nb_offres_eligibles_1e1f), sum(nb_contrats_pro),
               sum(part_cdi * nb_offres) / nullif(sum(nb_offres), 0)
        from marts.fiche_metier_mensuel
        where fiche_id = ? and niveau_territoire = 'region' and nb_offres > 0
        group by all order by annee desc limit 1
        """,
        [fiche_id],
    ).fetchone()
    summary: list[tuple[str, str]] = []
    if summary_row:
        annee, offers, eligible, contracts, cdi = summary_row
        summary = [
            (f"Offres d'emploi ({annee})", _fr_int(offers)),
            ("dont éligibles « 1 emploi = 1 formation »", _fr_int(eligible)),
            ("Part de CDI", _fr_pct(cdi)),
            (f"Contrats de professionnalisation ({annee})", _fr_int(contracts)),
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
