"""A catalogue of real-world-shaped spreadsheets, each with what a user should see when it is read.

Every fixture is built here, in tmp_path (bytes for CSV, openpyxl for XLSX), so that the file that is
read is visible next to its expected outcome. Outcomes: loaded as is, loaded with a warning, rows
quarantined with a reason, or file refused with a message naming the file and the reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

from orchestration.lib.codes import branch_lookup, luhn_ok, normalise_label
from orchestration.lib.registry import source
from orchestration.lib.sources import ReadContext
from orchestration.lib.spreadsheets import FileRefused, ReadResult, header_key

# ---------------------------------------------------------------------------------------------
# Building blocks


def valid_siren(prefix8: str) -> str:
    return next(prefix8 + str(d) for d in range(10) if luhn_ok(prefix8 + str(d)))


def valid_siret(siren: str, nic4: str = "0001") -> str:
    return next(siren + nic4 + str(d) for d in range(10) if luhn_ok(siren + nic4 + str(d)))


SIREN_A = valid_siren("44230661")
SIRET_A = valid_siret(SIREN_A)
SIRET_B = valid_siret(valid_siren("77567227"), "0023")
SIRET_OF = valid_siret(valid_siren("51234567"), "0045")
BAD_SIRET = SIRET_A[:-1] + str((int(SIRET_A[-1]) + 1) % 10)

BRANCHES = branch_lookup(
    [
        (
            "BAD",
            "Aide, accompagnement, soins et services à domicile",
            ["Aide à domicile", "Branche de l'aide à domicile"],
        ),
        ("ALISFA", "Acteurs du lien social et familial", ["Centres sociaux", "Lien social"]),
        ("ECLAT", "Animation", ["Animation", "Éclat"]),
    ]
)
# The day the files are loaded: a date after it is implausible.
CONTEXT = ReadContext(branches=BRANCHES, region="52", today=dt.date(2025, 6, 30))

CONTRATS_HEADER = [
    "num_contrat", "annee_engagement", "date_engagement", "date_debut", "date_fin", "siret_employeur",
    "branche", "code_naf", "effectif_entreprise", "departement_etablissement", "sexe", "date_naissance",
    "niveau_entree", "diplome_prepare", "code_rncp", "code_rome", "formacode", "siret_organisme_formation",
    "duree_hebdo", "heures_formation",
]  # fmt: skip


def contrat(num: str = "C001", **changes: str) -> dict[str, str]:
    row = {
        "num_contrat": num, "annee_engagement": "2024", "date_engagement": "15/01/2024",
        "date_debut": "01/02/2024", "date_fin": "31/01/2025", "siret_employeur": SIRET_A,
        "branche": "Aide à domicile", "code_naf": "8810A", "effectif_entreprise": "12",
        "departement_etablissement": "44", "sexe": "F", "date_naissance": "12/03/2001", "niveau_entree": "3",
        "diplome_prepare": "DEAES", "code_rncp": "RNCP36004", "code_rome": "K1302", "formacode": "44028",
        "siret_organisme_formation": SIRET_OF, "duree_hebdo": "35", "heures_formation": "450,5",
    }  # fmt: skip
    row.update(changes)
    return row


THREE_CONTRATS = [
    contrat("C001"),
    contrat(
        "C002", branche="ALISFA", sexe="Homme", departement_etablissement="1", date_naissance="01/01/1990"
    ),
    contrat("C003", branche="animation", duree_hebdo="24,5", heures_formation="1 234,5"),
]


def csv_bytes(
    header: list[str],
    rows: list[dict[str, str] | list[str]],
    *,
    sep: str = ";",
    encoding: str = "utf-8",
    bom: bool = False,
    eol: str = "\n",
    labels: dict[str, str] | None = None,
) -> bytes:
    """A CSV as a French export would write it: quoted only when needed."""

    def fmt(value: str) -> str:
        return f'"{value}"' if (sep in value or '"' in value) else value

    lines = [sep.join(fmt((labels or {}).get(h, h)) for h in header)]
    for row in rows:
        cells = row if isinstance(row, list) else [row.get(h, "") for h in header]
        lines.append(sep.join(fmt(c) for c in cells))
    data = (eol.join(lines) + eol).encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(tmp_path: Path, rows: list[list], title: list[list] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for line in (title or []) + rows:
        sheet.append(line)
    target = tmp_path / "_build.xlsx"
    workbook.save(target)
    return target.read_bytes()


def contrats_xlsx_rows(contrats: list[dict[str, str]]) -> list[list]:
    """XLSX cells as Excel stores them: real dates and numbers, codes as text."""
    rows: list[list] = [CONTRATS_HEADER]
    for c in contrats:
        row: list = []
        for h in CONTRATS_HEADER:
            value = c[h]
            if h.startswith("date_"):
                day, month, year = (int(x) for x in value.split("/"))
                row.append(dt.datetime(year, month, day))
            elif h in {"annee_engagement", "effectif_entreprise"}:
                row.append(int(value))
            elif h in {"duree_hebdo", "heures_formation"}:
                row.append(float(value.replace(",", ".").replace(" ", "")))
            else:
                row.append(value)
        rows.append(row)
    return rows


ADHERENTS_HEADER = [
    "annee", "siret", "raison_sociale", "branche", "code_naf", "departement", "effectif_etp",
    "salaries_physiques", "dont_femmes",
]  # fmt: skip


def adherent(**changes: str) -> dict[str, str]:
    row = {
        "annee": "2024", "siret": SIRET_A, "raison_sociale": "ADMR Nantes", "branche": "BAD",
        "code_naf": "88.10A", "departement": "44", "effectif_etp": "12,5", "salaries_physiques": "15",
        "dont_femmes": "13",
    }  # fmt: skip
    row.update(changes)
    return row


AGREMENTS_HEADER = [
    "siret", "nda", "raison_sociale", "code_certification", "intitule_certification", "departements",
    "date_debut", "date_fin", "qualiopi",
]  # fmt: skip


def agrement(**changes: str) -> dict[str, str]:
    row = {
        "siret": SIRET_OF, "nda": "52440000144", "raison_sociale": "IFSO", "code_certification": "rncp36004",
        "intitule_certification": "Accompagnant éducatif et social", "departements": "44,85",
        "date_debut": "01/09/2024", "date_fin": "31/08/2026", "qualiopi": "oui",
    }  # fmt: skip
    row.update(changes)
    return row


ORGANISMES_HEADER = (
    "numeroDeclarationActivite;numerosDeclarationActivitePrecedent;denomination;siren;siretEtablissementDeclarant;"
    "adressePhysiqueOrganismeFormation.voie;adressePhysiqueOrganismeFormation.codePostal;"
    "adressePhysiqueOrganismeFormation.ville;adressePhysiqueOrganismeFormation.codeRegion;"
    "certifications.actionsDeFormation;certifications.bilansDeCompetences;certifications.VAE;"
    "certifications.actionsDeFormationParApprentissage;organismeEtrangerRepresente.denomination;"
    "organismeEtrangerRepresente.voie;organismeEtrangerRepresente.codePostal;organismeEtrangerRepresente.ville;"
    "organismeEtrangerRepresente.pays;informationsDeclarees.dateDerniereDeclaration;"
    "informationsDeclarees.debutExercice;informationsDeclarees.finExercice;"
    "informationsDeclarees.specialitesDeFormation.codeSpecialite1;"
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite1;"
    "informationsDeclarees.specialitesDeFormation.codeSpecialite2;"
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite2;"
    "informationsDeclarees.specialitesDeFormation.codeSpecialite3;"
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite3;informationsDeclarees.nbStagiaires;"
    "informationsDeclarees.nbStagiairesConfiesParUnAutreOF;informationsDeclarees.effectifFormateurs;"
)


def organisme_line(
    nda: str, region: str, siret: str = SIRET_OF, certif: str = "true", ville: str = "Nantes"
) -> str:
    """One line of the DGEFP list: quoted strings, unquoted booleans and numbers, a trailing `;`."""
    siren = siret[:9]
    return (
        f'"{nda}";"";"ORGANISME {nda}";"{siren}";"{siret}";"1 rue de la Paix";"44000";"{ville}";"{region}";'
        f'{certif};false;false;true;"";"";"";"";"";"15/03/2024";"01/01/2023";"31/12/2023";'
        f'"332";"Travail social";"";"";"";"";120;0;5;'
    )


def organismes_bytes(lines: list[str]) -> bytes:
    return ("\r\n".join([ORGANISMES_HEADER, *lines]) + "\r\n").encode("utf-8")


# ---------------------------------------------------------------------------------------------
# The catalogue

Build = Callable[[Path], tuple[str, bytes]]


@dataclass
class Case:
    id: str
    reader: str  # contrats | adherents | agrements | organismes
    build: Build
    loaded: int | None = None
    quarantined: list[str] = field(default_factory=list)  # expected reasons (substrings), in order
    warning: str | None = None  # a substring expected in one of the warnings
    refused: str | None = None  # a substring expected in the FileRefused message
    check: Callable[[ReadResult], None] | None = None


READERS = {
    "contrats": "uniformation_contrats",
    "adherents": "uniformation_adherents",
    "agrements": "region_agrements",
    "organismes": "organismes_formation",
}


def read(reader: str, path: Path) -> ReadResult:
    """A file read as the source's asset reads it (the registry's reader, key and personal columns)."""
    return source(READERS[reader]).read(path, CONTEXT)


def read_uniformation_contrats(path: Path) -> ReadResult:
    return read("contrats", path)


def contrats_csv(rows, **kw) -> Build:
    return lambda tmp: ("contrats.csv", csv_bytes(CONTRATS_HEADER, rows, **kw))


def check_typed_first_rows(result: ReadResult) -> None:
    first, second, third = result.rows[:3]
    assert first["num_contrat"] == "C001"
    assert first["date_debut"] == dt.date(2024, 2, 1)
    assert first["branche"] == "BAD"
    assert first["code_naf"] == "88.10A"
    assert first["heures_formation"] == 450.5
    assert first["effectif_entreprise"] == 12
    assert second["sexe"] == "M"
    assert second["departement_etablissement"] == "01"
    assert second["branche"] == "ALISFA"
    assert third["heures_formation"] == 1234.5
    assert third["duree_hebdo"] == 24.5
    assert third["branche"] == "ECLAT"


def check_lines(expected: list[int]) -> Callable[[ReadResult], None]:
    def check(result: ReadResult) -> None:
        assert [r["_line"] for r in result.rows] == expected

    return check


RENAMED = {
    "num_contrat": "N° contrat", "date_naissance": "Date de naissance", "siret_employeur": "SIRET employeur",
    "date_debut": "Date de début", "date_fin": "Date de fin", "annee_engagement": "Année d'engagement",
    "departement_etablissement": "Département", "heures_formation": "Heures de formation",
    "siret_organisme_formation": "SIRET OF", "code_naf": "Code NAF", "branche": "BRANCHE PROFESSIONNELLE",
}  # fmt: skip


def cp1252_mixed(tmp: Path) -> tuple[str, bytes]:
    good = csv_bytes(CONTRATS_HEADER, THREE_CONTRATS[:2])
    bad_line = ";".join(
        contrat("C003", diplome_prepare="Assistant de vie aux familles - Jardinière").values()
    )
    return "contrats.csv", good + bad_line.encode("cp1252") + b"\n"


def header_only(tmp: Path) -> tuple[str, bytes]:
    return "contrats.csv", csv_bytes(CONTRATS_HEADER, [])


def xlsx_title(tmp: Path) -> tuple[str, bytes]:
    title = [["Extraction Uniformation - contrats de professionnalisation 2024"], []]
    return "contrats.xlsx", xlsx_bytes(tmp, contrats_xlsx_rows(THREE_CONTRATS), title=title)


def xlsx_plain(tmp: Path) -> tuple[str, bytes]:
    rows = contrats_xlsx_rows(THREE_CONTRATS)
    rows.append([None] * len(CONTRATS_HEADER))
    rows.append(["TOTAL", None, None, None])
    return "contrats.xlsx", xlsx_bytes(tmp, rows)


def with_blank_lines(tmp: Path) -> tuple[str, bytes]:
    data = csv_bytes(
        CONTRATS_HEADER, [THREE_CONTRATS[0], [""], THREE_CONTRATS[1], ["", "", "", ""], THREE_CONTRATS[2]]
    )
    return "contrats.csv", data


def totals_row(tmp: Path) -> tuple[str, bytes]:
    total = ["Total"] + [""] * 18 + ["2135"]
    return "contrats.csv", csv_bytes(CONTRATS_HEADER, [*THREE_CONTRATS, total])


def truncated_last(tmp: Path) -> tuple[str, bytes]:
    data = csv_bytes(CONTRATS_HEADER, THREE_CONTRATS[:2])
    return "contrats.csv", data + b"C003;2024;15/01/2024;01/02/2024"  # cut off, no newline


def organismes_regions(tmp: Path) -> tuple[str, bytes]:
    lines = [
        organisme_line("52440000144", "52"),
        organisme_line("11750000001", "11", ville="Paris"),
        organisme_line("52850000155", "52", certif="false"),
        organisme_line("53350000166", "53", ville="Rennes"),
        organisme_line("52490000177", "52", siret=BAD_SIRET),
    ]
    return "organismes.csv", organismes_bytes(lines)


def check_organismes(result: ReadResult) -> None:
    first, second = result.rows
    assert first["nda"] == "52440000144"
    assert first["siren"] == SIRET_OF[:9]
    assert first["certif_actions_formation"] is True and first["certif_vae"] is False
    assert first["qualiopi"] is True
    assert second["qualiopi"] is True  # apprentissage is true on every fixture line
    assert first["date_derniere_declaration"] == dt.date(2024, 3, 15)
    assert first["code_specialite_1"] == "332" and first["libelle_specialite_1"] == "Travail social"
    assert first["code_specialite_2"] is None
    assert first["nb_stagiaires"] == 120 and first["effectif_formateurs"] == 5
    assert [c for c, _ in result.columns][:4] == ["nda", "denomination", "siren", "siret"]
    assert ("qualiopi", "BOOLEAN") in result.columns
    assert not any("unknown column" in w for w in result.warnings)


def check_agrements(result: ReadResult) -> None:
    assert [r["departements"] for r in result.rows] == [["44", "85"], ["44", "85"], ["49"]]
    assert [r["qualiopi"] for r in result.rows] == [True, False, True]
    assert result.rows[0]["code_certification"] == "RNCP36004"
    assert result.rows[2]["code_certification"] == "RS5432"


CASES = [
    Case(
        "utf8-bom", "contrats", contrats_csv(THREE_CONTRATS, bom=True), loaded=3, check=check_typed_first_rows
    ),
    Case(
        "windows-1252",
        "contrats",
        lambda t: (
            "contrats.csv",
            csv_bytes(
                CONTRATS_HEADER,
                THREE_CONTRATS,
                encoding="cp1252",
                labels={"num_contrat": "Numéro de contrat"},
            ),
        ),
        loaded=3,
        warning="encoding: windows-1252",
        check=check_typed_first_rows,
    ),
    Case(
        "utf8-with-one-cp1252-line",
        "contrats",
        cp1252_mixed,
        loaded=3,
        warning="1 lines decoded as Windows-1252 in a UTF-8 file",
        check=lambda r: r.rows[2]["diplome_prepare"].endswith("Jardinière"),
    ),
    Case(
        "comma-separator",
        "contrats",
        contrats_csv(THREE_CONTRATS, sep=","),
        loaded=3,
        check=check_typed_first_rows,
    ),
    Case(
        "tab-separator",
        "contrats",
        contrats_csv(THREE_CONTRATS, sep="\t"),
        loaded=3,
        check=check_typed_first_rows,
    ),
    Case(
        "decimal-comma-and-thousands",
        "contrats",
        contrats_csv([contrat(duree_hebdo="17,5", heures_formation="1\u00a0200,25")]),
        loaded=1,
        check=lambda r: (r.rows[0]["duree_hebdo"], r.rows[0]["heures_formation"]) == (17.5, 1200.25),
    ),
    Case(
        "crlf", "contrats", contrats_csv(THREE_CONTRATS, eol="\r\n"), loaded=3, check=check_lines([2, 3, 4])
    ),
    Case(
        "renamed-headers",
        "contrats",
        contrats_csv(THREE_CONTRATS, labels=RENAMED),
        loaded=3,
        check=check_typed_first_rows,
    ),
    Case(
        "headers-in-another-order",
        "contrats",
        lambda t: ("contrats.csv", csv_bytes(list(reversed(CONTRATS_HEADER)), THREE_CONTRATS)),
        loaded=3,
        check=check_typed_first_rows,
    ),
    Case(
        "missing-required-column",
        "contrats",
        lambda t: ("contrats.csv", csv_bytes(CONTRATS_HEADER[1:], THREE_CONTRATS)),
        refused="missing required column 'num_contrat' in ",
    ),
    Case(
        "extra-unknown-column",
        "contrats",
        lambda t: (
            "contrats.csv",
            csv_bytes(
                [*CONTRATS_HEADER, "Commentaire"], [{**c, "Commentaire": "vu"} for c in THREE_CONTRATS]
            ),
        ),
        loaded=3,
        warning="unknown column 'Commentaire' ignored",
    ),
    Case(
        "xlsx-title-row",
        "contrats",
        xlsx_title,
        loaded=3,
        warning="header found on line 3",
        check=lambda r: check_typed_first_rows(r) or check_lines([4, 5, 6])(r),
    ),
    Case(
        "xlsx-plain-with-totals",
        "contrats",
        xlsx_plain,
        loaded=3,
        warning="totals row on line 6 ignored",
        check=check_typed_first_rows,
    ),
    Case(
        "blank-lines",
        "contrats",
        with_blank_lines,
        loaded=3,
        warning="2 blank lines ignored",
        check=check_lines([2, 4, 6]),
    ),
    Case("totals-row", "contrats", totals_row, loaded=3, warning="totals row on line 5 ignored"),
    Case("empty-file", "contrats", lambda t: ("contrats.csv", b""), refused="empty file: "),
    Case(
        "blank-only-file",
        "contrats",
        lambda t: ("contrats.csv", b"\xef\xbb\xbf\r\n\r\n"),
        refused="empty file",
    ),
    Case("header-only", "contrats", header_only, loaded=0, warning="no data rows"),
    Case(
        "truncated-last-line",
        "contrats",
        truncated_last,
        loaded=2,
        quarantined=["truncated line: 4 fields, 20 expected"],
    ),
    Case(
        "bad-date",
        "contrats",
        contrats_csv([contrat(date_debut="début février")]),
        loaded=0,
        quarantined=["bad date in date_debut: 'début février'"],
    ),
    Case(
        "impossible-date-31-02",
        "contrats",
        contrats_csv([contrat(date_debut="31/02/2022")]),
        loaded=0,
        quarantined=["bad date in date_debut: '31/02/2022'"],
    ),
    Case(
        "bad-birth-date-value-not-echoed",
        "contrats",
        contrats_csv([contrat(date_naissance="30/02/2001")]),
        loaded=0,
        quarantined=["bad date in date_naissance"],
        check=lambda r: "2001" not in r.quarantined[0]["_reason"],
    ),
    Case(
        "bad-siret-checksum",
        "contrats",
        contrats_csv([contrat(siret_employeur=BAD_SIRET)]),
        loaded=0,
        quarantined=[f"bad SIRET checksum in siret_employeur: '{BAD_SIRET}'"],
    ),
    Case(
        "siret-with-spaces-accepted",
        "contrats",
        contrats_csv(
            [contrat(siret_employeur=" ".join((SIRET_A[:3], SIRET_A[3:6], SIRET_A[6:9], SIRET_A[9:])))]
        ),
        loaded=1,
        check=lambda r: r.rows[0]["siret_employeur"] == SIRET_A,
    ),
    Case(
        "siret-too-short",
        "contrats",
        contrats_csv([contrat(siret_employeur="1234")]),
        loaded=0,
        quarantined=["bad SIRET in siret_employeur: '1234' (14 digits expected)"],
    ),
    Case(
        "unknown-branch",
        "contrats",
        contrats_csv([contrat(branche="Métallurgie")]),
        loaded=0,
        quarantined=["unknown branch: 'Métallurgie'"],
    ),
    Case(
        "age-out-of-range",
        "contrats",
        contrats_csv([contrat(date_naissance="01/06/2012"), contrat("C002", date_naissance="01/01/1950")]),
        loaded=0,
        quarantined=["age out of 15-70 at date_debut: 11", "age out of 15-70 at date_debut: 74"],
    ),
    Case(
        "end-before-start",
        "contrats",
        contrats_csv([contrat(date_fin="31/12/2023")]),
        loaded=0,
        quarantined=["date_fin before date_debut"],
    ),
    Case(
        "missing-required-value",
        "contrats",
        contrats_csv([contrat(num=""), contrat("C002")]),
        loaded=1,
        quarantined=["missing required value in num_contrat"],
    ),
    Case(
        "duplicate-contract-different-content",
        "contrats",
        contrats_csv([contrat("C001"), contrat("C001", heures_formation="500")]),
        loaded=1,
        quarantined=["duplicate num_contrat of line 2 with different content"],
    ),
    Case(
        "exact-duplicate-row",
        "contrats",
        contrats_csv([contrat("C001"), contrat("C002"), contrat("C001")]),
        loaded=2,
        quarantined=["exact duplicate of line 2"],
        warning="1 exact duplicate rows quarantined",
    ),
    Case(
        "not-a-spreadsheet",
        "contrats",
        lambda t: ("contrats.csv", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
        refused="not a spreadsheet",
    ),
    Case(
        "legacy-xls",
        "contrats",
        lambda t: ("contrats.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64),
        refused="legacy .xls",
    ),
    Case(
        "no-header-at-all",
        "contrats",
        lambda t: ("contrats.csv", b"a;b;c\n1;2;3\n"),
        refused="no recognisable header row",
    ),
    Case(
        "adherents-women-over-employees",
        "adherents",
        lambda t: (
            "adherents.csv",
            csv_bytes(ADHERENTS_HEADER, [adherent(), adherent(siret=SIRET_B, dont_femmes="16")]),
        ),
        loaded=1,
        quarantined=["dont_femmes > salaries_physiques: 16 > 15"],
        check=lambda r: r.rows[0]["effectif_etp"] == 12.5 and r.rows[0]["code_naf"] == "88.10A",
    ),
    Case(
        "adherents-negative-and-bad-year",
        "adherents",
        lambda t: (
            "adherents.csv",
            csv_bytes(
                ADHERENTS_HEADER, [adherent(salaries_physiques="-3"), adherent(siret=SIRET_B, annee="24")]
            ),
        ),
        loaded=0,
        quarantined=["negative number in salaries_physiques: '-3'", "bad year in annee: '24'"],
    ),
    Case(
        "agrements-departement-lists",
        "agrements",
        lambda t: (
            "agrements.csv",
            csv_bytes(
                AGREMENTS_HEADER,
                [
                    agrement(),
                    agrement(departements="44 ; 85", qualiopi="non", siret=SIRET_B),
                    agrement(departements="49", code_certification="RS 5432", qualiopi="1"),
                ],
            ),
        ),
        loaded=3,
        check=check_agrements,
    ),
    Case(
        "agrements-bad-certification-code",
        "agrements",
        lambda t: ("agrements.csv", csv_bytes(AGREMENTS_HEADER, [agrement(code_certification="CQP-123")])),
        loaded=0,
        quarantined=["bad certification code in code_certification: 'CQP-123'"],
    ),
    Case(
        "start-date-decades-ahead",
        "contrats",
        contrats_csv([contrat(date_debut="01/02/2031", date_fin="31/01/2032"), contrat("C002")]),
        loaded=1,
        quarantined=["date_debut in the future: 2031-02-01"],
    ),
    Case(
        "engagement-date-in-the-future-and-before-1950",
        "contrats",
        contrats_csv([contrat(date_engagement="15/07/2025"), contrat("C002", date_engagement="15/01/1949")]),
        loaded=0,
        quarantined=["date_engagement in the future: 2025-07-15", "date_engagement before 1950: 1949-01-15"],
    ),
    Case(
        "start-date-before-1950",
        "contrats",
        contrats_csv([contrat(date_debut="01/02/1924", date_naissance="01/01/1900", date_fin="")]),
        loaded=0,
        quarantined=["date_debut before 1950: 1924-02-01"],
    ),
    Case(
        "engagement-year-in-the-future",
        "contrats",
        contrats_csv([contrat(annee_engagement="2031")]),
        loaded=0,
        quarantined=["annee_engagement in the future: 2031"],
    ),
    Case(
        "age-over-70",
        "contrats",
        contrats_csv([contrat(date_naissance="01/01/1953"), contrat("C002", date_naissance="02/02/1954")]),
        loaded=1,
        quarantined=["age out of 15-70 at date_debut: 71"],
    ),
    Case(
        "negative-effectif-and-hours",
        "contrats",
        contrats_csv([contrat(effectif_entreprise="-4"), contrat("C002", heures_formation="-450")]),
        loaded=0,
        quarantined=[
            "negative number in effectif_entreprise: '-4'",
            "negative number in heures_formation: '-450'",
        ],
    ),
    Case(
        "adherents-year-in-the-future",
        "adherents",
        lambda t: ("adherents.csv", csv_bytes(ADHERENTS_HEADER, [adherent(annee="2026")])),
        loaded=0,
        quarantined=["annee in the future: 2026"],
    ),
    Case(
        "organismes-other-regions",
        "organismes",
        organismes_regions,
        loaded=2,
        quarantined=[f"bad SIRET checksum in siret: '{BAD_SIRET}'"],
        warning="2 rows of other régions than 52 skipped (not counted)",
        check=check_organismes,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_catalogue(case: Case, tmp_path: Path) -> None:
    name, data = case.build(tmp_path)
    path = tmp_path / name
    path.write_bytes(data)
    if case.refused is not None:
        with pytest.raises(FileRefused) as refusal:
            read(case.reader, path)
        message = str(refusal.value)
        assert case.refused in message
        assert str(path) in message, "the message must name the file"
        return
    result = read(case.reader, path)
    assert result.rows_read == len(result.rows) + len(result.quarantined)
    assert len(result.rows) == case.loaded, result.quarantined
    reasons = [q["_reason"] for q in result.quarantined]
    assert len(reasons) == len(case.quarantined), reasons
    for got, expected in zip(reasons, case.quarantined, strict=True):
        assert expected in got
    if case.warning is not None:
        assert any(case.warning in w for w in result.warnings), result.warnings
    else:
        assert not any("unknown column" in w or "decoded" in w for w in result.warnings), result.warnings
    for row in result.rows:
        assert set(row) == {"_line", "_sheet", *(c for c, _ in result.columns)}
    personal = set(source(READERS[case.reader]).personal)
    for q in result.quarantined:
        assert isinstance(q["_line"], int) and q["_reason"]
        assert not personal & set(q), "a personal column never reaches quarantine"
    if case.check is not None:
        assert case.check(result) is not False


def test_catalogue_is_large_enough() -> None:
    assert len(CASES) >= 25


def test_quarantined_rows_keep_raw_text_under_canonical_names(tmp_path: Path) -> None:
    path = tmp_path / "contrats.csv"
    path.write_bytes(csv_bytes(CONTRATS_HEADER, [contrat(date_debut="31/02/2022")], labels=RENAMED))
    (row,) = read_uniformation_contrats(path).quarantined
    assert row["_line"] == 2
    assert row["num_contrat"] == "C001"
    assert row["date_debut"] == "31/02/2022"
    assert row["heures_formation"] == "450,5"


def test_same_content_under_two_names_reads_identically(tmp_path: Path) -> None:
    data = csv_bytes(CONTRATS_HEADER, [*THREE_CONTRATS, contrat("C009", branche="Inconnue")], bom=True)
    first, second = tmp_path / "contrats_2024.csv", tmp_path / "contrats_2024 (copie).csv"
    first.write_bytes(data)
    second.write_bytes(data)
    a, b = read_uniformation_contrats(first), read_uniformation_contrats(second)
    assert (a.rows, a.quarantined, a.warnings, a.columns, a.rows_read) == (
        b.rows, b.quarantined, b.warnings, b.columns, b.rows_read,
    )  # fmt: skip
    assert a.path != b.path


def test_csv_and_xlsx_of_the_same_data_give_the_same_rows(tmp_path: Path) -> None:
    csv_path, xlsx_path = tmp_path / "contrats.csv", tmp_path / "contrats.xlsx"
    csv_path.write_bytes(csv_bytes(CONTRATS_HEADER, THREE_CONTRATS))
    xlsx_path.write_bytes(xlsx_bytes(tmp_path, contrats_xlsx_rows(THREE_CONTRATS)))
    from_csv = read_uniformation_contrats(csv_path).rows
    from_xlsx = read_uniformation_contrats(xlsx_path).rows
    assert from_csv == from_xlsx


def test_contrats_columns_and_types(tmp_path: Path) -> None:
    path = tmp_path / "contrats.csv"
    path.write_bytes(csv_bytes(CONTRATS_HEADER, THREE_CONTRATS))
    columns = dict(read_uniformation_contrats(path).columns)
    assert list(columns) == CONTRATS_HEADER
    assert columns["date_debut"] == "DATE" and columns["heures_formation"] == "DOUBLE"
    assert columns["annee_engagement"] == "INTEGER" and columns["siret_employeur"] == "VARCHAR"


def test_header_normalisation() -> None:
    assert header_key("N° contrat") == header_key("n_contrat") == header_key("N° de contrat")
    assert header_key("Numéro  de   CONTRAT") == "numero_contrat"
    assert header_key("informationsDeclarees.nbStagiaires") == "informations_declarees_nb_stagiaires"
    assert normalise_label("  Aide   à DOMICILE ") == "aide a domicile"


def test_branch_lookup_accepts_code_label_and_synonyms() -> None:
    assert BRANCHES["bad"] == "BAD"
    assert BRANCHES["aide, accompagnement, soins et services a domicile"] == "BAD"
    assert BRANCHES["aide a domicile"] == "BAD"
    assert BRANCHES["eclat"] == "ECLAT"


def test_organismes_stream_a_national_sized_file(tmp_path: Path) -> None:
    """A national-sized list (here 30,000 lines) reads in a few seconds, keeping only the région."""
    lines = [organisme_line(f"{11 + i % 7:02d}{i:09d}", "52" if i % 10 == 0 else "11") for i in range(30_000)]
    path = tmp_path / "organismes.csv"
    path.write_bytes(organismes_bytes(lines))
    result = read("organismes", path)
    assert len(result.rows) == 3_000
    assert result.rows_read == 3_000
    assert any("27000 rows of other régions" in w for w in result.warnings)


# ---------------------------------------------------------------------------------------------
# Workbooks with several sheets


def workbook(tmp_path: Path, sheets: dict[str, list[list]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path = tmp_path / "contrats_par_annee.xlsx"
    book.save(path)
    return path


def test_a_workbook_with_one_sheet_per_year_loads_every_sheet_and_rows_say_their_sheet(
    tmp_path: Path,
) -> None:
    path = workbook(
        tmp_path,
        {
            "2023": contrats_xlsx_rows([contrat("C001"), contrat("C002")]),
            "Notes": [["Extraction du 12/01/2025"], ["Source : Uniformation"]],
            "2024": contrats_xlsx_rows([contrat("C003"), contrat("C001", heures_formation="99")]),
        },
    )

    result = read("contrats", path)

    assert [(r["_sheet"], r["_line"], r["num_contrat"]) for r in result.rows] == [
        ("2023", 2, "C001"),
        ("2023", 3, "C002"),
        ("2024", 2, "C003"),
    ]
    (refused,) = result.quarantined
    assert (refused["_sheet"], refused["_line"]) == ("2024", 3)
    assert refused["_reason"] == "duplicate num_contrat of sheet '2023' line 2 with different content"
    assert result.rows_read == 4
    assert any("sheets ignored" in w and "'Notes'" in w for w in result.warnings), result.warnings


def test_a_workbook_whose_sheets_lack_the_header_is_refused_naming_every_sheet(tmp_path: Path) -> None:
    header_without_number = [h for h in CONTRATS_HEADER if h != "num_contrat"]
    path = workbook(
        tmp_path,
        {
            "Synthèse": [["Contrats signés", 120]],
            "Détail": [header_without_number, ["2024"] * len(header_without_number)],
        },
    )

    with pytest.raises(FileRefused) as refusal:
        read("contrats", path)

    message = str(refusal.value)
    assert str(path) in message
    assert "'Synthèse' (no recognisable header row)" in message
    assert "'Détail' (missing num_contrat)" in message


# ---------------------------------------------------------------------------------------------
# What the registry promises about every spreadsheet source


SPREADSHEETS = ["uniformation_contrats", "uniformation_adherents", "region_agrements", "organismes_formation"]


@pytest.mark.parametrize("name", SPREADSHEETS)
def test_every_count_of_every_source_refuses_a_negative_value(name: str) -> None:
    from orchestration.lib.parsers import DEFAULT_PARSERS, BadValue

    numeric = [c for c in source(name).reader.columns if c.type in ("INTEGER", "DOUBLE") and not c.derived]
    for column in numeric:
        parse = column.parse or DEFAULT_PARSERS[column.type]
        with pytest.raises(BadValue):
            parse("-1", column.name)


@pytest.mark.parametrize("name", SPREADSHEETS)
def test_the_key_of_every_source_is_required_so_it_is_never_null(name: str) -> None:
    columns = {c.name: c for c in source(name).reader.columns}
    assert all(columns[k].required for k in source(name).key), source(name).key
    assert set(source(name).personal) <= set(columns)
