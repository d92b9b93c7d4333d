"""The service as deployed: `make serve` (webserver + daemon) on an instance stored in a throwaway
PostgreSQL, with a tiny code location (tests/deploy_location.py) whose assets open the warehouse through
the project's door, next to the real one.

Specifications checked here: runs started together (CLI and daemon) and a reader all succeed one after
the other; a run waits for a process holding the file outside the project; a stuck run is failed past its
maximum runtime and the next queued run goes on; a failed run is reported (file and webhook, no secret);
a transient failure of a sensor-requested run is requested again; the daemon records schedule and sensor
ticks; the history survives a webserver restart; the UI shows the asset graph in Chromium.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from browser import browser  # noqa: F401  (session fixture)

from orchestration.lib.instance_config import render, write
from orchestration.settings import load_settings
from tests.http_receiver import webhook_receiver

ROOT = Path(__file__).resolve().parent.parent
PG_BIN = Path("/usr/lib/postgresql/15/bin")
SECRET = "s3cr3t-never-sent-0123456789"
ARTIFACTS = ROOT / "var" / "test-artifacts"
STARTUP_SECONDS = 150
PROBE_WORKSPACE = (
    "load_from:\n  - python_module: {module_name: tests.deploy_location, location_name: probe}\n"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def as_postgres(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root (the CI's user): run it as the postgres user then."""
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def graphql(port: int, query: str, variables: dict | None = None) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopped whole (make, webserver, daemon, code servers)
        # a background shell may have left SIGINT/SIGTERM ignored: restore them so we can stop it
        preexec_fn=lambda: (
            signal.signal(signal.SIGINT, signal.SIG_DFL),
            signal.signal(signal.SIGTERM, signal.SIG_DFL),
        ),
    )


def stop(process: subprocess.Popen | None) -> None:
    if process is None or process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 10)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def wait_for(what: str, predicate, timeout: float, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def wait_for_webserver(port: int, process: subprocess.Popen, log: Path, locations=("probe",)) -> None:
    def answers():
        if process.poll() is not None:
            pytest.fail(f"the webserver stopped:\n{log.read_text()[-3000:]}")
        try:
            data = graphql(
                port,
                "{ workspaceOrError { ... on Workspace { locationEntries { name "
                "locationOrLoadError { __typename } } } } }",
            )["data"]
        except OSError:
            return False
        entries = data["workspaceOrError"]["locationEntries"]
        return entries and all(e["locationOrLoadError"] for e in entries) and entries

    entries = wait_for("the webserver and its code locations", answers, STARTUP_SECONDS, 1)
    assert {e["name"]: e["locationOrLoadError"]["__typename"] for e in entries} == dict.fromkeys(
        locations, "RepositoryLocation"
    ), log.read_text()[-3000:]


@dataclass
class Service:
    root: Path
    env: dict
    port: int
    home: Path
    data: Path
    webhook: str
    received: list
    process: subprocess.Popen | None = None
    log: Path = field(default=None)
    _instance: dg.DagsterInstance | None = None
    flaky: str | None = None  # run key of the flaky run, triggered early
    quarantining: str | None = None  # run key of a probe run that reports quarantined rows
    _triggers: int = 0

    @property
    def warehouse(self) -> Path:
        return self.data / "warehouse.duckdb"

    @property
    def instance(self) -> dg.DagsterInstance:
        if self._instance is None:
            self._instance = dg.DagsterInstance.from_config(str(self.home))
        return self._instance

    def trigger(self, job: str, **tags: str) -> str:
        """Ask the location's sensor for a run; returns the run key."""
        self._triggers += 1
        key = f"t{self._triggers}-{job}-{time.time_ns()}"
        folder = self.data / "triggers"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f".{key}").write_text(json.dumps({"job": job, "tags": tags}))
        os.replace(folder / f".{key}", folder / f"{key}.json")
        return key

    def run_of(self, run_key: str, timeout: float = 60) -> dg.DagsterRun:
        def found():
            runs = self.instance.get_runs(dg.RunsFilter(tags={"dagster/run_key": run_key}))
            return runs[0] if runs else None

        return wait_for(f"the run of {run_key}", found, timeout)

    def finished(self, run_id: str, timeout: float = 90) -> dg.DagsterRun:
        def done():
            run = self.instance.get_run_by_id(run_id)
            return run if run.is_finished else None

        return wait_for(f"run {run_id} to finish", done, timeout)

    def probe_log(self) -> list[tuple]:
        with duckdb.connect(str(self.warehouse), read_only=True) as con:
            return con.execute("select label, started, ended from ops.probe_log order by started").fetchall()

    def run_messages(self, run_id: str) -> str:
        return "\n".join(entry.message or "" for entry in self.instance.all_logs(run_id))


