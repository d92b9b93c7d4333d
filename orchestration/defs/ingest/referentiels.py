"""Reference data: the official ROME 4.0 and INSEE COG / zones d'emploi files (those shipped in
seeds/reference/official, or the newer releases of OBS_REFERENCE_DIR), and the curated seeds (branches,
certifications, fiches métiers, NAF codes of the sector). Every file is read first, then all tables are replaced in one
transaction: a failure leaves the previous version whole."""

import dagster as dg

from orchestration.lib.referentials import REFERENTIALS, read_referentials
from orchestration.lib.warehouse import connect, replace_tables
from orchestration.settings import REFERENCE_SEEDS_DIR, load_settings

DESCRIPTIONS = {
    "ref_rome_codes": "ROME 4.0 fiches (code, label, historical parent code) from the official RefRomeCsv.",
    "ref_communes": "Communes with département, région and zone d'emploi 2020 from the official INSEE COG.",
    "ref_departements": "Départements and their région from the official INSEE COG.",
    "ref_branches": "The 18 professional branches of the Cohésion sociale sector, with accepted spellings.",
    "ref_certifications": "Certifications of the sector (RNCP/RS) with the ROME codes they lead to.",
    "ref_fiches_metiers": "The 11 fiches métiers and their ROME codes (editable seed).",
    "ref_naf_secteur": "The NAF codes of the sector: the member employers' codes, a reviewable seed (whose offers "
    "are the sector's own).",
}


def _listed(lines: list[str], limit: int) -> dg.MetadataValue:
    return dg.MetadataValue.md("\n".join(f"- {line}" for line in lines[:limit]) or "none")


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
    """Load every referential into raw.ref_*, replacing the previous version in one transaction."""
    settings = load_settings()
    folder = settings.referentials_dir
    served_by = (
        f"official files of OBS_REFERENCE_DIR ({folder})"
        if settings.reference_dir
        else "official files shipped (seeds/reference/official)"
    )
    found = read_referentials(folder, REFERENCE_SEEDS_DIR, served_by)
    with connect(settings.warehouse) as con:
        loaded = replace_tables(
            con,
            {f"raw.{r.name}": ([(c, "varchar") for c in REFERENTIALS[r.name]], r.rows) for r in found},
        )
    for ref in found:
        metadata = {
            "rows_loaded": loaded[f"raw.{ref.name}"],
            "served_by": ref.served_by,
            "warnings": _listed(ref.warnings, 50),
        }
        if ref.name == "ref_communes":
            # Reported on their own line: a long list of warnings must not hide them.
            missing = [
                f"{r['code_commune']} {r['libelle_commune']}" for r in ref.rows if not r["code_zone_emploi"]
            ]
            metadata["communes_without_zone_emploi"] = len(missing)
            metadata["communes_without_zone_emploi_list"] = _listed(missing, 200)
        yield dg.MaterializeResult(asset_key=["raw", ref.name], metadata=metadata)


def defs() -> dg.Definitions:
    return dg.Definitions(assets=[referentiels])
