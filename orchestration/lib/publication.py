"""Publication writer: turns already-computed tables into an edition folder.

Layout (see DESIGN.md, "Publication layout"):

    <publication_dir>/editions/<YYYYMMDDTHHMMSS>/
        index.html, portrait-cohesion-sociale.html (+ .pdf), fiches/<fiche-id>.html (+ .pdf),
        donnees/<table>.csv, manifest.json
    <publication_dir>/latest -> editions/<id>

An edition is written in ``editions/.tmp-<id>-<random>`` and renamed when complete, so a reader never
sees a half-written edition; ``latest`` is switched separately (after the blocking checks passed) by
replacing a symlink, which is atomic on POSIX file systems.

Pure Python: no Dagster import, no environment lookup.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
import secrets
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any, Literal

import jinja2
from markupsafe import Markup

PORTRAIT_PAGE = "portrait-cohesion-sociale"
DATA_DIR = "donnees"
FICHES_DIR = "fiches"
MANIFEST = "manifest.json"
EDITIONS_DIR = "editions"
LATEST = "latest"

EDITION_ID_RE = re.compile(r"^\d{8}T\d{6}$")
_TABLE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_FICHE_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# French typography: narrow no-break space between thousands, no-break space before "%".
THOUSANDS_SEP = "\u202f"
PERCENT_SEP = "\u00a0"
MISSING = "—"

# Shares in [0, 1] are shown as percentages: the column name says so.
_SHARE_RE = re.compile(r"^(part|taux)_")
# Identifiers and years are shown as they are (no thousands separator: "2024", not "2 024").
_RAW_RE = re.compile(r"^(annee|code|id|num|siret|siren|nda)(_|$)|_(annee|code|id)$")
# Dates in these columns stand for a month (its first day): shown as "janvier 2025".
_MONTH_RE = re.compile(r"^mois(_|$)|_mois$")

_TEMPLATES_DIR = Path(__file__).parent / "templates"
_MONTHS_FR = (
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


class PublicationError(Exception):
    """The content cannot be published as given, or the publication folder is not in the expected state."""


@dataclass(frozen=True)
class ChartSpec:
    """A simple chart drawn from the table's own rows (column names as in the CSV)."""

    kind: Literal["bar", "line"]
    x: str
    y: str
    color: str | None = None
    x_title: str | None = None  # default: the column's French header label
    y_title: str | None = None
    width: int = 520
    height: int = 240


@dataclass(frozen=True)
class PublishedTable:
    name: str  # file stem of the CSV under donnees/
    title: str
    description: str
    columns: list[tuple[str, str]]  # (CSV column name, French header label)
    rows: list[tuple]
    chart: ChartSpec | None = None


@dataclass(frozen=True)
class FichePage:
    fiche_id: str
    title: str
    summary: list[tuple[str, str]]  # (label, formatted value)
    tables: list[PublishedTable]


@dataclass(frozen=True)
class EditionContent:
    portrait_title: str
    portrait_summary: list[tuple[str, str]]
    portrait_tables: list[PublishedTable]
    fiches: list[FichePage]
    inputs: list[dict]  # {"path", "sha256", "rows"}
    checks: list[dict]  # {"asset", "name", "passed", "blocking"}
    code_version: str
    region_label: str


# --------------------------------------------------------------------------------------------------
# Value formatting


def is_share_column(column: str) -> bool:
    return bool(_SHARE_RE.match(column))


def _group_thousands(digits: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return THOUSANDS_SEP.join(parts)


def format_number_fr(value: int | float | Decimal, decimals: int = 0) -> str:
    """48276 -> '48 276', 1234.5 (1 decimal) -> '1 234,5' (narrow no-break spaces)."""
    exact = (
        value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else value)
    )
    # Half up, as people round by hand (7.25 -> 7,3), not half to even.
    text = str(abs(exact).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))
    integer, _, fraction = text.partition(".")
    out = _group_thousands(integer) + ("," + fraction if fraction else "")
    negative = value < 0 and any(c not in "0,." for c in text)
    return ("−" if negative else "") + out


