"""The publication spec: what each published table is, read from the dbt manifest.

The spec is the YAML of the publication models (``dbt_project/models/publication/``): for each table its
title, description, source, unit, page, order, primary key and chart; for each column its French label,
unit, format, description and the status columns that hide it (``masked_by``). dbt enforces that the
tables have exactly these columns (model contracts); everything published is derived from this one
declaration: the edition asset's dependencies, the CSV files, the data dictionary, ``datapackage.json``,
the workbook, the page sections and the quality suites of the publication models.

Pure Python: no Dagster, no DuckDB.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PUBLICATION_SCHEMA = "publication"
MODEL_PREFIX = "pub_"
PAGES = ("portrait", "fiche", "reference")
FORMATS = {
    "year",
    "month",
    "date",
    "integer",
    "signed_integer",
    "percent",
    "signed_percent",
    "decimal1",
    "signed_decimal1",
    "euros",
    "code",
    "text",
    "boolean",
    "status",
}
STATUS_FORMAT = "status"
PUBLISHED, SECRET = "publie", "secret"


class SpecError(ValueError):
    """The publication spec is inconsistent; the message names the model and the column."""


@dataclass(frozen=True)
class ColumnSpec:
    name: str
    data_type: str
    label: str
    description: str
    format: str
    unit: str | None = None
    masked_by: tuple[str, ...] = ()
    counts: str | None = None  # "people" or "employers": a count the secret statistique protects

    @property
    def is_status(self) -> bool:
        return self.format == STATUS_FORMAT


@dataclass(frozen=True)
class TableSpec:
    model: str  # the dbt model, e.g. pub_portrait_chiffres_cles
    title: str
    description: str
    page: str
    order: int
    source: str
    unit: str
    primary_key: tuple[str, ...]
    columns: tuple[ColumnSpec, ...]
    chart: dict | None = None  # the first of ``charts``
    coverage: str | None = None  # the source whose complete years the table's ``annee`` follows

    extra_charts: tuple[dict, ...] = ()  # the spec's ``chart`` may be a list: the charts after the first

    @property
    def charts(self) -> list[dict]:
        return ([self.chart] if self.chart else []) + list(self.extra_charts)

    @property
    def name(self) -> str:
        """The published name (CSV file stem, sheet, resource): the model without its prefix."""
        return self.model.removeprefix(MODEL_PREFIX)

    @property
    def relation(self) -> str:
        return f"{PUBLICATION_SCHEMA}.{self.model}"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def data_columns(self) -> list[ColumnSpec]:
        """The columns shown in a page's table (statuses are shown as "s" in the cells they hide)."""
        return [c for c in self.columns if not c.is_status]

    @property
    def status_columns(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.is_status]

    def column(self, name: str) -> ColumnSpec:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.model}: no column {name!r}")


@dataclass(frozen=True)
class PublicationSpec:
    tables: tuple[TableSpec, ...]

    def page(self, page: str) -> list[TableSpec]:
        return sorted((t for t in self.tables if t.page == page), key=lambda t: (t.order, t.name))

    def table(self, name: str) -> TableSpec:
        for table in self.tables:
            if table.name == name or table.model == name:
                return table
        raise KeyError(f"no published table {name!r}")

    @property
    def models(self) -> list[str]:
        return sorted(t.model for t in self.tables)


def _meta(node: dict) -> dict:
    return (node.get("config") or {}).get("meta") or node.get("meta") or {}


def _column(model: str, column: dict) -> ColumnSpec:
    meta = _meta(column)
    name = column["name"]
    for key in ("label", "format"):
        if not meta.get(key):
            raise SpecError(f"{model}.{name}: the column's meta has no {key!r}")
    if meta["format"] not in FORMATS:
        raise SpecError(f"{model}.{name}: unknown format {meta['format']!r} (one of {sorted(FORMATS)})")
    if not column.get("data_type"):
        raise SpecError(f"{model}.{name}: no data_type (publication models have enforced contracts)")
    return ColumnSpec(
        name=name,
        data_type=column["data_type"].lower(),
        label=meta["label"],
        description=(column.get("description") or "").strip(),
        format=meta["format"],
        unit=meta.get("unit"),
        masked_by=tuple(meta.get("masked_by") or ()),
        counts=meta.get("counts"),
    )


def _table(node: dict) -> TableSpec:
    model = node["name"]
    publication = _meta(node).get("publication")
    if not publication:
        raise SpecError(f"{model}: no config.meta.publication")
    columns = tuple(_column(model, c) for c in node.get("columns", {}).values())
    names = {c.name for c in columns}
    if publication.get("page") not in PAGES:
        raise SpecError(f"{model}: page must be one of {PAGES}")
    key = tuple(publication.get("primary_key") or ())
    if not key or not set(key) <= names:
        raise SpecError(f"{model}: primary_key {list(key)} must name columns of the table")
    for column in columns:
        for status in column.masked_by:
            if status not in names or not next(c for c in columns if c.name == status).is_status:
                raise SpecError(
                    f"{model}.{column.name}: masked_by {status!r} is not a status column of the table"
                )
    chart = publication.get("chart")
    charts = list(chart) if isinstance(chart, list) else [chart] if chart else []
    coverage = publication.get("coverage")
    if coverage and "annee" not in names:
        raise SpecError(f"{model}: coverage {coverage!r} needs an annee column")
    if publication["page"] == "fiche" and "fiche_id" not in names:
        raise SpecError(f"{model}: a fiche table holds every fiche in a fiche_id column")
    return TableSpec(
        model=model,
        title=publication["title"],
        description=" ".join((node.get("description") or "").split()),
        page=publication["page"],
        order=int(publication.get("order", 0)),
        source=publication["source"],
        unit=publication.get("unit", ""),
        primary_key=key,
        columns=columns,
        chart=charts[0] if charts else None,
        extra_charts=tuple(charts[1:]),
        coverage=coverage,
    )


def spec_from_manifest(manifest: dict) -> PublicationSpec:
    """Every model of the publication folder, in the order of their names."""
    nodes = [
        node
        for node in manifest["nodes"].values()
        if node.get("resource_type") == "model"
        and node["name"].startswith(MODEL_PREFIX)
        and (node.get("config") or {}).get("schema") == PUBLICATION_SCHEMA
    ]
    return PublicationSpec(tuple(_table(node) for node in sorted(nodes, key=lambda n: n["name"])))


@cache
def _load(path: str, mtime_ns: int) -> PublicationSpec:
    return spec_from_manifest(json.loads(Path(path).read_text(encoding="utf-8")))


def load_spec(manifest_path: Path) -> PublicationSpec:
    """The spec of the dbt manifest at ``manifest_path`` (read once per version of the file)."""
    path = Path(manifest_path)
    return _load(str(path), path.stat().st_mtime_ns)
