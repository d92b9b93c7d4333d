"""Cell parsers of the spreadsheet readers: each takes a cell (text, or a native XLSX value) and the column
name, and returns the typed value or raises ``BadValue`` whose message is the quarantine reason."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from orchestration.lib.codes import luhn_ok, normalise_label, siret_ok


class BadValue(ValueError):
    """A cell cannot be typed; the message is the quarantine reason."""


_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']")


def cell_text(value: Any) -> str:
    """A cell as text, the way a person would have typed it (XLSX numbers without a trailing .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_text(value: Any, name: str) -> str:
    return cell_text(value)


def parse_float(value: Any, name: str) -> float:
    if isinstance(value, bool):
        raise BadValue(f"bad number in {name}: {cell_text(value)!r}")
    if isinstance(value, int | float):
        return float(value)
    text = _NUMBER_SPACES.sub("", str(value))
    if "," in text and "." in text:
        # The last one is the decimal mark: 1.234,5 (French) or 1,234.5 (English).
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    else:
        text = text.replace(",", ".")
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", text):
        raise BadValue(f"bad number in {name}: {cell_text(value)!r}")
    return float(text)


def parse_int(value: Any, name: str) -> int:
    try:
        number = parse_float(value, name)
    except BadValue:
        raise BadValue(f"bad integer in {name}: {cell_text(value)!r}") from None
    if not number.is_integer():
        raise BadValue(f"bad integer in {name}: {cell_text(value)!r}")
    return int(number)


def parse_non_negative_int(value: Any, name: str) -> int:
    number = parse_int(value, name)
    if number < 0:
        raise BadValue(f"negative number in {name}: {cell_text(value)!r}")
    return number


def parse_non_negative_float(value: Any, name: str) -> float:
    number = parse_float(value, name)
    if number < 0:
        raise BadValue(f"negative number in {name}: {cell_text(value)!r}")
    return number


def parse_year(value: Any, name: str) -> int:
    try:
        year = parse_int(value, name)
    except BadValue:
        raise BadValue(f"bad year in {name}: {cell_text(value)!r}") from None
    if not 1990 <= year <= 2100:
        raise BadValue(f"bad year in {name}: {cell_text(value)!r}")
    return year


_DATE_FR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(value: Any, name: str) -> dt.date:
    """JJ/MM/AAAA (also `-` or `.`), ISO AAAA-MM-JJ, an XLSX date, or an XLSX serial day number."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and 1 <= value < 2958466:
        return _EXCEL_EPOCH + dt.timedelta(days=int(value))
    text = str(value).strip()
    match = _DATE_FR.fullmatch(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _DATE_ISO.fullmatch(text)
        if not match:
            raise BadValue(f"bad date in {name}: {text!r}")
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise BadValue(f"bad date in {name}: {text!r}") from None


_TRUE = {"oui", "o", "true", "vrai", "1", "yes", "y", "x"}
_FALSE = {"non", "n", "false", "faux", "0", "no"}


def parse_bool(value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    key = normalise_label(cell_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise BadValue(f"bad boolean in {name}: {cell_text(value)!r}")


def parse_siret(value: Any, name: str) -> str:
    text = re.sub(r"[\s\u00a0\u202f.]", "", cell_text(value))
    if not re.fullmatch(r"\d{14}", text):
        raise BadValue(f"bad SIRET in {name}: {cell_text(value)!r} (14 digits expected)")
    if not siret_ok(text):
        raise BadValue(f"bad SIRET checksum in {name}: {text!r}")
    return text


def parse_siren(value: Any, name: str) -> str:
    text = re.sub(r"[\s\u00a0\u202f.]", "", cell_text(value))
    if not re.fullmatch(r"\d{9}", text):
        raise BadValue(f"bad SIREN in {name}: {cell_text(value)!r} (9 digits expected)")
    if not luhn_ok(text):
        raise BadValue(f"bad SIREN checksum in {name}: {text!r}")
    return text


def normalise_departement(text: str) -> str | None:
    """`1` → `01`, `2a` → `2A`, `971` kept; None when it is not a département code."""
    text = text.strip().upper()
    if re.fullmatch(r"\d", text):
        text = "0" + text
    if re.fullmatch(r"\d{2}|2[AB]|97[1-6]", text) and text not in {"00", "20", "96", "97", "98", "99"}:
        return text
    return None


def parse_departement(value: Any, name: str) -> str:
    code = normalise_departement(cell_text(value))
    if code is None:
        raise BadValue(f"bad département in {name}: {cell_text(value)!r}")
    return code


def parse_departement_list(value: Any, name: str) -> list[str]:
    codes = []
    for part in re.split(r"[\s,;/|]+", cell_text(value)):
        if not part:
            continue
        code = normalise_departement(part)
        if code is None:
            raise BadValue(f"bad département in {name}: {cell_text(value)!r}")
        if code not in codes:
            codes.append(code)
    return codes


def parse_code_naf(value: Any, name: str) -> str:
    """NAF rév. 2 in the INSEE form `88.10A` (accepts `8810A`, `88.10a`, `88 10 A`)."""
    text = re.sub(r"[\s.]", "", cell_text(value)).upper()
    if not re.fullmatch(r"\d{4}[A-Z]", text):
        raise BadValue(f"bad NAF code in {name}: {cell_text(value)!r}")
    return f"{text[:2]}.{text[2:]}"


def parse_code_rome(value: Any, name: str) -> str:
    match = re.match(r"\s*([A-Na-n]\d{4})\b", cell_text(value))
    if not match:
        raise BadValue(f"bad ROME code in {name}: {cell_text(value)!r}")
    return match.group(1).upper()


def parse_code_rncp(value: Any, name: str) -> str:
    """`RNCP12345`, `rncp 12345` or `12345` → `RNCP12345`; a Répertoire spécifique code `RS5831` stays one
    (Uniformation's `code_rncp` column carries both)."""
    match = re.fullmatch(r"(?i)(rncp|rs)?\s*(\d+)", cell_text(value))
    if not match:
        raise BadValue(f"bad RNCP code in {name}: {cell_text(value)!r}")
    return f"{(match.group(1) or 'RNCP').upper()}{match.group(2)}"


def parse_code_certification(value: Any, name: str) -> str:
    """A France compétences code: `RNCP12345` or `RS1234` (uppercase, no spaces)."""
    text = re.sub(r"\s", "", cell_text(value)).upper()
    if not re.fullmatch(r"(RNCP|RS)\d+", text):
        raise BadValue(f"bad certification code in {name}: {cell_text(value)!r} (RNCP… or RS… expected)")
    return text


def parse_sexe(value: Any, name: str) -> str:
    key = normalise_label(cell_text(value))
    if key in {"f", "femme", "feminin", "2"}:
        return "F"
    if key in {"m", "h", "homme", "masculin", "1"}:
        return "M"
    raise BadValue(f"bad sexe in {name}: {cell_text(value)!r}")


def parse_digits(length: int, label: str) -> Callable[[Any, str], str]:
    def parse(value: Any, name: str) -> str:
        text = re.sub(r"[\s\u00a0\u202f]", "", cell_text(value))
        if not re.fullmatch(rf"\d{{{length}}}", text):
            raise BadValue(f"bad {label} in {name}: {cell_text(value)!r} ({length} digits expected)")
        return text

    return parse


DEFAULT_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "VARCHAR": parse_text,
    "INTEGER": parse_int,
    "BIGINT": parse_int,
    "DOUBLE": parse_float,
    "DATE": parse_date,
    "BOOLEAN": parse_bool,
    "VARCHAR[]": parse_departement_list,
}
