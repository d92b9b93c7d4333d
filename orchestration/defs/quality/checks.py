"""great-expectations suites (expectations/suites/<mart>.json) as blocking checks on the marts.

A failing suite stops the publication in the same run, so ``latest`` keeps the previous edition.
"""

import dagster as dg

from orchestration.lib.quality import suite_names, validate_table
from orchestration.settings import EXPECTATIONS_DIR, load_settings


def _check_for(mart: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["marts", mart]),
        name=f"gx_{mart}",
        blocking=True,
        description=f"great-expectations suite expectations/suites/{mart}.json on marts.{mart}.",
    )
    def _check() -> dg.AssetCheckResult:
        outcome = validate_table(load_settings().warehouse, mart, mart, EXPECTATIONS_DIR)
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

    return _check


def gx_checks() -> list[dg.AssetChecksDefinition]:
    return [_check_for(mart) for mart in suite_names(EXPECTATIONS_DIR / "suites")]


def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=gx_checks())
