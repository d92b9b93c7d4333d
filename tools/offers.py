"""Synthetic offers in the shape of the France Travail "Offres d'emploi v2" API: the project's one generator,
for the embedded sample (``tools.sample``), the fake API of the tests and the benchmark.

``build_offer`` writes one offer from the sample's vocabulary (``tools/sample/data/offers.json``: per fiche
métier, its ROME 4.0 codes, contracts, hours, salaries, qualifications and wording). France Travail's own
offers carry a description, coordinates, a salary, sometimes a contact; partner offers
(``origineOffre.origine`` "2") have a numeric id, sparse fields and empty objects, as the API returns them.

Who decides when, where and by whom differs: the sample places its offers month by month, some posted by
its member employers, with random ids and later updates (``tools/sample/offers.py``); ``synthetic_offers``
draws offers uniformly over a creation window in chosen départements, with numbered ids so that counts are
exact (the fake API, the benchmark).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from orchestration.lib.codes import normalise_label
from tools.sample.common import (
    APPELLATIONS,
    COMMUNES,
    NAF_LABELS,
    ROME_LABEL,
    Commune,
    load_json,
    pick_commune,
    place,
    weighted_choice,
)

PAYS_DE_LA_LOIRE = ("44", "49", "53", "72", "85")
DESCRIPTION_LENGTH = (300, 1500)  # characters, as France Travail's own descriptions mostly run
ID_LENGTH = 7  # France Travail's own ids: "144AB3C"
API_TIME = "%Y-%m-%dT%H:%M:%S.000Z"  # the API's timestamps: UTC, milliseconds
_B36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


# Per fiche (and "other"): share of offers, ROME 4.0 codes (weights), part-time share, qualification
# codes, salary (kind, low, high), NAF of employers that are not members, their names, extra titles,
# missions, and the départements of the région where the fiche has no offer in the sample.
@dataclass(frozen=True)
class OfferProfile:
    part: float
    codes: dict[str, float]
    temps_partiel: float
    qualifications: tuple[str, ...]
    salaire: tuple[str, float, float]
    naf: tuple[str, ...]
    employeurs: tuple[str, ...]
    titres: tuple[str, ...]
    missions: tuple[str, ...]
    absent_de: tuple[str, ...] = ()


_OFFERS = load_json("offers.json")
OFFER_PROFILES = {
    fiche: OfferProfile(**{k: tuple(v) if isinstance(v, list) else v for k, v in profile.items()})
    for fiche, profile in _OFFERS["profiles"].items()
}
COMMON_SENTENCES: list[str] = _OFFERS["common_sentences"]
QUALIFICATIONS: dict[str, str] = _OFFERS["qualifications"]
TRANCHES = tuple(tuple(t) for t in _OFFERS["tranches"])
PARTNERS: list[str] = _OFFERS["partners"]
PRENOMS: list[str] = _OFFERS["prenoms"]
NOMS: list[str] = _OFFERS["noms"]
FORMATION_NIVEAUX: list[str] = _OFFERS["formation_niveaux"]

# An offer's id from the generator's draw and whether it is a partner offer.
IdMaker = Callable[[random.Random, bool], str | int]


@dataclass(frozen=True)
class Poster:
    """Who posts an offer, as the offer says it: name (None when not given), NAF code, headcount band."""

    nom: str | None
    naf: str
    tranche: str


def api_time(value: datetime) -> str:
    """A timestamp as the API writes it: UTC, milliseconds, ``Z`` (a naive datetime is taken as UTC)."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC)
    return value.strftime(API_TIME)


def tranche(headcount: int) -> str:
    """The API's ``trancheEffectifEtab`` label of a headcount."""
    return [label for lower, label in TRANCHES if headcount >= lower][-1]


def other_poster(rng: random.Random, profile: OfferProfile, commune: Commune) -> Poster:
    """An employer that is not a member of the sector (its name left out one time in seven)."""
    nom = place(rng.choice(profile.employeurs), commune) if rng.random() < 0.85 else None
    return Poster(nom, rng.choice(profile.naf), TRANCHES[rng.randint(1, 8)][1])


def numbered_id(number: int, prefix: str, partner: bool) -> str | int:
    """Offer ``number``'s id: ``prefix`` + base 36 on 7 characters, or a JSON number for a partner offer."""
    if partner:
        return int(f"9{prefix}{number:08d}")
    digits, rest = "", number
    while rest or len(digits) < max(1, ID_LENGTH - len(prefix)):
        rest, digit = divmod(rest, 36)
        digits = _B36[digit] + digits
    return prefix + digits  # longer than 7 rather than wrapping: ids stay unique


