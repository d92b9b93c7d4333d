"""`make ui`: the Dagster webserver on 127.0.0.1 shows the whole lineage in named groups (asked through
the same GraphQL API the UI uses)."""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
QUERY = """
{ assetNodes { assetKey { path } groupName description dependencyKeys { path } } }
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture(scope="module")
def webserver(tmp_path_factory):
    executable = Path(sys.executable).parent / "dagster-webserver"
    if not executable.exists():
        pytest.skip("dagster-webserver is not installed in this environment")
    home = tmp_path_factory.mktemp("dagster_home")
    shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    port = free_port()
    env = dict(os.environ, DAGSTER_HOME=str(home), OBS_DATA_DIR=str(home / "data"))
    process = subprocess.Popen(
        [str(executable), "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # a background shell may have left SIGINT/SIGTERM ignored: restore them so we can stop it
        preexec_fn=lambda: (
            signal.signal(signal.SIGINT, signal.SIG_DFL),
            signal.signal(signal.SIGTERM, signal.SIG_DFL),
        ),
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if graphql(port, "{ version }").get("data"):
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the Dagster webserver did not answer on 127.0.0.1")
            time.sleep(1)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_the_ui_shows_the_whole_lineage_in_named_groups(webserver):
    nodes = graphql(webserver, QUERY)["data"]["assetNodes"]
    by_key = {"/".join(n["assetKey"]["path"]): n for n in nodes}
    groups = {n["groupName"] for n in nodes}
    assert {"ingestion", "referentiels", "staging", "intermediate", "marts", "audit", "publication"} <= groups
    assert all(n["description"] for n in nodes)

    parents = {key: {"/".join(d["path"]) for d in n["dependencyKeys"]} for key, n in by_key.items()}
    assert "raw/francetravail_offres" in parents["staging/stg_francetravail__offres"]
    assert "publication/pub_portrait_chiffres_cles" in parents["publication/edition"]
    assert "audit/audit_portrait_chiffres_cles" in parents["publication/pub_portrait_chiffres_cles"]
    assert "marts/portrait_chiffres_cles" in parents["audit/audit_portrait_chiffres_cles"]

    def ancestors(key):
        seen, frontier = set(), [key]
        while frontier:
            for parent in parents[frontier.pop()]:
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        return seen

    reached = ancestors("publication/edition")
    raw_assets = {key for key in by_key if key.startswith("raw/")}
    assert raw_assets and raw_assets <= reached, f"not reaching the publication: {raw_assets - reached}"
