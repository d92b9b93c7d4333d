"""Reading French spreadsheet exports (CSV and XLSX) into typed rows, with quarantine reasons.

What real exports do, and what this module copes with:
- encodings: UTF-8, UTF-8 with BOM, Windows-1252, or a UTF-8 file with a few Windows-1252 lines
  (decoded line by line, falling back to cp1252 for a line that is not valid UTF-8);
- separators `;`, `,` or tab (sniffed by which one yields recognisable headers), CRLF or LF;
- decimal commas and thousands spaces (`1 234,5`), `JJ/MM/AAAA` dates, blank lines, a totals row;
- XLSX (openpyxl) with a title row or two above the header, or one sheet per year: every sheet whose
  header has the required columns is read (rows say their sheet), the others are named in a warning;
- headers renamed, reordered, accented or abbreviated (`N° contrat`, `Numéro de contrat`).

A file is refused (`FileRefused`) only when it is unusable as a whole; a bad row is quarantined with a
short, stable reason and its raw text values (never those of a personal column), never silently dropped.
Counting rule: `rows_read == len(rows) + len(quarantined)`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orchestration.lib.codes import normalise_label
from orchestration.lib.parsers import DEFAULT_PARSERS, BadValue, cell_text

# How far down a file we look for the header row (title rows, notes above it).
HEADER_SEARCH_ROWS = 10
SNIFF_BYTES = 256 * 1024
SEPARATORS = (";", ",", "\t")


class FileRefused(ValueError):
    """The whole file is unusable; the message names the file and the reason."""


@dataclass
class ReadResult:
    """Typed rows (`_line`, `_sheet` and the spec's columns), quarantined rows (`_line`, `_sheet`, `_reason`
    and the raw text of the non-personal columns), warnings."""

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
    BadValue with the quarantine reason. A `derived` column is not read from the file: the reader's
    `derive` computes it from the typed row.
    """

    name: str
    type: str
    required: bool = False
    synonyms: tuple[str, ...] = ()
    parse: Callable[[Any, str], Any] | None = None
    derived: bool = False


# ---------------------------------------------------------------------------------------------
# Headers

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
        if col.derived:
            continue
        for label in (col.name, *col.synonyms):
            index.setdefault(header_key(label), col.name)
    for label in ignored:
        index.setdefault(header_key(label), _IGNORED)
    return index


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
# Finding the header


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


def _missing_required(spec: list[Column], header: _Header | None) -> list[str]:
    return [c.name for c in spec if c.required and (header is None or c.name not in header.positions)]


@dataclass
class _Block:
    """The rows of one CSV file or one sheet, after its header."""

    sheet: str | None
    header: _Header
    seen: list[tuple[int, list[Any]]]
    rows: Iterator[tuple[int, list[Any]]]

    def __iter__(self) -> Iterator[tuple[int, list[Any]]]:
        yield from (r for r in self.seen if r[0] > self.header.line)
        yield from self.rows


def _workbook_blocks(
    workbook, path: Path, source: str, spec: list[Column], index, warnings
) -> Iterator[_Block]:
    """Each sheet whose header has the required columns, in workbook order; the file is refused, naming
    every sheet and what it lacks, when none has."""
    names = workbook.sheetnames
    lacking: list[str] = []
    found = 0
    for name in names:
        rows = _sheet_rows(workbook[name])
        header, seen = _find_header(rows, index)
        missing = _missing_required(spec, header)
        if len(names) == 1:
            if header is None:
                raise FileRefused(f"no recognisable header row in {path}")
            if missing:
                listed = ", ".join(repr(m) for m in missing)
                raise FileRefused(
                    f"missing required column {listed} in {path} (header on line {header.line})"
                )
        if header is None or missing:
            what = "no recognisable header row" if header is None else f"missing {', '.join(missing)}"
            lacking.append(f"{name!r} ({what})")
            continue
        found += 1
        yield _Block(name if len(names) > 1 else None, header, seen, rows)
    if not found:
        raise FileRefused(
            f"no sheet of {path} has the header of {source} (required columns: "
            f"{', '.join(c.name for c in spec if c.required)}); sheets: {'; '.join(lacking)}"
        )
    if lacking:
        warnings.append(f"sheets ignored (no header of {source}): {', '.join(lacking)}")


