"""Alerting: a failed run is reported (``$OBS_DATA_DIR/last_failure.md`` and the webhook), tagged with its
failure type, and requested again when the failure is transient and the run was launched by the daemon
(a sensor, a schedule, or an earlier retry), at most ``OBS_RUN_RETRIES`` times; a successful run that
left something for a person (a file refused, rows quarantined, no offers for days) is reported too.

These sensors read the Dagster instance (the run's events), never the warehouse.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import dagster as dg

from orchestration.lib import alerts
from orchestration.settings import load_settings

OFFERS = dg.AssetKey(["raw", "francetravail_offres"])
RETRY_OF, ATTEMPT, FAILURE_TYPE = "obs/retry_of", "obs/attempt", "obs/failure_type"
# Tags a re-requested run keeps (what to run); the others are Dagster's bookkeeping of the failed run.
KEPT_TAGS = ("dagster/asset_partition_range_start", "dagster/asset_partition_range_end", "dagster/partition")


def _secrets() -> list[str | None]:
    settings = load_settings()
    return [settings.francetravail_client_secret, settings.francetravail_client_id, settings.dagster_pg_url]


def launched_by(tags: dict[str, str]) -> str:
    for key, what in (("dagster/sensor_name", "sensor"), ("dagster/schedule_name", "schedule")):
        if key in tags:
            return f"{what} {tags[key]}"
    if RETRY_OF in tags:
        return f"retry of {tags[RETRY_OF]}"
    return "hand (UI or CLI)"


def rerun_command(job: str, tags: dict[str, str], assets: Sequence[str]) -> str:
    start, end = (
        tags.get("dagster/asset_partition_range_start"),
        tags.get("dagster/asset_partition_range_end"),
    )
    if job == "refresh_all":
        return (
            f"make run  # or: .venv/bin/python -m orchestration run --from {start} --to {end}"
            if start
            else "make run"
        )
    select = ",".join(assets) or "*"
    partition = f" --partition {tags['dagster/partition']}" if "dagster/partition" in tags else ""
    return f".venv/bin/dagster asset materialize -m orchestration.definitions --select '{select}'{partition}"


def assets_by_step(asset_graph) -> dict[str, str]:
    """Step (op) name -> the asset keys it materialises, as an operator types them (also the CLI's)."""
    names: dict[str, str] = {}
    for assets_def in asset_graph.assets_defs:
        if assets_def.is_executable:
            keys = sorted(k.to_user_string() for k in assets_def.keys)
            names[assets_def.op.name] = (
                keys[0] if len(keys) == 1 else f"{assets_def.op.name} ({len(keys)} assets)"
            )
    return names


def _step_assets(context) -> dict[str, str]:
    repository = getattr(context, "repository_def", None)
    return assets_by_step(repository.asset_graph) if repository is not None else {}


def describe_error(error) -> str:
    """The root cause first (``ValueError: ...``, not Dagster's wrapper), then where it was raised."""
    root = error
    while root.cause is not None:
        root = root.cause
    frames = [line.strip() for line in root.stack if line.strip()][-2:]
    return root.message.strip() + "\n" + "\n".join(frames)  # the message starts with the class name


def _failed_checks(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    records = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    failed = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.event_specific_data
        if not evaluation.passed:
            key = evaluation.asset_check_key
            failed.append(f"check {key.asset_key.to_user_string()}:{key.name}")
    return failed


def failure_report(context: dg.RunFailureSensorContext, retried: bool) -> alerts.FailureReport:
    run = context.dagster_run
    steps = _step_assets(context)
    failed, errors = [], []
    for event in context.get_step_failure_events():
        failed.append(f"asset {steps.get(event.step_key, event.step_key)} (step {event.step_key})")
        error = event.step_failure_data.error
        if error:
            errors.append(describe_error(error))
    failed += _failed_checks(context.instance, run.run_id)
    # the run's own message first (run monitoring's "Exceeded maximum runtime"), then the steps' errors
    error_text = "\n".join([context.failure_event.message or "", *errors]).strip()
    assets = sorted(k.to_user_string() for k in (run.asset_selection or []))
    return alerts.FailureReport(
        run_id=run.run_id,
        job=run.job_name,
        failure_type=alerts.classify(error_text),
        failed=failed,
        error=alerts.redact(error_text, _secrets()),
        rerun=rerun_command(run.job_name, dict(run.tags), assets),
        launched_by=launched_by(dict(run.tags)),
        retried=retried,
    )


def retry_request(run: dg.DagsterRun, failure_type: str, max_retries: int) -> dg.RunRequest | None:
    """Another run of what failed, when the failure is transient and the daemon launched the run."""
    tags = dict(run.tags)
    attempt = int(tags.get(ATTEMPT, "1"))
    daemon_launched = any(k in tags for k in ("dagster/sensor_name", "dagster/schedule_name", RETRY_OF))
    if failure_type != alerts.TRANSIENT or not daemon_launched or attempt > max_retries:
        return None
    kept = {k: v for k, v in tags.items() if k in KEPT_TAGS or (k.startswith("obs/") and k != FAILURE_TYPE)}
    return dg.RunRequest(
        run_key=f"retry-{run.run_id}",
        job_name=run.job_name,
        asset_selection=list(run.asset_selection) if run.asset_selection else None,
        tags=kept | {RETRY_OF: run.run_id, ATTEMPT: str(attempt + 1)},
    )


def build_failure_sensor(request_jobs: Sequence[dg.JobDefinition]) -> dg.SensorDefinition:
    @dg.run_failure_sensor(
        name="report_run_failures",
        request_jobs=list(request_jobs),
        default_status=dg.DefaultSensorStatus.RUNNING,
        minimum_interval_seconds=5,
        description="Writes $OBS_DATA_DIR/last_failure.md and POSTs a summary to OBS_ALERT_WEBHOOK for each "
        "failed run; tags it obs/failure_type; requests a transient failure of a daemon-launched run again "
        "(at most OBS_RUN_RETRIES times).",
    )
    def report_run_failures(context: dg.RunFailureSensorContext):
        settings = load_settings()
        run = context.dagster_run
        report = failure_report(context, retried=False)
        request = retry_request(run, report.failure_type, settings.run_retries)
        if run.job_name not in {job.name for job in request_jobs}:
            request = None
        report = dataclasses.replace(report, retried=request is not None)
        context.instance.add_run_tags(run.run_id, {FAILURE_TYPE: report.failure_type})
        path = alerts.write_report(settings.data_dir / "last_failure.md", report.markdown())
        context.log.info(f"run {run.run_id} failed ({report.failure_type}): {path}")
        if settings.alert_webhook:
            alerts.post_json(settings.alert_webhook, report.summary())
        if request is not None:
            context.log.info(f"transient failure: {run.job_name} requested again")
            return request
        return dg.SkipReason(f"run {run.run_id} reported, not retried ({report.failure_type})")

    return report_run_failures


def _last_offers_at(instance: dg.DagsterInstance) -> float | None:
    """When raw/francetravail_offres last loaded at least one offer (from its materialisations)."""
    records = instance.fetch_materializations(OFFERS, limit=50).records
    if not records:
        return None
    for record in records:
        metadata = record.asset_materialization.metadata if record.asset_materialization else {}
        value = metadata.get("rows_loaded")
        if value is not None and (getattr(value, "value", value) or 0) > 0:
            return record.timestamp
    return records[-1].timestamp


@dg.run_status_sensor(
    run_status=dg.DagsterRunStatus.SUCCESS,
    name="report_needs_attention",
    default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=10,
    description="After a successful run: files refused, rows quarantined, or no offers for "
    "OBS_ALERT_NO_OFFERS_DAYS days are written to $OBS_DATA_DIR/attention.md and POSTed to OBS_ALERT_WEBHOOK.",
)
def report_needs_attention(context: dg.RunStatusSensorContext):
    settings = load_settings()
    run = context.dagster_run
    records = context.instance.get_records_for_run(
        run.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION
    ).records
    materializations = []
    for record in records:
        event = record.event_log_entry.dagster_event
        materialization = event.event_specific_data.materialization
        metadata = {k: getattr(v, "value", v) for k, v in materialization.metadata.items()}
        materializations.append((materialization.asset_key.to_user_string(), metadata))
    loaded_offers = any(asset == OFFERS.to_user_string() for asset, _ in materializations)
    items = alerts.attention_items(
        materializations,
        last_offers_at=_last_offers_at(context.instance) if loaded_offers else None,
        no_offers_days=settings.alert_no_offers_days,
    )
    if not items:
        return dg.SkipReason(f"run {run.run_id}: nothing needs a person")
    report = alerts.AttentionReport(run.run_id, run.job_name, items)
    alerts.write_report(settings.data_dir / "attention.md", report.markdown())
    if settings.alert_webhook:
        alerts.post_json(settings.alert_webhook, report.summary())
    return dg.SkipReason(f"run {run.run_id}: {len(items)} item(s) reported in attention.md")


def defs(request_jobs: Sequence[dg.JobDefinition] | None = None) -> dg.Definitions:
    from orchestration.defs.automation.jobs import refresh_all

    return dg.Definitions(
        sensors=[build_failure_sensor(request_jobs or [refresh_all]), report_needs_attention]
    )
