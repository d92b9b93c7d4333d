"""Publication writer: lays out already-computed, already-masked tables as an edition folder.

Layout (see DESIGN.md, "Publication layout"):

    <publication_dir>/editions/<YYYYMMDDTHHMMSS>/
        index.html, portrait-cohesion-sociale.html (+ .pdf), fiches/<fiche-id>.html (+ .pdf),
        donnees/<table>.csv, donnees/dictionnaire.html, datapackage.json, observatoire.xlsx, manifest.json
    <publication_dir>/latest -> editions/<id>, editions/index.html (see editions.py)

Every figure comes from a publication model (``open_data.read_publication``) with its spec: this module
formats and places them, and computes nothing. A value the secret statistique hides is shown as "s".

An edition is written in a temporary folder and renamed when complete (``editions.writing``), so a reader
never sees a half-written edition; ``latest`` (or ``preview``, in review mode) is switched separately by
``editions.publish``, after every blocking check passed.

Pure Python: no Dagster import, no environment lookup.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from orchestration.lib import editions, history, maps, open_data, quality_report
from orchestration.lib.french import (
    PERCENT_SEP,
    format_date_fr,
    format_datetime_fr,
    format_month_fr,
    format_number_fr,
    format_percent_fr,
)
from orchestration.lib.open_data import PublishedTable
from orchestration.lib.publication_spec import ColumnSpec

PORTRAIT_PAGE = "portrait-cohesion-sociale"
DATA_DIR = "donnees"
FICHES_DIR = "fiches"
MANIFEST = editions.MANIFEST

DICTIONARY = "dictionnaire.html"
QUALITY_PAGE = "qualite.html"
CHANGES_PAGE = "changements.html"
CHANGES_JSON = "changements.json"
DATAPACKAGE = open_data.DATAPACKAGE
WORKBOOK = open_data.WORKBOOK

_FICHE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

MISSING = "—"
SECRET_MARK = "s"
NUMERIC_FORMATS = {
    "integer",
    "signed_integer",
    "percent",
    "signed_percent",
    "decimal1",
    "signed_decimal1",
    "euros",
}

_TEMPLATES_DIR = Path(__file__).parent / "templates"


class PublicationError(Exception):
    """The content cannot be published as given, or the publication folder is not in the expected state."""


@dataclass(frozen=True)
class PageContent:
    """One page of the edition: its sections are published tables (a fiche's page: its rows only)."""

    path: str  # relative to the edition root, e.g. "fiches/aide-a-domicile.html"
    title: str
    summary: list[tuple[str, str]]  # key figures: (label, formatted value)
    sections: list[PublishedTable]
    messages: PublishedTable | None = None  # the page's row of a *_messages model: the key messages

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")

    @property
    def pdf_path(self) -> str:
        return self.path.removesuffix(".html") + ".pdf"


@dataclass(frozen=True)
class EditionContent:
    region_label: str
    portrait: PageContent
    fiches: list[PageContent]
    tables: dict[str, PublishedTable]  # every published table: CSV, workbook, datapackage
    inputs: list[dict]  # {"path" (relative to its folder), "origin", "sha256", "rows"}
    checks: list[dict]  # {"asset", "name", "passed", "blocking"}
    code_version: str
    secrecy: dict = field(default_factory=dict)  # the thresholds applied (OBS_SECRET_*)
    years: dict[str, dict[int, bool]] = field(default_factory=dict)  # source -> {year: complete}
    quality: dict | None = None  # quality.build_report(...): what was checked (qualite.html)
    changes: dict | None = None  # history.compare(...): what changed since the previous edition

    @property
    def pages(self) -> list[PageContent]:
        return [self.portrait, *self.fiches]


# --------------------------------------------------------------------------------------------------
# Value formatting


def format_value(value: Any, fmt: str) -> str:
    """How a published value is shown on a page, by the format its spec gives (the CSV keeps the value)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if fmt == "boolean" or isinstance(value, bool):
        return "oui" if value else "non"
    if fmt == "month" and isinstance(value, date):
        return format_month_fr(value)
    if isinstance(value, datetime):
        return f"{format_date_fr(value)} {value:%H:%M}"
    if isinstance(value, date):
        return format_date_fr(value)
    if fmt in ("percent", "signed_percent"):
        return format_percent_fr(value, signed=fmt == "signed_percent")
    if fmt in ("integer", "signed_integer"):
        return format_number_fr(round(value), signed=fmt == "signed_integer")
    if fmt in ("decimal1", "signed_decimal1"):
        return format_number_fr(value, 1, signed=fmt == "signed_decimal1")
    if fmt == "euros":
        return f"{format_number_fr(round(value))}{PERCENT_SEP}€"
    return str(value)


def format_cell(record: dict, column: ColumnSpec, table: PublishedTable) -> str:
    """A cell of a page's table: "s" when the secret statistique hides it, else its formatted value."""
    if table.hidden(record, column):
        return SECRET_MARK
    return format_value(record.get(column.name), column.format)


# --------------------------------------------------------------------------------------------------
# Charts (altair + vl-convert, offline)


IN_PROGRESS = "année en cours"


def reference_year(table: PublishedTable, years: dict[str, dict[int, bool]] | None = None) -> int | None:
    """The year a table shows first: its latest complete year (by the source its spec's ``coverage`` names,
    ``pub_couverture_annees``), or its latest year when none is known complete; None without ``annee``."""
    if "annee" not in table.spec.column_names:
        return None
    present = {r["annee"] for r in table.records() if r["annee"] is not None}
    if not present:
        return None
    known = (years or {}).get(table.spec.coverage or "", {})
    complete = [y for y in present if known.get(y, True)]
    return max(complete) if complete else max(present)


def years_in_progress(table: PublishedTable, years: dict[str, dict[int, bool]] | None = None) -> set[int]:
    known = (years or {}).get(table.spec.coverage or "", {})
    return {y for y, complete in known.items() if not complete}


def chart_rows(table: PublishedTable, year: int | None = None, chart: dict | None = None) -> list[dict]:
    """The rows a table's chart draws (``chart``, else the spec's first): those its ``where`` selects, one
    year only (``year``, else the latest) when the spec says so, never a hidden value."""
    chart = chart or table.spec.chart or {}
    records = [
        r for r in table.records() if all(r.get(k) == v for k, v in (chart.get("where") or {}).items())
    ]
    if chart.get("latest_year") and records and "annee" in table.spec.column_names:
        latest = year or max(r["annee"] for r in records if r["annee"] is not None)
        records = [r for r in records if r["annee"] == latest]
    y = table.spec.column(chart["y"])
    return [r for r in records if r.get(y.name) is not None and not table.hidden(r, y)]


_CHART_COLOUR = "#0b4f8a"
_CHART_CONFIG = {
    "font": "DejaVu Sans, Arial, sans-serif",
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12},
    "view": {"stroke": None},
}
_SVG_ID_RE = re.compile(r'\bid="([^"]+)"')


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def render_map(
    table: PublishedTable, *, id_prefix: str, year: int | None = None, chart: dict | None = None
) -> str | None:
    """The map of the région's départements for a table whose spec asks for one (``chart.kind: map``): the
    ``chart.value`` of one year (``year``, else the latest) by département, a secret value drawn as such."""
    chart = chart or table.spec.chart or {}
    records = table.records()
    latest = None
    if chart.get("latest_year") and records and "annee" in table.spec.column_names:
        latest = year or max(r["annee"] for r in records)
        records = [r for r in records if r["annee"] == latest]
    if "code_departement" in table.spec.column_names:
        by_dep = {r["code_departement"]: r for r in records}
    else:
        by_dep = {r["code_territoire"]: r for r in records if r.get("niveau_territoire") == "departement"}
    known = {d.code for d in maps.load_basemap().departements}
    by_dep = {code: r for code, r in by_dep.items() if code in known}
    if not by_dep:
        return None
    column = table.spec.column(chart["value"])
    when = f", {latest}" if latest else ""
    return maps.render_departements_map(
        {code: r[column.name] for code, r in by_dep.items()},
        secret={code for code, r in by_dep.items() if table.hidden(r, column)},
        title=f"{column.label} par département{when}",
        unit=f"{column.label}{when}",
        source=table.spec.source,
        format_value=lambda v: format_value(v, column.format),
        id_prefix=id_prefix,
    )


