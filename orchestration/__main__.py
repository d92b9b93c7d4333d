"""Command line: `python -m orchestration run` materialises everything on the configured inputs.

It prints the path of the published edition, or exits non-zero naming the failed asset or check.
"""

from __future__ import annotations

import argparse
import os
import sys

import dagster as dg


def _assets_of_steps(defs: dg.Definitions) -> dict[str, str]:
    """Step (op) name -> the asset keys it materialises, as an operator types them."""
    names: dict[str, str] = {}
    for assets_def in defs.resolve_asset_graph().assets_defs:
        if assets_def.is_executable:
            keys = sorted(key.to_user_string() for key in assets_def.keys)
            names[assets_def.op.name] = (
                keys[0] if len(keys) == 1 else f"{assets_def.op.name} ({len(keys)} assets)"
            )
    return names


def _root_cause(error) -> str:
    while error.cause is not None:
        error = error.cause
    return error.message.strip().splitlines()[-1] if error.message.strip() else error.cls_name or ""


def _failures(result: dg.ExecuteInProcessResult, step_assets: dict[str, str]) -> list[str]:
    failures: list[str] = []
    for event in result.all_events:
        if event.event_type == dg.DagsterEventType.STEP_FAILURE:
            error = event.step_failure_data.error
            what = step_assets.get(event.step_key, event.step_key)
            failures.append(f"asset {what} failed: {_root_cause(error) if error else ''}")
        elif event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            evaluation = event.event_specific_data
            if not evaluation.passed:
                key = evaluation.asset_check_key
                failures.append(
                    f"check {key.asset_key.to_user_string()}:{key.name} failed"
                    + (f": {evaluation.description}" if evaluation.description else "")
                )
    return failures


def run() -> int:
    from orchestration.definitions import defs
    from orchestration.settings import load_settings

    settings = load_settings()
    instance = dg.DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else dg.DagsterInstance.ephemeral()
    job = defs.resolve_job_def("refresh_all")
    with instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"console": {"config": {"log_level": "INFO"}}}},
        )
    failures = _failures(result, _assets_of_steps(defs))
    if not result.success or failures:
        for failure in failures or ["the run failed"]:
            print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    print(f"Published edition: {settings.publication_dir / 'latest' / 'index.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m orchestration")
    parser.add_argument(
        "command", choices=["run"], help="run: materialise every asset and publish an edition"
    )
    parser.parse_args(argv)
    return run()


if __name__ == "__main__":
    sys.exit(main())