def format_percent_fr(share: float | Decimal) -> str:
    """A share in [0, 1] as a whole percentage: 0.764 -> '76 %'; a non-zero share under 1 % -> '< 1 %'."""
    pct = float(share) * 100
    if 0 < abs(pct) < 0.5:
        return f"<{PERCENT_SEP}1{PERCENT_SEP}%" if pct > 0 else f"−{PERCENT_SEP}<{PERCENT_SEP}1{PERCENT_SEP}%"
    return f"{format_number_fr(pct)}{PERCENT_SEP}%"


def format_date_fr(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def format_datetime_fr(value: datetime) -> str:
    """'26 novembre 2026 à 04:18 (UTC+01:00)'."""
    offset = value.strftime("%z")
    tz = f" (UTC{offset[:3]}:{offset[3:]})" if offset else ""
    return f"{value.day} {_MONTHS_FR[value.month - 1]} {value.year} à {value:%H:%M}{tz}"


def format_cell(value: Any, column: str) -> str:
    """How a table value is shown in the HTML pages (the CSV keeps the raw value)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime):
        return f"{format_date_fr(value)} {value:%H:%M}"
    if isinstance(value, date):
        if _MONTH_RE.search(column) and value.day == 1:
            return f"{_MONTHS_FR[value.month - 1]} {value.year}"  # a month, not a day
        return format_date_fr(value)
    if isinstance(value, int | float | Decimal):
        if _RAW_RE.search(column):
            return str(value)
        if is_share_column(column):
            return format_percent_fr(value)
        if isinstance(value, int):
            return format_number_fr(value)
        # Non-integer measures (averages, ratios) keep one decimal.
        return format_number_fr(value, 0 if float(value).is_integer() else 1)
    return str(value)


def _is_numeric(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


# --------------------------------------------------------------------------------------------------
# CSV


def csv_value(value: Any, *, table: str, row: int, column: str) -> str:
    """Raw, machine-readable CSV text: ISO dates, '.' decimals without exponent, None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if math.isinf(value):
            raise PublicationError(f"{table}.csv, line {row + 2}, field {column!r}: infinite value")
        text = format(Decimal(repr(value)), "f")
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    raise PublicationError(
        f"{table}.csv, line {row + 2}, field {column!r}: unsupported value type {type(value).__name__}"
    )


def write_csv(path: Path, table: PublishedTable) -> None:
    names = [name for name, _ in table.columns]
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        for i, row in enumerate(table.rows):
            writer.writerow(
                [csv_value(v, table=table.name, row=i, column=c) for c, v in zip(names, row, strict=True)]
            )


# --------------------------------------------------------------------------------------------------
# Charts (altair + vl-convert, offline)


def _chart_records(table: PublishedTable, spec: ChartSpec) -> list[dict]:
    names = [name for name, _ in table.columns]
    wanted = [c for c in (spec.x, spec.y, spec.color) if c]
    idx = {c: names.index(c) for c in wanted}
    records = []
    for row in table.rows:
        rec = {}
        for c, i in idx.items():
            v = row[i]
            if isinstance(v, Decimal):
                v = float(v)
            elif isinstance(v, datetime | date):
                v = v.isoformat()
            rec[c] = v
        records.append(rec)
    return records


def _field_type(table: PublishedTable, column: str, *, kind: str, axis: str) -> str:
    names = [name for name, _ in table.columns]
    values = [r[names.index(column)] for r in table.rows if r[names.index(column)] is not None]
    if values and all(isinstance(v, datetime | date) for v in values):
        return "temporal"
    if axis == "y":
        return "quantitative"
    if values and all(_is_numeric(v) for v in values) and kind == "line" and not _RAW_RE.search(column):
        return "quantitative"
    return "ordinal" if values and all(_is_numeric(v) for v in values) else "nominal"


_CHART_COLOUR = "#0b4f8a"
_CHART_CONFIG = {
    "font": "DejaVu Sans, Arial, sans-serif",
    "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"},
    "legend": {"labelFontSize": 11, "titleFontSize": 12},
    "view": {"stroke": None},
}
_SVG_ID_RE = re.compile(r'\bid="([^"]+)"')