def _hours_label(hours: float) -> str:
    whole = int(hours)
    return f"{whole}H" + ("30" if hours != whole else "")


def _description(
    rng: random.Random,
    profile: OfferProfile,
    nom: str | None,
    titre: str,
    commune: Commune,
    length: tuple[int, int] | None,
) -> str:
    intro = f"{nom} recrute : {titre}." if nom else f"Nous recrutons : {titre}."
    sentences = [intro]
    pool = [place(s, commune) for s in profile.missions] + list(COMMON_SENTENCES)
    order = rng.sample(pool, len(pool))
    if length is None:  # the sample's: mostly short (it must stay small), sometimes up to 400 characters
        target = rng.randint(150, 400) if rng.random() < 0.15 else rng.randint(150, 210)
        cap, passes = 400, 1
    else:  # long texts go through the sentences again, each pass in another order
        target, cap, passes = rng.randint(*length), length[1], 1 + length[1] // 200
    text = intro
    for turn in range(passes):
        if turn:
            order = rng.sample(pool, len(pool))
        for sentence in order:
            if len(text) >= target:
                return text
            if len(text) + 1 + len(sentence) > cap:
                continue
            sentences.append(sentence)
            text = " ".join(sentences)
    return text


def _contract(rng: random.Random, fiche: str, alternance: bool) -> tuple[str, str, str]:
    if alternance:
        nature = "Contrat apprentissage" if rng.random() < 0.6 else "Cont. professionnalisation"
        if rng.random() < 0.2:
            return "CDI", "Contrat à durée indéterminée", nature
        return "CDD", f"Contrat à durée déterminée - {rng.choice((12, 12, 24, 18))} Mois", nature
    weights = {"CDI": 49.5, "CDD": 29.5, "MIS": 14, "SAI": 2.5, "LIB": 1.5, "FRA": 1.5}
    if fiche == "animation-socioculturelle":
        weights = {"CDI": 36, "CDD": 46, "MIS": 5, "SAI": 11, "LIB": 1, "FRA": 1}
    kind = weighted_choice(rng, weights)
    if kind == "CDI":
        return kind, "Contrat à durée indéterminée", "Contrat travail"
    if kind == "CDD":
        if rng.random() < 0.1:
            return (
                kind,
                f"Contrat à durée déterminée - {rng.choice((5, 10, 15, 21, 30))} Jour(s)",
                "Contrat travail",
            )
        months = rng.choice((1, 2, 3, 4, 6, 6, 6, 8, 9, 12, 12, 18, 24))
        return kind, f"Contrat à durée déterminée - {months} Mois", "Contrat travail"
    if kind == "MIS":
        if rng.random() < 0.15:
            return kind, f"Mission intérimaire - {rng.choice((5, 10, 15))} Jour(s)", "Contrat travail"
        label = rng.choice(("Mission intérimaire", "Contrat travail temporaire"))
        return kind, f"{label} - {rng.randint(1, 6)} Mois", "Contrat travail"
    if kind == "SAI":
        return kind, f"Contrat travail saisonnier - {rng.randint(1, 4)} Mois", "Contrat travail"
    if kind == "LIB":
        return kind, "Profession libérale", "Emploi non salarié"
    return kind, "Franchise", "Emploi non salarié"


def _salary(rng: random.Random, profile: OfferProfile, created: datetime, partiel: bool) -> dict:
    roll = rng.random()
    if roll < 0.15:
        return {}
    if roll < 0.25:
        return {"commentaire": "Selon la grille de la convention collective"}
    smic = 11.88 if created >= datetime(2024, 11, 1) else 11.65
    kind, low, high = profile.salaire
    months = rng.choice((12, 12, 12, 13))
    if kind == "horaire" or (partiel and kind == "mensuel" and rng.random() < 0.5):
        lo = round(smic + rng.uniform(0, high if kind == "horaire" else 1.5), 2)
        if rng.random() < 0.5:
            label = f"Horaire de {lo:.2f} Euros sur {months} mois"
        else:
            label = (
                f"Horaire de {lo:.2f} Euros à {lo + rng.choice((0.5, 1.0, 1.5)):.2f} Euros sur {months} mois"
            )
    elif kind == "mensuel":
        lo = round(rng.uniform(low, high) / 50) * 50
        if rng.random() < 0.5:
            label = f"Mensuel de {lo:.2f} Euros sur {months} mois"
        else:
            label = (
                f"Mensuel de {lo:.2f} Euros à {lo + rng.choice((100, 200, 300)):.2f} Euros sur {months} mois"
            )
    else:
        lo = round(rng.uniform(low, high) / 500) * 500
        if rng.random() < 0.4:
            label = f"Annuel de {lo:.2f} Euros sur {months} mois"
        else:
            label = f"Annuel de {lo:.2f} Euros à {lo + rng.choice((2000, 4000, 6000)):.2f} Euros sur {months} mois"
    salaire = {"libelle": label}
    if rng.random() < 0.3:
        salaire["complement1"] = rng.choice(
            ("Mutuelle", "Indemnités kilométriques", "Prime", "Véhicule de service")
        )
        if rng.random() < 0.3:
            salaire["complement2"] = "Titre-restaurant / Prime de panier"
    return salaire