@pytest.fixture(scope="module")
def postgres():
    """A throwaway PostgreSQL 15 on 127.0.0.1 and a random port (its folder readable by its user)."""
    if not (PG_BIN / "initdb").exists():
        pytest.fail(f"PostgreSQL 15 is not installed ({PG_BIN}): apt-get install postgresql")
    folder = Path(tempfile.mkdtemp(prefix="obs-pg-"))
    folder.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    port = free_port()
    data = folder / "data"
    subprocess.run(
        as_postgres(
            [
                str(PG_BIN / "initdb"),
                "-D",
                str(data),
                "-U",
                "dagster",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ]
        ),
        check=True,
        capture_output=True,
    )
    options = f"-h 127.0.0.1 -p {port} -k {folder} -F -c max_connections=100"
    started = subprocess.run(
        as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"), "-w", "start"]
        ),
        capture_output=True,
    )
    try:
        assert started.returncode == 0, (folder / "log").read_text()
        yield {
            "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_PORT": str(port),
            "DAGSTER_PG_USER": "dagster",
            "DAGSTER_PG_DB": "postgres",
        }
    finally:
        subprocess.run(
            as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def service(postgres, tmp_path_factory):
    root = tmp_path_factory.mktemp("deployment")
    (root / "landing").mkdir()
    home, data = root / "dagster_home", root / "data"
    with webhook_receiver() as (webhook, received):
        env = {
            "HOME": str(root),
            "LANG": "C.UTF-8",
            # no venv on PATH, as under systemd (make serve calls the venv's programs by path)
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            # this checkout's code, whatever the venv's editable install points to
            "PYTHONPATH": str(ROOT),
            "DAGSTER_HOME": str(home),
            "OBS_DATA_DIR": str(data),
            "OBS_WAREHOUSE": str(data / "warehouse.duckdb"),
            "OBS_LANDING_DIR": str(root / "landing"),
            "OBS_ALERT_WEBHOOK": webhook,
            "OBS_LOCK_TIMEOUT_SECONDS": "60",
            "OBS_RUN_RETRIES": "1",
            "FRANCETRAVAIL_CLIENT_SECRET": SECRET,
            **postgres,
        }
        # the daemon polls fast here; the maximum runtime is the stuck run's tag (dagster/max_runtime)
        config = render(load_settings(env), poll_interval_seconds=1, free_slots_after_run_end_seconds=1)
        config["run_coordinator"]["config"] = {"dequeue_interval_seconds": 1}
        write(home, config)
        workspace = root / "workspace.yaml"
        workspace.write_text(PROBE_WORKSPACE)
        service = Service(root, env, free_port(), home, data, webhook, received, log=root / "serve.log")
        make = [
            "make",
            "--no-print-directory",
            # built by `make test` before the tests run: never rebuilt (nor the venv reinstalled) from here;
            # the instance is the one rendered above (faster monitoring), not re-rendered by `instance`
            "-o",
            ".venv/bin/dagster",
            "-o",
            "dbt_project/target/manifest.json",
            "-o",
            "instance",
            "serve",
            "HOST=127.0.0.1",
            f"PORT={service.port}",
            f"WORKSPACE={workspace}",
        ]
        service.process = start(make, env, service.log)
        try:
            wait_for_webserver(service.port, service.process, service.log)
            yield service
        finally:
            stop(service.process)
            if service._instance is not None:
                service._instance.dispose()


def test_runs_started_together_by_the_cli_and_the_daemon_and_a_reader_all_succeed_in_turn(service):
    # it also reports 2 quarantined rows: checked by the attention test below, without a run of its own
    daemon_key = service.trigger(
        "probe_job", **{"probe/label": "daemon", "probe/hold": "3", "probe/quarantined": "2"}
    )
    service.quarantining = daemon_key
    cli = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "dagster"),
            "job",
            "execute",
            "-m",
            "tests.deploy_location",
            "-j",
            "probe_job",
            "--tags",
            json.dumps({"probe/label": "cli", "probe/hold": "3"}),
        ],
        cwd=ROOT,
        env=service.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    owner = Path(f"{service.warehouse}.lock.owner")
    wait_for("a first writer to hold the warehouse", owner.exists, 60, 0.1)
    reader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from orchestration.lib.warehouse import connect; from orchestration.settings "
            "import load_settings\nwith connect(load_settings().warehouse, read_only=True) as con:\n"
            "    print(con.execute('select count(*) from ops.probe_log').fetchall()[0][0])",
        ],
        cwd=ROOT,
        env=service.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        cli_out = cli.communicate(timeout=120)[0].decode()
        reader_out = reader.communicate(timeout=120)[0].decode()
    finally:
        cli.kill()
        reader.kill()
    assert cli.returncode == 0, cli_out[-3000:]
    assert reader.returncode == 0 and reader_out.strip().splitlines()[-1].isdigit(), reader_out[-3000:]
    run = service.finished(service.run_of(daemon_key).run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS, service.run_messages(run.run_id)[-3000:]
    spans = {label: (start, end) for label, start, end in service.probe_log() if label in ("cli", "daemon")}
    assert set(spans) == {"cli", "daemon"}
    first, second = sorted(spans.values())
    assert first[1] <= second[0], f"the two writers overlapped: {spans}"
    assert "Could not set lock" not in cli_out


def test_a_run_waits_for_a_process_holding_the_warehouse_outside_the_project(service):
    # a notebook: plain duckdb, not the project's lock; it holds the file until told to stop
    notebook = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\ncon = duckdb.connect(sys.argv[1])\nprint('open', flush=True)\n"
            "sys.stdin.read()",
            str(service.warehouse),
        ],
        cwd=ROOT,
        env=service.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    try:
        assert notebook.stdout.readline().strip() == b"open"
        run = service.run_of(service.trigger("probe_job", **{"probe/label": "after-notebook"}))
        wait_for(
            "the run to say it waits", lambda: "outside the project" in service.run_messages(run.run_id), 90
        )
    finally:
        notebook.stdin.close()  # the notebook is closed
        notebook.wait(timeout=30)
    run = service.finished(run.run_id)
    # the lock's message, a Python log of the project, reached the run's log (managed_python_loggers)
    assert run.status == dg.DagsterRunStatus.SUCCESS, service.run_messages(run.run_id)[-3000:]


