"""The edition's open data: every published table as CSV, a Frictionless Data Package describing them, an
``.xlsx`` workbook of the same tables, and the data dictionary's rows, all derived from the publication spec.

The tables are read from the publication models only (``read_publication``), in the order of their primary
key; values are written with a fixed precision, so re-publishing unchanged inputs gives the same bytes.
Text that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``) is neutralised with
a leading apostrophe in the CSV and the workbook alike.

Pure Python: no Dagster.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from orchestration.lib.publication_spec import SECRET, ColumnSpec, PublicationSpec, TableSpec

DATA_DIR = "donnees"
DATAPACKAGE = "datapackage.json"
WORKBOOK = "observatoire.xlsx"
FORMULA_STARTS = ("=", "+", "-", "@")
# decimals written in the CSV for non-integer numbers, by format (the pages round further)
CSV_DECIMALS = {"percent": 4, "signed_percent": 4, "euros": 2, "decimal1": 2, "signed_decimal1": 2}
DEFAULT_DECIMALS = 4
FRICTIONLESS_TYPES = {
    "integer": "integer",
    "bigint": "integer",
    "double": "number",
    "float": "number",
    "decimal": "number",
    "varchar": "string",
    "text": "string",
    "date": "date",
    "boolean": "boolean",
    "timestamp": "datetime",
}


class OpenDataError(ValueError):
    """A value cannot be published as given; the message names the table, the line and the column."""


@dataclass(frozen=True)
class PublishedTable:
    """A publication model's rows (tuples in the spec's column order) with its spec."""

    spec: TableSpec
    rows: list[tuple]

    @property
    def name(self) -> str:
        return self.spec.name

    def records(self) -> list[dict[str, Any]]:
        names = self.spec.column_names
        return [dict(zip(names, row, strict=True)) for row in self.rows]

    def hidden(self, record: Mapping[str, Any], column: ColumnSpec) -> bool:
        """Whether the secret statistique hides this column in this row."""
        return any(record.get(status) == SECRET for status in column.masked_by)

    @property
    def masked_cells(self) -> int:
        """Values the secret statistique hides in this table (cells, not rows)."""
        masked = [c for c in self.spec.columns if c.masked_by]
        return sum(1 for record in self.records() for column in masked if self.hidden(record, column))

    def where(self, **values: Any) -> PublishedTable:
        """The rows whose columns equal the given values (a fiche's rows of a fiche table)."""
        names = self.spec.column_names
        index = {name: names.index(name) for name in values}
        rows = [row for row in self.rows if all(row[index[n]] == v for n, v in values.items())]
        return PublishedTable(self.spec, rows)


def read_publication(con, spec: PublicationSpec) -> dict[str, PublishedTable]:
    """Every published table, read from its publication model and nothing else, in primary-key order."""
    tables = {}
    for table in spec.tables:
        columns = ", ".join(f'"{c}"' for c in table.column_names)
        order = ", ".join(f'"{c}"' for c in table.primary_key)
        rows = con.execute(f"select {columns} from {table.relation} order by {order}").fetchall()
        tables[table.name] = PublishedTable(table, [tuple(row) for row in rows])
    return tables


# -------------------------------------------------------------------------------------------------- values


def neutralise(text: str) -> str:
    """A text a spreadsheet would take for a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _decimal_text(value: float, decimals: int) -> str:
    text = str(Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    return "0" + text[text.index(".") :] if text.startswith("-0.") and Decimal(text) == 0 else text


def csv_value(value: Any, column: ColumnSpec, *, table: str, line: int) -> str:
    """The CSV text of a value: empty when absent or hidden, ISO dates, '.' decimals with a fixed precision."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float | Decimal):
        number = float(value)
        if math.isnan(number):
            return ""
        if math.isinf(number):
            raise OpenDataError(f"{table}.csv, line {line}, field {column.name!r}: infinite value")
        if column.data_type in ("integer", "bigint"):
            return str(round(number))
        return _decimal_text(number, CSV_DECIMALS.get(column.format, DEFAULT_DECIMALS))
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise(value)
    raise OpenDataError(
        f"{table}.csv, line {line}, field {column.name!r}: unsupported value type {type(value).__name__}"
    )


def csv_text(table: PublishedTable) -> str:
    """The table as UTF-8 CSV text: a header row of column names, then the rows, '\\n' line endings."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.spec.column_names)
    for line, row in enumerate(table.rows, start=2):
        writer.writerow(
            [
                csv_value(v, c, table=table.name, line=line)
                for c, v in zip(table.spec.columns, row, strict=True)
            ]
        )
    return out.getvalue()


def write_csvs(folder: Path, tables: Mapping[str, PublishedTable]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(tables):
        path = folder / f"{name}.csv"
        path.write_text(csv_text(tables[name]), encoding="utf-8", newline="")
        written.append(path)
    return written


# -------------------------------------------------------------------------------------------------- package


def _field(column: ColumnSpec) -> dict:
    field: dict[str, Any] = {
        "name": column.name,
        "type": FRICTIONLESS_TYPES.get(column.data_type, "string"),
        "title": column.label,
        "description": column.description,
    }
    if column.unit:
        field["unit"] = column.unit  # a custom property: Table Schema allows them
    if column.is_status:
        field["constraints"] = {"required": True, "enum": ["publie", "secret"]}
    if column.masked_by:
        field["masked_by"] = list(column.masked_by)
    if column.format in ("percent", "signed_percent"):
        field["description"] += " Part entre 0 et 1."
    return field


def datapackage(
    tables: Mapping[str, PublishedTable], *, name: str, title: str, version: str, created: str
) -> dict:
    """A Frictionless Data Package: one resource per CSV with its Table Schema (names, types, French titles
    and descriptions, missing values, primary key)."""
    resources = []
    for table_name in sorted(tables):
        spec = tables[table_name].spec
        resources.append(
            {
                "name": table_name.replace("_", "-"),
                "path": f"{DATA_DIR}/{table_name}.csv",
                "profile": "tabular-data-resource",
                "title": spec.title,
                "description": f"{spec.description} Source : {spec.source}.",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True},
                "schema": {
                    "fields": [_field(c) for c in spec.columns],
                    "missingValues": [""],
                    "primaryKey": list(spec.primary_key),
                },
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": name,
        "title": title,
        "version": version,
        "created": created,
        "licenses": [
            {
                "name": "etalab-2.0",
                "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence",
                "title": "Licence Ouverte / Open Licence version 2.0",
            }
        ],
        "resources": resources,
    }


# -------------------------------------------------------------------------------------------------- workbook


def sheet_names(names: Sequence[str]) -> dict[str, str]:
    """Excel sheet names (31 characters at most, unique) for the tables."""
    sheets: dict[str, str] = {}
    used: set[str] = set()
    for name in sorted(names):
        base = name[:31]
        sheet, n = base, 2
        while sheet in used:
            suffix = f"~{n}"
            sheet, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(sheet)
        sheets[name] = sheet
    return sheets


def write_workbook(path: Path, tables: Mapping[str, PublishedTable], *, title: str) -> None:
    """The tables in one ``.xlsx`` workbook: a contents sheet, then one sheet per table with French column
    titles over the column names; text is written as text (never a formula), hidden values are empty."""
    import xlsxwriter  # only when an edition is written

    sheets = sheet_names(list(tables))
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False})
    workbook.set_properties({"title": title, "created": datetime(2000, 1, 1)})  # stable bytes
    bold = workbook.add_format({"bold": True, "text_wrap": True})
    percent = workbook.add_format({"num_format": "0.0%"})
    day = workbook.add_format({"num_format": "dd/mm/yyyy"})
    contents = workbook.add_worksheet("sommaire")
    contents.write_row(0, 0, ["Feuille", "Tableau", "Description", "Source"], bold)
    for line, name in enumerate(sorted(tables), start=1):
        spec = tables[name].spec
        contents.write_row(line, 0, [sheets[name], spec.title, spec.description, spec.source])
    contents.set_column(0, 0, 32)
    contents.set_column(1, 3, 60)
    for name in sorted(tables):
        table = tables[name]
        sheet = workbook.add_worksheet(sheets[name])
        sheet.write_row(0, 0, [c.label for c in table.spec.columns], bold)
        sheet.write_row(1, 0, table.spec.column_names)
        for line, row in enumerate(table.rows, start=2):
            for col, (column, value) in enumerate(zip(table.spec.columns, row, strict=True)):
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    continue
                if isinstance(value, str):
                    sheet.write_string(line, col, neutralise(value))
                elif isinstance(value, bool):
                    sheet.write_boolean(line, col, value)
                elif isinstance(value, datetime | date):
                    sheet.write_datetime(line, col, datetime(value.year, value.month, value.day), day)
                elif column.format in ("percent", "signed_percent"):
                    sheet.write_number(line, col, float(value), percent)
                else:
                    sheet.write_number(line, col, float(value))
        sheet.freeze_panes(2, 0)
        sheet.set_column(0, len(table.spec.columns) - 1, 16)
    workbook.close()


# -------------------------------------------------------------------------------------------------- dictionary


def dictionary_rows(tables: Mapping[str, PublishedTable]) -> list[dict[str, str]]:
    """One row per published column: what the data dictionary shows."""
    rows = []
    for name in sorted(tables):
        spec = tables[name].spec
        for column in spec.columns:
            rows.append(
                {
                    "fichier": f"{DATA_DIR}/{name}.csv",
                    "tableau": spec.title,
                    "colonne": column.name,
                    "libelle": column.label,
                    "type": FRICTIONLESS_TYPES.get(column.data_type, "string"),
                    "unite": column.unit or "",
                    "description": column.description,
                    "cachee_par": ", ".join(column.masked_by),
                    "cle": "oui" if column.name in spec.primary_key else "",
                }
            )
    return rows
