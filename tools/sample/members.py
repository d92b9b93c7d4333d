"""The sample's member employers (adherents) and their contrats de professionnalisation, calibrated so
that the 2022 figures are exactly Uniformation's published key figures (``data/calibration.json``)."""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from tools.sample.common import (
    BRANCHES,
    CALIBRATION_2022,
    CERT,
    COMMUNES_REGION,
    CONTRATS_PAR_AN,
    CONTRATS_PAR_BRANCHE,
    ENGAGEMENT_MONTH_WEIGHTS,
    NIVEAUX_ENTREE,
    REGION,
    ROME_CODES,
    YEARS,
    Commune,
    birth_date_for_age,
    fake_siret,
    fr_date,
    fr_decimal,
    load_json,
    pick_commune,
    typed_branch_label,
    unique_name,
    weighted_choice,
)
from tools.sample.providers import Provider


# Per branch: members in 2022, share of members under 11 ETP (a weight, the total is exact), median
# headcount of the larger members, share of women, NAF code, raison sociale patterns ({c}: commune), the
# yearly trend of a member's headcount (drawn in this range), and for a branch that shrinks over the years
# the factor its contracts follow each year after 2022 (``declin``: its members also leave, one in eight
# a year from 2023).
@dataclass(frozen=True)
class BranchProfile:
    membres_2022: int
    part_petits: float
    mediane_grands: float
    part_femmes: float
    naf: str
    noms: tuple[str, ...]
    tendance: tuple[float, float] = (-0.01, 0.04)
    declin: float | None = None


_BRANCHES = load_json("branches.json")
BRANCH_PROFILES = {
    code: BranchProfile(**{k: tuple(v) if isinstance(v, list) else v for k, v in profile.items()})
    for code, profile in _BRANCHES["profiles"].items()
}
# Certifications prepared in contrats de professionnalisation, per branch (weights).
CERTS_PAR_BRANCHE: dict[str, dict[str, float]] = _BRANCHES["certifications"]


@dataclass
class Employer:
    siret: str
    nom: str
    branche: str
    commune: Commune
    petit: bool
    etp: float  # reference values: those of 2022 (or of the first year of membership)
    salaries: int
    femmes: int
    debut: int = 2021
    fin: int = 2025
    tendance: float = 0.0
    variations: dict[int, float] = field(default_factory=dict)

    def membre(self, year: int) -> bool:
        return self.debut <= year <= self.fin

    def figures(self, year: int) -> tuple[float, int, int]:
        """effectif_etp, salaries_physiques, dont_femmes for ``year`` (exactly the reference in 2022)."""
        if year == 2022:
            return self.etp, self.salaries, self.femmes
        factor = (1 + self.tendance) ** (year - 2022) * self.variations[year]
        salaries = max(1, round(self.salaries * factor))
        etp = max(0.2, round(self.etp * factor, 1))
        femmes = min(salaries, round(self.femmes / self.salaries * salaries))
        return etp, salaries, femmes


def _new_employer(rng, branche, petit, sirets, names) -> Employer:
    profile = BRANCH_PROFILES[branche]
    commune = pick_commune(rng)
    if branche == "FRANCE_TRAVAIL":
        commune = COMMUNES_REGION[0]
    nom = unique_name(rng, profile.noms, commune, names)
    if petit:
        etp = round(min(10.9, 0.3 + rng.expovariate(1 / 3.2)), 1)
        salaries = max(1, round(etp * rng.uniform(1.05, 1.8)))
    else:
        salaries = max(13, round(profile.mediane_grands * rng.lognormvariate(0, 0.6)))
        etp = 0.0  # set once the headcounts are calibrated
    share = min(1.0, max(0.0, profile.part_femmes + rng.gauss(0, 0.08)))
    employer = Employer(fake_siret(rng, sirets), nom, branche, commune, petit, etp, salaries, 0)
    employer.femmes = round(salaries * share)
    employer.tendance = rng.uniform(*profile.tendance)
    employer.variations = {y: rng.uniform(0.96, 1.04) for y in YEARS}
    return employer


def _large_etp(rng: random.Random, employer: Employer) -> None:
    employer.etp = round(max(11.0, employer.salaries / rng.uniform(1.1, 1.4)), 1)


def _spread(values: list[int], diff: int, lower: Sequence[int], upper: Sequence[int]) -> None:
    """Add ``diff`` to ``values`` one unit at a time, cycling, within [lower, upper] bounds."""
    step = 1 if diff > 0 else -1
    while diff:
        moved = False
        for i in range(len(values)):
            if diff and lower[i] <= values[i] + step <= upper[i]:
                values[i] += step
                diff -= step
                moved = True
        if not moved:
            raise AssertionError("cannot calibrate: no room left")


