"""One reader per landing source: column specs, header synonyms and row checks.

Each `read_<source>` returns a `ReadResult` (typed rows, quarantined rows with a reason, warnings) or
raises `FileRefused`. Counting rule, for every source: `rows_read == len(rows) + len(quarantined)`.
Blank lines and a totals row are not data (a warning says so). An exact duplicate row is quarantined
with the reason `exact duplicate of line N`, so that it is counted and visible. Organismes of other
régions are skipped, not counted in `rows_read`, and their number is given in a warning.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from orchestration.lib.spreadsheets import (
    BadValue,
    Column,
    ReadResult,
    cell_text,
    normalise_label,
    parse_code_certification,
    parse_code_naf,
    parse_code_rncp,
    parse_code_rome,
    parse_departement,
    parse_departement_list,
    parse_digits,
    parse_non_negative_float,
    parse_non_negative_int,
    parse_sexe,
    parse_siren,
    parse_siret,
    parse_year,
    read_table,
)

AGE_MIN, AGE_MAX = 15, 70


# ---------------------------------------------------------------------------------------------
# Branches


def branch_lookup(rows: Iterable[dict]) -> dict[str, str]:
    """Accepted spellings → branch code, from `seeds/reference/branches.csv` rows.

    Rows have `code_branche`, `libelle_branche` and `synonymes` (`|`-separated). Keys are
    `normalise_label()`d; code, label and every synonym are accepted.
    """
    lookup: dict[str, str] = {}
    for row in rows:
        code = (row.get("code_branche") or "").strip()
        if not code:
            continue
        spellings = [code, row.get("libelle_branche") or "", *(row.get("synonymes") or "").split("|")]
        for spelling in spellings:
            key = normalise_label(spelling)
            if key:
                lookup.setdefault(key, code)
    return lookup


def _branch_parser(branches: dict[str, str]):
    def parse(value: Any, name: str) -> str:
        code = branches.get(normalise_label(cell_text(value)))
        if code is None:
            raise BadValue(f"unknown branch: {cell_text(value)!r}")
        return code

    return parse


# ---------------------------------------------------------------------------------------------
# Uniformation: contrats de professionnalisation


def contrats_spec(branches: dict[str, str]) -> list[Column]:
    return [
        Column(
            "num_contrat",
            "VARCHAR",
            required=True,
            synonyms=(
                "N° contrat",
                "Num contrat",
                "Numéro de contrat",
                "No contrat",
                "Numero contrat",
                "N° du contrat",
                "Contrat",
                "Référence contrat",
                "num_dossier",
                "N° dossier",
            ),
        ),
        Column(
            "annee_engagement",
            "INTEGER",
            synonyms=("Année d'engagement", "Année engagement", "Annee", "Année"),
            parse=parse_year,
        ),
        Column("date_engagement", "DATE", synonyms=("Date d'engagement", "Date engagement")),
        Column(
            "date_debut",
            "DATE",
            required=True,
            synonyms=(
                "Date de début",
                "Date début contrat",
                "Date début",
                "Début",
                "Date de début du contrat",
                "Début contrat",
            ),
        ),
        Column(
            "date_fin",
            "DATE",
            synonyms=("Date de fin", "Date fin contrat", "Fin", "Date de fin du contrat", "Fin contrat"),
        ),
        Column(
            "siret_employeur",
            "VARCHAR",
            required=True,
            synonyms=("SIRET employeur", "Siret de l'employeur", "SIRET entreprise", "Siret établissement"),
            parse=parse_siret,
        ),
        Column(
            "branche",
            "VARCHAR",
            required=True,
            synonyms=("Branche professionnelle", "Branche", "Code branche", "Libellé branche"),
            parse=_branch_parser(branches),
        ),
        Column(
            "code_naf",
            "VARCHAR",
            synonyms=("NAF", "Code NAF", "Code APE", "APE", "NAF employeur"),
            parse=parse_code_naf,
        ),
        Column(
            "effectif_entreprise",
            "INTEGER",
            synonyms=("Effectif", "Effectif entreprise", "Effectif de l'entreprise", "Tranche effectif"),
            parse=parse_non_negative_int,
        ),
        Column(
            "departement_etablissement",
            "VARCHAR",
            synonyms=(
                "Département",
                "Département établissement",
                "Dept",
                "Dép",
                "Département employeur",
                "Département de l'établissement",
            ),
            parse=parse_departement,
        ),
        Column(
            "sexe",
            "VARCHAR",
            synonyms=("Sexe", "Genre", "Sexe du salarié", "Sexe alternant"),
            parse=parse_sexe,
        ),
        Column(
            "date_naissance",
            "DATE",
            synonyms=("Date de naissance", "Né le", "Date naissance", "Date de naissance du salarié"),
            personal=True,
        ),
        Column(
            "niveau_entree",
            "VARCHAR",
            synonyms=(
                "Niveau d'entrée",
                "Niveau entrée",
                "Niveau à l'entrée",
                "Niveau de formation à l'entrée",
            ),
        ),
        Column(
            "diplome_prepare",
            "VARCHAR",
            synonyms=(
                "Diplôme préparé",
                "Diplome prepare",
                "Titre préparé",
                "Qualification préparée",
                "Certification préparée",
            ),
        ),
        Column(
            "code_rncp",
            "VARCHAR",
            synonyms=("RNCP", "Code RNCP", "N° RNCP", "Fiche RNCP"),
            parse=parse_code_rncp,
        ),
        Column(
            "code_rome", "VARCHAR", synonyms=("ROME", "Code ROME", "Code métier ROME"), parse=parse_code_rome
        ),
        Column("formacode", "VARCHAR", synonyms=("Formacode", "Code formacode", "Code Formacode")),
        Column(
            "siret_organisme_formation",
            "VARCHAR",
            synonyms=(
                "SIRET organisme de formation",
                "SIRET OF",
                "Siret organisme",
                "SIRET organisme formation",
                "Siret du CFA",
                "SIRET CFA",
            ),
            parse=parse_siret,
        ),
        Column(
            "duree_hebdo",
            "DOUBLE",
            synonyms=("Durée hebdomadaire", "Durée hebdo", "Heures hebdo", "Durée hebdomadaire de travail"),
            parse=parse_non_negative_float,
        ),
        Column(
            "heures_formation",
            "DOUBLE",
            synonyms=(
                "Heures de formation",
                "Nb heures formation",
                "Nombre d'heures de formation",
                "Durée formation",
                "Durée de la formation",
            ),
            parse=parse_non_negative_float,
        ),
    ]


def age_at(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _check_contract_dates(row: dict) -> str | None:
    if row["date_fin"] is not None and row["date_fin"] < row["date_debut"]:
        return "date_fin before date_debut"
    return None


def _check_age(row: dict) -> str | None:
    if row["date_naissance"] is None:
        return None
    age = age_at(row["date_naissance"], row["date_debut"])
    if not AGE_MIN <= age <= AGE_MAX:
        return f"age out of {AGE_MIN}-{AGE_MAX} at date_debut: {age}"
    return None


def read_uniformation_contrats(path: Path | str, branches: dict[str, str]) -> ReadResult:
    """Uniformation contrats de professionnalisation (CSV or XLSX). Key: `num_contrat`."""
    return read_table(
        path,
        "uniformation_contrats",
        contrats_spec(branches),
        checks=(_check_contract_dates, _check_age),
        key=("num_contrat",),
    )


# ---------------------------------------------------------------------------------------------
# Uniformation: adhérents


def adherents_spec(branches: dict[str, str]) -> list[Column]:
    return [
        Column(
            "annee",
            "INTEGER",
            required=True,
            synonyms=("Année", "Exercice", "Année d'adhésion"),
            parse=parse_year,
        ),
        Column(
            "siret",
            "VARCHAR",
            required=True,
            synonyms=("SIRET", "N° SIRET", "Siret adhérent", "SIRET établissement"),
            parse=parse_siret,
        ),
        Column(
            "raison_sociale",
            "VARCHAR",
            synonyms=("Raison sociale", "Dénomination", "Nom", "Entreprise", "Nom de l'adhérent"),
        ),
        Column(
            "branche",
            "VARCHAR",
            required=True,
            synonyms=("Branche professionnelle", "Code branche", "Libellé branche"),
            parse=_branch_parser(branches),
        ),
        Column("code_naf", "VARCHAR", synonyms=("NAF", "Code NAF", "Code APE", "APE"), parse=parse_code_naf),
        Column(
            "departement",
            "VARCHAR",
            synonyms=("Département", "Dept", "Dép", "Département établissement"),
            parse=parse_departement,
        ),
        Column(
            "effectif_etp",
            "DOUBLE",
            synonyms=("Effectif ETP", "ETP", "Effectif en ETP", "Équivalent temps plein"),
            parse=parse_non_negative_float,
        ),
        Column(
            "salaries_physiques",
            "INTEGER",
            synonyms=(
                "Salariés physiques",
                "Nb salariés",
                "Nombre de salariés",
                "Effectif physique",
                "Salariés",
            ),
            parse=parse_non_negative_int,
        ),
        Column(
            "dont_femmes",
            "INTEGER",
            synonyms=("Dont femmes", "Femmes", "Nb femmes", "Nombre de femmes"),
            parse=parse_non_negative_int,
        ),
    ]


def _check_women(row: dict) -> str | None:
    women, employees = row["dont_femmes"], row["salaries_physiques"]
    if women is not None and employees is not None and women > employees:
        return f"dont_femmes > salaries_physiques: {women} > {employees}"
    return None


def read_uniformation_adherents(path: Path | str, branches: dict[str, str]) -> ReadResult:
    """Uniformation member employers (CSV or XLSX). Key: (`annee`, `siret`)."""
    return read_table(
        path,
        "uniformation_adherents",
        adherents_spec(branches),
        checks=(_check_women,),
        key=("annee", "siret"),
    )


# ---------------------------------------------------------------------------------------------
# Région: agreed training providers


AGREMENTS_SPEC = [
    Column(
        "siret",
        "VARCHAR",
        required=True,
        synonyms=("SIRET", "SIRET organisme", "SIRET de l'organisme", "N° SIRET"),
        parse=parse_siret,
    ),
    Column(
        "nda",
        "VARCHAR",
        synonyms=(
            "NDA",
            "N° déclaration d'activité",
            "Numéro de déclaration d'activité",
            "N° NDA",
            "Déclaration d'activité",
        ),
        parse=parse_digits(11, "NDA"),
    ),
    Column(
        "raison_sociale",
        "VARCHAR",
        synonyms=("Raison sociale", "Organisme", "Dénomination", "Nom de l'organisme"),
    ),
    Column(
        "code_certification",
        "VARCHAR",
        required=True,
        synonyms=(
            "Code certification",
            "Certification",
            "Code RNCP/RS",
            "Code RNCP",
            "Code RS",
            "N° fiche",
            "Code France compétences",
        ),
        parse=parse_code_certification,
    ),
    Column(
        "intitule_certification",
        "VARCHAR",
        synonyms=(
            "Intitulé certification",
            "Intitulé",
            "Libellé certification",
            "Intitulé de la certification",
            "Formation",
        ),
    ),
    Column(
        "departements",
        "VARCHAR[]",
        synonyms=("Départements", "Département", "Depts", "Départements concernés", "Territoires"),
        parse=parse_departement_list,
    ),
    Column(
        "date_debut",
        "DATE",
        synonyms=("Date de début", "Début", "Date début agrément", "Début agrément", "Date d'agrément"),
    ),
    Column("date_fin", "DATE", synonyms=("Date de fin", "Fin", "Date fin agrément", "Fin agrément")),
    Column("qualiopi", "BOOLEAN", synonyms=("Qualiopi", "Certifié Qualiopi", "Certification Qualiopi")),
]


def _check_agreement_dates(row: dict) -> str | None:
    if row["date_debut"] is not None and row["date_fin"] is not None and row["date_fin"] < row["date_debut"]:
        return "date_fin before date_debut"
    return None


def read_region_agrements(path: Path | str) -> ReadResult:
    """The Région's agreed training providers (CSV or XLSX); only exact duplicates are refused."""
    return read_table(path, "region_agrements", AGREMENTS_SPEC, checks=(_check_agreement_dates,))