def render_chart_svg(
    table: PublishedTable,
    *,
    id_prefix: str,
    width: int = 520,
    height: int = 240,
    year: int | None = None,
    chart: dict | None = None,
) -> str | None:
    """Inline SVG (or, for a map, an HTML figure) of a table's chart (spec ``chart``: bar, line or map);
    element ids are prefixed so several charts fit in one page. None when nothing can be drawn."""
    chart = chart or table.spec.chart or {}
    if chart.get("kind") == "map":
        return render_map(table, id_prefix=id_prefix, year=year, chart=chart)
    if chart.get("kind") not in ("bar", "line"):
        return None
    import altair as alt  # heavy imports: only when a chart is drawn
    import vl_convert as vlc

    x, y = table.spec.column(chart["x"]), table.spec.column(chart["y"])
    rows = [{x.name: _plain(r[x.name]), y.name: _plain(r[y.name])} for r in chart_rows(table, year, chart)]
    if not rows:
        return None
    y_axis = alt.Axis(format=".0%") if y.format.endswith("percent") else alt.Axis(format=",~f")
    if x.format == "month":
        # Dates are calendar days: read and shown in UTC so no time zone shifts 1 January to 31 December.
        x_enc = alt.X(
            f"{x.name}:T",
            title=x.label,
            scale=alt.Scale(type="utc"),
            axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount={"interval": "month", "step": 1}),
        )
    elif x.format == "year":
        x_enc = alt.X(f"{x.name}:O", title=x.label, axis=alt.Axis(labelAngle=0))
    else:
        # Short labels read horizontally; long ones are tilted and shortened (the table has them whole).
        longest = max(len(str(r[x.name])) for r in rows)
        axis = alt.Axis(labelAngle=0) if longest <= 12 else alt.Axis(labelAngle=-35, labelLimit=180)
        x_enc = alt.X(f"{x.name}:N", title=x.label, sort="-y", axis=axis)
    base = alt.Chart(alt.Data(values=rows))
    mark = (
        base.mark_bar(color=_CHART_COLOUR)
        if chart["kind"] == "bar"
        else base.mark_line(point=True, color=_CHART_COLOUR)
    )
    spec = mark.encode(x=x_enc, y=alt.Y(f"{y.name}:Q", title=y.label, axis=y_axis)).properties(
        width=width, height=height, description=table.spec.title
    )
    svg = vlc.vegalite_to_svg(
        spec.to_dict(),
        config=_CHART_CONFIG,
        format_locale="fr-FR",
        time_format_locale="fr-FR",
        allowed_base_urls=[],  # never fetch anything
    )
    for old in sorted(set(_SVG_ID_RE.findall(svg)), key=len, reverse=True):
        svg = svg.replace(f'id="{old}"', f'id="{id_prefix}-{old}"').replace(
            f"#{old})", f"#{id_prefix}-{old})"
        )
    return svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(table.spec.title)}" ', 1)


