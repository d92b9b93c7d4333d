"""One door to the warehouse: a second process waits for the first (bounded, logged) instead of failing on
DuckDB's lock error, whether the first goes through the project's lock or holds the file outside it."""

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from orchestration.lib.lock import WarehouseBusy, open_duckdb, warehouse_lock
from orchestration.lib.warehouse import connect

ROOT = Path(__file__).resolve().parent.parent


def hold(warehouse: Path, seconds: float, *, through_lock: bool) -> subprocess.Popen:
    """Another process writing the warehouse for ``seconds``: through the project's door, or as a
    notebook would (plain duckdb.connect). Returns once it holds the file."""
    ready = warehouse.with_suffix(".ready")
    opening = (
        "from orchestration.lib.warehouse import connect\ncm = connect(Path(sys.argv[1]))\ncon = cm.__enter__()"
        if through_lock
        else "import duckdb\ncon = duckdb.connect(sys.argv[1])"
    )
    code = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        {opening}
        con.execute("create table if not exists t (who varchar, seen double)")
        con.execute("insert into t values ('holder', ?)", [time.time()])
        Path(sys.argv[2]).touch()
        time.sleep(float(sys.argv[3]))
        """
    ).format(opening=opening)
    process = subprocess.Popen(
        [sys.executable, "-c", code, str(warehouse), str(ready), str(seconds)],
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    deadline = time.monotonic() + 30
    while not ready.exists():
        assert process.poll() is None, "the holder died"
        assert time.monotonic() < deadline, "the holder never opened the warehouse"
        time.sleep(0.05)
    return process


def test_a_writer_waits_for_another_process_of_the_project_then_writes(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold(warehouse, 2.0, through_lock=True)
    messages: list[str] = []
    try:
        started = time.monotonic()
        with warehouse_lock(warehouse, 30, messages.append), connect(warehouse) as con:
            waited = time.monotonic() - started
            con.execute("insert into t values ('second', 0)")
            rows = con.execute("select who from t order by who").fetchall()
    finally:
        holder.wait(timeout=30)
    assert waited >= 1.0, "the second writer did not wait for the first"
    assert rows == [("holder",), ("second",)]


def test_a_reader_waits_for_a_writer_and_reads_what_it_wrote(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold(warehouse, 1.5, through_lock=True)
    try:
        with connect(warehouse, read_only=True, timeout=30) as con:
            assert con.execute("select count(*) from t").fetchall() == [(1,)]
    finally:
        holder.wait(timeout=30)


def test_a_file_held_outside_the_project_is_waited_for_with_a_message_saying_so(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold(warehouse, 2.5, through_lock=False)
    messages: list[str] = []
    try:
        con = open_duckdb(warehouse, read_only=False, timeout=30, log=messages.append)
        assert con.execute("select count(*) from t").fetchall() == [(1,)]
        con.close()
    finally:
        holder.wait(timeout=30)
    assert messages and "outside the project" in messages[0]


def test_the_wait_is_bounded_and_names_the_holder(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    holder = hold(warehouse, 5, through_lock=True)
    try:
        with pytest.raises(WarehouseBusy, match=r"still held by pid \d+"), connect(warehouse, timeout=0.5):
            pass
    finally:
        holder.kill()
        holder.wait(timeout=30)
    # the holder's death frees the lock (the OS releases it): the next opening does not wait
    with connect(warehouse, timeout=5) as con:
        assert con.execute("select count(*) from t").fetchall() == [(1,)]


def test_the_lock_is_reentrant_within_a_process(tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    with warehouse_lock(warehouse, 1), connect(warehouse, timeout=1) as con:
        con.execute("create table x (i int)")
        with connect(warehouse, timeout=1) as again:
            assert again.execute("select count(*) from x").fetchall() == [(0,)]


def test_a_duckdb_error_other_than_the_lock_is_not_waited_for(tmp_path):
    not_a_database = tmp_path / "warehouse.duckdb"
    not_a_database.write_text("not a database")
    started = time.monotonic()
    with pytest.raises(duckdb.Error):
        open_duckdb(not_a_database, read_only=True, timeout=30)
    assert time.monotonic() - started < 5
