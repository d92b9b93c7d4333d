"""Reference data: official ROME 4.0 and INSEE files from OBS_REFERENCE_DIR, else the curated seeds.

Both routes give the same columns, so downstream models do not care which served.
"""

import csv
from pathlib import Path

import dagster as dg

from orchestration.lib import referentials
from orchestration.lib.warehouse import connect, replace_table
from orchestration.settings import REFERENCE_SEEDS_DIR, load_settings

# raw table -> (columns, official reader or None when the curated seed always serves)
REFERENTIALS: dict[str, list[str]] = {
    "ref_rome_codes": ["code_rome", "libelle_rome", "code_rome_parent"],
    "ref_communes": [
        "code_commune",
        "libelle_commune",
        "code_departement",
        "code_region",
        "code_zone_emploi",
        "libelle_zone_emploi",
    ],
    "ref_departements": ["code_departement", "libelle_departement", "code_region"],
    "ref_branches": ["code_branche", "libelle_branche", "synonymes"],
    "ref_certifications": [
        "code_certification",
        "intitule_certification",
        "niveau",
        "formacode",
        "domaine_formacode",
        "codes_rome",
    ],
    "ref_fiches_metiers": ["fiche_id", "libelle_fiche", "code_rome", "branches"],
}
SEED_FILES = {name: f"{name.removeprefix('ref_')}.csv" for name in REFERENTIALS}
DESCRIPTIONS = {
    "ref_rome_codes": "ROME 4.0 fiches (code, label, historical parent code): official RefRomeCsv or curated seed.",
    "ref_communes": "Communes with département, région and zone d'emploi 2020: official INSEE COG or curated seed.",
    "ref_departements": "Départements and their région: official INSEE COG or curated seed.",
    "ref_branches": "The 18 professional branches of the Cohésion sociale sector, with accepted spellings.",
    "ref_certifications": "Certifications of the sector (RNCP/RS) with the ROME codes they lead to.",
    "ref_fiches_metiers": "The 11 fiches métiers and their ROME codes (editable seed).",
}


def read_seed(name: str, seeds_dir: Path = REFERENCE_SEEDS_DIR) -> list[dict]:
    with (seeds_dir / SEED_FILES[name]).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_official(name: str, folder: Path) -> tuple[list[dict], list[str]]:
    """Rows of an official referential and the warnings its reading raised."""
    if name == "ref_rome_codes":
        rows = referentials.read_rome_codes(folder)
        return list(rows), rows.warnings
    if name == "ref_departements":
        rows = referentials.read_departements(folder)
        return list(rows), rows.warnings
    if name == "ref_communes":
        result = referentials.read_communes(folder)
        unresolved = [
            f"commune {u['code_commune']} has no zone d'emploi: {u['reason']}" for u in result.unresolved
        ]
        return result.rows, result.warnings + unresolved
    raise KeyError(name)


OFFICIAL = ("ref_rome_codes", "ref_communes", "ref_departements")


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            ["raw", name], description=DESCRIPTIONS[name], group_name="referentiels", kinds={"duckdb"}
        )
        for name in REFERENTIALS
    ],
    pool="warehouse",
)
def referentiels(context: dg.AssetExecutionContext):
    """Load every referential into raw.ref_*, replacing the previous version."""
    settings = load_settings()
    with connect(settings.warehouse) as con:
        for name, columns in REFERENTIALS.items():
            official = settings.reference_dir is not None and name in OFFICIAL
            if official:
                rows, warnings = read_official(name, settings.reference_dir)
            else:
                rows, warnings = read_seed(name), []
            loaded = replace_table(con, f"raw.{name}", [(c, "varchar") for c in columns], rows)
            metadata = {
                "rows_loaded": loaded,
                "served_by": "official files (OBS_REFERENCE_DIR)" if official else "curated seed",
                "warnings": dg.MetadataValue.md("\n".join(f"- {w}" for w in warnings[:50]) or "none"),
            }
            if name == "ref_communes":
                # Reported on their own line: a long list of warnings must not hide them.
                missing = [
                    f"{r['code_commune']} {r['libelle_commune']}" for r in rows if not r["code_zone_emploi"]
                ]
                metadata["communes_without_zone_emploi"] = len(missing)
                metadata["communes_without_zone_emploi_list"] = dg.MetadataValue.md(
                    "\n".join(f"- {m}" for m in missing[:200]) or "none"
                )
            yield dg.MaterializeResult(asset_key=["raw", name], metadata=metadata)


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[referentiels])
