"""The landing sources, each declared once: where its files land, how they are read, its key, its personal
columns and how its files are archived.

Everything else is derived from ``SOURCES``: the ingestion assets (``defs/ingest/landing.py``), the
sensor's watch list, the blocking reconciliation checks and the dbt staging sources
(``python -m orchestration.lib.registry`` writes ``models/staging/<group>/_<group>__sources.yml``; a test
checks that the committed files are what it writes). A new source is one declaration here, one reader
and its staging model.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from orchestration.lib import sources as readers
from orchestration.lib.sources import ReadContext, Reader
from orchestration.lib.spreadsheets import ReadResult
from orchestration.lib.warehouse import is_data_file

ARCHIVE_COPY = "copy"  # each content loaded is copied to $OBS_DATA_DIR/archive/<source>/<sha256[:12]>_<name>

# Columns every raw table of a spreadsheet source carries after its own: where each row comes from.
META_COLUMNS = (
    ("_source_file", "varchar"),
    ("_sha256", "varchar"),
    ("_sheet", "varchar"),
    ("_line", "bigint"),
    ("_loaded_at", "timestamptz"),
)


@dataclass(frozen=True)
class Source:
    """One landing source. ``name`` is its raw table and its asset key ``raw/<name>``."""

    name: str
    folder: str  # landing subfolder
    patterns: tuple[str, ...]
    key: tuple[str, ...]  # one row per key in raw: a later file's row replaces the earlier one
    personal: tuple[str, ...]  # kept in raw, never copied to quarantine, staging or anything published
    description: str
    dbt_group: str  # the dbt source (and staging folder) it belongs to
    reader: Reader | None = None  # None: a loader of its own (``loader``)
    loader: str = "orchestration.lib.ingestion.load_source"
    archive: str = ARCHIVE_COPY

    @property
    def is_spreadsheet(self) -> bool:
        return self.reader is not None

    def columns(self) -> list[tuple[str, str]]:
        """The typed columns of raw.<name>, in order, the loader's meta columns included."""
        if self.reader is None:
            from orchestration.lib import offers  # its own loader and table layout

            return [(n, t) for n, t, _ in offers.RAW_COLUMNS] + list(offers.META_COLUMNS)
        return [(c.name, c.type.lower()) for c in self.reader.columns] + list(META_COLUMNS)

    def paths(self, landing_dir: Path) -> list[Path]:
        """The data files of this source in the landing folder, sorted by name (the load order)."""
        folder = Path(landing_dir) / self.folder
        if not folder.is_dir():
            return []
        found = {p for pattern in self.patterns for p in folder.glob(pattern) if p.is_file()}
        return sorted(p for p in found if is_data_file(p))

    def read(self, path: Path, context: ReadContext) -> ReadResult:
        if self.reader is None:
            raise TypeError(f"{self.name} has no spreadsheet reader: it is loaded by {self.loader}")
        return self.reader.read(path, self.name, key=self.key, personal=self.personal, context=context)


SOURCES: tuple[Source, ...] = (
    Source(
        name="francetravail_offres",
        folder="francetravail",
        patterns=("*.json", "*.jsonl", "*.ndjson"),
        key=("id",),
        personal=("contact",),
        description='Job offers of France Travail ("Offres d\'emploi v2"), one row per offer id (its latest '
        "dateActualisation), partitioned by creation day (Europe/Paris).",
        dbt_group="francetravail",
        loader="orchestration.lib.offers.load_range",
    ),
    Source(
        name="uniformation_contrats",
        folder="uniformation",
        patterns=("contrats*.csv", "contrats*.xlsx"),
        key=("num_contrat",),
        personal=("date_naissance",),
        description="Contrats de professionnalisation from Uniformation extracts (uniformation/contrats*.csv|xlsx), "
        "one row per contract (num_contrat).",
        dbt_group="uniformation",
        reader=readers.CONTRATS,
    ),
    Source(
        name="uniformation_adherents",
        folder="uniformation",
        patterns=("adherents*.csv", "adherents*.xlsx"),
        key=("annee", "siret"),
        personal=(),
        description="Member employers of the sector by year from Uniformation extracts "
        "(uniformation/adherents*.csv|xlsx), one row per year and SIRET.",
        dbt_group="uniformation",
        reader=readers.ADHERENTS,
    ),
    Source(
        name="region_agrements",
        folder="agrements",
        patterns=("*.csv", "*.xlsx"),
        key=("siret", "code_certification"),
        personal=(),
        description="Training providers agreed by the Région (agrements/*.csv|xlsx), one row per provider SIRET "
        "and certification, with the départements of the agreement.",
        dbt_group="region",
        reader=readers.AGREMENTS,
    ),
    Source(
        name="organismes_formation",
        folder="organismes",
        patterns=("*.csv",),
        key=("nda",),
        personal=(),
        description="Training organisations of the observed région from the DGEFP public list "
        "(organismes/*.csv), one row per declaration number (nda), with their Qualiopi certifications and "
        "NSF specialities.",
        dbt_group="dgefp",
        reader=readers.ORGANISMES,
    ),
)

