"""Synthetic offers in the shape of the France Travail "Offres d'emploi v2" API.

One generator for the fake API server of the tests (``tests/fake_francetravail.py``) and for the
benchmark (``bench/generate.py``): the same communes, métiers, contracts and durations, parameterised by
creation window, départements, share of partner offers and description length. (The embedded sample's
calibrated offers, ``tools/sample/offers.py``, share its API shapes but not yet this code.)

Most offers look like France Travail's own: a 7-character id (``"144AB3C"``), coordinates, a commune, a
description. About ``partner_share`` of them are partner offers: a numeric id (a JSON number),
``origineOffre.origine`` "2", sparse fields and empty objects, as the API returns them; with
``located_partners`` they keep their commune and postcode (no coordinates), as many real ones do.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

PAYS_DE_LA_LOIRE = ("44", "49", "53", "72", "85")

# département → (code commune INSEE, code postal, nom, latitude, longitude)
COMMUNES = {
    "44": [("44109", "44000", "NANTES", 47.218, -1.554), ("44184", "44600", "SAINT-NAZAIRE", 47.273, -2.214)],
    "49": [("49007", "49000", "ANGERS", 47.478, -0.563), ("49099", "49300", "CHOLET", 47.06, -0.879)],
    "53": [("53130", "53000", "LAVAL", 48.073, -0.77)],
    "72": [("72181", "72000", "LE MANS", 48.006, 0.199)],
    "85": [("85191", "85000", "LA ROCHE-SUR-YON", 46.67, -1.426)],
    "35": [("35238", "35000", "RENNES", 48.111, -1.68)],
    "75": [("75056", "75001", "PARIS", 48.857, 2.352)],
}
# (code ROME, libellé ROME, appellation)
METIERS = [
    ("K1302", "Assistance auprès d'adultes", "Aide à domicile"),
    ("K1304", "Services domestiques", "Agent / Agente d'entretien à domicile"),
    (
        "G1203",
        "Animation de loisirs auprès d'enfants ou d'adolescents",
        "Animateur / Animatrice périscolaire",
    ),
    ("K1201", "Action sociale", "Assistant / Assistante de service social"),
    ("M1203", "Comptabilité", "Comptable"),
    ("J1303", "Assistance médico-technique", "Assistant / Assistante dentaire"),
    ("K2501", "Gardiennage de locaux", "Gardien / Gardienne d'immeuble"),
    ("D1106", "Vente en alimentation", "Vendeur / Vendeuse en boulangerie"),
    ("M1502", "Développement des ressources humaines", "Chargé / Chargée de recrutement"),
]
# (typeContrat, typeContratLibelle, natureContrat)
CONTRATS = [
    ("CDI", "Contrat à durée indéterminée", "Contrat travail"),
    ("CDD", "Contrat à durée déterminée - 6 Mois", "Contrat travail"),
    ("CDD", "Contrat à durée déterminée - 2 Mois", "Contrat travail"),
    ("MIS", "Mission intérimaire - 1 Mois", "Contrat travail"),
    ("CDD", "Contrat à durée déterminée - 12 Mois", "Contrat de professionnalisation"),
]
# (dureeTravailLibelle, dureeTravailLibelleConverti); (None, None): the API leaves both out
DUREES = [
    ("35H Horaires normaux", "Temps plein"),
    ("24H Horaires normaux", "Temps partiel"),
    ("35H/semaine\nTravail en journée", "Temps plein"),
    ("17H30 Travail samedi et dimanche", "Temps partiel"),
    (None, None),
]
SENTENCES = [
    "Vous accompagnez des personnes âgées ou en situation de handicap dans les actes de la vie quotidienne.",
    "Vous participez à l'entretien du logement et à la préparation des repas.",
    "Rattaché(e) au responsable de secteur, vous intervenez au domicile des bénéficiaires.",
    "Vous assurez le suivi administratif et le classement des dossiers.",
    "Une première expérience dans le secteur médico-social est appréciée.",
    "Vous êtes titulaire du permis B et disposez d'un véhicule.",
    "Poste à pourvoir rapidement, horaires en journée, week-end possible.",
    "Nous recherchons une personne autonome, rigoureuse et dotée d'un bon relationnel.",
    "Vous animez des ateliers collectifs et contribuez au projet pédagogique de la structure.",
    "Vous tenez la comptabilité fournisseurs et clients et préparez les déclarations fiscales.",
    "Formation assurée en interne, possibilité d'évolution vers un poste de référent.",
    "Mutuelle d'entreprise, tickets restaurant et indemnités kilométriques.",
]
DESCRIPTION_LENGTH = (300, 1500)
ID_LENGTH = 7  # France Travail's own ids: "144AB3C"
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def api_time(value: datetime) -> str:
    """A timestamp as the API writes it: UTC, milliseconds, ``Z``."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _base36(number: int, width: int) -> str:
    digits = ""
    while number or len(digits) < width:
        number, digit = divmod(number, 36)
        digits = _B36[digit] + digits
    return digits  # longer than width rather than wrapping: ids stay unique


def _communes(departement: str) -> list[tuple[str, str, str, float, float]]:
    # a département outside the table still gets a plausible commune (its code starts with the département)
    return COMMUNES.get(departement, [(departement + "001", departement + "000", "COMMUNE", 47.0, -1.0)])


