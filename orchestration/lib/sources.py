"""The readers of the spreadsheet sources: column specs, header synonyms and row checks.

Each source's `Reader` is declared here and registered once in ``orchestration.lib.registry`` (with its
landing folder, key and personal columns). Blank lines and a totals row are not data (a warning says so).
An exact duplicate row is quarantined with the reason `exact duplicate of line N`, so that it is counted
and visible. Organismes of other régions are skipped, not counted in `rows_read`, and their number is
given in a warning. Implausible values are quarantined with the reason: negative counts, engagement and
start dates before 1950 or in the future, ages outside 15-70 at the start of a contract.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from orchestration.lib.codes import age_at, normalise_label
from orchestration.lib.parsers import (
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
)
from orchestration.lib.spreadsheets import Column, ReadResult, read_table

AGE_MIN, AGE_MAX = 15, 70
EARLIEST_DATE = dt.date(1950, 1, 1)


@dataclass(frozen=True)
class ReadContext:
    """What a reader needs besides the file: the branch lookup (``codes.branch_lookup`` of
    raw.ref_branches), the observed région and the day of the load (dates after it are implausible)."""

    branches: Mapping[str, str] = field(default_factory=dict)
    region: str = "52"
    today: dt.date = field(default_factory=dt.date.today)


RowRule = Callable[[dict, ReadContext], str | None]


@dataclass(frozen=True)
class Reader:
    """How a source's files are read: its columns (the raw table's, in order), its row checks (the first
    reason quarantines the row; a check may normalise a value in place), and, for the national lists, a
    filter on raw text values (`keep`) and computed columns (`derive`)."""

    columns: tuple[Column, ...]
    checks: tuple[RowRule, ...] = ()
    keep: Callable[[dict, ReadContext], bool] | None = None
    keep_label: str = "rows filtered out"  # may name {region}
    derive: Callable[[dict], None] | None = None
    ignored_headers: tuple[str, ...] = ()

    @property
    def needs_branches(self) -> bool:
        return check_branch in self.checks

    def read(
        self,
        path: Path | str,
        source: str,
        *,
        key: tuple[str, ...],
        personal: tuple[str, ...],
        context: ReadContext,
    ) -> ReadResult:
        return read_table(
            path,
            source,
            list(self.columns),
            checks=[partial(check, context=context) for check in self.checks],
            key=key,
            personal=personal,
            keep=partial(self.keep, context=context) if self.keep else None,
            keep_label=self.keep_label.format(region=context.region),
            derive=self.derive,
            ignored_headers=self.ignored_headers,
        )


# ---------------------------------------------------------------------------------------------
# Row checks shared by several sources


def check_branch(row: dict, context: ReadContext) -> str | None:
    """The branch as typed (code, label or a synonym) becomes its code; an unknown one is refused."""
    code = context.branches.get(normalise_label(row["branche"]))
    if code is None:
        return f"unknown branch: {row['branche']!r}"
    row["branche"] = code
    return None


def plausible_dates(*names: str) -> RowRule:
    """Dates of events that have happened: not before 1950, not after the day of the load."""

    def check(row: dict, context: ReadContext) -> str | None:
        for name in names:
            value = row.get(name)
            if value is None:
                continue
            if value < EARLIEST_DATE:
                return f"{name} before {EARLIEST_DATE.year}: {value.isoformat()}"
            if value > context.today:
                return f"{name} in the future: {value.isoformat()}"
        return None

    return check


def past_year(name: str) -> RowRule:
    def check(row: dict, context: ReadContext) -> str | None:
        if row.get(name) is not None and row[name] > context.today.year:
            return f"{name} in the future: {row[name]}"
        return None

    return check


def end_after_start(row: dict, context: ReadContext) -> str | None:
    if row["date_debut"] is not None and row["date_fin"] is not None and row["date_fin"] < row["date_debut"]:
        return "date_fin before date_debut"
    return None


# ---------------------------------------------------------------------------------------------
# Uniformation: contrats de professionnalisation


CONTRATS_COLUMNS = (
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
    Column("code_rome", "VARCHAR", synonyms=("ROME", "Code ROME", "Code métier ROME"), parse=parse_code_rome),
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
)


def check_age(row: dict, context: ReadContext) -> str | None:
    if row["date_naissance"] is None:
        return None
    age = age_at(row["date_naissance"], row["date_debut"])
    if not AGE_MIN <= age <= AGE_MAX:
        return f"age out of {AGE_MIN}-{AGE_MAX} at date_debut: {age}"
    return None


CONTRATS = Reader(
    CONTRATS_COLUMNS,
    checks=(
        check_branch,
        end_after_start,
        past_year("annee_engagement"),
        plausible_dates("date_engagement", "date_debut"),
        check_age,
    ),
)


# ---------------------------------------------------------------------------------------------
# Uniformation: adhérents


ADHERENTS_COLUMNS = (
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
)


def check_women(row: dict, context: ReadContext) -> str | None:
    women, employees = row["dont_femmes"], row["salaries_physiques"]
    if women is not None and employees is not None and women > employees:
        return f"dont_femmes > salaries_physiques: {women} > {employees}"
    return None


ADHERENTS = Reader(ADHERENTS_COLUMNS, checks=(check_branch, past_year("annee"), check_women))


# ---------------------------------------------------------------------------------------------
# Région: agreed training providers


AGREMENTS_COLUMNS = (
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
)

AGREMENTS = Reader(AGREMENTS_COLUMNS, checks=(end_after_start,))


# ---------------------------------------------------------------------------------------------
# DGEFP "Liste publique des OF" (national, 30 columns)

_OF = "adressePhysiqueOrganismeFormation."
_DECL = "informationsDeclarees."
_SPEC = "informationsDeclarees.specialitesDeFormation."

ORGANISMES_COLUMNS = (
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
    Column("qualiopi", "BOOLEAN", derived=True),
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
)


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


def derive_qualiopi(row: dict) -> None:
    # Any certification declared true means the organisme holds Qualiopi for at least one category.
    row["qualiopi"] = any(row[c] for c in _CERTIFS)


def in_region(raw: dict, context: ReadContext) -> bool:
    return raw.get("code_region", "").strip().lstrip("0") == context.region.strip().lstrip("0")


# The national list (~100k lines) is read row by row; rows of other régions are skipped before typing.
ORGANISMES = Reader(
    ORGANISMES_COLUMNS,
    keep=in_region,
    keep_label="rows of other régions than {region} skipped (not counted)",
    derive=derive_qualiopi,
    ignored_headers=ORGANISMES_IGNORED,
)