def render_chart_svg(table: PublishedTable, spec: ChartSpec, *, id_prefix: str) -> str:
    """Inline SVG for a table's chart; element ids are prefixed so several charts fit in one page."""
    import altair as alt  # heavy imports: only when a chart is drawn
    import vl_convert as vlc

    labels = dict(table.columns)
    for c in (spec.x, spec.y, spec.color):
        if c and c not in labels:
            raise PublicationError(f"table {table.name!r}: chart column {c!r} is not among the table columns")
    x_type = _field_type(table, spec.x, kind=spec.kind, axis="x")
    y_axis = alt.Axis(format=".0%") if is_share_column(spec.y) else alt.Axis(format=",~f")
    x_scale = alt.Undefined
    if x_type == "temporal":
        # Dates are calendar days: read and shown in UTC so no time zone shifts 1 January to 31 December.
        x_scale = alt.Scale(type="utc")
        x_axis = alt.Axis(format="%b %Y", labelAngle=0, tickCount={"interval": "month", "step": 1})
    else:
        # Short labels read horizontally; long ones are tilted and shortened (the table has them whole).
        longest = max((len(str(r[list(labels).index(spec.x)])) for r in table.rows), default=0)
        x_axis = alt.Axis(labelAngle=0) if longest <= 12 else alt.Axis(labelAngle=-35, labelLimit=180)
    encoding: dict[str, Any] = {
        "x": alt.X(
            f"{spec.x}:{x_type[0].upper()}",
            title=spec.x_title or labels[spec.x],
            sort=None,
            axis=x_axis,
            scale=x_scale,
        ),
        "y": alt.Y(f"{spec.y}:Q", title=spec.y_title or labels[spec.y], axis=y_axis),
    }
    if spec.color:
        encoding["color"] = alt.Color(f"{spec.color}:N", title=labels[spec.color])
    base = alt.Chart(alt.Data(values=_chart_records(table, spec)))
    colour = {} if spec.color else {"color": _CHART_COLOUR}
    mark = base.mark_bar(**colour) if spec.kind == "bar" else base.mark_line(point=True, **colour)
    chart = mark.encode(**encoding).properties(width=spec.width, height=spec.height, description=table.title)
    svg = vlc.vegalite_to_svg(
        chart.to_dict(),
        config=_CHART_CONFIG,
        format_locale="fr-FR",
        time_format_locale="fr-FR",
        allowed_base_urls=[],  # never fetch anything
    )
    ids = set(_SVG_ID_RE.findall(svg))
    for old in sorted(ids, key=len, reverse=True):
        svg = svg.replace(f'id="{old}"', f'id="{id_prefix}-{old}"').replace(
            f"#{old})", f"#{id_prefix}-{old})"
        )
    svg = svg.replace("<svg ", f'<svg role="img" aria-label="{_attr(table.title)}" ', 1)
    return svg


def _attr(text: str) -> str:
    return str(Markup.escape(text))


# --------------------------------------------------------------------------------------------------
# Rendering


@dataclass
class _Page:
    """One HTML page (and its PDF) relative to the edition root."""

    path: str  # e.g. "fiches/aide-a-domicile.html"
    template: str
    context: dict = field(default_factory=dict)

    @property
    def root(self) -> str:
        return "../" * self.path.count("/")

    @property
    def pdf_path(self) -> str:
        return self.path.removesuffix(".html") + ".pdf"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["cell"] = format_cell
    env.globals["css"] = Markup((_TEMPLATES_DIR / "style.css").read_text(encoding="utf-8"))
    return env


def _table_view(table: PublishedTable, chart_svg: str | None) -> dict:
    names = [name for name, _ in table.columns]
    numeric = [
        any(_is_numeric(r[i]) for r in table.rows) and not _RAW_RE.search(names[i]) for i in range(len(names))
    ]
    return {
        "name": table.name,
        "title": table.title,
        "description": table.description,
        "columns": [
            {"name": n, "label": label, "numeric": numeric[i]} for i, (n, label) in enumerate(table.columns)
        ],
        "rows": [
            [{"text": format_cell(v, names[i]), "numeric": numeric[i]} for i, v in enumerate(row)]
            for row in table.rows
        ],
        "has_missing": any(
            v is None or (isinstance(v, float) and math.isnan(v)) for r in table.rows for v in r
        ),
        "csv": f"{DATA_DIR}/{table.name}.csv",
        "chart": Markup(chart_svg) if chart_svg else None,
    }


