"""Each dbt model is an asset (keyed by its schema) and each dbt test an asset check."""

import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.transform.project import dbt_project
from orchestration.lib import offers
from orchestration.lib.lock import open_duckdb, warehouse_lock
from orchestration.lib.personal_data import forget_personal_data
from orchestration.lib.warehouse import connect
from orchestration.settings import export_for_dbt, load_settings

LAYERS = ("staging", "intermediate", "marts", "audit", "publication")


def layer_of(dbt_resource_props: Mapping[str, Any]) -> str | None:
    """The dbt folder layer a model lives in (models/<layer>/...)."""
    parts = dbt_resource_props.get("fqn", [])[1:]
    return next((part for part in parts if part in LAYERS), None)


class ObservatoireTranslator(DagsterDbtTranslator):
    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] == "model":
            return dg.AssetKey([layer_of(dbt_resource_props) or "dbt", dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        layer = layer_of(dbt_resource_props)
        return layer or "dbt"


def dbt_build_args(full_refresh: bool = False) -> list[str]:
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    return args


# Offers models, partitioned by creation day like raw/francetravail_offres: incremental on the run's days.
OFFERS_BY_DAY = "tag:offres_par_jour"
OFFER_PARTITIONS = dg.DailyPartitionsDefinition(
    start_date=offers.PARTITIONS_START, timezone=offers.PARIS, fmt="%Y-%m-%d"
)


def _dbt_under_lock(context: dg.AssetExecutionContext, dbt: DbtCliResource, args: list[str]):
    """dbt opens the warehouse itself: it runs under the project's lock, once DuckDB's own lock is free
    (a process outside the project may hold it: waited for, within the same bound). Once the models are
    built, personal columns older than OBS_PERSONAL_DATA_DAYS leave raw (lib/personal_data.py)."""
    settings = load_settings()
    export_for_dbt(settings)
    timeout = settings.lock_timeout_seconds
    with warehouse_lock(settings.warehouse, timeout, context.log.warning):
        open_duckdb(settings.warehouse, read_only=False, timeout=timeout, log=context.log.warning).close()
        yield from dbt.cli(args, context=context).stream()
        # staged: the personal columns of rows older than OBS_PERSONAL_DATA_DAYS can leave raw
        with connect(settings.warehouse, timeout=timeout) as con:
            forgotten = {k: n for k, n in forget_personal_data(con, settings.personal_data_days).items() if n}
        if forgotten:
            context.log.info(f"personal data removed from raw (OBS_PERSONAL_DATA_DAYS): {forgotten}")


def partitioned_dbt_vars(window: dg.TimeWindow) -> dict[str, str]:
    """dbt vars for a range of daily partitions: creation days in [min_date, max_date)."""
    return {"min_date": window.start.strftime("%Y-%m-%d"), "max_date": window.end.strftime("%Y-%m-%d")}


def covers_all_partitions(window: dg.TimeWindow, partitions_def: dg.TimeWindowPartitionsDefinition) -> bool:
    """A run over every partition rebuilds the offers models from scratch (the same result, and it
    absorbs a change of columns that an incremental run would refuse)."""
    first = partitions_def.get_first_partition_window()
    last = partitions_def.get_last_partition_window()
    return bool(first and last) and window.start <= first.start and window.end >= last.end


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=ObservatoireTranslator(),
    pool="warehouse",
    exclude=OFFERS_BY_DAY,
)
def observatoire_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """dbt build of the selected models: staging views, intermediate and marts tables, and their tests."""
    yield from _dbt_under_lock(context, dbt, dbt_build_args())


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=ObservatoireTranslator(),
    pool="warehouse",
    select=OFFERS_BY_DAY,
    name="offres_dbt_models_par_jour",
    partitions_def=OFFER_PARTITIONS,
    backfill_policy=dg.BackfillPolicy.single_run(),
)
def offres_dbt_models_par_jour(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """dbt build of the offers models for the run's creation days (incremental; all days: full refresh)."""
    window = context.partition_time_window
    args = dbt_build_args(full_refresh=covers_all_partitions(window, OFFER_PARTITIONS))
    args += ["--vars", json.dumps(partitioned_dbt_vars(window))]
    yield from _dbt_under_lock(context, dbt, args)


def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[observatoire_dbt_models, offres_dbt_models_par_jour],
        # the dbt of this interpreter's environment, whatever PATH says
        resources={
            "dbt": DbtCliResource(
                project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
            )
        },
    )