# ---------------------------------------------------------------------------------------------
# The generic reader

RowCheck = Callable[[dict], str | None]
RowFilter = Callable[[dict], bool]


def read_table(
    path: Path | str,
    source: str,
    spec: list[Column],
    *,
    checks: Iterable[RowCheck] = (),
    key: tuple[str, ...] | None = None,
    personal: Iterable[str] = (),
    keep: RowFilter | None = None,
    keep_label: str = "rows filtered out",
    derive: Callable[[dict], None] | None = None,
    ignored_headers: Iterable[str] = (),
) -> ReadResult:
    """Read a CSV or XLSX file against a column spec.

    - `checks` run in order on a row whose cells all typed; the first reason returned quarantines it
      (a check may also normalise a value in place).
    - `key`: a later row with the same key and different content is quarantined.
      Exact duplicate rows (same typed content) are quarantined as `exact duplicate of line N`, so that
      `rows_read == len(rows) + len(quarantined)` always holds; a warning gives their number.
    - `personal`: columns whose values never appear in a quarantined row nor in a reason.
    - `keep`: rows for which it returns False (on the raw text values) are skipped and not counted in
      `rows_read`; a warning gives their number with `keep_label`.
    - `derive` computes the spec's derived columns on a typed row.
    - `ignored_headers`: columns of the published layout deliberately not kept (no warning for them).
    """
    path = Path(path)
    if not path.is_file():
        raise FileRefused(f"no such file: {path}")
    with open(path, "rb") as handle:
        head = handle.read(SNIFF_BYTES)
    _sniff_refusal(path, head)
    index = _header_index(spec, ignored_headers)
    result = ReadResult(source=source, path=path, columns=[(c.name, c.type) for c in spec])
    table = _TableReader(spec, result, checks, key, frozenset(personal), keep, keep_label, derive)
    if head.startswith(b"PK\x03\x04"):
        workbook = _open_workbook(path)
        try:
            blocks = list(_workbook_blocks(workbook, path, source, spec, index, result.warnings))
            table.multi_sheet = len(blocks) > 1
            if table.multi_sheet:
                result.warnings.append(f"sheets read: {', '.join(repr(b.sheet) for b in blocks)}")
            for block in blocks:
                table.read_block(block)
        finally:
            workbook.close()
    else:
        header, seen, rows, decoder = _find_csv_header(path, index)
        missing = _missing_required(spec, header)
        if missing:
            listed = ", ".join(repr(m) for m in missing)
            raise FileRefused(f"missing required column {listed} in {path} (header on line {header.line})")
        try:
            table.read_block(_Block(None, header, seen, rows), is_csv=True)
        except csv.Error as exc:
            raise FileRefused(f"not a readable CSV file ({exc}) in {path}") from None
        note = decoder.encoding_warning()
        if note:
            result.warnings.insert(0, note)
    table.finish()
    return result


