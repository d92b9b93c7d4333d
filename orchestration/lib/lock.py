"""One door to the warehouse: every process of the project that opens the DuckDB file takes this lock.

DuckDB lets one process open a file for writing, and no other process may then open it at all (not even
read-only: "Could not set lock on file"). Two runs started together (a CLI run and a daemon run, a
reader and a writer) would fail at once. Instead each opening goes through :func:`warehouse_lock`, a
file lock next to the warehouse (``<warehouse>.lock``): the second process waits, logging why, for at
most ``lock_timeout_seconds``, then gives up with :class:`WarehouseBusy` (a transient failure: the run
may be retried). The lock is re-entrant within a process: a CLI run holds it for the whole run, and the
connections its steps open inside take it again without waiting.

A process outside the project (a notebook, the DuckDB CLI) does not take this lock but holds DuckDB's
own: :func:`open_duckdb` retries the opening for the same bounded time, saying so.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from filelock import FileLock, Timeout

logger = logging.getLogger(__name__)

# How often a waiting process says it is still waiting (and retries DuckDB's own lock).
LOG_EVERY_SECONDS = 10.0
RETRY_EVERY_SECONDS = 0.5

_DUCKDB_LOCK_ERROR = re.compile(r"Could not set lock on file|Conflicting lock is held", re.IGNORECASE)
_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")

_locks: dict[str, FileLock] = {}
_registry_guard = threading.Lock()


class WarehouseBusy(TimeoutError):
    """The warehouse stayed held by another process for longer than the configured wait (transient)."""


def lock_path(warehouse: Path) -> Path:
    return Path(f"{warehouse}.lock")


def _owner_path(warehouse: Path) -> Path:
    return Path(f"{warehouse}.lock.owner")


def _file_lock(warehouse: Path) -> FileLock:
    key = str(Path(warehouse).resolve())
    with _registry_guard:
        if key not in _locks:
            # thread_local=False: the lock belongs to the process, and re-entrant across its threads'
            # nested openings; two threads still open DuckDB one after the other through DuckDB itself.
            _locks[key] = FileLock(str(lock_path(Path(key))), thread_local=False)
        return _locks[key]


def holder(warehouse: Path) -> str:
    """Who holds the lock, as its holder wrote it (pid and command), for the waiting message."""
    try:
        owner = json.loads(_owner_path(warehouse).read_text(encoding="utf-8"))
        return f"pid {owner.get('pid')} ({owner.get('command', '?')})"
    except (OSError, ValueError):
        return "another process"


def _write_owner(warehouse: Path) -> None:
    command = " ".join(Path(sys.argv[0]).name.split() + sys.argv[1:3]) if sys.argv else "python"
    with contextlib.suppress(OSError):  # the owner file only improves a message
        _owner_path(warehouse).write_text(
            json.dumps({"pid": os.getpid(), "command": command[:120], "since": time.time()}),
            encoding="utf-8",
        )


@contextmanager
def warehouse_lock(
    warehouse: Path,
    timeout: float,
    log: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Hold the project's lock on ``warehouse`` (re-entrant), waiting at most ``timeout`` seconds."""
    warehouse = Path(warehouse)
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    lock = _file_lock(warehouse)
    say = log or logger.warning
    first = not lock.is_locked
    started = time.monotonic()
    while True:
        remaining = timeout - (time.monotonic() - started)
        try:
            lock.acquire(timeout=max(0.0, min(LOG_EVERY_SECONDS, remaining)), poll_interval=0.2)
            break
        except Timeout:
            waited = time.monotonic() - started
            if waited >= timeout:
                raise WarehouseBusy(
                    f"warehouse {warehouse} still held by {holder(warehouse)} after {waited:.0f} s "
                    f"(OBS_LOCK_TIMEOUT_SECONDS={timeout:g}): try again when it is done"
                ) from None
            say(
                f"waiting for the warehouse {warehouse.name}: held by {holder(warehouse)} "
                f"for {waited:.0f} s (at most {timeout:g} s)"
            )
    try:
        if first:
            _write_owner(warehouse)
        yield
    finally:
        lock.release()


def is_duckdb_lock_error(error: BaseException) -> bool:
    return isinstance(error, duckdb.Error) and bool(_DUCKDB_LOCK_ERROR.search(str(error)))


def open_duckdb(
    warehouse: Path,
    *,
    read_only: bool,
    timeout: float,
    log: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, retried while a process outside the project holds DuckDB's own lock on the
    file, for at most ``timeout`` seconds (then :class:`WarehouseBusy`)."""
    say = log or logger.warning
    started = time.monotonic()
    last_said = -LOG_EVERY_SECONDS
    while True:
        try:
            return duckdb.connect(str(warehouse), read_only=read_only)
        except duckdb.Error as error:
            if not is_duckdb_lock_error(error):
                raise
            waited = time.monotonic() - started
            match = _HOLDER.search(str(error))
            who = f"{match['program']} (PID {match['pid']})" if match else "a process"
            if waited >= timeout:
                raise WarehouseBusy(
                    f"warehouse {warehouse} held open by {who} outside the project (not through its lock) "
                    f"for {waited:.0f} s (OBS_LOCK_TIMEOUT_SECONDS={timeout:g}): close it and run again"
                ) from error
            if waited - last_said >= LOG_EVERY_SECONDS:
                last_said = waited
                say(
                    f"waiting for the warehouse {Path(warehouse).name}: held open by {who} outside the "
                    f"project (a notebook, the DuckDB CLI?) for {waited:.0f} s (at most {timeout:g} s)"
                )
            time.sleep(RETRY_EVERY_SECONDS)


def main(argv: list[str]) -> int:
    """``python -m orchestration.lib.lock COMMAND ...``: run a command that opens the warehouse itself
    (``dbt docs generate`` for ``make docs``) under the project's lock, with dbt's environment."""
    import subprocess

    from orchestration.settings import export_for_dbt, load_settings

    if not argv:
        print("usage: python -m orchestration.lib.lock COMMAND [ARG ...]", file=sys.stderr)
        return 2
    settings = load_settings()
    export_for_dbt(settings)
    with warehouse_lock(settings.warehouse, settings.lock_timeout_seconds):
        open_duckdb(settings.warehouse, read_only=False, timeout=settings.lock_timeout_seconds).close()
        return subprocess.call(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    sys.exit(main(sys.argv[1:]))