def _attr(text: str) -> str:
    return str(Markup.escape(text))


# --------------------------------------------------------------------------------------------------
# Rendering


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["css"] = Markup((_TEMPLATES_DIR / "style.css").read_text(encoding="utf-8"))
    env.globals["in_progress"] = IN_PROGRESS
    env.filters["pourcent"] = lambda share: format_percent_fr(abs(share))
    return env


def messages_view(table: PublishedTable | None, kind: str) -> dict | None:
    """The key messages' figures of a page (its row of a *_messages model): ``v`` formatted, ``raw`` as
    published; None wherever the figure is unknown or secret (its sentence or clause is then left out)."""
    if table is None or not table.rows:
        return None
    record = table.records()[0]
    raw = {c.name: None if table.hidden(record, c) else record.get(c.name) for c in table.spec.data_columns}
    shown = {
        c.name: None if raw[c.name] is None else format_value(raw[c.name], c.format)
        for c in table.spec.data_columns
    }
    return {"kind": kind, "v": shown, "raw": raw}


def definitions(page: PageContent) -> list[tuple[str, str]]:
    """The definitions closing a page: the columns of its key figures and messages, described once."""
    seen: dict[str, str] = {}
    for table in [t for t in (page.messages, *page.sections) if t is not None][:2]:
        for column in table.spec.data_columns:
            if column.description and column.label not in seen and column.format not in ("code", "year"):
                seen[column.label] = column.description
    return list(seen.items())


