"""Seeded offers in the shape of the France Travail "Offres d'emploi v2" API, at realistic sizes.

Descriptions run from 300 to 1,500 characters, about one offer in ten is a sparse partner offer with a
numeric id, and every offer is located in the observed région's départements (52: Pays de la Loire).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")

COMMUNES = {
    "44": [("44109", "44000", "NANTES", 47.218, -1.554), ("44184", "44600", "SAINT-NAZAIRE", 47.273, -2.214)],
    "49": [("49007", "49000", "ANGERS", 47.478, -0.563), ("49099", "49300", "CHOLET", 47.06, -0.879)],
    "53": [("53130", "53000", "LAVAL", 48.073, -0.77)],
    "72": [("72181", "72000", "LE MANS", 48.006, 0.199)],
    "85": [("85191", "85000", "LA ROCHE-SUR-YON", 46.67, -1.426)],
}
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
CONTRATS = [
    ("CDI", "Contrat à durée indéterminée", "Contrat travail"),
    ("CDD", "Contrat à durée déterminée - 6 Mois", "Contrat travail"),
    ("CDD", "Contrat à durée déterminée - 2 Mois", "Contrat travail"),
    ("MIS", "Mission intérimaire - 1 Mois", "Contrat travail"),
    ("CDD", "Contrat à durée déterminée - 12 Mois", "Contrat de professionnalisation"),
]
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
B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _api_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _description(rng: random.Random) -> str:
    target = rng.randint(300, 1500)
    parts: list[str] = []
    size = 0
    while size < target:
        sentence = rng.choice(SENTENCES)
        parts.append(sentence)
        size += len(sentence) + 1
    return " ".join(parts)[:target]


def offer(number: int, created: datetime, rng: random.Random, prefix: str = "1") -> dict:
    departement = rng.choice(tuple(COMMUNES))
    commune, code_postal, nom, lat, lon = rng.choice(COMMUNES[departement])
    rome, rome_libelle, appellation = rng.choice(METIERS)
    type_contrat, type_libelle, nature = rng.choice(CONTRATS)
    duree, converti = rng.choice(DUREES)
    stamp = _api_time(created)
    if rng.random() < 0.1:  # partner offer: numeric id, sparse fields, empty objects
        return {
            "id": int(f"9{prefix}{number:08d}"),
            "intitule": appellation,
            "dateCreation": stamp,
            "dateActualisation": stamp,
            "lieuTravail": {"libelle": f"{departement} - {nom.title()}"},
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
            "origineOffre": {"origine": "2", "partenaires": [{"nom": "PARTENAIRE", "url": "", "logo": ""}]},
            "contact": {},
        }
    code = "".join(B36[(number // 36**k) % 36] for k in range(5, -1, -1))
    result = {
        "id": f"{prefix}{code}",
        "intitule": f"{appellation} H/F",
        "description": _description(rng),
        "dateCreation": stamp,
        "dateActualisation": _api_time(created + timedelta(hours=rng.randint(0, 48))),
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
            "urlOrigine": f"https://candidat.francetravail.fr/offres/{prefix}{code}",
        },
        "contact": {"nom": "Contact", "courriel": "Pour postuler, utiliser le lien suivant"},
    }
    if duree is not None:
        result["dureeTravailLibelle"] = duree
        result["dureeTravailLibelleConverti"] = converti
    return result


def offers_between(
    n: int, start: datetime, end: datetime, seed: int, first_number: int = 0
) -> Iterator[dict]:
    """``n`` offers created uniformly in [start, end), in creation order."""
    rng = random.Random(seed)
    span = (end - start).total_seconds()
    times = sorted(rng.random() * span for _ in range(n))
    for i, seconds in enumerate(times):
        yield offer(first_number + i, start + timedelta(seconds=seconds), rng)


def write_year(folder: Path, n: int, first_day: date, days: int, seed: int = 2025) -> list[Path]:
    """``n`` offers over ``days`` days from ``first_day``, one NDJSON file a month; reused when present."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f".complete_{n}_{first_day}_{days}_{seed}"
    months: dict[str, list[date]] = {}
    for k in range(days):
        day = first_day + timedelta(days=k)
        months.setdefault(day.strftime("%Y-%m"), []).append(day)
    paths = [folder / f"offres_{month}.ndjson" for month in months]
    if marker.exists():
        return paths
    number = 0
    for (month, month_days), path in zip(months.items(), paths, strict=True):
        count = round(n * len(month_days) / days) if path != paths[-1] else n - number
        after = month_days[-1] + timedelta(days=1)
        # Paris midnights, in UTC: every offer falls inside its month's days (creation days are Paris days)
        start = datetime(month_days[0].year, month_days[0].month, month_days[0].day, tzinfo=PARIS).astimezone(
            UTC
        )
        end = datetime(after.year, after.month, after.day, tzinfo=PARIS).astimezone(UTC)
        month_seed = seed * 100 + int(month.replace("-", "")) % 100
        with path.open("w", encoding="utf-8") as out:
            for item in offers_between(count, start, end, seed=month_seed, first_number=number):
                out.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")
        number += count
    marker.touch()
    return paths


def day_offers(n: int, day: date, seed: int = 7) -> list[dict]:
    """``n`` offers created on ``day`` (Paris: 06:00-18:00 UTC stays inside the calendar day)."""
    start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    return list(offers_between(n, start, start + timedelta(hours=12), seed=seed, first_number=50_000_000))