# ---------------------------------------------------------------------------------------------
# DGEFP "Liste publique des OF" (national, 30 columns)

_OF = "adressePhysiqueOrganismeFormation."
_DECL = "informationsDeclarees."
_SPEC = "informationsDeclarees.specialitesDeFormation."

ORGANISMES_SPEC = [
    Column(
        "nda",
        "VARCHAR",
        required=True,
        synonyms=("numeroDeclarationActivite",),
        parse=parse_digits(11, "NDA"),
    ),
    Column("denomination", "VARCHAR", synonyms=("denomination",)),
    Column("siren", "VARCHAR", synonyms=("siren",), parse=parse_siren),
    Column("siret", "VARCHAR", synonyms=("siretEtablissementDeclarant",), parse=parse_siret),
    Column("code_postal", "VARCHAR", synonyms=(_OF + "codePostal",), parse=parse_digits(5, "code postal")),
    Column("ville", "VARCHAR", synonyms=(_OF + "ville",)),
    Column("code_region", "VARCHAR", required=True, synonyms=(_OF + "codeRegion",)),
    Column("certif_actions_formation", "BOOLEAN", synonyms=("certifications.actionsDeFormation",)),
    Column("certif_bilans_competences", "BOOLEAN", synonyms=("certifications.bilansDeCompetences",)),
    Column("certif_vae", "BOOLEAN", synonyms=("certifications.VAE",)),
    Column(
        "certif_apprentissage", "BOOLEAN", synonyms=("certifications.actionsDeFormationParApprentissage",)
    ),
    Column("date_derniere_declaration", "DATE", synonyms=(_DECL + "dateDerniereDeclaration",)),
    *(
        Column(f"{kind}_specialite_{i}", "VARCHAR", synonyms=(f"{_SPEC}{kind}Specialite{i}",))
        for i in (1, 2, 3)
        for kind in ("code", "libelle")
    ),
    Column("nb_stagiaires", "INTEGER", synonyms=(_DECL + "nbStagiaires",), parse=parse_non_negative_int),
    Column(
        "effectif_formateurs",
        "INTEGER",
        synonyms=(_DECL + "effectifFormateurs",),
        parse=parse_non_negative_int,
    ),
]

