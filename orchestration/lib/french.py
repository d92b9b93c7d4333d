"""French typography of what the edition shows: numbers, shares, dates (one place for pages, maps and the
index of editions).

Narrow no-break spaces between thousands, a decimal comma, a true minus sign, a no-break space before "%",
rounding half up as people round by hand, and "1er" for the first day of a month.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

THOUSANDS_SEP = "\u202f"
PERCENT_SEP = "\u00a0"
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return THOUSANDS_SEP.join(parts)


def format_number_fr(value: int | float | Decimal, decimals: int = 0, *, signed: bool = False) -> str:
    """48276 -> '48 276', 1234.5 (1 decimal) -> '1 234,5' (narrow no-break spaces); signed: '+12', '−3'."""
    exact = (
        value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    )
    # Half up, as people round by hand (7.25 -> 7,3), not half to even.
    text = str(abs(exact).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    integer, _, fraction = text.partition(".")
    out = _group_thousands(integer) + ("," + fraction if fraction else "")
    nonzero = any(c not in "0,." for c in text)
    if value < 0 and nonzero:
        return "−" + out
    return ("+" + out) if signed and nonzero else out


def format_percent_fr(share: float | Decimal, *, signed: bool = False) -> str:
    """A share in [0, 1] as a whole percentage: 0.764 -> '76 %'; a non-zero share under 1 % -> '< 1 %'."""
    pct = float(share) * 100
    if 0 < abs(pct) < 0.5:
        sign = ("+" if signed else "") if pct > 0 else "−"
        return f"{sign}<{PERCENT_SEP}1{PERCENT_SEP}%"
    return f"{format_number_fr(pct, signed=signed)}{PERCENT_SEP}%"


def format_date_fr(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def format_month_fr(value: date) -> str:
    return f"{MONTHS[value.month - 1]} {value.year}"


def format_datetime_fr(value: datetime, *, offset: bool = True) -> str:
    """'26 novembre 2026 à 04:18 (UTC+01:00)', '1er mars 2027 à 02:00'; the offset only when ``offset`` and
    the value has one."""
    day = "1er" if value.day == 1 else str(value.day)
    zone = value.strftime("%z") if offset else ""
    suffix = f" (UTC{zone[:3]}:{zone[3:]})" if zone else ""
    return f"{day} {MONTHS[value.month - 1]} {value.year} à {value:%H:%M}{suffix}"
