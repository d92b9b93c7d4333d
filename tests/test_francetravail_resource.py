"""The offers asset through the API resource, against the fake France Travail server on 127.0.0.1."""

import json
from datetime import UTC, datetime, timedelta

import dagster as dg
import duckdb
import pytest
from fake_francetravail import FakeFranceTravail, Scenario, make_offers

from orchestration.defs.ingest.francetravail import OFFER_PARTITIONS, francetravail_offres
from orchestration.defs.ingest.francetravail_resource import FranceTravailResource
from orchestration.settings import SettingsError, load_settings

PARTITION = "2025-03-04"
START = datetime(2025, 3, 4, 6, tzinfo=UTC)  # the offers fall well inside the Paris day


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("OBS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OBS_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    monkeypatch.setenv("OBS_LANDING_DIR", str(tmp_path / "empty_landing"))
    monkeypatch.setenv("OBS_REGION", "52")
    return tmp_path


def serve(monkeypatch, fake):
    monkeypatch.setenv("FRANCETRAVAIL_API_URL", fake.api_url)
    monkeypatch.setenv("FRANCETRAVAIL_TOKEN_URL", fake.token_url)
    monkeypatch.setenv("FRANCETRAVAIL_CLIENT_ID", fake.client_id)
    monkeypatch.setenv("FRANCETRAVAIL_CLIENT_SECRET", fake.client_secret)


def materialize(resource=None, partition=PARTITION, instance=None):
    return dg.materialize(
        [francetravail_offres],
        partition_key=partition,
        resources={"francetravail": resource or FranceTravailResource(max_calls_per_second=0)},
        raise_on_error=False,
        instance=instance,
    )


def raw_rows(env):
    with duckdb.connect(str(env / "data" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "select * exclude (_loaded_at, _source_file) from raw.francetravail_offres order by id"
        ).fetchall()


def test_a_partition_from_the_api_fetches_every_offer_once_and_twice_holds_the_same_rows(env, monkeypatch):
    day = make_offers(400, seed=11, start=START, end=START + timedelta(hours=12))
    with FakeFranceTravail(day) as fake:
        serve(monkeypatch, fake)
        first = materialize()
        searches = [c for c in fake.calls if c["status"] in (200, 206)]
        rows_once = raw_rows(env)
        second = materialize()
        secret, tokens = fake.client_secret, fake.issued_tokens

    assert first.success and second.success
    assert len(rows_once) == 400 and raw_rows(env) == rows_once
    assert len({r[0] for r in rows_once}) == 400
    assert {c["params"]["region"] for c in searches} == {"52"}
    assert {c["params"]["minCreationDate"] for c in searches} == {"2025-03-03T23:00:00Z"}  # Paris midnight
    metadata = first.asset_materializations_for_node("raw__francetravail_offres")[0].metadata
    assert metadata["origin"].value == "api"
    assert metadata["rows_read"].value == metadata["rows_loaded"].value == 400
    assert metadata["api_calls"].value == 3  # 150 + 150 + 100
    # the secret and the tokens appear nowhere in the run's config or events
    text = str(first.dagster_run.run_config) + " ".join(str(e) for e in first.all_events)
    assert secret not in text and not any(token in text for token in tokens)


def test_retries_that_run_out_fail_the_partition_naming_the_query(env, monkeypatch):
    with FakeFranceTravail(make_offers(10, seed=12), Scenario(always_unavailable=True)) as fake:
        serve(monkeypatch, fake)
        result = materialize(
            FranceTravailResource(max_calls_per_second=0, max_retries=2, backoff_base_seconds=0.01)
        )
    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    message = str(failure.step_failure_data.error)
    assert "/offres/search?region=52" in message and "HTTP 503" in message
    assert not (env / "data" / "warehouse.duckdb").exists()  # nothing half-loaded


def test_without_credentials_a_partition_loads_from_the_landing_folder(env, monkeypatch):
    for name in ("FRANCETRAVAIL_CLIENT_ID", "FRANCETRAVAIL_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    folder = env / "empty_landing" / "francetravail"
    folder.mkdir(parents=True)
    offers = make_offers(30, seed=13, start=START, end=START + timedelta(hours=12))
    (folder / "jour.ndjson").write_text("".join(json.dumps(o) + "\n" for o in offers), "utf-8")
    result = materialize()
    assert result.success
    metadata = result.asset_materializations_for_node("raw__francetravail_offres")[0].metadata
    assert metadata["origin"].value == "landing" and metadata["rows_loaded"].value == 30


def test_in_api_mode_landing_files_still_load_and_an_api_answer_never_removes_an_offer(env, monkeypatch):
    window = {"start": START, "end": START + timedelta(hours=12)}
    landed = make_offers(20, seed=31, **window)
    folder = env / "empty_landing" / "francetravail"
    folder.mkdir(parents=True)
    (folder / "depot.ndjson").write_text("".join(json.dumps(o) + "\n" for o in landed), "utf-8")
    first_answer = make_offers(30, seed=32, **window)
    without_id = {k: v for k, v in make_offers(1, seed=33, **window)[0].items() if k != "id"}
    updated = dict(
        first_answer[0], intitule="Intitulé mis à jour", dateActualisation="2025-03-04T18:00:00.000Z"
    )
    instance = dg.DagsterInstance.ephemeral()
    with FakeFranceTravail([*first_answer, without_id], Scenario(retry_after={1: 0})) as fake:
        serve(monkeypatch, fake)
        first = materialize(instance=instance)
    with FakeFranceTravail([updated, *first_answer[1:10]]) as fake:  # today the API answers less
        serve(monkeypatch, fake)
        second = materialize(instance=instance)
    rows = {r[0]: r[1] for r in raw_rows(env)}
    for name in ("FRANCETRAVAIL_CLIENT_ID", "FRANCETRAVAIL_CLIENT_SECRET"):
        monkeypatch.delenv(name)
    third = materialize(instance=instance)  # without credentials: the kept answers still load

    assert first.success and second.success and third.success
    assert len(rows) == 50  # 20 landed + 30 answered first: the second answer removed none
    assert rows[str(updated["id"])] == "Intitulé mis à jour"
    assert {r[0]: r[1] for r in raw_rows(env)} == rows
    kept = sorted(p.name for p in (env / "data" / "api" / "francetravail").iterdir())
    assert len(kept) == 2 and all(name.endswith(".ndjson") for name in kept)
    with duckdb.connect(str(env / "data" / "warehouse.duckdb"), read_only=True) as con:
        assert con.execute("select _reason from quarantine.francetravail_offres").fetchall() == [
            ("missing id",)
        ]
    metadata = first.asset_materializations_for_node("raw__francetravail_offres")[0].metadata
    counts = {
        name: metadata[f"api_{name}"].value for name in ("read", "without_id", "duplicates", "http_429")
    }
    assert counts == {"read": 31, "without_id": 1, "duplicates": 0, "http_429": 1}
    assert {"api_outside_window", "api_unreachable", "api_failed_calls"} <= set(metadata)
    # the client's warnings are in the run's log, not only Python's logging
    messages = [e.user_message for e in instance.all_logs(first.run_id)]
    assert any("HTTP 429" in m for m in messages) and any("1 offers without id" in m for m in messages)


def test_the_resource_config_has_no_credential_field_and_partitions_start_in_2024():
    fields = set(FranceTravailResource.model_fields)
    assert not any("secret" in f or "client_id" in f or "token" in f for f in fields)
    assert OFFER_PARTITIONS.get_first_partition_key() == "2024-01-01"
    assert OFFER_PARTITIONS.timezone == "Europe/Paris"


def test_the_nightly_schedule_materialises_yesterdays_partition():
    from zoneinfo import ZoneInfo

    from orchestration.definitions import defs

    schedule = defs.resolve_schedule_def("nightly_refresh")
    tick = datetime(2025, 3, 5, 2, 0, tzinfo=ZoneInfo("Europe/Paris"))
    with dg.DagsterInstance.ephemeral() as instance:
        context = dg.build_schedule_context(
            instance=instance, scheduled_execution_time=tick, repository_def=defs.get_repository_def()
        )
        requests = schedule.evaluate_tick(context).run_requests
    assert [r.partition_key for r in requests] == ["2025-03-04"]
    assert (
        defs.resolve_assets_def(["raw", "francetravail_offres"]).backfill_policy
        == dg.BackfillPolicy.single_run()
    )


def test_dbt_runs_the_days_of_the_partitions_and_rebuilds_only_over_every_day():
    from orchestration.defs.transform.assets import OFFER_PARTITIONS as DBT_PARTITIONS
    from orchestration.defs.transform.assets import covers_all_partitions, partitioned_dbt_vars

    assert DBT_PARTITIONS == OFFER_PARTITIONS  # the offers models follow the raw table's days
    day = OFFER_PARTITIONS.time_window_for_partition_key(PARTITION)
    assert partitioned_dbt_vars(day) == {"min_date": "2025-03-04", "max_date": "2025-03-05"}
    assert not covers_all_partitions(day, OFFER_PARTITIONS)
    every_day = dg.TimeWindow(
        OFFER_PARTITIONS.get_first_partition_window().start, OFFER_PARTITIONS.get_last_partition_window().end
    )
    assert covers_all_partitions(every_day, OFFER_PARTITIONS)


def test_the_longest_retry_after_wait_is_a_setting_handed_to_the_client():
    base = {"FRANCETRAVAIL_CLIENT_ID": "id", "FRANCETRAVAIL_CLIENT_SECRET": "secret"}
    settings = load_settings({**base, "FRANCETRAVAIL_MAX_RETRY_AFTER": "15"})
    assert FranceTravailResource().client(settings).config.max_retry_after_seconds == 15.0
    assert load_settings(base).francetravail_max_retry_after == 120.0
    with pytest.raises(SettingsError, match="FRANCETRAVAIL_MAX_RETRY_AFTER"):
        load_settings({**base, "FRANCETRAVAIL_MAX_RETRY_AFTER": "soon"})
