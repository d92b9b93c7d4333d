"""Each dbt model is an asset (keyed by its schema) and each dbt test an asset check."""

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from orchestration.defs.transform.project import dbt_project
from orchestration.settings import export_for_dbt, load_settings

LAYERS = ("staging", "intermediate", "marts")


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
        return {"staging": "staging", "intermediate": "intermediate", "marts": "marts"}.get(
            layer or "", "dbt"
        )


def dbt_build_args(full_refresh: bool = False) -> list[str]:
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    return args


@dbt_assets(
    manifest=dbt_project.manifest_path,
    project=dbt_project,
    dagster_dbt_translator=ObservatoireTranslator(),
    pool="warehouse",
)
def observatoire_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    """dbt build of the selected models: staging views, intermediate and marts tables, and their tests."""
    export_for_dbt(load_settings())
    yield from dbt.cli(dbt_build_args(), context=context).stream()


def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[observatoire_dbt_models],
        # the dbt of this interpreter's environment, whatever PATH says
        resources={
            "dbt": DbtCliResource(
                project_dir=dbt_project, dbt_executable=str(Path(sys.executable).parent / "dbt")
            )
        },
    )