class _TableReader:
    """Types the rows of one file, block by block (a CSV, or each sheet), with one duplicate detection
    across the whole file."""

    def __init__(self, spec, result, checks, key, personal, keep, keep_label, derive):
        self.spec = [c for c in spec if not c.derived]
        self.result = result
        self.checks = list(checks)
        self.key = key
        self.personal = personal
        self.keep, self.keep_label, self.derive = keep, keep_label, derive
        self.parsers = {c.name: c.parse or DEFAULT_PARSERS[c.type] for c in self.spec}
        self.by_key: dict[tuple, str] = {}
        self.by_content: dict[tuple, str] = {}
        self.blank = self.filtered = self.exact_dups = 0
        self.multi_sheet = False

    def where(self, sheet: str | None, line: int) -> str:
        return f"sheet {sheet!r} line {line}" if self.multi_sheet else f"line {line}"

    def note(self, sheet: str | None, text: str) -> None:
        self.result.warnings.append(f"sheet {sheet!r}: {text}" if self.multi_sheet else text)

    def read_block(self, block: _Block, *, is_csv: bool = False) -> None:
        header = block.header
        if header.line > 1:
            self.note(block.sheet, f"header found on line {header.line}; lines above it ignored")
        for label in header.unknown:
            self.note(block.sheet, f"unknown column {label!r} ignored")
        for label in header.duplicates:
            self.note(block.sheet, f"duplicate column {label!r} ignored (first one kept)")
        absent = [c.name for c in self.spec if c.name not in header.positions]
        if absent:
            self.note(block.sheet, f"optional columns absent, left empty: {', '.join(absent)}")
        for line, cells in block:
            if _is_blank(cells):
                self.blank += 1
                continue
            if _is_totals(cells):
                self.note(block.sheet, f"totals row on line {line} ignored")
                continue
            raw = {name: (cells[i] if i < len(cells) else None) for name, i in header.positions.items()}
            raw_text = {name: cell_text(v) for name, v in raw.items()}
            if self.keep is not None and not self.keep(raw_text):
                self.filtered += 1
                continue
            self.result.rows_read += 1
            typed, reason = self.type_row(block.sheet, line, cells, raw, header, is_csv)
            if reason is not None:
                safe = {k: v for k, v in raw_text.items() if k not in self.personal}
                self.result.quarantined.append(
                    {"_line": line, "_sheet": block.sheet, "_reason": reason, **safe}
                )
                continue
            if self.derive is not None:
                self.derive(typed)
            self.result.rows.append(typed)

    def type_row(self, sheet, line, cells, raw, header, is_csv) -> tuple[dict, str | None]:
        extra = [cell_text(c) for c in cells[header.width :]]
        if is_csv and len(cells) < header.width:
            return {}, f"truncated line: {len(cells)} fields, {header.width} expected"
        if any(extra):
            return {}, f"too many fields: {len(cells)}, {header.width} expected"
        typed: dict[str, Any] = {"_line": line, "_sheet": sheet}
        for col in self.spec:
            value = raw.get(col.name)
            if value is None or (isinstance(value, str) and value.strip() == ""):
                if col.required:
                    return typed, f"missing required value in {col.name}"
                typed[col.name] = [] if col.type.endswith("[]") else None
                continue
            try:
                typed[col.name] = self.parsers[col.name](value, col.name)
            except BadValue as exc:
                # a personal value is not repeated in the reason
                return typed, str(exc).split(":")[0] if col.name in self.personal else str(exc)
        for check in self.checks:
            reason = check(typed)
            if reason:
                return typed, reason
        here = self.where(sheet, line)
        content = tuple(
            tuple(v) if isinstance(v, list) else v for k, v in typed.items() if not k.startswith("_")
        )
        if content in self.by_content:
            self.exact_dups += 1
            return typed, f"exact duplicate of {self.by_content[content]}"
        if self.key is not None:
            row_key = tuple(typed[k] for k in self.key)
            if row_key in self.by_key:
                return (
                    typed,
                    f"duplicate {'+'.join(self.key)} of {self.by_key[row_key]} with different content",
                )
            self.by_key[row_key] = here
        self.by_content[content] = here
        return typed, None

    def finish(self) -> None:
        warnings, result = self.result.warnings, self.result
        if self.blank:
            warnings.append(f"{self.blank} blank lines ignored")
        if self.filtered:
            warnings.append(f"{self.filtered} {self.keep_label}")
        if self.exact_dups:
            warnings.append(f"{self.exact_dups} exact duplicate rows quarantined")
        if result.rows_read == 0:
            warnings.append(f"no data rows in {result.path.name}")
