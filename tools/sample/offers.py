"""The sample's France Travail offers: 2024-2025, per fiche métier in the shares of ``data/offers.json``,
some posted by the member employers, partner offers sparse, a few offers updated in a later month's file.

When, where and by whom is decided here; each offer is written by the project's one generator of synthetic
offers (``tools.offers.build_offer``)."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta

from tools.offers import API_TIME, OFFER_PROFILES, Poster, api_time, build_offer, other_poster, tranche
from tools.sample.common import (
    BRANCHES,
    COMMUNES_HORS_REGION,
    COMMUNES_REGION,
    FICHES,
    N_OFFRES,
    N_OFFRES_MISES_A_JOUR,
    load_json,
    pick_commune,
    weighted_choice,
)
from tools.sample.members import BRANCH_PROFILES, Employer

_CALENDAR = load_json("offers.json")
MONTH_WEIGHTS: list[float] = _CALENDAR["month_weights"]
SEASONAL = {fiche: {int(m): x for m, x in d.items()} for fiche, d in _CALENDAR["seasonal"].items()}
LAST_UPDATE = datetime(2025, 12, 31, 21)  # the sample's last delivery
FICHE_BRANCHES = {fiche_id: branches for fiche_id, _, _, branches in FICHES}
# where a fiche's offers may be located: a fiche can be absent from a département (its agreed providers
# there then have no hiring intention nearby)
REGION_COMMUNES_OF = {
    fiche: tuple(c for c in COMMUNES_REGION if c.dep not in profile.absent_de)
    for fiche, profile in OFFER_PROFILES.items()
}


def _months() -> list[tuple[int, int]]:
    return [(y, m) for y in (2024, 2025) for m in range(1, 13)]


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
    if employer:
        commune = employer.commune
        naf = BRANCH_PROFILES[employer.branche].naf
        poster = Poster(employer.nom, naf, tranche(employer.figures(created.year)[1]))
    else:
        commune = pick_commune(rng, COMMUNES_HORS_REGION if outside else REGION_COMMUNES_OF[fiche])
        poster = other_poster(rng, profile, commune)
    return build_offer(
        rng,
        created,
        fiche,
        code,
        partner,
        commune,
        poster,
        lambda rng, partner: _new_id(rng, partner, used_ids),
        updated_until=LAST_UPDATE,
    )


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
        previous = datetime.strptime(offer["dateActualisation"], API_TIME)
        updated = previous + timedelta(days=rng.randint(15, 50), seconds=rng.randint(0, 3600))
        created = datetime.strptime(offer["dateCreation"], API_TIME)
        next_month = datetime(created.year + created.month // 12, created.month % 12 + 1, 1, 8)
        updated = max(updated, next_month + timedelta(seconds=rng.randint(0, 86400 * 5)))
        if updated > LAST_UPDATE:
            continue
        newer = json.loads(json.dumps(offer))
        newer["dateActualisation"] = api_time(updated)
        if "nombrePostes" in newer and rng.random() < 0.5:
            newer["nombrePostes"] += 1
        else:
            newer["description"] += " Offre toujours d'actualité."
        files[(updated.year, updated.month)].append(newer)
    return files