def _cells(table: PublishedTable, record: dict, columns: list[ColumnSpec], partial: set[int]) -> list[dict]:
    cells = []
    for c in columns:
        text = format_cell(record, c, table)
        if c.name == "annee" and record.get("annee") in partial:
            text = f"{text} ({IN_PROGRESS})"
        cells.append(
            {"text": text, "numeric": c.format in NUMERIC_FORMATS, "secret": table.hidden(record, c)}
        )
    return cells


def section_view(
    table: PublishedTable,
    chart_svg: str | list[str | None] | None,
    *,
    hide: tuple[str, ...] = (),
    years: dict[str, dict[int, bool]] | None = None,
) -> dict:
    """What a page's template needs of a published table: labels, formatted cells, chart, CSV link. A table
    by year shows its latest complete year first (then a year in progress, labelled as such); earlier years
    go to ``earlier_rows`` (a collapsed section of the page)."""
    columns = [c for c in table.spec.data_columns if c.name not in hide]
    records = table.records()
    reference = reference_year(table, years)
    partial = years_in_progress(table, years)
    earlier: list[dict] = []
    if reference is not None and len({r["annee"] for r in records}) > 1:
        current = [r for r in records if r["annee"] is not None and r["annee"] >= reference]
        current.sort(key=lambda r: r["annee"] != reference)  # stable: the reference year, then later ones
        earlier = [r for r in records if r["annee"] is None or r["annee"] < reference]
        earlier.sort(key=lambda r: -(r["annee"] or 0))
        records = current
    rows = [_cells(table, r, columns, partial) for r in records]
    earlier_rows = [_cells(table, r, columns, partial) for r in earlier]
    earlier_years = sorted({r["annee"] for r in earlier if r["annee"] is not None})
    every_cell = [cell for row in rows + earlier_rows for cell in row]
    return {
        "name": table.name,
        "title": table.spec.title,
        "description": table.spec.description,
        "source": table.spec.source,
        "columns": [
            {"name": c.name, "label": c.label, "numeric": c.format in NUMERIC_FORMATS} for c in columns
        ],
        "rows": rows,
        "earlier_rows": earlier_rows,
        "earlier_label": (
            f"Années précédentes ({earlier_years[0]} à {earlier_years[-1]})"
            if len(earlier_years) > 1
            else f"Année précédente ({earlier_years[0]})"
            if earlier_years
            else "Années précédentes"
        ),
        "reference_year": reference,
        "has_missing": any(cell["text"] == MISSING for cell in every_cell),
        "has_secret": any(cell["secret"] for cell in every_cell),
        "csv": f"{DATA_DIR}/{table.name}.csv",
        "charts": [Markup(svg) for svg in (chart_svg if isinstance(chart_svg, list) else [chart_svg]) if svg],
    }


def validate_content(content: EditionContent) -> None:
    """Fails before anything is written when a fiche id or a page path clashes."""
    seen: set[str] = set()
    for page in content.pages:
        if page.path in seen:
            raise PublicationError(f"page {page.path!r} appears twice")
        seen.add(page.path)
    for page in content.fiches:
        stem = Path(page.path).stem
        if not _FICHE_ID_RE.match(stem):
            raise PublicationError(f"fiche {stem!r}: the id must match {_FICHE_ID_RE.pattern}")