# Columns of the published file we knowingly do not keep (so they raise no "unknown column" warning).
ORGANISMES_IGNORED = (
    "numerosDeclarationActivitePrecedent",
    _OF + "voie",
    "organismeEtrangerRepresente.denomination",
    "organismeEtrangerRepresente.voie",
    "organismeEtrangerRepresente.codePostal",
    "organismeEtrangerRepresente.ville",
    "organismeEtrangerRepresente.pays",
    _DECL + "debutExercice",
    _DECL + "finExercice",
    _DECL + "nbStagiairesConfiesParUnAutreOF",
)
_CERTIFS = ("certif_actions_formation", "certif_bilans_competences", "certif_vae", "certif_apprentissage")


def _derive_qualiopi(row: dict) -> None:
    # Any certification declared true means the organisme holds Qualiopi for at least one category.
    row["qualiopi"] = any(row[c] for c in _CERTIFS)


def read_organismes(path: Path | str, region: str) -> ReadResult:
    """DGEFP "Liste publique des OF", keeping the organismes whose address is in `region`.

    Rows of other régions (or with no région) are skipped before typing: they are not counted in
    `rows_read`, and a warning gives their number. The file is read row by row (national, ~100k lines).
    """
    region = region.strip()
    result = read_table(
        path,
        "organismes",
        ORGANISMES_SPEC,
        key=("nda",),
        keep=lambda raw: raw.get("code_region", "").strip().lstrip("0") == region.lstrip("0"),
        keep_label=f"rows of other régions than {region} skipped (not counted)",
        derive=_derive_qualiopi,
        ignored_headers=ORGANISMES_IGNORED,
    )
    names = [c[0] for c in result.columns]
    result.columns.insert(names.index("certif_apprentissage") + 1, ("qualiopi", "BOOLEAN"))
    ordered = [c[0] for c in result.columns]
    result.rows = [{"_line": r["_line"], **{c: r[c] for c in ordered}} for r in result.rows]
    return result


