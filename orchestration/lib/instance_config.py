"""The Dagster instance's configuration (``$DAGSTER_HOME/dagster.yaml``), rendered from the template
``deploy/dagster.yaml`` and the settings: PostgreSQL storage when its connection is configured, SQLite
otherwise; the maximum runtime and the number of retries of a run.

``python -m orchestration.lib.instance_config DAGSTER_HOME`` writes the file (atomically). The PostgreSQL
password is never written: the file refers to the environment variable, which the webserver, the daemon
and the run workers read when they start.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path
from typing import Any

import yaml

from orchestration.settings import PROJECT_ROOT, Settings, load_settings

TEMPLATE = PROJECT_ROOT / "deploy" / "dagster.yaml"


def storage_config(settings: Settings) -> dict[str, Any] | None:
    """``storage:`` of the instance: runs, event log and schedules on PostgreSQL (dagster-postgres), or
    None (SQLite under DAGSTER_HOME, Dagster's default)."""
    if settings.dagster_pg_url:
        # the URL must name the driver: postgresql+psycopg2://user:password@host:port/db
        return {"postgres": {"postgres_url": {"env": "DAGSTER_PG_URL"}}}
    if settings.dagster_pg_host:
        db: dict[str, Any] = {
            "hostname": settings.dagster_pg_host,
            "port": settings.dagster_pg_port,
            "username": settings.dagster_pg_user,
            "db_name": settings.dagster_pg_db,
            # SQLAlchemy 2.1 maps a bare "postgresql" to psycopg 3, which is not installed: psycopg2 is
            "scheme": "postgresql+psycopg2",
        }
        if settings.dagster_pg_password_set:
            db["password"] = {"env": "DAGSTER_PG_PASSWORD"}
        return {"postgres": {"postgres_db": db}}
    return None


def render(settings: Settings, template: Path = TEMPLATE, **run_monitoring: int) -> dict[str, Any]:
    """The instance configuration; ``run_monitoring`` overrides keys of that section (tests poll faster)."""
    config = copy.deepcopy(yaml.safe_load(template.read_text(encoding="utf-8")))
    storage = storage_config(settings)
    if storage:
        config["storage"] = storage
    config["run_monitoring"]["max_runtime_seconds"] = settings.run_max_seconds
    config["run_monitoring"].update(run_monitoring)
    config["run_retries"]["max_retries"] = settings.run_retries
    return config


def write(dagster_home: Path, config: dict[str, Any]) -> Path:
    dagster_home.mkdir(parents=True, exist_ok=True)
    target = dagster_home / "dagster.yaml"
    partial = dagster_home / ".dagster.yaml.partial"
    header = "# Rendered from deploy/dagster.yaml by orchestration.lib.instance_config: edit the template.\n"
    partial.write_text(header + yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    os.replace(partial, target)
    return target


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m orchestration.lib.instance_config DAGSTER_HOME", file=sys.stderr)
        return 2
    settings = load_settings()
    target = write(Path(argv[0]), render(settings))
    kind = "PostgreSQL" if storage_config(settings) else "SQLite"
    print(f"{target}: {kind} storage, runs queued one at a time, max runtime {settings.run_max_seconds} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
