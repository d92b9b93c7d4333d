"""great-expectations suites as blocking checks: the marts' suites (expectations/suites/<mart>.json), and
a suite for every publication model derived from the publication spec (thresholds of the secret
statistique, status flags, key). A failing suite stops the publication in the same run, so ``latest``
keeps the previous edition.
"""

import dagster as dg

from orchestration.defs.transform.project import dbt_project
from orchestration.lib.publication_spec import PUBLICATION_SCHEMA, TableSpec, load_spec
from orchestration.lib.quality import (
    SuiteOutcome,
    build_suite,
    publication_suite_config,
    read_table,
    suite_names,
    validate_dataframe,
    validate_table,
)
from orchestration.settings import EXPECTATIONS_DIR, load_settings


def _result(outcome: SuiteOutcome) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(
        passed=outcome.success,
        severity=dg.AssetCheckSeverity.ERROR,
        description=None
        if outcome.success
        else "; ".join(f"{f.expectation}({f.column or ''}): {f.detail}" for f in outcome.failed),
        metadata={
            "expectations_evaluated": outcome.evaluated,
            "expectations_failed": len(outcome.failed),
            "failures": dg.MetadataValue.md(
                "\n".join(f"- `{f.expectation}` on `{f.column}`: {f.detail}" for f in outcome.failed)
                or "none"
            ),
        },
    )


def _mart_check(mart: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", mart]),
        name=f"gx_{mart}",
        blocking=True,
        description=f"great-expectations suite expectations/suites/{mart}.json on marts.{mart}.",
    )
    def _check() -> dg.AssetCheckResult:
        return _result(validate_table(load_settings().warehouse, mart, mart, EXPECTATIONS_DIR))

    return _check


def _publication_check(table: TableSpec) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey([PUBLICATION_SCHEMA, table.model]),
        name=f"gx_{table.model}",
        blocking=True,
        description=f"great-expectations suite of {PUBLICATION_SCHEMA}.{table.model}, from its spec: no published "
        "count under the thresholds of the secret statistique, every hidden figure empty, statuses publie/secret.",
    )
    def _check() -> dg.AssetCheckResult:
        settings = load_settings()
        config = publication_suite_config(table, settings.secret_min_people, settings.secret_min_employers)
        df = read_table(settings.warehouse, table.model, PUBLICATION_SCHEMA)
        return _result(validate_dataframe(df, build_suite(config)))

    return _check


def gx_checks() -> list[dg.AssetChecksDefinition]:
    spec = load_spec(dbt_project.manifest_path)
    return [_mart_check(mart) for mart in suite_names(EXPECTATIONS_DIR / "suites")] + [
        _publication_check(table) for table in spec.tables
    ]


def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=gx_checks())