def build_employers(rng: random.Random, sirets: set[str]) -> list[Employer]:
    names: set[str] = set()
    codes = [code for code, _, _ in BRANCHES]
    # 2022 members: who is small (< 11 ETP) is drawn by weighted sampling so that the total is exact.
    members = [(code, i) for code in codes for i in range(BRANCH_PROFILES[code].membres_2022)]
    keys = []
    for index, (code, _) in enumerate(members):
        p = BRANCH_PROFILES[code].part_petits
        weight = p / (1 - p) if 0 < p < 1 else 0.0
        keys.append((rng.random() ** (1 / weight) if weight else -1.0, index))
    small = {index for _, index in sorted(keys, reverse=True)[: CALIBRATION_2022["adherents_moins_11_etp"]]}
    employers = [_new_employer(rng, code, i in small, sirets, names) for i, (code, _) in enumerate(members)]

    # Headcount: scale the larger members so that the total is exact, then fix the remainder by units.
    large = [e for e in employers if not e.petit]
    small_total = sum(e.salaries for e in employers if e.petit)
    factor = (CALIBRATION_2022["salaries_physiques"] - small_total) / sum(e.salaries for e in large)
    for e in large:
        e.femmes = min(round(e.femmes * factor), 10**6)
        e.salaries = max(13, round(e.salaries * factor))
    values = [e.salaries for e in large]
    _spread(
        values,
        CALIBRATION_2022["salaries_physiques"] - small_total - sum(values),
        [13] * len(values),
        [10**6] * len(values),
    )
    for e, v in zip(large, values, strict=True):
        e.salaries = v
        _large_etp(rng, e)
    # Women: the same, within 0..headcount.
    order = list(range(len(employers)))
    rng.shuffle(order)
    femmes = [min(employers[i].femmes, employers[i].salaries) for i in order]
    _spread(
        femmes,
        CALIBRATION_2022["dont_femmes"] - sum(femmes),
        [0] * len(order),
        [employers[i].salaries for i in order],
    )
    for i, f in zip(order, femmes, strict=True):
        employers[i].femmes = f

    # Membership over the years: some join in 2022, some leave after 2022, 2023 or 2024; some were
    # members in 2021 only; newcomers join in 2023, 2024 and 2025.
    movable = [e for e in employers if BRANCH_PROFILES[e.branche].membres_2022 >= 30]
    for e in rng.sample(movable, 45):
        e.debut = 2022
    leavers = rng.sample(movable, 110)
    for n, e in enumerate(leavers):
        e.fin = 2022 + n // 37
    # A branch that shrinks: its members of 2022 were all there in 2021; one in eight leaves each year.
    for n, e in enumerate(e for e in employers if BRANCH_PROFILES[e.branche].declin):
        e.debut = 2021
        e.fin = min(e.fin, {0: 2022, 1: 2023, 2: 2024}.get(n % 8, 2025))
    others = []
    for debut, fin, count in ((2021, 2021, 38), (2023, 2025, 62), (2024, 2025, 68), (2025, 2025, 58)):
        for _ in range(count):
            code = rng.choice([e.branche for e in movable])
            p = BRANCH_PROFILES[code].part_petits
            e = _new_employer(rng, code, rng.random() < p, sirets, names)
            if not e.petit:
                _large_etp(rng, e)
            e.debut, e.fin = debut, fin
            if (
                BRANCH_PROFILES[code].declin and debut > 2022
            ):  # nobody joins a shrinking branch: a former member
                e.debut = e.fin = 2021
            others.append(e)
    return employers + others


def _declin(branche: str, year: int) -> float:
    """How a branch's share of the contracts moves after 2022: constant, or down year after year."""
    declin = BRANCH_PROFILES[branche].declin
    return declin ** (year - 2022) if declin and year > 2022 else 1.0


def adherents_rows(rng: random.Random, employers: Sequence[Employer]) -> list[list[str]]:
    rows = []
    for year in YEARS:
        for e in sorted((e for e in employers if e.membre(year)), key=lambda e: e.siret):
            etp, salaries, femmes = e.figures(year)
            rows.append(
                [
                    str(year),
                    e.siret,
                    e.nom,
                    typed_branch_label(rng, e.branche, 0.08),
                    BRANCH_PROFILES[e.branche].naf,
                    e.commune.dep,
                    fr_decimal(etp, 1),
                    str(salaries),
                    str(femmes),
                ]
            )
    return rows


# --- Training providers: the Région's agreements and the national public list ----------------------


# --- Contrats de professionnalisation ------------------------------------------------------------


