"""The refresh job (everything, in process: DuckDB has one writer) and its nightly schedule."""

import dagster as dg

refresh_all = dg.define_asset_job(
    name="refresh_all",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest every input, build the dbt models and their checks, run the quality suites and publish.",
)

nightly_refresh = dg.ScheduleDefinition(
    name="nightly_refresh",
    job=refresh_all,
    cron_schedule="0 2 * * *",
    execution_timezone="Europe/Paris",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Refresh everything at 02:00 Europe/Paris.",
)


def defs() -> dg.Definitions:
    return dg.Definitions(jobs=[refresh_all], schedules=[nightly_refresh])