BY_NAME = {s.name: s for s in SOURCES}

DBT_GROUPS = {
    "francetravail": 'Job offers of the France Travail "Offres d\'emploi v2" API or landing files.',
    "uniformation": "Extracts sent by OPCO Uniformation, typed on load (rows that could not be typed are in "
    "quarantine).",
    "region": "The Région's list of agreed training providers (agréments).",
    "dgefp": "The national public list of training organisations (DGEFP), filtered to the observed région.",
}


def source(name: str) -> Source:
    if name not in BY_NAME:
        raise KeyError(f"unknown source {name!r}: expected one of {', '.join(BY_NAME)}")
    return BY_NAME[name]


def spreadsheet_sources() -> list[Source]:
    return [s for s in SOURCES if s.is_spreadsheet]


# ---------------------------------------------------------------------------------------------
# dbt staging sources, generated


def _yaml_text(value: str) -> str:
    # double-quoted YAML scalar: safe for any label
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _column_yaml(src: Source, name: str, sql_type: str) -> list[str]:
    lines = [f"          - name: {name}", f"            data_type: {sql_type}"]
    if name in src.personal:
        lines += [
            f"            description: {_yaml_text('Personal data: kept in raw, never selected by a model.')}",
            "            meta: {personal: true}",
        ]
    if src.key == (name,):
        lines += ["            data_tests: [unique, not_null]"]
    elif name in src.key:
        lines += ["            data_tests: [not_null]"]
    return lines


def dbt_sources_yaml(group: str, members: Iterable[Source]) -> str:
    """The ``_<group>__sources.yml`` of a dbt source group, from the registry."""
    lines = [
        "# Generated from orchestration/lib/registry.py by `python -m orchestration.lib.registry`: do not edit.",
        "version: 2",
        "",
        "sources:",
        f"  - name: {group}",
        f"    description: {_yaml_text(DBT_GROUPS[group])}",
        "    schema: raw",
        "    tables:",
    ]
    for src in members:
        lines += [
            f"      - name: {src.name}",
            f"        description: {_yaml_text(src.description)}",
            "        meta:",
            "          dagster:",
            f'            asset_key: ["raw", "{src.name}"]',
        ]
        if len(src.key) > 1:
            lines += [
                "        data_tests:",
                "          - unique_combination:",
                "              arguments:",
                f"                columns: [{', '.join(src.key)}]",
            ]
        lines.append("        columns:")
        for name, sql_type in src.columns():
            lines += _column_yaml(src, name, sql_type)
    return "\n".join(lines) + "\n"


def dbt_sources_files(staging_dir: Path) -> dict[Path, str]:
    """Every generated sources file: path → text."""
    groups: dict[str, list[Source]] = {}
    for src in SOURCES:
        groups.setdefault(src.dbt_group, []).append(src)
    return {
        Path(staging_dir) / group / f"_{group}__sources.yml": dbt_sources_yaml(group, members)
        for group, members in groups.items()
    }


def main(argv: list[str] | None = None) -> int:
    from orchestration.settings import DBT_PROJECT_DIR

    parser = argparse.ArgumentParser(
        prog="python -m orchestration.lib.registry",
        description="Write the dbt staging sources (_<group>__sources.yml) from the registry of sources.",
    )
    parser.add_argument("--check", action="store_true", help="only say whether the files are up to date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in dbt_sources_files(DBT_PROJECT_DIR / "models" / "staging").items():
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    for path in stale:
        print(f"{'stale' if args.check else 'written'}: {path}")
    return 1 if args.check and stale else 0


if __name__ == "__main__":
    sys.exit(main())