def description(rng: random.Random, length: tuple[int, int] = DESCRIPTION_LENGTH) -> str:
    """Sentences from ``SENTENCES``, cut to a length drawn uniformly in ``length`` (inclusive)."""
    target = rng.randint(*length)
    parts: list[str] = []
    size = 0
    while size < target:
        sentence = rng.choice(SENTENCES)
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)[:target]


def offer(
    number: int,
    created: datetime,
    rng: random.Random,
    prefix: str = "1",
    *,
    departements: Sequence[str] = PAYS_DE_LA_LOIRE,
    weights: Sequence[float] | None = None,
    partner_share: float = 0.1,
    description_length: tuple[int, int] = DESCRIPTION_LENGTH,
    located_partners: bool = False,
) -> dict[str, Any]:
    """Offer ``number`` created at ``created``; its id is ``prefix`` + ``number`` (unique per prefix)."""
    departement = rng.choices(departements, weights=weights)[0]
    commune, code_postal, nom, lat, lon = rng.choice(_communes(departement))
    rome, rome_libelle, appellation = rng.choice(METIERS)
    type_contrat, type_libelle, nature = rng.choice(CONTRATS)
    duree, converti = rng.choice(DUREES)
    stamp = api_time(created)
    if rng.random() < partner_share:  # partner offer: numeric id, sparse fields, empty objects
        return {
            "id": int(f"9{prefix}{number:08d}"),
            "intitule": appellation,
            "dateCreation": stamp,
            "dateActualisation": stamp,
            "lieuTravail": {"libelle": f"{departement} - {nom.title()}"}
            | ({"codePostal": code_postal, "commune": commune} if located_partners else {}),
            "romeCode": rome,
            "romeLibelle": rome_libelle,
            "entreprise": {},
            "typeContrat": type_contrat,
            "typeContratLibelle": type_libelle,
            "natureContrat": nature,
            "experienceExige": "D",
            "salaire": {},
            "alternance": False,
            "nombrePostes": 1,
            "accessibleTH": False,
            "origineOffre": {
                "origine": "2",
                "partenaires": [{"nom": "PARTENAIRE", "url": "https://example.invalid/o", "logo": ""}],
            },
            "contact": {},
        }
    key = prefix + _base36(number, max(1, ID_LENGTH - len(prefix)))
    result = {
        "id": key,
        "intitule": f"{appellation} H/F",
        "description": description(rng, description_length),
        "dateCreation": stamp,
        "dateActualisation": api_time(created + timedelta(hours=rng.randint(0, 48))),
        "lieuTravail": {
            "libelle": f"{departement} - {nom}",
            "latitude": lat,
            "longitude": lon,
            "codePostal": code_postal,
            "commune": commune,
        },
        "romeCode": rome,
        "romeLibelle": rome_libelle,
        "appellationlibelle": appellation,
        "entreprise": {"nom": f"EMPLOYEUR {rng.randint(1, 5000)}", "entrepriseAdaptee": False},
        "typeContrat": type_contrat,
        "typeContratLibelle": type_libelle,
        "natureContrat": nature,
        "experienceExige": rng.choice(["D", "E", "S"]),
        "experienceLibelle": "Débutant accepté",
        "competences": [{"code": "123456", "libelle": "Respecter les règles d'hygiène", "exigence": "S"}],
        "formations": [],
        "salaire": {"libelle": "Mensuel de 1802.00 Euros sur 12.0 mois"},
        "alternance": nature == "Contrat de professionnalisation",
        "nombrePostes": rng.randint(1, 3),
        "accessibleTH": rng.random() < 0.2,
        "qualificationCode": str(rng.randint(1, 9)),
        "qualificationLibelle": "Employé qualifié",
        "codeNAF": "88.10A",
        "secteurActivite": "88",
        "secteurActiviteLibelle": "Action sociale sans hébergement",
        "origineOffre": {
            "origine": "1",
            "urlOrigine": f"https://candidat.francetravail.fr/offres/recherche/detail/{key}",
        },
        "contact": {"nom": "Contact", "courriel": "Pour postuler, utiliser le lien suivant"},
    }
    if duree is not None:
        result["dureeTravailLibelle"] = duree
        result["dureeTravailLibelleConverti"] = converti
    return result


def synthetic_offers(
    n: int,
    start: datetime,
    end: datetime,
    *,
    seed: int,
    first_number: int = 0,
    prefix: str = "1",
    departements: Sequence[str] = PAYS_DE_LA_LOIRE,
    weights: Sequence[float] | None = None,
    partner_share: float = 0.1,
    description_length: tuple[int, int] = DESCRIPTION_LENGTH,
    located_partners: bool = False,
) -> Iterator[dict[str, Any]]:
    """``n`` offers created uniformly in [start, end), in creation order, numbered from ``first_number``.

    The same arguments give the same offers. Ids are unique for a given ``prefix`` and numbering;
    ``weights`` (one per département, as ``random.choices``) skew where offers are located.
    """
    rng = random.Random(seed)
    span = (end - start).total_seconds()
    times = sorted(rng.random() * span for _ in range(n))
    for i, seconds in enumerate(times):
        yield offer(
            first_number + i,
            start + timedelta(seconds=seconds),
            rng,
            prefix,
            departements=departements,
            weights=weights,
            partner_share=partner_share,
            description_length=description_length,
            located_partners=located_partners,
        )