def build_offer(
    rng: random.Random,
    created: datetime,
    fiche: str,
    code: str,
    partner: bool,
    commune: Commune,
    poster: Poster,
    new_id: IdMaker,
    *,
    updated_until: datetime,
    description_length: tuple[int, int] | None = None,
    located_partner: bool = True,
) -> dict[str, Any]:
    """One offer of ``fiche`` (ROME ``code``) created at ``created`` (naive, UTC) in ``commune``.

    Its last update falls at most 12 days later and never after ``updated_until``; a partner offer keeps its
    commune and postcode when ``located_partner`` (many real ones do), and is located by its label only
    otherwise; ``description_length`` None gives the sample's short texts.
    """
    profile = OFFER_PROFILES[fiche]
    appellations = APPELLATIONS[code]
    titre = rng.choice(appellations + profile.titres) if profile.titres and rng.random() < 0.4 else None
    appellation = rng.choice(appellations)
    if titre is None:
        titre = appellation + rng.choice(("", " (H/F)", " H/F"))
    alternance = rng.random() < 0.05
    kind, kind_label, nature = _contract(rng, fiche, alternance)
    partiel = rng.random() < profile.temps_partiel
    hours = rng.choice((10, 12, 15, 17.5, 20, 24, 24, 25, 26, 28, 28.5, 30, 30, 32)) if partiel else None
    if not partiel:
        hours = rng.choices((35, 39, 37), weights=(85, 10, 5))[0]
    experience = weighted_choice(rng, {"D": 45, "S": 35, "E": 20})
    if experience == "D":
        experience_label = "Débutant accepté"
    elif experience == "S":
        experience_label = rng.choice(
            ("Expérience souhaitée", f"{rng.randint(1, 3)} an(s) - Expérience souhaitée")
        )
    else:
        experience_label = rng.choice(
            (f"{rng.randint(1, 5)} An(s)", "6 Mois", f"Expérience exigée de {rng.randint(1, 3)} An(s)")
        )
    updated = min(created + timedelta(seconds=rng.choice((0, rng.randint(60, 12 * 86400)))), updated_until)
    offer_id = new_id(rng, partner)
    nom = poster.nom
    description = _description(rng, profile, None if partner else nom, titre, commune, description_length)
    lieu: dict[str, Any] = {"libelle": f"{commune.dep} - {commune.libelle}"}
    if not partner:
        lieu["latitude"] = round(commune.lat + rng.uniform(-0.01, 0.01), 6)
        lieu["longitude"] = round(commune.lon + rng.uniform(-0.01, 0.01), 6)
    if located_partner or not partner:
        lieu["codePostal"] = commune.code_postal
        lieu["commune"] = commune.code
    offer: dict[str, Any] = {
        "id": offer_id,
        "intitule": titre,
        "description": description,
        "dateCreation": api_time(created),
        "dateActualisation": api_time(updated),
        "lieuTravail": lieu,
        "romeCode": code,
        "romeLibelle": ROME_LABEL[code],
        "appellationlibelle": appellation,
        "entreprise": {}
        if partner
        else ({"nom": nom, "entrepriseAdaptee": False} if nom else {"entrepriseAdaptee": False}),
        "typeContrat": kind,
        "typeContratLibelle": kind_label,
        "natureContrat": nature,
        "experienceExige": experience,
        "experienceLibelle": experience_label,
    }
    if partner:
        offer["salaire"] = {}
        if rng.random() < 0.5:
            offer["dureeTravailLibelleConverti"] = "Temps partiel" if partiel else "Temps plein"
        offer["alternance"] = alternance
        offer["nombrePostes"] = 1
        offer["accessibleTH"] = False
        partenaire = rng.choice(PARTNERS)
        url = f"https://www.{partenaire.lower()}.example/offres/{offer_id}"
        offer["origineOffre"] = {
            "origine": "2",
            "urlOrigine": url,
            "partenaires": [
                {
                    "nom": partenaire,
                    "url": url,
                    "logo": f"https://www.francetravail.fr/logos/{partenaire.lower()}.png",
                }
            ],
        }
        return offer
    if rng.random() < 0.15:
        offer["formations"] = [
            {
                "codeFormation": "44028",
                "domaineLibelle": "Travail social",
                "niveauLibelle": rng.choice(FORMATION_NIVEAUX),
                "exigence": rng.choice("SE"),
            }
        ]
    else:
        offer["formations"] = []
    offer["salaire"] = _salary(rng, profile, created, partiel)
    if rng.random() >= 0.08:
        condition = rng.choice(("Horaires normaux", "Travail en journée", "Travail samedi et dimanche"))
        if created < datetime(2025, 4, 1):
            offer["dureeTravailLibelle"] = f"{_hours_label(hours)} {condition}"
        else:  # the API's newer wording: hours a week, then the conditions on a second line
            condition = rng.choice(("Travail en journée", "Travail en équipe", "Travail samedi et dimanche"))
            offer["dureeTravailLibelle"] = f"{_hours_label(hours)}/semaine\n{condition}"
    offer["dureeTravailLibelleConverti"] = "Temps partiel" if partiel else "Temps plein"
    offer["alternance"] = alternance
    if rng.random() < 0.3:
        prenom, nom_contact = rng.choice(PRENOMS), rng.choice(NOMS)
        courriel = f"{normalise_label(prenom)}.{normalise_label(nom_contact)}@example.org"
        offer["contact"] = {
            "nom": f"{rng.choice(('Mme', 'M.'))} {prenom} {nom_contact}",
            "coordonnees1": f"Courriel : {courriel}",
            "courriel": courriel,
        }
    postes = 1 if rng.random() < 0.85 else rng.randint(2, 5 if fiche == "aide-a-domicile" else 3)
    offer["nombrePostes"] = postes
    offer["accessibleTH"] = rng.random() < 0.2
    qualification = rng.choice(profile.qualifications)
    offer["qualificationCode"] = qualification
    offer["qualificationLibelle"] = QUALIFICATIONS[qualification]
    if nom:
        offer["codeNAF"] = poster.naf
        offer["secteurActivite"] = poster.naf[:2]
        offer["secteurActiviteLibelle"] = NAF_LABELS[poster.naf]
        offer["trancheEffectifEtab"] = poster.tranche
    offer["origineOffre"] = {
        "origine": "1",
        "urlOrigine": f"https://candidat.francetravail.fr/offres/recherche/detail/{offer_id}",
    }
    return offer