def _common_context(content: EditionContent, edition_id: str, generated_at: datetime) -> dict:
    return {
        "edition_id": edition_id,
        "generated_at": format_datetime_fr(generated_at),
        "generated_at_iso": generated_at.isoformat(timespec="seconds"),
        "region_label": content.region_label,
        "code_version": content.code_version,
        "portrait_title": content.portrait.title,
        "portrait_page": content.portrait.path,
        "secrecy": content.secrecy,
    }


def _index_context(content: EditionContent, pdf: bool, common: dict) -> dict:
    checks = content.checks
    return {
        **common,
        "title": f"{content.portrait.title} — édition du {common['generated_at']}",
        "portrait": {
            "title": content.portrait.title,
            "html": content.portrait.path,
            "pdf": content.portrait.pdf_path if pdf else None,
        },
        "fiches": [
            {"title": f.title, "html": f.path, "pdf": f.pdf_path if pdf else None} for f in content.fiches
        ],
        "csvs": [(t.spec.title, f"{DATA_DIR}/{name}.csv") for name, t in sorted(content.tables.items())],
        "dictionary": f"{DATA_DIR}/{DICTIONARY}",
        "datapackage": DATAPACKAGE,
        "workbook": WORKBOOK,
        "checks_total": len(checks),
        "checks_failed": [c for c in checks if not c.get("passed")],
        "manifest": MANIFEST,
    }


def _figure_text(value: str | None, fmt: str) -> str:
    if value is None:
        return MISSING
    try:
        number = float(value)
    except ValueError:
        return value
    return format_value(int(number) if number.is_integer() else number, fmt)


def _difference_text(difference: float | None, fmt: str) -> str:
    if difference is None:
        return MISSING
    if fmt.endswith("percent"):
        return f"{format_number_fr(difference * 100, 1, signed=True)}{PERCENT_SEP}pt"
    decimals = 0 if float(difference).is_integer() else 1
    return format_number_fr(difference, decimals, signed=True)


def changes_view(changes: dict) -> list[dict]:
    """The moved key figures as the changes page shows them (formatted by their column's format)."""
    return [
        {
            **m,
            "before": _figure_text(m["before"], m["format"]),
            "after": _figure_text(m["after"], m["format"]),
            "difference": _difference_text(m["difference"], m["format"]),
        }
        for m in changes["moved"]
    ]


def _report_pages(env, root: Path, content: EditionContent, common: dict, edition_id: str) -> None:
    """qualite.html (+ qualite.json: counts only) and changements.html (+ changements.json)."""
    quality = content.quality or quality_report.build_report(
        content.checks, dbt={}, gx={}, refused=[], quarantined=[], since=None
    )
    changes = content.changes or history.Changes(edition=edition_id, previous=None).as_dict()
    base = {**common, "root": "", "for_pdf": False, "pdf_path": None}
    since = quality.get("since")
    since_label = format_datetime_fr(datetime.fromisoformat(since)) if since else None
    _write_text(
        root / QUALITY_PAGE,
        env.get_template("qualite.html.j2").render(
            **base,
            title="Contrôles de qualité de l'édition",
            q=quality,
            kinds=quality_report.KINDS,
            since_label=since_label,
        ),
    )
    _write_text(
        root / quality_report.QUALITY_JSON,
        json.dumps(quality, ensure_ascii=False, indent=2, default=str) + "\n",
    )
    _write_text(
        root / CHANGES_PAGE,
        env.get_template("changements.html.j2").render(
            **base,
            title="Ce qui a changé depuis l'édition précédente",
            c=changes,
            moved=changes_view(changes),
        ),
    )
    _write_text(root / CHANGES_JSON, json.dumps(changes, ensure_ascii=False, indent=2, default=str) + "\n")


