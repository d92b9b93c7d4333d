"""The instance configuration rendered for a deployment: PostgreSQL storage when configured (the
password an environment reference, never written), SQLite otherwise; one run at a time, a maximum
runtime, bounded retries of crashed runs only, the project's logs in the run log."""

import yaml
from dagster._core.instance.config import dagster_instance_config

from orchestration.lib.instance_config import main, render, write
from orchestration.settings import load_settings

BASE = {"OBS_DATA_DIR": "/tmp/obs"}


def test_without_postgres_settings_the_instance_stays_on_sqlite(tmp_path):
    config = render(load_settings(BASE))
    assert "storage" not in config
    write(tmp_path, config)
    validated, _ = dagster_instance_config(str(tmp_path))
    assert validated["run_coordinator"]["class"] == "QueuedRunCoordinator"
    assert validated["concurrency"] == {"runs": {"max_concurrent_runs": 1}, "pools": {"default_limit": 1}}
    assert validated["python_logs"]["managed_python_loggers"] == ["orchestration"]
    assert validated["run_retries"]["retry_on_asset_or_op_failure"] is False


def test_postgres_settings_give_postgres_storage_without_writing_the_password(tmp_path):
    settings = load_settings(
        BASE
        | {
            "DAGSTER_PG_HOST": "db.internal",
            "DAGSTER_PG_PORT": "5433",
            "DAGSTER_PG_USER": "obs",
            "DAGSTER_PG_PASSWORD": "s3cr3t-pg",
            "OBS_RUN_MAX_SECONDS": "600",
            "OBS_RUN_RETRIES": "1",
        }
    )
    assert "s3cr3t-pg" not in repr(settings)
    target = write(tmp_path, render(settings))
    text = target.read_text()
    assert "s3cr3t-pg" not in text
    db = yaml.safe_load(text)["storage"]["postgres"]["postgres_db"]
    assert db == {
        "hostname": "db.internal",
        "port": 5433,
        "username": "obs",
        "db_name": "dagster",
        "scheme": "postgresql+psycopg2",
        "password": {"env": "DAGSTER_PG_PASSWORD"},
    }
    validated, _ = dagster_instance_config(str(tmp_path))
    assert validated["run_monitoring"]["max_runtime_seconds"] == 600
    assert validated["run_retries"]["max_retries"] == 1


def test_a_postgres_url_is_read_from_the_environment_by_the_instance(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DAGSTER_PG_URL", "postgresql://obs:pw@127.0.0.1:5432/dagster")
    assert main([str(tmp_path)]) == 0
    assert "PostgreSQL storage" in capsys.readouterr().out
    text = (tmp_path / "dagster.yaml").read_text()
    assert "pw@" not in text
    assert yaml.safe_load(text)["storage"] == {"postgres": {"postgres_url": {"env": "DAGSTER_PG_URL"}}}