def _communes(departement: str) -> tuple[Commune, ...]:
    known = tuple(c for c in COMMUNES if c.dep == departement)
    # a département outside the sample's communes still gets a plausible one (its code starts with it)
    return known or (
        Commune(
            departement + "001", "COMMUNE", departement, "", "", "", departement + "000", 47.0, -1.0, 1.0
        ),
    )


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
    """``n`` offers created uniformly in [start, end) (aware datetimes), in creation order, numbered from
    ``first_number``; fiches métiers in the sample's shares.

    The same arguments give the same offers. Ids are unique for a given ``prefix`` and numbering;
    ``weights`` (one per département, as ``random.choices``) skew where offers are located; last updates
    stay before ``end``.
    """
    rng = random.Random(seed)
    fiches = list(OFFER_PROFILES)
    shares = [OFFER_PROFILES[f].part for f in fiches]
    communes = {d: _communes(d) for d in departements}
    naive_start = start.astimezone(UTC).replace(tzinfo=None)
    naive_end = end.astimezone(UTC).replace(tzinfo=None)
    span = (naive_end - naive_start).total_seconds()
    times = sorted(rng.random() * span for _ in range(n))
    for i, seconds in enumerate(times):
        number = first_number + i
        fiche = rng.choices(fiches, weights=shares)[0]
        profile = OFFER_PROFILES[fiche]
        code = weighted_choice(rng, profile.codes)
        partner = rng.random() < partner_share
        commune = pick_commune(rng, communes[rng.choices(departements, weights=weights)[0]])
        yield build_offer(
            rng,
            naive_start + timedelta(seconds=seconds),
            fiche,
            code,
            partner,
            commune,
            other_poster(rng, profile, commune),
            lambda _rng, partner, number=number: numbered_id(number, prefix, partner),
            updated_until=naive_end - timedelta(seconds=1),
            description_length=description_length,
            located_partner=located_partners,
        )