def render_pdf(html: str, base_url: str, target: Path) -> None:
    import weasyprint  # heavy import (pango): only when PDFs are asked for

    weasyprint.HTML(string=html, base_url=base_url).write_pdf(str(target))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _files_under(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def write_edition(
    publication_dir: Path,
    content: EditionContent,
    *,
    edition_id: str,
    generated_at: datetime,
    pdf: bool = True,
) -> Path:
    """Writes editions/<id>/ through a temporary folder renamed when complete (``editions.writing``).

    Returns the final folder. Refuses if the edition already exists. Never touches ``latest``.
    """
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise PublicationError("generated_at must carry a time zone (ISO 8601 with offset in the manifest)")
    validate_content(content)
    with editions.writing(publication_dir, edition_id) as folder:
        _render_into(folder, content, edition_id=edition_id, generated_at=generated_at, pdf=pdf)
    return Path(publication_dir) / editions.EDITIONS_DIR / edition_id


def masked_cells(content: EditionContent) -> dict[str, int]:
    """Values hidden by the secret statistique, per published table (for the manifest and the asset)."""
    return {name: table.masked_cells for name, table in sorted(content.tables.items())}


def _render_into(root: Path, content: EditionContent, *, edition_id: str, generated_at: datetime, pdf: bool):
    env = _environment()
    (root / FICHES_DIR).mkdir()
    open_data.write_csvs(root / DATA_DIR, content.tables)
    package = open_data.datapackage(
        content.tables,
        name="observatoire-emploi-formation",
        title=f"Observatoire emploi-formation — {content.region_label} — édition {edition_id}",
        version=edition_id,
        created=generated_at.isoformat(timespec="seconds"),
    )
    _write_text(root / DATAPACKAGE, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
    open_data.write_workbook(
        root / WORKBOOK, content.tables, title=f"Observatoire emploi-formation {edition_id}"
    )

    common = _common_context(content, edition_id, generated_at)
    charts: dict[str, list[str | None]] = {}
    template = env.get_template("page.html.j2")
    for page in content.pages:
        sections = []
        for table in page.sections:
            key = f"{page.path}:{table.name}"
            if key not in charts:
                year = reference_year(table, content.years)
                charts[key] = [
                    render_chart_svg(table, id_prefix=f"c{len(charts)}-{i}", year=year, chart=chart)
                    for i, chart in enumerate(table.spec.charts)
                ]
            hide = ("fiche_id",) if page in content.fiches else ()
            sections.append(section_view(table, charts[key], hide=hide, years=content.years))
        ctx = {
            **common,
            "title": page.title,
            "summary": page.summary,
            "messages": messages_view(page.messages, "fiche" if page in content.fiches else "portrait"),
            "definitions": definitions(page),
            "tables": sections,
            "root": page.root,
            "pdf_path": page.root + page.pdf_path if pdf else None,
        }
        _write_text(root / page.path, template.render(**ctx, for_pdf=False))
        if pdf:
            target = root / page.pdf_path
            render_pdf(template.render(**ctx, for_pdf=True), str(target.parent) + "/", target)

    dictionary = env.get_template("dictionnaire.html.j2").render(
        **common,
        title="Dictionnaire des données",
        root="../",
        for_pdf=False,
        pdf_path=None,
        tables=[{"spec": content.tables[name].spec, "csv": f"{name}.csv"} for name in sorted(content.tables)],
    )
    _write_text(root / DATA_DIR / DICTIONARY, dictionary)
    _report_pages(env, root, content, common, edition_id)
    index = env.get_template("index.html.j2").render(
        **_index_context(content, pdf, common), root="", for_pdf=False
    )
    _write_text(root / "index.html", index)

    manifest = {
        "edition": edition_id,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "code_version": content.code_version,
        "inputs": list(content.inputs),
        "checks": list(content.checks),
        "secret_statistique": {"seuils": content.secrecy, "cellules_masquees": masked_cells(content)},
        "outputs": sorted([*_files_under(root), MANIFEST]),
    }
    _write_text(root / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n")