def validate_content(content: EditionContent) -> None:
    """Fails before anything is written when names clash or a row does not match its columns."""
    seen: dict[str, str] = {}
    fiche_ids: set[str] = set()
    groups: list[tuple[str, list[PublishedTable]]] = [(PORTRAIT_PAGE, content.portrait_tables)]
    for fiche in content.fiches:
        if not _FICHE_ID_RE.match(fiche.fiche_id):
            raise PublicationError(f"fiche {fiche.fiche_id!r}: the id must match {_FICHE_ID_RE.pattern}")
        if fiche.fiche_id in fiche_ids:
            raise PublicationError(f"fiche {fiche.fiche_id!r} appears twice")
        fiche_ids.add(fiche.fiche_id)
        groups.append((f"fiche {fiche.fiche_id}", fiche.tables))
    for owner, tables in groups:
        for t in tables:
            if not _TABLE_NAME_RE.match(t.name):
                raise PublicationError(f"{owner}: table name {t.name!r} must match {_TABLE_NAME_RE.pattern}")
            if t.name in seen:
                raise PublicationError(f"{owner}: table {t.name!r} is already published by {seen[t.name]}")
            seen[t.name] = owner
            names = [n for n, _ in t.columns]
            if len(set(names)) != len(names):
                raise PublicationError(f"{t.name}.csv: duplicate column names {names}")
            for i, row in enumerate(t.rows):
                if len(row) != len(names):
                    raise PublicationError(
                        f"{t.name}.csv, line {i + 2}: {len(row)} values for {len(names)} columns {names}"
                    )


def _common_context(content: EditionContent, edition_id: str, generated_at: datetime) -> dict:
    return {
        "edition_id": edition_id,
        "generated_at": format_datetime_fr(generated_at),
        "generated_at_iso": generated_at.isoformat(timespec="seconds"),
        "region_label": content.region_label,
        "code_version": content.code_version,
        "portrait_title": content.portrait_title,
        "portrait_page": f"{PORTRAIT_PAGE}.html",
    }


def _pages(content: EditionContent, common: dict) -> list[_Page]:
    pages = [
        _Page(
            f"{PORTRAIT_PAGE}.html",
            "page.html.j2",
            {
                **common,
                "title": content.portrait_title,
                "summary": content.portrait_summary,
                "tables": content.portrait_tables,
            },
        )
    ]
    for fiche in content.fiches:
        pages.append(
            _Page(
                f"{FICHES_DIR}/{fiche.fiche_id}.html",
                "page.html.j2",
                {
                    **common,
                    "title": f"Fiche métier : {fiche.title}",
                    "summary": fiche.summary,
                    "tables": fiche.tables,
                },
            )
        )
    return pages


def _index_context(content: EditionContent, pages: list[_Page], pdf: bool, common: dict) -> dict:
    checks = content.checks
    return {
        **common,
        "title": f"{content.portrait_title} — édition du {common['generated_at']}",
        "portrait": {
            "title": content.portrait_title,
            "html": pages[0].path,
            "pdf": pages[0].pdf_path if pdf else None,
            "csvs": [(t.title, f"{DATA_DIR}/{t.name}.csv") for t in content.portrait_tables],
        },
        "fiches": [
            {
                "title": f.title,
                "html": p.path,
                "pdf": p.pdf_path if pdf else None,
                "csvs": [(t.title, f"{DATA_DIR}/{t.name}.csv") for t in f.tables],
            }
            for f, p in zip(content.fiches, pages[1:], strict=True)
        ],
        "checks_total": len(checks),
        "checks_failed": [c for c in checks if not c.get("passed")],
        "manifest": MANIFEST,
    }


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


def _check_edition_id(edition_id: str) -> None:
    if not EDITION_ID_RE.match(edition_id):
        raise PublicationError(f"edition id {edition_id!r} does not match YYYYMMDDTHHMMSS")


def new_edition_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")


