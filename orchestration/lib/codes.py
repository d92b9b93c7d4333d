"""French identifiers and labels, written once: SIREN/SIRET check digits, age at a date, the label key
used to match what people type, and the lookup of the sector's branches.

The readers of the landing files and the sample generator (``tools/``) both import them from here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date


def normalise_label(value: object) -> str:
    """Lowercase, no accents, typographic apostrophe as ', collapsed spaces: the key labels are matched on."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2019", "'").lower()
    return " ".join(text.split())


def luhn_ok(digits: str) -> bool:
    """The Luhn check digit of a SIREN (9 digits) or a SIRET (14 digits)."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def luhn_complete(payload: str) -> str:
    """``payload`` followed by the digit that makes it pass the Luhn check."""
    return next(payload + d for d in "0123456789" if luhn_ok(payload + d))


# La Poste's establishments share one SIREN and follow another rule (sum of digits divisible by 5).
_LA_POSTE_SIREN = "356000000"


def siret_ok(siret: str) -> bool:
    if not re.fullmatch(r"\d{14}", siret):
        return False
    if siret.startswith(_LA_POSTE_SIREN) and siret != "35600000000048":
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret)


def age_at(birth: date, day: date) -> int:
    """Age in whole years at ``day``."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class AmbiguousBranch(ValueError):
    """One spelling names two branches: the referential must say which."""


def branch_lookup(branches: Iterable[tuple[str, str, Iterable[str]]]) -> dict[str, str]:
    """Accepted spellings → branch code, from (code, label, synonyms) triples.

    Keys are ``normalise_label()``d; the code, the label and every synonym are accepted. A spelling that
    would name two branches raises ``AmbiguousBranch`` naming both.
    """
    lookup: dict[str, str] = {}
    for code, label, synonyms in branches:
        code = (code or "").strip()
        if not code:
            continue
        for spelling in (code, label or "", *synonyms):
            key = normalise_label(spelling)
            if not key:
                continue
            if lookup.setdefault(key, code) != code:
                raise AmbiguousBranch(f"branch spelling {spelling!r} names both {lookup[key]} and {code}")
    return lookup
