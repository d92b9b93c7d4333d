"""Seeded offers in the shape of the France Travail "Offres d'emploi v2" API, at realistic sizes, from the
project's one generator of synthetic offers (``tools.offers``).

Fiches métiers, contracts, hours and salaries as in the embedded sample; descriptions run from 300 to 1,500
characters, about one offer in ten is a sparse partner offer with a numeric id, and every offer is located
in the observed région's départements (52: Pays de la Loire).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tools.offers import synthetic_offers

__all__ = ["PARIS", "day_offers", "offers_between", "write_year"]

PARIS = ZoneInfo("Europe/Paris")


def offers_between(
    n: int, start: datetime, end: datetime, seed: int, first_number: int = 0
) -> Iterator[dict]:
    """``n`` offers created uniformly in [start, end), in creation order."""
    # Pays de la Loire, 300-1,500-character descriptions, one partner offer in ten: the defaults. Partner
    # offers keep their commune, so that the quality suites let a nightly run publish its edition.
    return synthetic_offers(n, start, end, seed=seed, first_number=first_number, located_partners=True)


def write_year(folder: Path, n: int, first_day: date, days: int, seed: int = 2025) -> list[Path]:
    """``n`` offers over ``days`` days from ``first_day``, one NDJSON file a month; reused when present."""
    folder.mkdir(parents=True, exist_ok=True)
    # the marker names the generator: files written by an older one are written again
    marker = folder / f".complete_{n}_{first_day}_{days}_{seed}_sample_vocabulary"
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


def day_offers(n: int, day: date, seed: int = 7, first_number: int = 50_000_000) -> list[dict]:
    """``n`` offers created on ``day`` (Paris: 06:00-18:00 UTC stays inside the calendar day), numbered from
    ``first_number`` (two days' offers need two ranges, or the second would update the first)."""
    start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    return list(offers_between(n, start, start + timedelta(hours=12), seed=seed, first_number=first_number))