def write_edition(
    publication_dir: Path,
    content: EditionContent,
    *,
    edition_id: str,
    generated_at: datetime,
    pdf: bool = True,
) -> Path:
    """Writes editions/<id>/ via a temp folder (editions/.tmp-<id>-<random>) renamed when complete.

    Returns the final folder. Refuses if the edition already exists. Never touches ``latest``.
    """
    _check_edition_id(edition_id)
    if generated_at.tzinfo is None or generated_at.utcoffset() is None:
        raise PublicationError("generated_at must carry a time zone (ISO 8601 with offset in the manifest)")
    editions = Path(publication_dir) / EDITIONS_DIR
    final = editions / edition_id
    if final.exists() or final.is_symlink():
        raise PublicationError(f"edition {edition_id} already exists: {final}")
    validate_content(content)
    editions.mkdir(parents=True, exist_ok=True)

    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{edition_id}-", dir=editions))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; a published edition is meant to be read (web server)
        _render_into(tmp, content, edition_id=edition_id, generated_at=generated_at, pdf=pdf)
        for rel in _files_under(tmp):
            _fsync(tmp / rel)
        if final.exists():  # another writer got there while we were rendering
            raise PublicationError(f"edition {edition_id} already exists: {final}")
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync(editions)
    return final


def _render_into(root: Path, content: EditionContent, *, edition_id: str, generated_at: datetime, pdf: bool):
    env = _environment()
    (root / DATA_DIR).mkdir()
    (root / FICHES_DIR).mkdir()

    all_tables = list(content.portrait_tables) + [t for f in content.fiches for t in f.tables]
    for t in all_tables:
        write_csv(root / DATA_DIR / f"{t.name}.csv", t)

    common = _common_context(content, edition_id, generated_at)
    pages = _pages(content, common)
    chart_cache: dict[str, str | None] = {}
    for n, t in enumerate(all_tables):
        chart_cache[t.name] = render_chart_svg(t, t.chart, id_prefix=f"c{n}") if t.chart else None

    template = env.get_template("page.html.j2")
    for page in pages:
        tables = [_table_view(t, chart_cache[t.name]) for t in page.context["tables"]]
        ctx = {**page.context, "tables": tables, "root": page.root, "pdf_path": None}
        if pdf:
            ctx["pdf_path"] = page.root + page.pdf_path
        _write_text(root / page.path, template.render(**ctx, for_pdf=False))
        if pdf:
            target = root / page.pdf_path
            render_pdf(template.render(**ctx, for_pdf=True), str(target.parent) + "/", target)

    index = env.get_template("index.html.j2").render(
        **_index_context(content, pages, pdf, common), root="", for_pdf=False
    )
    _write_text(root / "index.html", index)

    manifest = {
        "edition": edition_id,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "code_version": content.code_version,
        "inputs": list(content.inputs),
        "checks": list(content.checks),
        "outputs": _files_under(root),
    }
    _write_text(root / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2, default=str) + "\n")


# --------------------------------------------------------------------------------------------------
# latest


def switch_latest(publication_dir: Path, edition_id: str) -> None:
    """Atomically points publication_dir/latest at editions/<id> (relative symlink, then os.replace)."""
    _check_edition_id(edition_id)
    publication_dir = Path(publication_dir)
    edition = publication_dir / EDITIONS_DIR / edition_id
    if not (edition / MANIFEST).is_file():
        raise PublicationError(f"edition {edition_id} is not complete or does not exist: {edition}")
    latest = publication_dir / LATEST
    if latest.exists() and not latest.is_symlink():
        raise PublicationError(f"{latest} is not a symlink: refusing to replace it")
    tmp_link = publication_dir / f".{LATEST}.tmp-{secrets.token_hex(4)}"
    os.symlink(f"{EDITIONS_DIR}/{edition_id}", tmp_link, target_is_directory=True)
    try:
        os.replace(tmp_link, latest)
    except BaseException:
        tmp_link.unlink(missing_ok=True)
        raise
    _fsync(publication_dir)


def current_latest(publication_dir: Path) -> str | None:
    """The edition id ``latest`` points at, or None when there is no ``latest`` yet."""
    latest = Path(publication_dir) / LATEST
    if not latest.is_symlink():
        if latest.exists():
            raise PublicationError(f"{latest} is not a symlink")
        return None
    name = Path(os.readlink(latest)).name
    return name if EDITION_ID_RE.match(name) else None


def list_editions(publication_dir: Path) -> list[str]:
    """Complete editions, oldest first (temporary folders are ignored)."""
    editions = Path(publication_dir) / EDITIONS_DIR
    if not editions.is_dir():
        return []
    return sorted(p.name for p in editions.iterdir() if p.is_dir() and EDITION_ID_RE.match(p.name))