def _rome_children(codes_v3: Iterable[str]) -> list[str]:
    wanted = set(codes_v3)
    return [code for code, _, parent in ROME_CODES if parent in wanted]


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _contract_ages(rng: random.Random, year: int, count: int) -> list[int]:
    if year == 2022:
        over = CALIBRATION_2022["contrats_plus_de_30_ans"]
    else:
        over = round(count * {2021: 0.57, 2023: 0.6, 2024: 0.62, 2025: 0.59}[year])
    ages = [min(60, 31 + int(rng.expovariate(1 / 9))) for _ in range(over)]
    ages += [rng.choice((18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30)) for _ in range(count - over)]
    rng.shuffle(ages)
    return ages


def _niveau_entree(rng: random.Random, niveau_cert: int) -> str:
    # index in NIVEAUX_ENTREE: 0 sans diplôme, 1 niveau 3 ... 5 niveau 7
    target = niveau_cert - 2  # the level just below the certification
    choice = max(0, min(5, target + rng.choice((-2, -1, -1, 0, 0, 0, 1))))
    return NIVEAUX_ENTREE[choice]


def contrats_rows(
    rng: random.Random,
    employers: Sequence[Employer],
    agreed: Sequence[Provider],
    others: Sequence[Provider],
) -> list[list[str]]:
    regional_others = [p for p in others if p.commune.region == REGION]
    rows = []
    weights_2022 = {code: CONTRATS_PAR_BRANCHE[2022].get(code, 0) + 0.5 for code, _, _ in BRANCHES}
    for year in YEARS:
        count = CONTRATS_PAR_AN[year]
        if year in CONTRATS_PAR_BRANCHE:
            per_branch = CONTRATS_PAR_BRANCHE[year]
            assert sum(per_branch.values()) == count
            branches = [code for code, n in per_branch.items() for _ in range(n)]
        else:
            weights = {code: w * _declin(code, year) for code, w in weights_2022.items()}
            branches = [weighted_choice(rng, weights) for _ in range(count)]
        ages = _contract_ages(rng, year, count)
        contracts = []
        for branche, age in zip(branches, ages, strict=True):
            members = [e for e in employers if e.branche == branche and e.membre(year)]
            employer = rng.choices(members, weights=[math.sqrt(e.figures(year)[1]) for e in members])[0]
            cert = CERT[weighted_choice(rng, CERTS_PAR_BRANCHE[branche])]
            children = _rome_children(cert[5])
            code_rome = rng.choices(children, weights=[3 if c in cert[5] else 1 for c in children])[0]
            candidates = [p for p in agreed if any(code == cert[0] for code, _ in p.agrements)]
            local = [
                p for p in candidates
                if any(code == cert[0] and employer.commune.dep in deps.split(",") for code, deps in p.agrements)
            ]  # fmt: skip
            if local and rng.random() < 0.85:
                provider = rng.choice(local)
            elif candidates and rng.random() < 0.6:
                provider = rng.choice(candidates)
            else:
                provider = rng.choice(regional_others)
            month = rng.choices(range(1, 13), weights=ENGAGEMENT_MONTH_WEIGHTS)[0]
            engagement = date(year, month, rng.randint(1, 28))
            debut = engagement - timedelta(days=rng.randint(0, 20))
            niveau = int(cert[2])
            months = rng.choice((6, 9, 12, 12) if niveau <= 3 else (12, 12, 18, 24, 24))
            fin = _add_months(debut, months) - timedelta(days=1)
            partiel = branche in ("BAD", "FAMILLES_RURALES") and rng.random() < 0.3
            duree = rng.choice((24.0, 26.5, 28.0, 30.0, 32.0)) if partiel else 35.0
            heures = round(months * 151.67 * rng.uniform(0.15, 0.25) * 2) / 2
            femme = rng.random() < BRANCH_PROFILES[branche].part_femmes
            salaries = employer.figures(year)[1]
            contracts.append(
                [
                    engagement,
                    debut,
                    fin,
                    employer.siret,
                    typed_branch_label(rng, branche, 0.1),
                    BRANCH_PROFILES[branche].naf,
                    str(salaries),
                    employer.commune.dep,
                    "F" if femme else "M",
                    fr_date(birth_date_for_age(rng, debut, age)),
                    _niveau_entree(rng, niveau),
                    cert[1],
                    cert[0],
                    code_rome,
                    cert[3],
                    provider.siret,
                    fr_decimal(duree),
                    fr_decimal(heures),
                ]
            )
        contracts.sort(key=lambda c: (c[0], c[3]))
        for seq, c in enumerate(contracts, start=1):
            engagement, debut, fin = c[:3]
            rows.append(
                [
                    f"CPRO-{year}-{seq:05d}",
                    str(year),
                    fr_date(engagement),
                    fr_date(debut),
                    fr_date(fin),
                    *c[3:],
                ]
            )
    return rows
