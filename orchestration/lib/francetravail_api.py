"""Client of the France Travail "Offres d'emploi v2" API (pure Python, no Dagster).

``FranceTravailClient.search_offers`` returns every offer created in a time window for a région or a
département, each offer id exactly once. The API serves at most 3,150 results per query (``range``
positions 0 to 3149), so a query above that is split: by département first, then by halving the window.

Protocol: OAuth2 client credentials on ``token_url``, then ``GET {api_url}/offres/search`` with
``minCreationDate``/``maxCreationDate`` (``yyyy-MM-ddTHH:mm:ssZ``), ``sort=1`` and ``range=p-d``.
HTTP 206 means more pages follow, 200 the last page, 204 no result. ``Content-Range: offres 0-149/15262``
gives the total.

Secrets (client secret, access token) never appear in logs, reprs or exception messages.
"""

from __future__ import annotations

import email.utils
import json
import logging
import math
import os
import random
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import requests

logger = logging.getLogger(__name__)

SCOPE = "api_offresdemploiv2 o2dsoffre"
PAGE_SIZE = 150
MAX_RANGE_START = 3000
MAX_RANGE_END = 3149
MAX_REACHABLE = MAX_RANGE_END + 1  # 3,150 results can be read for one query
RETRYABLE_STATUSES = frozenset({500, 502, 503, 504})
TOKEN_RENEWAL_MARGIN_SECONDS = 60.0
MAX_BACKOFF_SECONDS = 60.0
DATE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"

# INSEE régions (2016 boundaries) → their départements, for splitting a région query.
DEPARTEMENTS_OF_REGION: dict[str, list[str]] = {
    "01": ["971"],
    "02": ["972"],
    "03": ["973"],
    "04": ["974"],
    "06": ["976"],
    "11": ["75", "77", "78", "91", "92", "93", "94", "95"],
    "24": ["18", "28", "36", "37", "41", "45"],
    "27": ["21", "25", "39", "58", "70", "71", "89", "90"],
    "28": ["14", "27", "50", "61", "76"],
    "32": ["02", "59", "60", "62", "80"],
    "44": ["08", "10", "51", "52", "54", "55", "57", "67", "68", "88"],
    "52": ["44", "49", "53", "72", "85"],
    "53": ["22", "29", "35", "56"],
    "75": ["16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87"],
    "76": ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"],
    "84": ["01", "03", "07", "15", "26", "38", "42", "43", "63", "69", "73", "74"],
    "93": ["04", "05", "06", "13", "83", "84"],
    "94": ["2A", "2B"],
}

_CONTENT_RANGE_TOTAL = re.compile(r"/\s*(\d+)\s*$")


@dataclass(frozen=True)
class ApiConfig:
    api_url: str
    token_url: str
    client_id: str
    client_secret: str = field(repr=False)
    max_calls_per_second: float | None = 10.0  # 0 or None: no limit
    max_retries: int = 5
    timeout_seconds: float = 30.0
    backoff_base_seconds: float = 1.0
    max_retry_after_seconds: float = 120.0  # a server's Retry-After above this is waited this long


class FranceTravailError(RuntimeError):
    """A call that failed for good; the message names the query, never a secret."""


@dataclass
class _Slice:
    """One query of the search: a place (région or département) and a creation window [start, end)."""

    kind: str | None  # "region", "departement" or None (all of France)
    code: str | None
    start: datetime
    end: datetime
    first_page: _Page | None = None  # already fetched while probing
    split_by_departement: bool = True


@dataclass
class _Page:
    status: int
    total: int | None
    offers: list[dict]