def test_a_stuck_run_is_failed_past_its_max_runtime_and_the_next_queued_run_succeeds(service):
    stuck_key = service.trigger("stuck_job", **{"dagster/max_runtime": "4", "dagster/max_retries": "0"})
    stuck = service.run_of(stuck_key)
    wait_for(
        "the stuck run to start",
        lambda: service.instance.get_run_by_id(stuck.run_id).status == dg.DagsterRunStatus.STARTED,
        60,
    )
    next_key = service.trigger("probe_job", **{"probe/label": "after-stuck"})
    queued = service.run_of(next_key)
    assert service.instance.get_run_by_id(queued.run_id).status in (
        dg.DagsterRunStatus.QUEUED,
        dg.DagsterRunStatus.NOT_STARTED,
    )
    stuck = service.finished(stuck.run_id, timeout=60)
    assert stuck.status == dg.DagsterRunStatus.FAILURE
    assert "maximum runtime" in service.run_messages(stuck.run_id)
    after = service.finished(queued.run_id, timeout=90)
    assert after.status == dg.DagsterRunStatus.SUCCESS, service.run_messages(after.run_id)[-3000:]


def test_a_failed_run_is_reported_in_a_file_and_to_the_webhook_without_the_secret(service):
    failing = service.trigger("failing_job")
    service.flaky = service.trigger("flaky_job")  # queued behind it, for the next test
    run = service.finished(service.run_of(failing).run_id)
    assert run.status == dg.DagsterRunStatus.FAILURE
    summary = wait_for(
        "the webhook's summary",
        lambda: next((p for p in service.received if p.get("run_id") == run.run_id), None),
        60,
    )
    report = (service.data / "last_failure.md").read_text()
    assert run.run_id in report and "asset failing" in report and "Run it again" in report
    assert "counts do not reconcile" in report
    assert summary["failure_type"] == "data" and summary["failed"] and not summary["retried"]
    assert SECRET not in report and SECRET not in json.dumps(service.received)
    tags = service.instance.get_run_by_id(run.run_id).tags
    assert tags["obs/failure_type"] == "data"
    assert not service.instance.get_runs(dg.RunsFilter(tags={"obs/retry_of": run.run_id}))  # never retried


def test_a_transient_failure_of_a_sensor_run_is_requested_again_and_succeeds(service):
    first = service.finished(service.run_of(service.flaky or service.trigger("flaky_job")).run_id)
    assert first.status == dg.DagsterRunStatus.FAILURE

    def retried():
        runs = service.instance.get_runs(dg.RunsFilter(tags={"obs/retry_of": first.run_id}))
        return runs[0] if runs else None

    again = service.finished(wait_for("the retry", retried, 60).run_id)
    assert again.status == dg.DagsterRunStatus.SUCCESS
    assert again.tags["obs/attempt"] == "2"
    assert service.instance.get_run_by_id(first.run_id).tags["obs/failure_type"] == "transient"


