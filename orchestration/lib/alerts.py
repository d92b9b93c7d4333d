"""What a person must know after a run: a failure (what failed, the first lines of the error, how to run it
again), or a run that succeeded but left something for a person (a file refused, rows quarantined, no new
offers for days).

Each report is written to ``$OBS_DATA_DIR/last_failure.md`` (failures) or ``$OBS_DATA_DIR/attention.md``
(the rest) and, when ``OBS_ALERT_WEBHOOK`` is set, POSTed as a short JSON summary: bounded time and
retries, never a secret (the API secret and the instance's PostgreSQL password are masked wherever they
appear), never a row of data (only asset names, counts and the error's first lines).
"""

from __future__ import annotations

import json
import logging
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

logger = logging.getLogger(__name__)

ERROR_LINES = 12  # of the error, in the report
SUMMARY_CHARS = 600  # of the error, in the POSTed summary
MASK = "***"

# Failure types (tag obs/failure_type on the failed run). Only "transient" is run again automatically.
TRANSIENT, DATA, STUCK, OTHER = "transient", "data", "stuck", "other"

_TRANSIENT = re.compile(
    r"WarehouseBusy|still held by|held open by .* outside the project|Could not set lock on file"
    r"|failed after \d+ attempts: (HTTP 5\d\d|[A-Za-z]*(Connection|Timeout|Timed?Out)\w*)"
    r"|still rate limited \(HTTP 429\)|ConnectionError|ConnectTimeout|ReadTimeout"
    r"|Temporary failure in name resolution|Connection (refused|reset)|HTTP 50[0234]\b",
    re.IGNORECASE,
)
_STUCK = re.compile(r"Exceeded maximum runtime|exceeding maximum runtime", re.IGNORECASE)
_DATA = re.compile(
    r"check .* failed|QualityError|SettingsError|counts do not reconcile|not found|required column"
    r"|Database Error|Compilation Error|dbt .* failed|Failure in test",
    re.IGNORECASE,
)


def classify(error_text: str) -> str:
    """The failure type of an error: transient (network, API 5xx, warehouse busy) is worth running again;
    data (a check, a file, a model) and stuck (past the maximum runtime) need a person."""
    if _STUCK.search(error_text):
        return STUCK
    if _TRANSIENT.search(error_text):
        return TRANSIENT
    if _DATA.search(error_text):
        return DATA
    return OTHER


def redact(text: str, secrets: Iterable[str | None]) -> str:
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, MASK)
    # credentials in URLs (postgresql://user:password@host)
    return re.sub(r"(?<=://)([^:/@\s]+):([^@\s]+)@", rf"\1:{MASK}@", text)


@dataclass(frozen=True)
class FailureReport:
    run_id: str
    job: str
    failure_type: str
    failed: Sequence[str]  # "asset raw/x (step y)" or "check marts/x:gx_x"
    error: str  # already redacted
    rerun: str
    launched_by: str = "manual"
    retried: bool = False

    def markdown(self) -> str:
        lines = self.error.strip().splitlines()[:ERROR_LINES]
        what = "\n".join(f"- {item}" for item in self.failed) or "- the run itself (no step failed)"
        retry = (
            "It is requested again automatically (transient failure)."
            if self.retried
            else {
                TRANSIENT: "Transient failure, not retried any more (retries exhausted or started by hand).",
                DATA: "Data error: not retried; fix the input or the rule, then run again.",
                STUCK: "Stopped past the maximum runtime (OBS_RUN_MAX_SECONDS): see what it was waiting for.",
            }.get(self.failure_type, "Not retried automatically.")
        )
        return (
            f"# Run failed: {self.job}\n\n"
            f"- run: `{self.run_id}` (launched by {self.launched_by})\n"
            f"- failure type: **{self.failure_type}**. {retry}\n\n"
            f"## What failed\n{what}\n\n"
            f"## Error (first lines)\n```\n" + "\n".join(lines) + "\n```\n\n"
            f"## Run it again\n```\n{self.rerun}\n```\n"
            "or, in the Dagster UI, the run's page: *Re-execute* (from failure).\n"
            "What each message means: docs/runbook.md.\n"
        )

    def summary(self) -> dict:
        return {
            "kind": "run_failure",
            "job": self.job,
            "run_id": self.run_id,
            "failure_type": self.failure_type,
            "failed": list(self.failed)[:10],
            "error": self.error.strip()[:SUMMARY_CHARS],
            "retried": self.retried,
            "rerun": self.rerun,
        }


@dataclass(frozen=True)
class AttentionReport:
    """A run that succeeded but left something for a person."""

    run_id: str
    job: str
    items: Sequence[str] = field(default_factory=list)

    def markdown(self) -> str:
        return (
            f"# Needs attention after run {self.run_id} ({self.job})\n\n"
            + "\n".join(f"- {item}" for item in self.items)
            + "\n\nThe run succeeded; these do not stop the publication. See docs/runbook.md.\n"
        )

    def summary(self) -> dict:
        return {"kind": "attention", "job": self.job, "run_id": self.run_id, "items": list(self.items)[:20]}


def attention_items(
    materializations: Iterable[tuple[str, dict]],
    *,
    last_offers_at: float | None,
    no_offers_days: int,
    now: float | None = None,
) -> list[str]:
    """What needs a person in a run's materialisations (asset key, metadata of numbers and texts) and in
    the time since offers last arrived."""
    items: list[str] = []
    for asset, metadata in materializations:
        refused = int(metadata.get("files_refused") or 0)
        if refused:
            items.append(
                f"{asset}: {refused} file(s) refused as a whole, not loaded (see the asset's metadata)"
            )
        quarantined = int(metadata.get("rows_quarantined") or 0)
        if quarantined:
            items.append(f"{asset}: {quarantined} row(s) quarantined (quarantine.{asset.split('/')[-1]})")
    now = time.time() if now is None else now
    if last_offers_at is not None and now - last_offers_at > no_offers_days * 86400:
        days = int((now - last_offers_at) // 86400)
        items.append(
            f"raw/francetravail_offres: no new offer for {days} days (OBS_ALERT_NO_OFFERS_DAYS={no_offers_days})"
        )
    return items


def write_report(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)
    return path


def post_json(
    url: str, payload: dict, *, timeout: float = 5.0, attempts: int = 3, backoff: float = 1.0
) -> bool:
    """POST ``payload`` to ``url``: at most ``attempts`` tries of ``timeout`` seconds each; never raises
    (an alert that cannot be sent must not hide the failure it reports: the file is written anyway)."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    for attempt in range(1, attempts + 1):
        request = urllib.request.Request(
            url, data=body, method="POST", headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                if 200 <= response.status < 300:
                    return True
        except urllib.error.HTTPError as error:
            if error.code < 500 and error.code != 429:
                logger.warning("alert webhook refused the alert: HTTP %s", error.code)
                return False
        except (OSError, ValueError) as error:
            logger.warning(
                "alert webhook unreachable (attempt %d/%d): %s", attempt, attempts, type(error).__name__
            )
        if attempt < attempts:
            time.sleep(backoff * attempt)
    return False