class FranceTravailClient:
    def __init__(
        self,
        config: ApiConfig,
        session: requests.Session | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        departements_of_region: Mapping[str, list[str]] | None = None,
        log: logging.Logger | logging.LoggerAdapter | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.config = config
        # the caller's logger (Dagster's, in a run) so that warnings reach the run's log
        self._log = log or logger
        self._now = now
        self._session = session or requests.Session()
        self._clock = clock
        self._sleep = sleep
        self._departements_of_region = dict(departements_of_region or DEPARTEMENTS_OF_REGION)
        self._token: str | None = None
        self._token_expires_at = 0.0
        self._next_call_at: float | None = None
        self._lock = threading.Lock()
        self._random = random.Random()
        self.stats: dict[str, Any] = {
            "calls": 0,
            "retries": 0,
            "http_429": 0,
            "token_requests": 0,
            "read": 0,  # offers in the answers, duplicates included
            "offers": 0,  # offers returned (ids once, in the window; those without id included)
            "without_id": 0,  # returned for the loader to quarantine: never merged with one another
            "duplicates": 0,
            "outside_window": 0,
            "splits_departement": 0,
            "splits_time": 0,
            "unreachable": 0,
            "failed_calls": 0,  # attempts that failed (connection, 5xx) before a retry
            "waited_seconds": 0.0,
            "seconds": 0.0,
        }

    def __repr__(self) -> str:
        return f"FranceTravailClient(api_url={self.config.api_url!r}, client_id={self.config.client_id!r})"

    # ------------------------------------------------------------------ search

    def search_offers(
        self,
        *,
        region: str | None = None,
        departement: str | None = None,
        min_creation: datetime,
        max_creation: datetime,
        departements_of_region: Mapping[str, list[str]] | None = None,
    ) -> Iterator[dict]:
        """Every offer created in [min_creation, max_creation), each id exactly once, splitting as needed.

        Naive datetimes are taken as UTC. Offers whose ``dateCreation`` is readable and falls outside the
        window are dropped (the API's bounds may be inclusive). ``stats`` accumulates over the client's
        life. Raises ``FranceTravailError`` when a call fails for good, ``ValueError`` for bad arguments.
        """
        if region and departement:
            raise ValueError("give a région or a département, not both")
        start = _floor_second(_as_utc(min_creation))
        end = _ceil_second(_as_utc(max_creation))
        if end <= start:
            raise ValueError(f"empty creation window: [{start:{DATE_FORMAT}}, {end:{DATE_FORMAT}})")
        mapping = dict(departements_of_region) if departements_of_region else self._departements_of_region
        kind, code = (
            ("region", region) if region else (("departement", departement) if departement else (None, None))
        )
        # Arguments are checked now; the calls start when the caller iterates.
        return self._search(_Slice(kind, code, start, end), mapping)

    def _search(self, whole: _Slice, mapping: Mapping[str, list[str]]) -> Iterator[dict]:
        start, end = whole.start, whole.end
        began = self._clock()
        yielded = 0
        seen: set[str] = set()
        todo: deque[_Slice] = deque([whole])
        try:
            while todo:
                piece = todo.popleft()
                page = piece.first_page or self._fetch_page(piece, 0)
                if page.status == 204 or (page.total == 0 and not page.offers):
                    continue
                if page.total is not None and page.total > MAX_REACHABLE:
                    replacement = self._split(piece, page.total, mapping)
                    if replacement:
                        todo.extendleft(reversed(replacement))
                        continue
                pages = self._pages(piece, page)
                for current in pages:
                    for offer in current.offers:
                        self.stats["read"] += 1
                        key = _offer_id(offer)
                        if key is None:
                            self.stats["without_id"] += 1
                        elif key in seen:
                            self.stats["duplicates"] += 1
                            continue
                        else:
                            seen.add(key)
                        created = _parse_creation(
                            offer.get("dateCreation") if isinstance(offer, dict) else None
                        )
                        if created is not None and not (start <= created < end):
                            self.stats["outside_window"] += 1
                            continue
                        self.stats["offers"] += 1
                        yielded += 1
                        yield offer
        finally:
            self.stats["seconds"] += self._clock() - began
        if self.stats["without_id"]:
            self._log.warning(
                "France Travail search: %d offers without id (kept for quarantine)", self.stats["without_id"]
            )
        self._log.info(
            "France Travail search %s %s [%s, %s): %d offers, %d calls, %d retries, %d 429s",
            whole.kind or "france",
            whole.code or "",
            f"{start:{DATE_FORMAT}}",
            f"{end:{DATE_FORMAT}}",
            yielded,
            self.stats["calls"],
            self.stats["retries"],
            self.stats["http_429"],
        )

    def _split(self, piece: _Slice, total: int, mapping: Mapping[str, list[str]]) -> list[_Slice]:
        """Smaller queries covering ``piece``, or [] when it cannot be split (then 3,150 are read)."""
        if piece.kind == "region" and piece.split_by_departement and mapping.get(piece.code or ""):
            probes = [_Slice("departement", dep, piece.start, piece.end) for dep in mapping[piece.code or ""]]
            for probe in probes:
                probe.first_page = self._fetch_page(probe, 0)
            found = sum(p.first_page.total or len(p.first_page.offers) for p in probes if p.first_page)
            if found >= total:
                self.stats["splits_departement"] += 1
                self._log.debug("split région %s (%d offers) by département", piece.code, total)
                return probes
            # Some offers are located at the région level only: no département query reaches them.
            self._log.warning(
                "région %s: %d offers but %d in its départements; splitting by time instead",
                piece.code,
                total,
                found,
            )
            piece = _Slice(piece.kind, piece.code, piece.start, piece.end, split_by_departement=False)
        span = piece.end - piece.start
        if span <= timedelta(seconds=1):
            self.stats["unreachable"] += total - MAX_REACHABLE
            self._log.warning(
                "%s: %d offers created in one second, only %d can be read",
                self._describe_slice(piece),
                total,
                MAX_REACHABLE,
            )
            return []
        middle = piece.start + timedelta(seconds=math.floor(span.total_seconds() / 2))
        self.stats["splits_time"] += 1
        self._log.debug("split %s (%d offers) at %s", self._describe_slice(piece), total, middle)
        return [
            _Slice(
                piece.kind, piece.code, piece.start, middle, split_by_departement=piece.split_by_departement
            ),
            _Slice(
                piece.kind, piece.code, middle, piece.end, split_by_departement=piece.split_by_departement
            ),
        ]

    def _pages(self, piece: _Slice, first: _Page) -> Iterator[_Page]:
        """The pages of a query from ``first``, until the total Content-Range announced (short pages are
        followed from where they stop). An empty page while more are announced is an error: stopping
        there would lose the rest silently."""
        yield first
        page, position = first, len(first.offers)
        limit = min(first.total, MAX_REACHABLE) if first.total is not None else MAX_REACHABLE
        while position < limit and position <= MAX_RANGE_START:
            if not page.offers:
                if first.total is None:
                    return  # no total announced: an empty page is the end
                raise FranceTravailError(
                    f"{self._describe_slice(piece)}: empty page (HTTP {page.status}) at position {position} "
                    f"while Content-Range announces {first.total} offers"
                )
            if page.status == 200 and first.total is None:
                return  # the last page, and no total to say otherwise
            page = self._fetch_page(piece, position, min(position + PAGE_SIZE, limit) - 1)
            if page.status == 204:
                self._log.warning(
                    "%s: no content (HTTP 204) at position %d of %d announced",
                    self._describe_slice(piece),
                    position,
                    limit,
                )
                return
            position += len(page.offers)
            yield page

    def _fetch_page(self, piece: _Slice, first: int, last: int | None = None) -> _Page:
        params: dict[str, str] = {}
        if piece.kind and piece.code:
            params[piece.kind] = piece.code
        params["minCreationDate"] = f"{piece.start:{DATE_FORMAT}}"
        params["maxCreationDate"] = f"{piece.end:{DATE_FORMAT}}"
        params["sort"] = "1"
        last = first + PAGE_SIZE - 1 if last is None else last
        params["range"] = f"{first}-{last}"
        response = self._get("/offres/search", params)
        if response.status_code == 204 or not response.content:
            return _Page(204, 0, [])
        query = self._describe("/offres/search", params)
        try:
            body = response.json()
        except ValueError:
            raise FranceTravailError(
                f"unreadable JSON answer (HTTP {response.status_code}) for {query}"
            ) from None
        offers = (body.get("resultats") or []) if isinstance(body, dict) else []
        match = _CONTENT_RANGE_TOTAL.search(response.headers.get("Content-Range", ""))
        total = int(match.group(1)) if match else None
        if total is None and response.status_code == 200:
            total = first + len(offers)
        return _Page(response.status_code, total, offers)

    # ------------------------------------------------------------------ HTTP

    def _get(self, path: str, params: dict[str, str]) -> requests.Response:
        """One API call with rate limiting, token renewal on 401 and retries of transient failures."""
        url = self.config.api_url + path
        query = self._describe(path, params)
        failures = 0
        throttled = 0
        renewed = False
        while True:
            token = self._access_token()
            self._throttle()
            self.stats["calls"] += 1
            try:
                response = self._session.get(
                    url,
                    params=params,
                    headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
                    timeout=self.config.timeout_seconds,
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                failures += 1
                self.stats["failed_calls"] += 1
                if failures > self.config.max_retries:
                    raise FranceTravailError(
                        f"{query} failed after {failures} attempts: {type(exc).__name__}"
                    ) from exc
                self._retry_wait(failures, f"{type(exc).__name__} on {query}")
                continue
            status = response.status_code
            if status in (200, 204, 206):
                return response
            if status == 401 and not renewed:
                renewed = True
                self._log.info("access token refused (HTTP 401); renewing it once")
                self._token = None
                continue
            if status == 429:
                self.stats["http_429"] += 1
                throttled += 1
                if throttled > self.config.max_retries:
                    raise FranceTravailError(
                        f"{query} still rate limited (HTTP 429) after {throttled} attempts"
                    )
                asked = response.headers.get("Retry-After")
                delay = _retry_after_seconds(asked, self._now())
                if delay is None:  # absent, or neither seconds nor an HTTP date: our own backoff
                    self._retry_wait(throttled, f"HTTP 429 on {query}")
                else:
                    capped = min(delay, self.config.max_retry_after_seconds)
                    note = f", capped at {capped:g} s" if capped < delay else ""
                    self._wait(capped, f"HTTP 429 on {query}, Retry-After {asked.strip()[:40]!r}{note}")
                continue
            if status in RETRYABLE_STATUSES:
                failures += 1
                self.stats["failed_calls"] += 1
                if failures > self.config.max_retries:
                    raise FranceTravailError(f"{query} failed after {failures} attempts: HTTP {status}")
                self._retry_wait(failures, f"HTTP {status} on {query}")
                continue
            message = _error_message(response)
            if status == 400 and message:
                raise FranceTravailError(self._scrub(f"{message} (query: {query})"))
            raise FranceTravailError(self._scrub(f"HTTP {status} for {query}: {message or 'no message'}"))

    def _access_token(self) -> str:
        if self._token and self._clock() < self._token_expires_at:
            return self._token
        form = {
            "grant_type": "client_credentials",
            "client_id": self.config.client_id,
            "client_secret": self.config.client_secret,
            "scope": SCOPE,
        }
        failures = 0
        while True:
            self.stats["token_requests"] += 1
            try:
                response = self._session.post(
                    self.config.token_url, data=form, timeout=self.config.timeout_seconds
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                failures += 1
                if failures > self.config.max_retries:
                    raise FranceTravailError(
                        f"token request to {self.config.token_url} failed after {failures} attempts: "
                        f"{type(exc).__name__}"
                    ) from exc
                self._retry_wait(failures, f"{type(exc).__name__} on the token request")
                continue
            if response.status_code in RETRYABLE_STATUSES or response.status_code == 429:
                failures += 1
                if failures > self.config.max_retries:
                    raise FranceTravailError(
                        f"token request to {self.config.token_url} failed after {failures} attempts: "
                        f"HTTP {response.status_code}"
                    )
                self._retry_wait(failures, f"HTTP {response.status_code} on the token request")
                continue
            break
        if response.status_code != 200:
            raise FranceTravailError(
                self._scrub(
                    f"token request to {self.config.token_url} refused (HTTP {response.status_code}) "
                    f"for client id {self.config.client_id!r}: {_error_message(response) or 'no message'}"
                )
            )
        try:
            body = response.json()
            token = str(body["access_token"])
            expires_in = float(body.get("expires_in") or 0)
        except (ValueError, KeyError, TypeError):
            raise FranceTravailError(
                f"token answer from {self.config.token_url} has no access_token"
            ) from None
        # Renew ahead of expiry; short-lived tokens (tests) keep half their life.
        margin = min(TOKEN_RENEWAL_MARGIN_SECONDS, expires_in / 2)
        self._token = token
        self._token_expires_at = self._clock() + expires_in - margin
        self._log.debug("new access token, valid %g s", expires_in)
        return token

    def _throttle(self) -> None:
        rate = self.config.max_calls_per_second
        if not rate:
            return
        with self._lock:
            interval = 1.0 / rate
            now = self._clock()
            if self._next_call_at is not None and now < self._next_call_at:
                self._sleep(self._next_call_at - now)
                self.stats["waited_seconds"] += self._next_call_at - now
                now = max(self._clock(), self._next_call_at)
            self._next_call_at = now + interval

    def _retry_wait(self, attempt: int, reason: str) -> None:
        self.stats["retries"] += 1
        base = self.config.backoff_base_seconds
        delay = min(MAX_BACKOFF_SECONDS, base * 2 ** (attempt - 1)) * (0.5 + self._random.random())
        self._wait(delay, f"{reason}, attempt {attempt}/{self.config.max_retries}")

    def _wait(self, delay: float, reason: str) -> None:
        self._log.warning("%s: waiting %.2f s", reason, delay)
        self.stats["waited_seconds"] += delay
        self._sleep(delay)

    def _describe(self, path: str, params: Mapping[str, str]) -> str:
        return f"GET {self.config.api_url}{path}?{urlencode(params)}"

    def _describe_slice(self, piece: _Slice) -> str:
        where = f"{piece.kind} {piece.code}" if piece.kind else "france"
        return f"{where} [{piece.start:{DATE_FORMAT}}, {piece.end:{DATE_FORMAT}})"

    def _scrub(self, text: str) -> str:
        """Remove the secret and the token from text that echoes a server answer."""
        for secret in (self.config.client_secret, self._token):
            if secret:
                text = text.replace(secret, "***")
        return text


def write_ndjson(offers: Iterable[dict], path: Path) -> int:
    """Stream offers to ``path``, one JSON object a line (UTF-8); return how many were written.

    The file is written under a temporary name and renamed at the end: a failed search leaves no
    half-written file behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    count = 0
    try:
        with partial.open("w", encoding="utf-8", newline="\n") as out:
            for offer in offers:
                out.write(json.dumps(offer, ensure_ascii=False, separators=(",", ":")))
                out.write("\n")
                count += 1
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return count


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _floor_second(value: datetime) -> datetime:
    return value.replace(microsecond=0)


def _ceil_second(value: datetime) -> datetime:
    return value if value.microsecond == 0 else value.replace(microsecond=0) + timedelta(seconds=1)


def _parse_creation(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return _as_utc(datetime.fromisoformat(value))
    except ValueError:
        return None


def _retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date (RFC 9110); None when
    absent or unreadable (``inf``, ``nan``, garbage), so that the caller falls back to its own backoff."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError, OverflowError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - now).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(0.0, seconds)


def _offer_id(offer: Any) -> str | None:
    """An offer's id as text, or None when it has none (such offers are never merged with one another)."""
    value = offer.get("id") if isinstance(offer, dict) else None
    if value is None or isinstance(value, (dict, list, bool)) or str(value).strip() == "":
        return None
    return str(value)


def _error_message(response: requests.Response) -> str:
    """The API's ``message`` (or OAuth2 ``error_description``/``error``), else a short body excerpt."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200].strip()
    if isinstance(body, dict):
        for key in ("message", "error_description", "error"):
            if body.get(key):
                return str(body[key])
    return json.dumps(body, ensure_ascii=False)[:200]
