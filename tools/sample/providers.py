"""The sample's training providers: the Région's agreed providers (``data/providers.json``: who is agreed
for what, where) and others of the DGEFP public list, in and outside the région."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from orchestration.lib.codes import normalise_label
from tools.sample.common import (
    CERT,
    COMMUNE_BY_CODE,
    COMMUNES_HORS_REGION,
    COMMUNES_REGION,
    Commune,
    fake_siret,
    fr_date,
    load_json,
    pick_commune,
    unique_name,
)

_PROVIDERS = load_json("providers.json")
# nom, commune, qualiopi, agrements [[certification, "départements"], ...], NSF specialities
AGREED_PROVIDERS: list[dict] = _PROVIDERS["agreed"]
NSF: dict[str, str] = _PROVIDERS["nsf"]
OTHER_PROVIDER_NAMES: list[str] = _PROVIDERS["other_names"]
OTHER_PROVIDER_NSF: list[str] = _PROVIDERS["other_nsf"]


@dataclass
class Provider:
    siret: str
    nda: str
    nom: str
    commune: Commune
    qualiopi: bool
    agrements: tuple[tuple[str, tuple[str, ...]], ...] = ()
    specialites: tuple[str, ...] = ("332",)


def _nda(rng: random.Random, commune: Commune) -> str:
    # numéro de déclaration d'activité: région (2), département (2), sequence (5), département (2)
    return f"{commune.region}{commune.dep}{rng.randint(0, 99999):05d}{commune.dep}"


def build_providers(rng: random.Random, sirets: set[str]) -> tuple[list[Provider], list[Provider]]:
    agreed = []
    for spec in AGREED_PROVIDERS:
        commune = COMMUNE_BY_CODE[spec["commune"]]
        nom, qualiopi, nsf = spec["nom"], spec["qualiopi"], tuple(spec["nsf"])
        agrements = tuple((code, deps) for code, deps in spec["agrements"])
        agreed.append(
            Provider(fake_siret(rng, sirets), _nda(rng, commune), nom, commune, qualiopi, agrements, nsf)
        )
    others = []
    names: set[str] = {p.nom for p in agreed}
    for n in range(100):
        communes = COMMUNES_HORS_REGION if n % 5 == 4 else COMMUNES_REGION
        commune = pick_commune(rng, communes)
        nom = unique_name(rng, OTHER_PROVIDER_NAMES, commune, names)
        nsf = tuple(sorted(rng.sample(OTHER_PROVIDER_NSF, rng.randint(1, 3))))
        others.append(
            Provider(fake_siret(rng, sirets), _nda(rng, commune), nom, commune, rng.random() < 0.7, (), nsf)
        )
    return agreed, others


def agrements_rows(rng: random.Random, agreed: Sequence[Provider]) -> list[list[str]]:
    periods = (
        (date(2023, 9, 1), date(2026, 8, 31)),
        (date(2024, 1, 1), date(2026, 12, 31)),
        (date(2024, 9, 1), date(2027, 8, 31)),
        (date(2025, 1, 1), date(2027, 12, 31)),
        (date(2022, 1, 1), date(2024, 12, 31)),  # expired agreement kept in the Région's file
    )
    rows = []
    for p in agreed:
        for code, deps in p.agrements:
            debut, fin = rng.choices(periods, weights=(3, 4, 3, 2, 1))[0]
            rows.append(
                [
                    p.siret,
                    p.nda,
                    p.nom,
                    code,
                    CERT[code][1],
                    deps,
                    fr_date(debut),
                    fr_date(fin),
                    "oui" if p.qualiopi else "non",
                ]
            )
    return rows


def _quoted(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _upper_ascii(text: str) -> str:
    return normalise_label(text).upper()


def organismes_lines(rng: random.Random, providers: Sequence[Provider]) -> list[str]:
    """Rows of the DGEFP public list: quoted strings, bare booleans and numbers, ``;`` at line end."""
    voies, noms_voies = _PROVIDERS["voies"], _PROVIDERS["noms_voies"]
    lines = []
    for p in sorted(providers, key=lambda p: p.nda):
        specialites: list[str] = []
        for code in p.specialites[:3]:
            specialites += [_quoted(code), _quoted(NSF[code])]
        specialites += [""] * (6 - len(specialites))
        declaration = date(2024, 3, 1) + timedelta(days=rng.randint(0, 480))
        stagiaires = rng.randint(20, 2500)
        fields = [
            _quoted(p.nda),
            _quoted(_nda(rng, p.commune)) if rng.random() < 0.1 else "",
            _quoted(p.nom.upper()),
            _quoted(p.siret[:9]),
            _quoted(p.siret),
            _quoted(f"{rng.randint(1, 120)} {rng.choice(voies)} {rng.choice(noms_voies)}"),
            _quoted(p.commune.code_postal),
            _quoted(_upper_ascii(p.commune.libelle)),
            _quoted(p.commune.region),
            "true" if p.qualiopi else "false",
            "true" if rng.random() < 0.15 else "false",
            "true" if p.agrements and rng.random() < 0.5 else "false",
            "true" if rng.random() < 0.3 else "false",
            "", "", "", "", "",
            _quoted(fr_date(declaration)),
            _quoted("01/01/2024"),
            _quoted("31/12/2024"),
            *specialites,
            str(stagiaires),
            str(rng.randint(0, stagiaires // 4)),
            str(rng.randint(1, 60)),
        ]  # fmt: skip
        assert len(fields) == len(ORGANISMES_HEADER)
        lines.append(";".join(fields) + ";")
    return lines


ORGANISMES_HEADER = [
    "numeroDeclarationActivite",
    "numerosDeclarationActivitePrecedent",
    "denomination",
    "siren",
    "siretEtablissementDeclarant",
    "adressePhysiqueOrganismeFormation.voie",
    "adressePhysiqueOrganismeFormation.codePostal",
    "adressePhysiqueOrganismeFormation.ville",
    "adressePhysiqueOrganismeFormation.codeRegion",
    "certifications.actionsDeFormation",
    "certifications.bilansDeCompetences",
    "certifications.VAE",
    "certifications.actionsDeFormationParApprentissage",
    "organismeEtrangerRepresente.denomination",
    "organismeEtrangerRepresente.voie",
    "organismeEtrangerRepresente.codePostal",
    "organismeEtrangerRepresente.ville",
    "organismeEtrangerRepresente.pays",
    "informationsDeclarees.dateDerniereDeclaration",
    "informationsDeclarees.debutExercice",
    "informationsDeclarees.finExercice",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite1",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite1",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite2",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite2",
    "informationsDeclarees.specialitesDeFormation.codeSpecialite3",
    "informationsDeclarees.specialitesDeFormation.libelleSpecialite3",
    "informationsDeclarees.nbStagiaires",
    "informationsDeclarees.nbStagiairesConfiesParUnAutreOF",
    "informationsDeclarees.effectifFormateurs",
]


# --- Contrats de professionnalisation --------------------------------------------------------------
