"""A tiny code location for the deployment tests: assets that open the warehouse through the project's
door (``connect``), a schedule every minute, a sensor that requests the runs a test asks for (one JSON
file per run in ``$OBS_DATA_DIR/triggers/``), and the project's own alerting sensors.

Run tags parametrise the assets: ``probe/label`` (who ran it), ``probe/hold`` (seconds the warehouse is
held open).
"""

import json
import os
import time
from pathlib import Path

import dagster as dg

from orchestration.defs.automation.alerts import build_failure_sensor, report_needs_attention
from orchestration.lib.warehouse import connect
from orchestration.settings import load_settings


@dg.asset(pool="warehouse", description="Writes (label, pid, start, end) in the warehouse, holding it open.")
def probe(context: dg.AssetExecutionContext) -> dg.MaterializeResult:
    label = context.run.tags.get("probe/label", "manual")
    hold = float(context.run.tags.get("probe/hold", "0"))
    with connect(load_settings().warehouse) as con:
        started = time.time()
        con.execute(
            "create table if not exists ops.probe_log (label varchar, pid int, started double, ended double)"
        )
        time.sleep(hold)
        con.execute(
            "insert into ops.probe_log values (?, ?, ?, ?)", [label, os.getpid(), started, time.time()]
        )
    # like an ingestion asset's metadata: rows refused into quarantine need a person
    return dg.MaterializeResult(
        metadata={"label": label, "rows_quarantined": int(context.run.tags.get("probe/quarantined", "0"))}
    )


@dg.asset(pool="warehouse", description="Holds the warehouse until stopped (a stuck run).")
def stuck(context: dg.AssetExecutionContext) -> None:
    with connect(load_settings().warehouse):
        for _ in range(1200):
            time.sleep(0.5)


@dg.asset(description="Fails with a data error whose message holds the API secret (it must be masked).")
def failing() -> None:
    secret = load_settings().francetravail_client_secret
    raise ValueError(f"counts do not reconcile in contrats.csv (while using client secret {secret})")


@dg.asset(description="Fails once like an API answering 503, then succeeds.")
def flaky(context: dg.AssetExecutionContext) -> None:
    marker = load_settings().data_dir / "flaky_failed_once"
    if not marker.exists():
        marker.touch()
        raise RuntimeError("GET /offres/search failed after 4 attempts: HTTP 503")


@dg.asset(description="Touches nothing: what the schedule runs (it must not queue behind a held warehouse).")
def heartbeat() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"at": time.time()})


probe_job = dg.define_asset_job("probe_job", selection=[probe], executor_def=dg.in_process_executor)
stuck_job = dg.define_asset_job("stuck_job", selection=[stuck], executor_def=dg.in_process_executor)
failing_job = dg.define_asset_job("failing_job", selection=[failing], executor_def=dg.in_process_executor)
flaky_job = dg.define_asset_job("flaky_job", selection=[flaky], executor_def=dg.in_process_executor)
heartbeat_job = dg.define_asset_job(
    "heartbeat_job", selection=[heartbeat], executor_def=dg.in_process_executor
)
JOBS = [probe_job, stuck_job, failing_job, flaky_job]

every_minute = dg.ScheduleDefinition(
    name="heartbeat_every_minute",
    job=heartbeat_job,
    cron_schedule="* * * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)


@dg.sensor(jobs=JOBS, minimum_interval_seconds=1, default_status=dg.DefaultSensorStatus.RUNNING)
def triggers(context: dg.SensorEvaluationContext):
    folder = Path(load_settings().data_dir) / "triggers"
    requests = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        asked = json.loads(path.read_text())
        requests.append(dg.RunRequest(run_key=path.stem, job_name=asked["job"], tags=asked.get("tags", {})))
    return requests or dg.SkipReason("no trigger")


defs = dg.Definitions(
    assets=[probe, stuck, failing, flaky, heartbeat],
    jobs=[*JOBS, heartbeat_job],
    schedules=[every_minute],
    sensors=[triggers, build_failure_sensor(JOBS), report_needs_attention],
)
