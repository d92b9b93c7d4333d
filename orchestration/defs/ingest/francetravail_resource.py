"""The France Travail API as a Dagster resource.

Its run config holds only tuning knobs. The credentials and URLs are read from the settings
(FRANCETRAVAIL_* variables) when a run needs them, so no secret ever shows in the UI's run config.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from orchestration.lib.francetravail_api import ApiConfig, FranceTravailClient, write_ndjson
from orchestration.settings import Settings, load_settings

PARIS = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class ApiFetch:
    path: Path
    offers: int
    stats: dict


class FranceTravailResource(dg.ConfigurableResource):
    """Client of the "Offres d'emploi v2" API (credentials from FRANCETRAVAIL_* at run time)."""

    max_calls_per_second: float = 10.0  # the API's documented limit; 0 disables throttling
    max_retries: int = 5
    timeout_seconds: float = 30.0
    backoff_base_seconds: float = 1.0

    def enabled(self, settings: Settings | None = None) -> bool:
        return (settings or load_settings()).api_enabled

    def client(
        self, settings: Settings | None = None, log: logging.Logger | None = None
    ) -> FranceTravailClient:
        """A client whose warnings (waits, splits, offers without id) go to ``log``, by default Dagster's
        logger: in a run they reach the run's log, not only Python's logging."""
        settings = settings or load_settings()
        if not settings.api_enabled:
            raise dg.Failure(
                "France Travail API credentials are not set "
                "(FRANCETRAVAIL_CLIENT_ID and FRANCETRAVAIL_CLIENT_SECRET)"
            )
        return FranceTravailClient(
            ApiConfig(
                api_url=settings.francetravail_api_url,
                token_url=settings.francetravail_token_url,
                client_id=settings.francetravail_client_id or "",
                client_secret=settings.francetravail_client_secret or "",
                max_calls_per_second=self.max_calls_per_second or None,
                max_retries=self.max_retries,
                timeout_seconds=self.timeout_seconds,
                backoff_base_seconds=self.backoff_base_seconds,
                max_retry_after_seconds=settings.francetravail_max_retry_after,
            ),
            log=log or dg.get_dagster_logger("francetravail_api"),
        )

    def fetch_days(
        self,
        first_day: date,
        end_day: date,
        settings: Settings | None = None,
        log: logging.Logger | None = None,
    ) -> ApiFetch:
        """Every offer of the région created in [first_day, end_day) (Paris days), as an NDJSON file.

        The file is written in ``settings.api_dir`` ($OBS_DATA_DIR/api/francetravail/) before the warehouse
        is opened (DuckDB has one writer) and kept: every answer is loaded like a landing file, merged with
        the others (latest dateActualisation per id), and is what a restore or a backfill reads again.
        """
        settings = settings or load_settings()
        client = self.client(settings, log)
        start = datetime.combine(first_day, time(0), tzinfo=PARIS)
        end = datetime.combine(end_day, time(0), tzinfo=PARIS)
        stamp = datetime.now(PARIS).strftime("%Y%m%dT%H%M%S_%f")  # never overwrites a kept answer
        path = settings.api_dir / f"offres_{first_day}_{end_day}_{stamp}.ndjson"
        found = client.search_offers(region=settings.region, min_creation=start, max_creation=end)
        count = write_ndjson(found, path)
        return ApiFetch(path, count, dict(client.stats))
