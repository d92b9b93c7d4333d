"""Reading French spreadsheet exports (CSV and XLSX) into typed rows, with quarantine reasons.

What real exports do, and what this module copes with:
- encodings: UTF-8, UTF-8 with BOM, Windows-1252, or a UTF-8 file with a few Windows-1252 lines
  (decoded line by line, falling back to cp1252 for a line that is not valid UTF-8);
- separators `;`, `,` or tab (sniffed by which one yields recognisable headers), CRLF or LF;
- decimal commas and thousands spaces (`1 234,5`), `JJ/MM/AAAA` dates, blank lines, a totals row;
- XLSX (openpyxl) with a title row or two above the header;
- headers renamed, reordered, accented or abbreviated (`N° contrat`, `Numéro de contrat`).

A file is refused (`FileRefused`) only when it is unusable as a whole; a bad row is quarantined with a
short, stable reason and its raw text values, never silently dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# How far down a file we look for the header row (title rows, notes above it).
HEADER_SEARCH_ROWS = 10
SNIFF_BYTES = 256 * 1024
SEPARATORS = (";", ",", "\t")


class FileRefused(ValueError):
    """The whole file is unusable; the message names the file and the reason."""


class BadValue(ValueError):
    """A cell cannot be typed; the message is the quarantine reason."""


@dataclass
class ReadResult:
    source: str
    path: Path
    columns: list[tuple[str, str]]
    rows: list[dict] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rows_read: int = 0


@dataclass(frozen=True)
class Column:
    """One canonical column: its DuckDB type, how to recognise its header and how to type its cells.

    `parse` turns a non-empty cell (str, or a native value from XLSX) into the typed value, raising
    BadValue with the quarantine reason. `personal` keeps the raw value out of reasons.
    """

    name: str
    type: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    parse: Callable[[Any, str], Any] | None = None
    personal: bool = False


# ---------------------------------------------------------------------------------------------
# Labels and headers


def normalise_label(value: object) -> str:
    """Lowercase, no accents, collapsed spaces: the key used to match labels (branches, synonyms)."""
    text = unicodedata.normalize("NFKD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u00a0", " ").replace("\u202f", " ").lower()
    return " ".join(text.split())


_STOP_WORDS = {"de", "du", "des", "d", "la", "le", "les", "l", "en", "a", "au", "aux", "et"}


def header_key(value: object) -> str:
    """Header matching key: normalised label, punctuation to `_`, French stop words dropped.

    `N° contrat`, `n° de contrat` and `N_CONTRAT` all give `n_contrat`; camelCase is split so that
    `numeroDeclarationActivite` matches `numero declaration activite`.
    """
    text = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", str(value))
    text = normalise_label(text).replace("°", " ").replace("º", " ")
    words = [w for w in re.split(r"[^a-z0-9]+", text) if w and w not in _STOP_WORDS]
    return "_".join(words)


_IGNORED = ""  # header known to the source but deliberately not kept


def _header_index(spec: list[Column], ignored: Iterable[str] = ()) -> dict[str, str]:
    index: dict[str, str] = {}
    for col in spec:
        for label in (col.name, *col.synonyms):
            index.setdefault(header_key(label), col.name)
    for label in ignored:
        index.setdefault(header_key(label), _IGNORED)
    return index


# ---------------------------------------------------------------------------------------------
# Cell parsers (each takes the cell and the column name, returns the typed value or raises BadValue)

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


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


# La Poste's establishments share one SIREN and follow another rule (sum of digits divisible by 5).
_LA_POSTE_SIREN = "356000000"


def siret_ok(siret: str) -> bool:
    if not re.fullmatch(r"\d{14}", siret):
        return False
    if siret.startswith(_LA_POSTE_SIREN) and siret != "35600000000048":
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_ok(siret)


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


_DEFAULT_PARSERS: dict[str, Callable[[Any, str], Any]] = {
    "VARCHAR": parse_text,
    "INTEGER": parse_int,
    "BIGINT": parse_int,
    "DOUBLE": parse_float,
    "DATE": parse_date,
    "BOOLEAN": parse_bool,
    "VARCHAR[]": parse_departement_list,
}


# ---------------------------------------------------------------------------------------------
# Raw reading: bytes → (line number, cells)


def decode_line(raw: bytes) -> tuple[str, bool]:
    """Decode one line as UTF-8, falling back to Windows-1252; the flag says a fallback happened."""
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        try:
            return raw.decode("cp1252"), True
        except UnicodeDecodeError:
            # The five bytes cp1252 leaves undefined are kept as their latin-1 code points.
            return raw.decode("latin-1"), True


class _LineDecoder:
    """Iterates the decoded lines of a text file, counting those that needed Windows-1252."""

    def __init__(self, path: Path):
        self.path = path
        self.cp1252_lines = 0
        self.utf8_non_ascii_lines = 0
        self.had_bom = False

    def __iter__(self) -> Iterator[str]:
        with open(self.path, "rb") as handle:
            head = handle.read(SNIFF_BYTES)
            handle.seek(0)
            if b"\r" in head and b"\n" not in head:
                # Classic Mac line endings: rare, small files; read them whole.
                lines: Iterable[bytes] = handle.read().replace(b"\r", b"\n").splitlines(keepends=True)
            else:
                lines = handle
            first = True
            for raw in lines:
                if first:
                    first = False
                    if raw.startswith(b"\xef\xbb\xbf"):
                        self.had_bom = True
                        raw = raw[3:]
                text, fallback = decode_line(raw)
                if fallback:
                    self.cp1252_lines += 1
                elif not raw.isascii():
                    self.utf8_non_ascii_lines += 1
                yield text

    def encoding_warning(self) -> str | None:
        if not self.cp1252_lines:
            return None
        if self.utf8_non_ascii_lines:
            return f"{self.cp1252_lines} lines decoded as Windows-1252 in a UTF-8 file"
        return "encoding: windows-1252 (not UTF-8)"


def _sniff_refusal(path: Path, head: bytes) -> None:
    if not head.strip(b" \t\r\n\xef\xbb\xbf"):
        raise FileRefused(f"empty file: {path}")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileRefused(f"legacy .xls workbook not supported, save it as .xlsx or .csv: {path}")
    if head.startswith(b"PK\x03\x04"):
        return  # a zip: read as .xlsx
    if head.startswith(b"%PDF") or b"\x00" in head[:4096]:
        raise FileRefused(f"not a spreadsheet (binary content): {path}")


def _csv_rows(path: Path, sep: str, decoder: _LineDecoder) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(iter(decoder), delimiter=sep, quotechar='"', skipinitialspace=False, strict=False)
    start = 1
    for cells in reader:
        yield start, cells
        start = reader.line_num + 1


def _open_workbook(path: Path):
    import openpyxl  # imported lazily: CSV-only callers do not pay for it

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        raise FileRefused(f"not a readable .xlsx workbook ({type(exc).__name__}): {path}") from None


def _sheet_rows(sheet) -> Iterator[tuple[int, list[Any]]]:
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        yield number, list(values)


def _is_blank(cells: list[Any]) -> bool:
    return all(cell_text(c) == "" for c in cells)


_TOTAL = re.compile(r"^(sous[ -]?)?totaux?\b|^total\b")


def _is_totals(cells: list[Any]) -> bool:
    first = next((cell_text(c) for c in cells if cell_text(c) != ""), "")
    return bool(_TOTAL.match(normalise_label(first)))


# ---------------------------------------------------------------------------------------------
# The generic reader


@dataclass
class _Header:
    line: int
    positions: dict[str, int]  # canonical name → cell index
    unknown: list[str]
    duplicates: list[str]
    width: int  # number of named columns (trailing empty header cells dropped)


def _match_header(line: int, cells: list[Any], index: dict[str, str]) -> _Header:
    names = [cell_text(c) for c in cells]
    while names and names[-1] == "":
        names.pop()
    positions: dict[str, int] = {}
    unknown, duplicates = [], []
    for i, label in enumerate(names):
        if label == "":
            continue
        canonical = index.get(header_key(label))
        if canonical == _IGNORED:
            continue
        if canonical is None:
            unknown.append(label)
        elif canonical in positions:
            duplicates.append(label)
        else:
            positions[canonical] = i
    return _Header(line, positions, unknown, duplicates, len(names))


def _find_header(
    rows: Iterator[tuple[int, list[Any]]], index: dict[str, str]
) -> tuple[_Header | None, list[tuple[int, list[Any]]]]:
    """The header is the row, among the first non-blank ones, that names the most known columns."""
    seen: list[tuple[int, list[Any]]] = []
    best: _Header | None = None
    for line, cells in rows:
        seen.append((line, cells))
        if _is_blank(cells):
            continue
        candidate = _match_header(line, cells, index)
        if best is None or len(candidate.positions) > len(best.positions):
            best = candidate
        if sum(1 for _, c in seen if not _is_blank(c)) >= HEADER_SEARCH_ROWS:
            break
    if best is not None and not best.positions:
        best = None
    return best, seen


RowCheck = Callable[[dict], str | None]
RowFilter = Callable[[dict], bool]


def read_table(
    path: Path | str,
    source: str,
    spec: list[Column],
    *,
    checks: Iterable[RowCheck] = (),
    key: tuple[str, ...] | None = None,
    keep: RowFilter | None = None,
    keep_label: str = "rows filtered out",
    derive: Callable[[dict], None] | None = None,
    extra_columns: list[tuple[str, str]] = (),
    ignored_headers: Iterable[str] = (),
) -> ReadResult:
    """Read a CSV or XLSX file against a column spec.

    - `checks` run on a row whose cells all typed; the first reason returned quarantines it.
    - `key`: a later row with the same key and different content is quarantined.
      Exact duplicate rows (same typed content) are quarantined as `exact duplicate of line N`, so that
      `rows_read == len(rows) + len(quarantined)` always holds; a warning gives their number.
    - `keep`: rows for which it returns False (on the raw text values) are skipped and not counted in
      `rows_read`; a warning gives their number with `keep_label`.
    - `derive` adds computed values to a typed row (columns listed in `extra_columns`).
    - `ignored_headers`: columns of the published layout deliberately not kept (no warning for them).
    """
    path = Path(path)
    if not path.is_file():
        raise FileRefused(f"no such file: {path}")
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    _sniff_refusal(path, head)
    index = _header_index(spec, ignored_headers)
    warnings: list[str] = []

    decoder: _LineDecoder | None = None
    workbook = None
    if head.startswith(b"PK\x03\x04"):
        workbook = _open_workbook(path)
        sheetnames = workbook.sheetnames
        header, seen, rows_iter = None, [], iter(())
        for name in sheetnames:
            candidate_rows = _sheet_rows(workbook[name])
            header, seen = _find_header(candidate_rows, index)
            if header is not None:
                rows_iter = candidate_rows
                if len(sheetnames) > 1:
                    warnings.append(f"sheet {name!r} read; other sheets ignored: {len(sheetnames) - 1}")
                break
        if header is None:
            workbook.close()
            raise FileRefused(f"no recognisable header row in any sheet of {path}")
    else:
        header, seen, rows_iter, decoder = _find_csv_header(path, index)

    try:
        result = _read_rows(
            path,
            source,
            spec,
            header,
            seen,
            rows_iter,
            warnings,
            checks,
            key,
            keep,
            keep_label,
            derive,
            list(extra_columns),
            is_csv=decoder is not None,
        )
    finally:
        if workbook is not None:
            workbook.close()
    if decoder is not None:
        note = decoder.encoding_warning()
        if note:
            result.warnings.insert(0, note)
    return result


def _find_csv_header(path: Path, index: dict[str, str]):
    """Try each separator; keep the one whose header row names the most known columns."""
    best = None
    for sep in SEPARATORS:
        decoder = _LineDecoder(path)
        rows = _csv_rows(path, sep, decoder)
        try:
            header, seen = _find_header(rows, index)
        except csv.Error as exc:
            raise FileRefused(f"not a readable CSV file ({exc}): {path}") from None
        score = len(header.positions) if header else 0
        if best is None or score > best[0]:
            best = (score, header, seen, rows, decoder)
    score, header, seen, rows, decoder = best
    if header is None:
        raise FileRefused(f"no recognisable header row (separator ';', ',' or tab) in {path}")
    return header, seen, rows, decoder


def _read_rows(
    path: Path,
    source: str,
    spec: list[Column],
    header: _Header,
    seen: list[tuple[int, list[Any]]],
    rows_iter: Iterator[tuple[int, list[Any]]],
    warnings: list[str],
    checks: Iterable[RowCheck],
    key: tuple[str, ...] | None,
    keep: RowFilter | None,
    keep_label: str,
    derive: Callable[[dict], None] | None,
    extra_columns: list[tuple[str, str]],
    *,
    is_csv: bool,
) -> ReadResult:
    missing = [c.name for c in spec if c.required and c.name not in header.positions]
    if missing:
        names = ", ".join(repr(m) for m in missing)
        raise FileRefused(f"missing required column {names} in {path} (header on line {header.line})")
    if header.line > 1:
        warnings.append(f"header found on line {header.line}; lines above it ignored")
    for label in header.unknown:
        warnings.append(f"unknown column {label!r} ignored")
    for label in header.duplicates:
        warnings.append(f"duplicate column {label!r} ignored (first one kept)")
    absent = [c.name for c in spec if c.name not in header.positions]
    if absent:
        warnings.append(f"optional columns absent, left empty: {', '.join(absent)}")

    result = ReadResult(source=source, path=path, columns=[(c.name, c.type) for c in spec] + extra_columns)
    checks = list(checks)
    parsers = {c.name: c.parse or _DEFAULT_PARSERS[c.type] for c in spec}
    by_key: dict[tuple, tuple[int, dict]] = {}
    by_content: dict[tuple, int] = {}
    blank = totals = filtered = exact_dups = 0

    def remaining() -> Iterator[tuple[int, list[Any]]]:
        yield from (r for r in seen if r[0] > header.line)
        yield from rows_iter

    try:
        for line, cells in remaining():
            if _is_blank(cells):
                blank += 1
                continue
            if _is_totals(cells):
                totals += 1
                warnings.append(f"totals row on line {line} ignored")
                continue
            raw = {name: (cells[i] if i < len(cells) else None) for name, i in header.positions.items()}
            raw_text = {name: cell_text(v) for name, v in raw.items()}
            if keep is not None and not keep(raw_text):
                filtered += 1
                continue
            result.rows_read += 1
            extra = [cell_text(c) for c in cells[header.width :]]
            if is_csv and len(cells) < header.width:
                reason = f"truncated line: {len(cells)} fields, {header.width} expected"
            elif any(extra):
                reason = f"too many fields: {len(cells)}, {header.width} expected"
            else:
                reason = None
            typed: dict[str, Any] = {"_line": line}
            if reason is None:
                typed, reason = _type_row(line, raw, spec, parsers)
            if reason is None:
                for check in checks:
                    reason = check(typed)
                    if reason:
                        break
            if reason is None:
                content = tuple(
                    tuple(v) if isinstance(v, list) else v for k, v in typed.items() if k != "_line"
                )
                if content in by_content:
                    exact_dups += 1
                    reason = f"exact duplicate of line {by_content[content]}"
                elif key is not None:
                    row_key = tuple(typed[k] for k in key)
                    if row_key in by_key:
                        reason = (
                            f"duplicate {'+'.join(key)} of line {by_key[row_key][0]} with different content"
                        )
                    else:
                        by_key[row_key] = (line, typed)
                if reason is None:
                    by_content[content] = line
            if reason is not None:
                result.quarantined.append({"_line": line, "_reason": reason, **raw_text})
                continue
            if derive is not None:
                derive(typed)
            result.rows.append(typed)
    except csv.Error as exc:
        raise FileRefused(f"not a readable CSV file ({exc}) in {path}") from None

    if blank:
        warnings.append(f"{blank} blank lines ignored")
    if filtered:
        warnings.append(f"{filtered} {keep_label}")
    if exact_dups:
        warnings.append(f"{exact_dups} exact duplicate rows quarantined")
    if result.rows_read == 0:
        warnings.append(f"no data rows in {path.name}")
    result.warnings = warnings
    return result


def _type_row(
    line: int, raw: dict[str, Any], spec: list[Column], parsers: dict[str, Callable[[Any, str], Any]]
) -> tuple[dict, str | None]:
    typed: dict[str, Any] = {"_line": line}
    for col in spec:
        value = raw.get(col.name)
        if value is None or (isinstance(value, str) and value.strip() == ""):
            if col.required:
                return typed, f"missing required value in {col.name}"
            typed[col.name] = [] if col.type.endswith("[]") else None
            continue
        try:
            typed[col.name] = parsers[col.name](value, col.name)
        except BadValue as exc:
            if col.personal:
                return typed, str(exc).split(":")[0]
            return typed, str(exc)
    return typed, None
