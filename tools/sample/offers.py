"""The sample's France Travail offers: 2024-2025, per fiche métier (``data/offers.json``: share, ROME 4.0
codes, contracts, salaries, wording), some posted by the member employers, partner offers sparse, a few
offers updated in a later month's file."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from orchestration.lib.codes import normalise_label
from tools.sample.common import (
    APPELLATIONS,
    BRANCHES,
    COMMUNES_HORS_REGION,
    COMMUNES_REGION,
    FICHES,
    N_OFFRES,
    N_OFFRES_MISES_A_JOUR,
    NAF_LABELS,
    ROME_LABEL,
    Commune,
    load_json,
    pick_commune,
    place,
    weighted_choice,
)
from tools.sample.members import BRANCH_PROFILES, Employer


# Per fiche (and "other"): share of offers, ROME 4.0 codes (weights), part-time share, qualification
# codes, salary (kind, low, high), NAF of employers that are not members, extra titles, missions, and the
# départements of the région where the fiche has no offer.
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
MONTH_WEIGHTS: list[float] = _OFFERS["month_weights"]
SEASONAL = {fiche: {int(m): x for m, x in d.items()} for fiche, d in _OFFERS["seasonal"].items()}
QUALIFICATIONS: dict[str, str] = _OFFERS["qualifications"]
TRANCHES = tuple(tuple(t) for t in _OFFERS["tranches"])
PARTNERS: list[str] = _OFFERS["partners"]
PRENOMS: list[str] = _OFFERS["prenoms"]
NOMS: list[str] = _OFFERS["noms"]
FORMATION_NIVEAUX: list[str] = _OFFERS["formation_niveaux"]
FICHE_BRANCHES = {fiche_id: branches for fiche_id, _, _, branches in FICHES}
# where a fiche's offers may be located: a fiche can be absent from a département (its agreed providers
# there then have no hiring intention nearby)
REGION_COMMUNES_OF = {
    fiche: tuple(c for c in COMMUNES_REGION if c.dep not in profile.absent_de)
    for fiche, profile in OFFER_PROFILES.items()
}


def _months() -> list[tuple[int, int]]:
    return [(y, m) for y in (2024, 2025) for m in range(1, 13)]


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _hours_label(hours: float) -> str:
    whole = int(hours)
    return f"{whole}H" + ("30" if hours != whole else "")


def _tranche(headcount: int) -> str:
    return [label for lower, label in TRANCHES if headcount >= lower][-1]


def _description(
    rng: random.Random, profile: OfferProfile, nom: str | None, titre: str, commune: Commune
) -> str:
    intro = f"{nom} recrute : {titre}." if nom else f"Nous recrutons : {titre}."
    sentences = [intro]
    pool = [place(s, commune) for s in profile.missions] + list(COMMON_SENTENCES)
    extra = rng.sample(pool, len(pool))
    # mostly short texts (the sample must stay small), sometimes up to 400 characters
    target = rng.randint(150, 400) if rng.random() < 0.15 else rng.randint(150, 210)
    text = intro
    for sentence in extra:
        if len(text) >= target:
            break
        if len(text) + 1 + len(sentence) > 400:
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


def _new_id(rng: random.Random, partner: bool, used: set) -> str | int:
    while True:
        if partner:
            value: str | int = rng.randint(100_000_000, 999_999_999)
        else:
            value = f"{rng.randint(170, 199)}" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTVWXYZ", k=4))
        if value not in used:
            used.add(value)
            return value


def _offer(
    rng: random.Random,
    created: datetime,
    fiche: str,
    employers_by_branch: dict[str, list[Employer]],
    used_ids: set,
) -> dict:
    profile = OFFER_PROFILES[fiche]
    code = weighted_choice(rng, profile.codes)
    partner = rng.random() < (0.2 if created.year == 2024 else 0.27)
    outside = rng.random() < 0.03
    employer = None
    if fiche != "other" and not outside and rng.random() < 0.45:
        candidates = [
            e
            for b in FICHE_BRANCHES[fiche]
            for e in employers_by_branch[b]
            if e.membre(created.year) and e.commune.dep not in profile.absent_de
        ]
        employer = rng.choices(
            candidates, weights=[math.sqrt(e.figures(created.year)[1]) for e in candidates]
        )[0]
    commune = (
        employer.commune
        if employer
        else pick_commune(rng, COMMUNES_HORS_REGION if outside else REGION_COMMUNES_OF[fiche])
    )
    if employer:
        nom = employer.nom
        naf = BRANCH_PROFILES[employer.branche].naf
        tranche = _tranche(employer.figures(created.year)[1])
    else:
        nom = place(rng.choice(profile.employeurs), commune) if rng.random() < 0.85 else None
        naf = rng.choice(profile.naf)
        tranche = TRANCHES[rng.randint(1, 8)][1]
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
    updated = min(
        created + timedelta(seconds=rng.choice((0, rng.randint(60, 12 * 86400)))), datetime(2025, 12, 31, 21)
    )
    offer_id = _new_id(rng, partner, used_ids)
    description = _description(rng, profile, None if partner else nom, titre, commune)
    lieu = {"libelle": f"{commune.dep} - {commune.libelle}"}
    if not partner:
        lieu["latitude"] = round(commune.lat + rng.uniform(-0.01, 0.01), 6)
        lieu["longitude"] = round(commune.lon + rng.uniform(-0.01, 0.01), 6)
    lieu["codePostal"] = commune.code_postal
    lieu["commune"] = commune.code
    offer: dict = {
        "id": offer_id,
        "intitule": titre,
        "description": description,
        "dateCreation": _iso(created),
        "dateActualisation": _iso(updated),
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
        cert_domaine = rng.choice(FORMATION_NIVEAUX)
        offer["formations"] = [
            {
                "codeFormation": "44028",
                "domaineLibelle": "Travail social",
                "niveauLibelle": cert_domaine,
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
        else:
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
        offer["codeNAF"] = naf
        offer["secteurActivite"] = naf[:2]
        offer["secteurActiviteLibelle"] = NAF_LABELS[naf]
        offer["trancheEffectifEtab"] = tranche
    offer["origineOffre"] = {
        "origine": "1",
        "urlOrigine": f"https://candidat.francetravail.fr/offres/recherche/detail/{offer_id}",
    }
    return offer


def build_offers(rng: random.Random, employers: Sequence[Employer]) -> dict[tuple[int, int], list[dict]]:
    """Offers by (year, month) of the file they are delivered in; updates reappear in a later file."""
    months = _months()
    raw = [MONTH_WEIGHTS[m - 1] * (1.04 if y == 2025 else 1.0) for y, m in months]
    exact = [N_OFFRES * w / sum(raw) for w in raw]
    counts = [int(x) for x in exact]
    for i in sorted(range(len(exact)), key=lambda i: (counts[i] - exact[i], i))[: N_OFFRES - sum(counts)]:
        counts[i] += 1
    employers_by_branch: dict[str, list[Employer]] = {code: [] for code, _, _ in BRANCHES}
    for e in employers:
        employers_by_branch[e.branche].append(e)
    used_ids: set = set()
    files: dict[tuple[int, int], list[dict]] = {}
    for (year, month), count in zip(months, counts, strict=True):
        fiche_weights = {f: p.part * SEASONAL.get(f, {}).get(month, 1.0) for f, p in OFFER_PROFILES.items()}
        start = datetime(year, month, 1)
        days = ((datetime(year + month // 12, month % 12 + 1, 1)) - start).days
        offers = []
        for _ in range(count):
            created = start + timedelta(days=rng.randrange(days), seconds=rng.randint(6 * 3600, 20 * 3600))
            offers.append(
                _offer(rng, created, weighted_choice(rng, fiche_weights), employers_by_branch, used_ids)
            )
        offers.sort(key=lambda o: (o["dateCreation"], str(o["id"])))
        files[(year, month)] = offers
    # Updates: a later version of some offers, delivered in the file of the month of the update.
    candidates = [o for key in months[:-1] for o in files[key]]
    for offer in rng.sample(candidates, N_OFFRES_MISES_A_JOUR):
        previous = datetime.strptime(offer["dateActualisation"], "%Y-%m-%dT%H:%M:%S.000Z")
        updated = previous + timedelta(days=rng.randint(15, 50), seconds=rng.randint(0, 3600))
        created = datetime.strptime(offer["dateCreation"], "%Y-%m-%dT%H:%M:%S.000Z")
        next_month = datetime(created.year + created.month // 12, created.month % 12 + 1, 1, 8)
        updated = max(updated, next_month + timedelta(seconds=rng.randint(0, 86400 * 5)))
        if updated > datetime(2025, 12, 31, 21):
            continue
        newer = json.loads(json.dumps(offer))
        newer["dateActualisation"] = _iso(updated)
        if "nombrePostes" in newer and rng.random() < 0.5:
            newer["nombrePostes"] += 1
        else:
            newer["description"] += " Offre toujours d'actualité."
        files[(updated.year, updated.month)].append(newer)
    return files


# --- Writing -----------------------------------------------------------------------------------------