def test_a_successful_run_that_quarantined_rows_is_reported_for_a_person(service):
    key = service.quarantining or service.trigger("probe_job", **{"probe/quarantined": "2"})
    run = service.finished(service.run_of(key).run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    summary = wait_for(
        "the attention summary",
        lambda: next(
            (p for p in service.received if p.get("kind") == "attention" and p["run_id"] == run.run_id), None
        ),
        60,
    )
    assert summary["items"] == ["probe: 2 row(s) quarantined (quarantine.probe)"]
    assert run.run_id in (service.data / "attention.md").read_text()


TICKS = """
query ($schedule: ScheduleSelector!, $sensor: SensorSelector!) {
  scheduleOrError(scheduleSelector: $schedule) { ... on Schedule { scheduleState { ticks(limit: 10) {
    status runIds } } } }
  sensorOrError(sensorSelector: $sensor) { ... on Sensor { sensorState { ticks(limit: 400) {
    status runIds } } } }
}"""


def test_the_daemon_records_schedule_and_sensor_ticks_and_their_runs(service):
    where = {"repositoryName": "__repository__", "repositoryLocationName": "probe"}
    variables = {
        "schedule": where | {"scheduleName": "heartbeat_every_minute"},
        "sensor": where | {"sensorName": "triggers"},
    }

    def ticks():
        data = graphql(service.port, TICKS, variables)["data"]
        schedule = data["scheduleOrError"]["scheduleState"]["ticks"]
        sensor = data["sensorOrError"]["sensorState"]["ticks"]
        with_runs = [t for t in schedule if t["status"] == "SUCCESS" and t["runIds"]]
        return (with_runs, sensor) if with_runs else None

    schedule_ticks, sensor_ticks = wait_for("a schedule tick", ticks, 75, 2)
    assert any(t["runIds"] for t in sensor_ticks if t["status"] == "SUCCESS")
    run = service.finished(schedule_ticks[0]["runIds"][0])
    assert run.tags["dagster/schedule_name"] == "heartbeat_every_minute"
    assert run.status == dg.DagsterRunStatus.SUCCESS


def test_the_ui_served_by_make_serve_shows_the_asset_graph(service, browser):  # noqa: F811
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / "make-serve-asset-graph.png"
    # the session's one Chromium: a second Playwright in this process would refuse to start
    page = browser.browser.new_page(viewport={"width": 1400, "height": 900})
    try:
        page.goto(
            f"http://127.0.0.1:{service.port}/locations/probe/asset-groups/default",
            wait_until="load",
        )
        for asset in ("probe", "heartbeat", "flaky"):
            page.get_by_text(asset, exact=True).first.wait_for(timeout=60_000)
        assert not page.get_by_text("Join the Dagster community").is_visible()  # nux disabled
        page.get_by_text("Loading...").first.wait_for(state="detached", timeout=30_000)
        page.screenshot(path=str(target))
    finally:
        page.close()
    assert target.stat().st_size > 10_000


RUNS = "{ runsOrError(limit: 200) { ... on Runs { results { runId status } } } }"


def test_the_run_history_is_read_back_after_a_webserver_restart(service):
    """Restarted as its systemd unit starts it: the venv's webserver by path, no venv on PATH; with the
    project's own code location too, which must find the venv's dbt."""
    stop(service.process)  # webserver and daemon
    before = {r.run_id: r.status.value for r in service.instance.get_runs() if r.is_finished}
    assert len(before) >= 8
    workspace = service.root / "workspace-all.yaml"
    workspace.write_text(
        PROBE_WORKSPACE
        + "  - python_module: {module_name: orchestration.definitions, location_name: observatoire}\n"
    )
    log = service.root / "webserver-again.log"
    webserver = str(Path(sys.executable).parent / "dagster-webserver")
    again = start(
        [webserver, "-w", str(workspace), "-h", "127.0.0.1", "-p", str(service.port)], service.env, log
    )
    try:
        wait_for_webserver(service.port, again, log, locations=("probe", "observatoire"))
        results = graphql(service.port, RUNS)["data"]["runsOrError"]["results"]
    finally:
        stop(again)
    history = {r["runId"]: r["status"] for r in results}
    assert {k: v for k, v in history.items() if k in before} == before
