"""What an operator receives after a run: the failure type decides whether it is run again, the report
says what failed and how to re-run, and nothing secret leaves the machine."""

import time

import pytest

from orchestration.lib.alerts import (
    DATA,
    OTHER,
    STUCK,
    TRANSIENT,
    FailureReport,
    attention_items,
    classify,
    post_json,
    redact,
)
from tests.http_receiver import webhook_receiver


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        ("FranceTravailError: GET /offres/search failed after 4 attempts: HTTP 503", TRANSIENT),
        (
            "FranceTravailError: token request to https://x failed after 4 attempts: ConnectionError",
            TRANSIENT,
        ),
        ("WarehouseBusy: warehouse /d/w.duckdb still held by pid 12 (python) after 900 s", TRANSIENT),
        ('IOException: Could not set lock on file "/d/w.duckdb": Conflicting lock is held', TRANSIENT),
        ("FranceTravailError: HTTP 400 for GET /offres/search: bad parameter", OTHER),
        ("QualityError: /d/w.duckdb: table marts.x not found", DATA),
        ("check marts/offres:gx_offres failed", DATA),
        ("Exceeded maximum runtime of 14400 seconds.", STUCK),
    ],
)
def test_only_network_api_and_busy_warehouse_failures_are_transient(error, kind):
    assert classify(error) == kind


def test_secrets_and_url_passwords_are_masked():
    text = redact("token s3cr3t-value refused; postgresql://obs:pg-pass@db/dagster", ["s3cr3t-value", None])
    assert "s3cr3t-value" not in text and "pg-pass" not in text
    assert "postgresql://obs:***@db/dagster" in text


def test_the_failure_report_names_what_failed_and_how_to_rerun():
    report = FailureReport(
        run_id="abc",
        job="refresh_all",
        failure_type=DATA,
        failed=["asset raw/uniformation_contrats (step raw__uniformation_contrats)"],
        error="ValueError: boom\n" + "\n".join(f"  line {i}" for i in range(40)),
        rerun="make run",
        launched_by="schedule nightly_refresh",
    )
    text = report.markdown()
    assert "raw/uniformation_contrats" in text and "make run" in text and "Data error" in text
    assert "line 10" in text and "line 30" not in text  # the first lines only
    assert set(report.summary()) >= {"job", "run_id", "failure_type", "failed", "error", "rerun"}


def test_refusals_quarantine_and_days_without_offers_need_a_person():
    now = time.time()
    items = attention_items(
        [("raw/uniformation_contrats", {"files_refused": 1, "rows_quarantined": 3}), ("raw/x", {})],
        last_offers_at=now - 5 * 86400,
        no_offers_days=3,
        now=now,
    )
    assert len(items) == 3
    assert "no new offer for 5 days" in items[2]
    assert attention_items([], last_offers_at=now - 86400, no_offers_days=3, now=now) == []


def test_the_webhook_gets_the_json_and_an_unreachable_one_does_not_raise():
    with webhook_receiver() as (url, received):
        assert post_json(url, {"kind": "run_failure", "job": "x"})
    assert received == [{"kind": "run_failure", "job": "x"}]
    started = time.monotonic()
    assert not post_json("http://127.0.0.1:9/none", {"a": 1}, timeout=0.5, attempts=2, backoff=0.1)
    assert time.monotonic() - started < 5
    with webhook_receiver(status=400) as (url, received):
        assert not post_json(url, {"a": 1}, attempts=3, backoff=0.1)
    assert len(received) == 1  # a refusal is not retried
