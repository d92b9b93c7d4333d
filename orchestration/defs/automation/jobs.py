"""The refresh job (everything, in process: DuckDB has one writer) and its nightly schedule."""

import dagster as dg

refresh_all = dg.define_asset_job(
    name="refresh_all",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Ingest every input (offers: the run's creation days), build the dbt models and their checks, "
    "run the quality suites and publish.",
)

# The offers are partitioned by creation day: each night's run loads yesterday's partition (and the
# offers models' increment) and refreshes everything unpartitioned. A range of days (backfill, or
# `python -m orchestration run` over the whole history) runs as one run (BackfillPolicy.single_run).
nightly_refresh = dg.build_schedule_from_partitioned_job(
    refresh_all,
    name="nightly_refresh",
    hour_of_day=2,
    minute_of_hour=0,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="At 02:00 Europe/Paris: yesterday's offers, then refresh everything downstream and publish.",
)


def defs() -> dg.Definitions:
    return dg.Definitions(jobs=[refresh_all], schedules=[nightly_refresh])
