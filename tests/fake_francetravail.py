"""A fake France Travail "Offres d'emploi v2" API on 127.0.0.1, for tests and local runs.

It follows the real protocol: OAuth2 client credentials on the token endpoint, ``GET /offres/search``
filtered by creation window and région/département, sorted by creation date (``sort=1``), paged by
``range=p-d`` (150 results a call, p ≤ 3000, d ≤ 3149), HTTP 206/200/204 with ``Content-Range``, and 400
``{"message": ...}`` for a bad range or date. Faults are scripted by call number through ``Scenario``.

    with FakeFranceTravail(offers=make_offers(500, seed=1, start=..., end=...)) as fake:
        config = ApiConfig(fake.api_url, fake.token_url, fake.client_id, fake.client_secret)
        offers = list(FranceTravailClient(config).search_offers(region="52", min_creation=..., ...))

Standalone: ``python tests/fake_francetravail.py --offers 5000 --port 8765`` serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import json
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests

from tools.offers import PAYS_DE_LA_LOIRE, synthetic_offers

API_PATH = "/partenaire/offresdemploi/v2"
TOKEN_PATH = "/connexion/oauth2/access_token"
REGION_DEPARTEMENTS = {"52": list(PAYS_DE_LA_LOIRE), "53": ["22", "29", "35", "56"]}
REGION_NAMES = {"52": "Pays de la Loire", "53": "Bretagne"}
PAGE_SIZE = 150
MAX_RANGE_START = 3000
MAX_RANGE_END = 3149


@dataclass
class Scenario:
    """Scripted behaviour; call numbers count ``/offres/search`` requests from 1, faults included."""

    client_id: str = "fake-client-id"
    client_secret: str = "fake-client-secret-s3cr3t"
    expires_in: int = 1499
    # call → 429 with that Retry-After (seconds, an HTTP date, or anything a server may send)
    retry_after: dict[int, int | str | None] = field(default_factory=dict)
    unavailable_calls: set[int] = field(default_factory=set)  # call → 503
    always_unavailable: bool = False  # every search answers 503
    expired_token_calls: set[int] = field(default_factory=set)  # call → 401, the token is revoked
    slow_calls: dict[int, float] = field(default_factory=dict)  # call → seconds before answering
    bad_request_calls: dict[int, str] = field(default_factory=dict)  # call → 400 with that message
    empty_page_calls: set[int] = field(default_factory=set)  # call → its status, no offer, the full total
    short_page_calls: dict[int, int] = field(default_factory=dict)  # call → at most that many offers


@dataclass
class _Offer:
    created: datetime
    departement: str | None
    region_only: str | None
    key: str
    type_contrat: str | None
    body: bytes  # pre-encoded: the fake must not be the bottleneck of throughput tests


def _departement_of(offer: dict) -> str | None:
    lieu = offer.get("lieuTravail") or {}
    commune = str(lieu.get("commune") or "")
    if len(commune) == 5:
        return commune[:3] if commune.startswith("97") else commune[:2]
    code_postal = str(lieu.get("codePostal") or "")
    if len(code_postal) == 5:
        return code_postal[:3] if code_postal.startswith("97") else code_postal[:2]
    libelle = str(lieu.get("libelle") or "")
    head = libelle.split(" - ", 1)[0].strip()
    if " - " in libelle and head.isalnum() and len(head) in (2, 3):
        return head
    return None


def _parse_api_date(value: str) -> datetime:
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


class FakeFranceTravail:
    def __init__(
        self,
        offers: list[dict] | None = None,
        scenario: Scenario | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        region_departements: dict[str, list[str]] | None = None,
    ) -> None:
        self.scenario = scenario or Scenario()
        self.region_departements = region_departements or REGION_DEPARTEMENTS
        self.calls: list[dict[str, Any]] = []
        self.token_requests: list[dict[str, str]] = []
        self._tokens: dict[str, float] = {}  # live token → expiry (monotonic)
        self._issued: list[str] = []  # every token ever issued, revoked ones included
        self._lock = threading.Lock()
        self._cache: dict[tuple, list[_Offer]] = {}
        self._offers = self._index(offers or [])
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    # --------------------------------------------------------------- lifecycle

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def api_url(self) -> str:
        return self.base_url + API_PATH

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH + "?realm=/partenaire"

    @property
    def client_id(self) -> str:
        return self.scenario.client_id

    @property
    def client_secret(self) -> str:
        return self.scenario.client_secret

    @property
    def issued_tokens(self) -> list[str]:
        """Every token issued so far, so tests can check none leaked."""
        with self._lock:
            return list(self._issued)

    def fetch_token(self, scope: str = "api_offresdemploiv2 o2dsoffre") -> str:
        """A bearer token asked over HTTP as a bare client would: for raw protocol calls and baselines."""
        answer = requests.post(
            self.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "scope": scope,
            },
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()["access_token"]

    def start(self) -> FakeFranceTravail:
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-francetravail",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeFranceTravail:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --------------------------------------------------------------- data

    def _index(self, offers: list[dict]) -> list[_Offer]:
        indexed = []
        for offer in offers:
            lieu = offer.get("lieuTravail") or {}
            head, _, name = str(lieu.get("libelle") or "").partition(" - ")
            departement, region_only = _departement_of(offer), None
            if not lieu.get("commune") and REGION_NAMES.get(head.strip()) == name.strip():
                # "52 - Pays de la Loire": located at the région level, in no département's results
                departement, region_only = None, head.strip()
            indexed.append(
                _Offer(
                    created=datetime.fromisoformat(offer["dateCreation"]).astimezone(UTC),
                    departement=departement,
                    region_only=region_only,
                    key=str(offer.get("id")),
                    type_contrat=offer.get("typeContrat"),
                    body=json.dumps(offer, ensure_ascii=False).encode("utf-8"),
                )
            )
        # sort=1: most recent first; ties by id so paging is stable
        indexed.sort(key=lambda o: o.key)
        indexed.sort(key=lambda o: o.created, reverse=True)
        return indexed

    def _select(
        self, region: str | None, departement: str | None, start: datetime, end: datetime
    ) -> list[_Offer]:
        key = (region, departement, start, end)
        with self._lock:
            cached = self._cache.get(key)
        if cached is not None:
            return cached
        if departement:
            wanted = set(departement.split(","))
        elif region:
            wanted = set(self.region_departements.get(region, []))
        else:
            wanted = None
        selected = [
            o
            for o in self._offers
            if start <= o.created < end
            and (
                wanted is None or o.departement in wanted or (region is not None and o.region_only == region)
            )
        ]
        with self._lock:
            self._cache[key] = selected
        return selected

    # --------------------------------------------------------------- endpoints

    def issue_token(self, form: dict[str, str]) -> tuple[int, dict]:
        with self._lock:
            self.token_requests.append({k: v for k, v in form.items() if k != "client_secret"})
        if form.get("grant_type") != "client_credentials":
            return 400, {
                "error": "unsupported_grant_type",
                "error_description": "grant_type must be client_credentials",
            }
        if (
            form.get("client_id") != self.scenario.client_id
            or form.get("client_secret") != self.scenario.client_secret
        ):
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}
        if "api_offresdemploiv2" not in form.get("scope", "").split():
            return 400, {"error": "invalid_scope", "error_description": "Scope api_offresdemploiv2 required"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.scenario.expires_in
            self._issued.append(token)
        return 200, {
            "scope": form["scope"],
            "expires_in": self.scenario.expires_in,
            "token_type": "Bearer",
            "access_token": token,
        }

    def search(self, params: dict[str, str], authorization: str) -> tuple[int, dict[str, str], bytes, float]:
        """(status, headers, body, delay) for one search call; records the call."""
        scenario = self.scenario
        token = authorization.removeprefix("Bearer ").strip() if authorization.startswith("Bearer ") else ""
        with self._lock:
            number = len(self.calls) + 1
            call: dict[str, Any] = {"n": number, "params": dict(params), "token": token, "status": None}
            self.calls.append(call)
            expiry = self._tokens.get(token)
            if number in scenario.expired_token_calls and expiry is not None:
                self._tokens.pop(token)  # revoked: the client must ask for a new one
                expiry = 0.0
        delay = scenario.slow_calls.get(number, 0.0)

        def answer(status: int, body: Any = None, headers: dict[str, str] | None = None) -> tuple:
            call["status"] = status
            data = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
            return status, headers or {}, data, delay

        if expiry is None or expiry <= time.monotonic():
            return answer(401, {"message": "Token invalide ou expiré"})
        if number in scenario.retry_after:
            seconds = scenario.retry_after[number]
            headers = {} if seconds is None else {"Retry-After": str(seconds)}
            return answer(429, {"message": "Limite de requêtes atteinte"}, headers)
        if scenario.always_unavailable or number in scenario.unavailable_calls:
            return answer(503, {"message": "Service indisponible"})
        if number in scenario.bad_request_calls:
            return answer(400, {"message": scenario.bad_request_calls[number]})

        try:
            start = _parse_api_date(params["minCreationDate"]) if "minCreationDate" in params else None
            end = _parse_api_date(params["maxCreationDate"]) if "maxCreationDate" in params else None
        except ValueError:
            return answer(
                400, {"message": "Le format de date est invalide (attendu : yyyy-MM-dd'T'hh:mm:ss'Z')."}
            )
        if (start is None) != (end is None):
            message = "Les dates minCreationDate et maxCreationDate doivent être renseignées ensemble."
            return answer(400, {"message": message})
        first, last = 0, PAGE_SIZE - 1
        if "range" in params:
            try:
                first_text, last_text = params["range"].split("-")
                first, last = int(first_text), int(last_text)
            except ValueError:
                return answer(400, {"message": "Le paramètre range est invalide."})
        if first > MAX_RANGE_START:
            return answer(
                400, {"message": f"La position de début doit être inférieure ou égale à {MAX_RANGE_START}."}
            )
        if last > MAX_RANGE_END:
            return answer(
                400, {"message": f"La position de fin doit être inférieure ou égale à {MAX_RANGE_END}."}
            )
        if last < first or last - first >= PAGE_SIZE:
            return answer(400, {"message": "La plage de résultats demandée est trop importante ou invalide."})

        start = start or datetime(1970, 1, 1, tzinfo=UTC)
        end = end or datetime(9999, 1, 1, tzinfo=UTC)
        selected = self._select(params.get("region"), params.get("departement"), start, end)
        total = len(selected)
        page = selected[first : last + 1][: scenario.short_page_calls.get(number, PAGE_SIZE)]
        if not page:
            call["status"] = 204
            return 204, {}, b"", delay
        end_position = first + len(page) - 1
        status = 206 if end_position < total - 1 else 200
        if number in scenario.empty_page_calls:  # a faulty answer: a page without its offers
            page = []
        call["status"] = status
        types = Counter(o.type_contrat for o in page)
        filtres = [
            {
                "filtre": "typeContrat",
                "agregation": [{"valeurPossible": k, "nbResultats": v} for k, v in types.items() if k],
            }
        ]
        body = (
            b'{"resultats":['
            + b",".join(o.body for o in page)
            + b'],"filtresPossibles":'
            + json.dumps(filtres).encode()
            + b"}"
        )
        headers = {"Content-Range": f"offres {first}-{end_position}/{total}", "Accept-Range": "offres 150"}
        return status, headers, body, delay


def _handler_for(fake: FakeFranceTravail) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the real API

        def log_message(self, format: str, *args: Any) -> None:  # quiet in tests
            pass

        def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
            try:
                self.send_response(status)
                if body:
                    self.send_header("Content-Type", "application/json;charset=UTF-8")
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True  # the client gave up (timeout)

        def do_POST(self) -> None:
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8")
            if url.path != TOKEN_PATH:
                self._send(404, {}, b'{"message":"not found"}')
                return
            form = {k: v[0] for k, v in parse_qs(raw).items()}
            status, body = fake.issue_token(form)
            self._send(status, {}, json.dumps(body).encode())

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path != API_PATH + "/offres/search":
                self._send(404, {}, b'{"message":"not found"}')
                return
            params = {k: v[0] for k, v in parse_qs(url.query).items()}
            status, headers, body, delay = fake.search(params, self.headers.get("Authorization", ""))
            if delay:
                time.sleep(delay)
            self._send(status, headers, body)

    return Handler


# ------------------------------------------------------------------ synthetic offers


def make_offers(
    n: int,
    seed: int = 0,
    start: datetime = datetime(2025, 3, 4, tzinfo=UTC),
    end: datetime = datetime(2025, 3, 5, tzinfo=UTC),
    departements: tuple[str, ...] = PAYS_DE_LA_LOIRE,
    weights: tuple[float, ...] | None = None,
    partner_share: float = 0.1,
) -> list[dict]:
    """``n`` synthetic offers in the API's shape, created uniformly in [start, end), in creation order.

    Ids are unique for a given seed: real-looking ``"144AB3C"`` strings, and JSON numbers for partner
    offers (``origineOffre.origine`` "2"), which are sparse (no coordinates, no commune, empty objects).
    Offers from different seeds (below 900) have different ids, so tests can merge them.
    """
    return list(
        synthetic_offers(
            n,
            start,
            end,
            seed=seed,
            prefix=f"{100 + seed % 900}",
            departements=departements,
            weights=weights,
            partner_share=partner_share,
            description_length=(80, 400),  # short: throughput tests serve tens of thousands
        )
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--day", default="2025-03-04", help="creation day of the offers (UTC)")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    day = datetime.fromisoformat(args.day).replace(tzinfo=UTC)
    fake = FakeFranceTravail(
        make_offers(args.offers, seed=args.seed, start=day, end=day + timedelta(days=1)), port=args.port
    )
    with fake:
        print(f"FRANCETRAVAIL_API_URL={fake.api_url}")
        print(f"FRANCETRAVAIL_TOKEN_URL={fake.token_url}")
        print(f"FRANCETRAVAIL_CLIENT_ID={fake.client_id}")
        print(f"FRANCETRAVAIL_CLIENT_SECRET={fake.client_secret}")
        print(f"{args.offers} offers created on {args.day}; Ctrl-C to stop", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
