"""What an edition says: its pages composed from the published tables, and nothing else.

Every figure comes from a publication model read by ``open_data.read_publication`` (already masked by the
secret statistique, already computed in dbt); this module only chooses which table goes on which page (the
spec's ``page`` and ``order``), which rows a fiche shows, and which figures make the key-figure cards.

Pure Python: no Dagster, no warehouse.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from orchestration.lib.open_data import PublishedTable
from orchestration.lib.publication import (
    FICHES_DIR,
    PORTRAIT_PAGE,
    EditionContent,
    PageContent,
    format_cell,
)

REGION_LABELS = {"52": "Pays de la Loire"}
PORTRAIT_TITLE = "Portrait du secteur de la Cohésion sociale"
FICHES_TABLE = "fiches_metiers"
COVERAGE_TABLE = "couverture_annees"
PORTRAIT_MESSAGES = "portrait_messages"
FICHE_MESSAGES = "fiche_messages"
PORTRAIT_KEY_FIGURES = (
    "portrait_chiffres_cles",
    (
        "nb_branches",
        "nb_adherents",
        "part_adherents_moins_11_etp",
        "nb_salaries",
        "part_femmes",
        "nb_contrats_pro",
        "part_contrats_pro_plus_30_ans",
    ),
)
FICHE_KEY_FIGURES = (
    "fiche_chiffres_cles",
    (
        "nb_offres",
        "nb_offres_eligibles_1e1f",
        "nb_intentions_sans_organisme",
        "part_cdi",
        "salaire_mensuel_median",
        "offres_secteur_pour_1000_salaries",
        "nb_contrats",
    ),
)


def years_covered(tables: Mapping[str, PublishedTable]) -> dict[str, dict[int, bool]]:
    """For each source, its years and whether each is complete (``pub_couverture_annees``)."""
    years: dict[str, dict[int, bool]] = {}
    if COVERAGE_TABLE in tables:
        for r in tables[COVERAGE_TABLE].records():
            years.setdefault(r["source"], {})[r["annee"]] = bool(r["est_complete"])
    return years


def key_figures(
    table: PublishedTable,
    columns: Sequence[str],
    *,
    require: str,
    years: Mapping[str, Mapping[int, bool]] | None = None,
) -> list[tuple[str, str]]:
    """Cards of the latest complete year (by the table's coverage) whose ``require`` column is known:
    "<label> (<year>)", its value ("s" if secret)."""
    known = (years or {}).get(table.spec.coverage or "", {})
    records = [
        r
        for r in table.records()
        if (r.get(require) is not None or table.hidden(r, table.spec.column(require)))
        and known.get(r["annee"], True)
    ]
    if not records:
        return []
    latest = max(records, key=lambda r: r["annee"])
    return [
        (
            f"{table.spec.column(c).label} ({latest['annee']})",
            format_cell(latest, table.spec.column(c), table),
        )
        for c in columns
    ]


def page_tables(tables: Mapping[str, PublishedTable], page: str) -> list[PublishedTable]:
    """The sections of a page: its tables but the key messages' (they make the sentences at the top)."""
    chosen = [
        t
        for t in tables.values()
        if t.spec.page == page and t.name not in (PORTRAIT_MESSAGES, FICHE_MESSAGES)
    ]
    return sorted(chosen, key=lambda t: (t.spec.order, t.name))


def portrait_page(tables: Mapping[str, PublishedTable]) -> PageContent:
    name, columns = PORTRAIT_KEY_FIGURES
    return PageContent(
        path=f"{PORTRAIT_PAGE}.html",
        title=PORTRAIT_TITLE,
        summary=key_figures(tables[name], columns, require="nb_adherents", years=years_covered(tables)),
        sections=page_tables(tables, "portrait"),
        messages=tables.get(PORTRAIT_MESSAGES),
    )


def fiche_page(tables: Mapping[str, PublishedTable], fiche_id: str, title: str) -> PageContent:
    name, columns = FICHE_KEY_FIGURES
    sections = [t.where(fiche_id=fiche_id) for t in page_tables(tables, "fiche")]
    messages = tables.get(FICHE_MESSAGES)
    return PageContent(
        path=f"{FICHES_DIR}/{fiche_id}.html",
        title=f"Fiche métier : {title}",
        summary=key_figures(
            tables[name].where(fiche_id=fiche_id), columns, require="nb_offres", years=years_covered(tables)
        ),
        sections=[t for t in sections if t.name != name],
        messages=messages.where(fiche_id=fiche_id) if messages else None,
    )


def build_content(
    tables: Mapping[str, PublishedTable],
    *,
    region: str,
    inputs: list[dict],
    checks: list[dict],
    code_version: str,
    secrecy: dict,
    quality: dict | None = None,
    changes: dict | None = None,
) -> EditionContent:
    fiches = sorted((r["fiche_id"], r["libelle_fiche"]) for r in tables[FICHES_TABLE].records())
    return EditionContent(
        region_label=REGION_LABELS.get(region, f"Région {region}"),
        portrait=portrait_page(tables),
        fiches=[fiche_page(tables, fiche_id, title) for fiche_id, title in fiches],
        tables=dict(tables),
        inputs=inputs,
        checks=checks,
        code_version=code_version,
        secrecy=secrecy,
        years=years_covered(tables),
        quality=quality,
        changes=changes,
    )
