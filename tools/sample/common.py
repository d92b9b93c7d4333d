"""What every part of the sample shares: its data files (``data/``), the curated referentials it follows
(``seeds/reference``), the official ROME labels, and small helpers (SIRET, French formats, weighted draws).
"""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from orchestration.lib.codes import age_at, luhn_complete
from orchestration.lib.referentials import read_rome_codes
from orchestration.settings import OFFICIAL_REFERENCE_DIR, REFERENCE_SEEDS_DIR

DATA_DIR = Path(__file__).resolve().parent / "data"
REGION = "52"
YEARS = (2021, 2022, 2023, 2024, 2025)


def load_json(name: str) -> Any:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# --- Calibration ----------------------------------------------------------------------------------------

_CALIBRATION = load_json("calibration.json")
SEED: int = _CALIBRATION["seed"]
# Published key figures of Uniformation for 2022, reproduced exactly by the sample.
CALIBRATION_2022: dict[str, int] = _CALIBRATION["calibration_2022"]
CONTRATS_PAR_AN = {int(year): n for year, n in _CALIBRATION["contrats_par_an"].items()}
CONTRATS_PAR_BRANCHE = {int(year): d for year, d in _CALIBRATION["contrats_par_branche"].items()}
N_OFFRES: int = _CALIBRATION["n_offres"]
N_OFFRES_MISES_A_JOUR: int = _CALIBRATION["n_offres_mises_a_jour"]

# --- Referentials: curated seeds of the project, official ROME labels -----------------------------------


def _curated() -> tuple[tuple, tuple, tuple]:
    branches = tuple(
        (r["code_branche"], r["libelle_branche"], tuple(r["synonymes"].split("|")))
        for r in _read_csv(REFERENCE_SEEDS_DIR / "branches.csv")
    )
    certifications = tuple(
        (
            r["code_certification"],
            r["intitule_certification"],
            r["niveau"],
            r["formacode"],
            r["domaine_formacode"],
            tuple(r["codes_rome"].split("|")),
        )
        for r in _read_csv(REFERENCE_SEEDS_DIR / "certifications.csv")
    )
    fiches: dict[str, tuple] = {}
    for r in _read_csv(REFERENCE_SEEDS_DIR / "fiches_metiers.csv"):
        fiche_id, label, codes, _ = fiches.get(r["fiche_id"], (r["fiche_id"], r["libelle_fiche"], (), ()))
        fiches[fiche_id] = (fiche_id, label, (*codes, r["code_rome"]), tuple(r["branches"].split("|")))
    return branches, certifications, tuple(fiches.values())


# code, libellé, synonymes
# code, intitulé, niveau, formacode, domaine formacode, codes ROME v3
# fiche, libellé, codes ROME v3, branches
BRANCHES, CERTIFICATIONS, FICHES = _curated()
CERT = {c[0]: c for c in CERTIFICATIONS}

# The ROME 4.0 fiches the sample uses (those with appellations), labels and parents from the official file.
APPELLATIONS = {code: tuple(names) for code, names in load_json("appellations.json").items()}
_OFFICIAL_ROME = {r["code_rome"]: r for r in read_rome_codes(OFFICIAL_REFERENCE_DIR)}
ROME_CODES = tuple(
    (code, _OFFICIAL_ROME[code]["libelle_rome"], _OFFICIAL_ROME[code]["code_rome_parent"])
    for code in sorted(APPELLATIONS)
)
ROME_LABEL = {code: label for code, label, _ in ROME_CODES}

_VOCABULARY = load_json("vocabulary.json")
NAF_LABELS: dict[str, str] = _VOCABULARY["naf_labels"]
NIVEAUX_ENTREE: list[str] = _VOCABULARY["niveaux_entree"]
NAME_QUALIFIERS: list[str] = _VOCABULARY["name_qualifiers"]
ENGAGEMENT_MONTH_WEIGHTS: list[int] = _VOCABULARY["engagement_month_weights"]


# --- Communes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commune:
    code: str
    libelle: str
    dep: str
    region: str
    ze: str
    libze: str
    code_postal: str
    lat: float
    lon: float
    poids: float  # relative weight of the commune in employers and offers


COMMUNES = tuple(
    Commune(
        r["code_commune"],
        r["libelle_commune"],
        r["code_departement"],
        r["code_region"],
        r["code_zone_emploi"],
        r["libelle_zone_emploi"],
        r["code_postal"],
        float(r["latitude"]),
        float(r["longitude"]),
        float(r["poids"]),
    )
    for r in _read_csv(DATA_DIR / "communes.csv")
)
COMMUNES_REGION = tuple(c for c in COMMUNES if c.region == REGION)
COMMUNES_HORS_REGION = tuple(c for c in COMMUNES if c.region != REGION)
COMMUNE_BY_CODE = {c.code: c for c in COMMUNES}


# --- Small helpers ---------------------------------------------------------------------------------


def fake_siret(rng: random.Random, used: set[str]) -> str:
    """A 14-digit SIRET whose SIREN and SIRET both pass the Luhn check, unique within ``used``."""
    while True:
        siren = luhn_complete(str(rng.randint(30_000_000, 89_999_999)))
        siret = luhn_complete(siren + f"{rng.choice((1, 1, 1, 2, 3, 12, 15, 21)):04d}")
        if siret not in used:
            used.add(siret)
            return siret


def fr_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def fr_decimal(x: float, digits: int = 2) -> str:
    return f"{x:.{digits}f}".replace(".", ",")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def birth_date_for_age(rng: random.Random, day: date, age: int) -> date:
    birth = _years_before(day, age) - timedelta(days=rng.randint(0, 360))
    assert age_at(birth, day) == age
    return birth


def weighted_choice(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def pick_commune(rng: random.Random, communes: Sequence[Commune] = COMMUNES_REGION) -> Commune:
    return rng.choices(communes, weights=[c.poids for c in communes])[0]


def typed_branch_label(rng: random.Random, code: str, variant_share: float = 0.12) -> str:
    """The branch as people type it: mostly the usual label, sometimes another spelling."""
    _, label, synonyms = next(b for b in BRANCHES if b[0] == code)
    if rng.random() < variant_share:
        return rng.choice(synonyms)
    return label


def place(pattern: str, commune: Commune) -> str:
    """Fill ``{c}`` with the commune, with French elision: "de Le Mans" -> "du Mans", "à Les" -> "aux"."""
    name = commune.libelle
    if name.startswith("Le "):
        de, a = "du " + name[3:], "au " + name[3:]
    elif name.startswith("Les "):
        de, a = "des " + name[4:], "aux " + name[4:]
    elif name[0] in "AEIOUYÉÈÊÂ":
        de, a = "d'" + name, "à " + name
    else:
        de, a = "de " + name, "à " + name
    return pattern.replace("de {c}", de).replace("à {c}", a).replace("{c}", name)


def unique_name(rng: random.Random, patterns: Sequence[str], commune: Commune, used: set[str]) -> str:
    for pattern in rng.sample(list(patterns), len(patterns)):
        name = place(pattern, commune)
        if name not in used:
            used.add(name)
            return name
    base = place(rng.choice(patterns), commune)
    for suffix in NAME_QUALIFIERS:
        name = f"{base} {suffix}"
        if name not in used:
            used.add(name)
            return name
    n = 2
    while f"{base} {n}" in used:
        n += 1
    used.add(f"{base} {n}")
    return f"{base} {n}"