# ---------------------------------------------------------------------------------------------
# What the loaders and the sensor need to know about each source, without reading a file

# raw table → (landing subfolder, file patterns).
LANDING: dict[str, tuple[str, tuple[str, ...]]] = {
    "uniformation_contrats": ("uniformation", ("contrats*.csv", "contrats*.xlsx")),
    "uniformation_adherents": ("uniformation", ("adherents*.csv", "adherents*.xlsx")),
    "region_agrements": ("agrements", ("*.csv", "*.xlsx")),
    "organismes_formation": ("organismes", ("*.csv",)),
}


def _spec(source: str) -> list[Column]:
    specs = {
        "uniformation_contrats": lambda: contrats_spec({}),
        "uniformation_adherents": lambda: adherents_spec({}),
        "region_agrements": lambda: AGREMENTS_SPEC,
        "organismes_formation": lambda: ORGANISMES_SPEC,
    }
    if source not in specs:
        raise KeyError(f"unknown spreadsheet source {source!r}: expected one of {', '.join(specs)}")
    return specs[source]()


def columns_of(source: str) -> list[tuple[str, str]]:
    """The typed columns of raw.<source>, in the order the reader gives them (derived ones included),
    so that the table exists with its types even before the first file lands."""
    columns = [(c.name, c.type) for c in _spec(source)]
    if source == "organismes_formation":
        names = [name for name, _ in columns]
        columns.insert(names.index("certif_apprentissage") + 1, ("qualiopi", "BOOLEAN"))
    return columns


def personal_columns(source: str) -> set[str]:
    """Columns whose values are personal data: kept in raw, never copied into quarantine reasons."""
    return {c.name for c in _spec(source) if c.personal}
