"""The France Travail client against a real HTTP fake of the API on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
import pytest
import requests
from fake_francetravail import FakeFranceTravail, Scenario, make_offers

from orchestration.lib.francetravail_api import (
    ApiConfig,
    FranceTravailClient,
    FranceTravailError,
    write_ndjson,
)

DAY = datetime(2025, 3, 4, tzinfo=UTC)
NEXT_DAY = DAY + timedelta(days=1)


def config_for(fake: FakeFranceTravail, **overrides) -> ApiConfig:
    values = {
        "max_calls_per_second": None,
        "max_retries": 5,
        "timeout_seconds": 5.0,
        "backoff_base_seconds": 0.01,
    }
    values.update(overrides)
    return ApiConfig(fake.api_url, fake.token_url, fake.client_id, fake.client_secret, **values)


def ids(offers) -> list[str]:
    return [str(o["id"]) for o in offers]


class FakeClock:
    """A monotonic clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_pages_with_206_until_200():
    offers = make_offers(500, seed=1, departements=("44",))
    with FakeFranceTravail(offers) as fake:
        client = FranceTravailClient(config_for(fake))
        got = list(client.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))

    assert sorted(ids(got)) == sorted(ids(offers))
    assert [c["params"]["range"] for c in fake.calls] == ["0-149", "150-299", "300-449", "450-499"]
    assert [c["status"] for c in fake.calls] == [206, 206, 206, 200]
    first = fake.calls[0]["params"]
    assert first["departement"] == "44"
    assert first["minCreationDate"] == "2025-03-04T00:00:00Z"
    assert first["maxCreationDate"] == "2025-03-05T00:00:00Z"
    assert first["sort"] == "1"
    assert len(fake.token_requests) == 1  # one token for every call
    assert client.stats["offers"] == 500 and client.stats["calls"] == 4


def test_no_offer_is_204_and_nothing():
    offers = make_offers(50, seed=2)
    with FakeFranceTravail(offers) as fake:
        client = FranceTravailClient(config_for(fake))
        got = list(
            client.search_offers(region="52", min_creation=NEXT_DAY, max_creation=NEXT_DAY + timedelta(1))
        )
    assert got == []
    assert [c["status"] for c in fake.calls] == [204]


def test_bad_arguments_fail_before_any_call():
    client = FranceTravailClient(ApiConfig("http://127.0.0.1:9", "http://127.0.0.1:9/token", "id", "secret"))
    with pytest.raises(ValueError, match="empty creation window"):
        client.search_offers(region="52", min_creation=NEXT_DAY, max_creation=DAY)
    with pytest.raises(ValueError, match="not both"):
        client.search_offers(region="52", departement="44", min_creation=DAY, max_creation=NEXT_DAY)


def test_paris_partition_window_is_sent_in_utc():
    paris = ZoneInfo("Europe/Paris")
    with FakeFranceTravail(make_offers(20, seed=22)) as fake:
        client = FranceTravailClient(config_for(fake))
        start = datetime(2025, 3, 4, tzinfo=paris)
        list(client.search_offers(region="52", min_creation=start, max_creation=start + timedelta(days=1)))
    params = fake.calls[0]["params"]
    assert (params["minCreationDate"], params["maxCreationDate"]) == (
        "2025-03-03T23:00:00Z",
        "2025-03-04T23:00:00Z",
    )


def test_window_is_half_open_and_region_filters():
    inside = make_offers(30, seed=3)
    outside_region = make_offers(20, seed=4, departements=("35", "75"))
    at_end = make_offers(1, seed=5)
    at_end[0]["dateCreation"] = "2025-03-05T00:00:00.000Z"
    with FakeFranceTravail(inside + outside_region + at_end) as fake:
        client = FranceTravailClient(config_for(fake))
        got = list(client.search_offers(region="52", min_creation=DAY, max_creation=NEXT_DAY))
    assert sorted(ids(got)) == sorted(ids(inside))


def test_more_than_3150_in_one_day_is_split_by_departement_then_time():
    # 44 alone holds about 5,000 offers: it needs time halving after the département split
    region = make_offers(8000, seed=6, weights=(0.62, 0.2, 0.06, 0.06, 0.06))
    elsewhere = make_offers(500, seed=7, departements=("35",))
    with FakeFranceTravail(region + elsewhere) as fake:
        client = FranceTravailClient(config_for(fake))
        got = list(client.search_offers(region="52", min_creation=DAY, max_creation=NEXT_DAY))

    assert len(got) == len(set(ids(got))) == 8000  # each offer exactly once
    assert set(ids(got)) == set(ids(region))
    assert any(isinstance(o["id"], int) for o in got)  # partner offers with numeric ids came through
    assert client.stats["splits_departement"] == 1
    assert client.stats["splits_time"] >= 1
    assert all(c["status"] in (200, 206) for c in fake.calls)  # never a 400: ranges stayed legal
    narrowed = [c["params"] for c in fake.calls if c["params"].get("departement") == "44"]
    assert any(p["maxCreationDate"] != "2025-03-05T00:00:00Z" for p in narrowed)


def test_region_level_offers_make_the_split_fall_back_to_time():
    # Offers located "52 - Pays de la Loire" are in the région's results but in no département's
    region = make_offers(3300, seed=8)
    for offer in region[:200]:
        offer["lieuTravail"] = {"libelle": "52 - Pays de la Loire"}
    with FakeFranceTravail(region) as fake:
        client = FranceTravailClient(config_for(fake))
        got = list(client.search_offers(region="52", min_creation=DAY, max_creation=NEXT_DAY))
    assert sorted(ids(got)) == sorted(ids(region))
    assert client.stats["splits_departement"] == 0 and client.stats["splits_time"] >= 1


def test_429_waits_retry_after():
    offers = make_offers(300, seed=9, departements=("49",))
    with FakeFranceTravail(offers, Scenario(retry_after={2: 1})) as fake:
        client = FranceTravailClient(config_for(fake))
        began = time.monotonic()
        got = list(client.search_offers(departement="49", min_creation=DAY, max_creation=NEXT_DAY))
        elapsed = time.monotonic() - began
    assert len(got) == 300
    assert elapsed >= 1.0
    assert [c["status"] for c in fake.calls] == [206, 429, 200]
    assert client.stats["http_429"] == 1


def test_429_without_retry_after_backs_off():
    clock = FakeClock()
    offers = make_offers(300, seed=9, departements=("49",))
    with FakeFranceTravail(offers, Scenario(retry_after={1: None, 2: None})) as fake:
        client = FranceTravailClient(
            config_for(fake, backoff_base_seconds=1.0), clock=clock, sleep=clock.sleep
        )
        got = list(client.search_offers(departement="49", min_creation=DAY, max_creation=NEXT_DAY))
    assert len(got) == 300
    # exponential with jitter: attempt 1 in [0.5, 1.5), attempt 2 in [1, 3)
    assert 0.5 <= clock.sleeps[0] < 1.5 and 1.0 <= clock.sleeps[1] < 3.0


NOW = datetime(2025, 3, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("retry_after", "waited"),
    [
        ("86400", 7.0),  # a day asked: capped at max_retry_after_seconds
        ("2.5", 2.5),
        ("Tue, 04 Mar 2025 12:00:04 GMT", 4.0),  # the HTTP-date form, 4 s after "now"
        ("Tue, 04 Mar 2025 11:00:00 GMT", 0.0),  # a date past: no wait
        ("Sun, 31 Dec 9999 23:59:59 GMT", 7.0),
    ],
)
def test_retry_after_is_read_in_both_forms_and_capped(retry_after, waited):
    clock = FakeClock()
    offers = make_offers(300, seed=9, departements=("49",))
    with FakeFranceTravail(offers, Scenario(retry_after={2: retry_after})) as fake:
        client = FranceTravailClient(
            config_for(fake, max_retry_after_seconds=7.0), clock=clock, sleep=clock.sleep, now=lambda: NOW
        )
        got = list(client.search_offers(departement="49", min_creation=DAY, max_creation=NEXT_DAY))
    assert len(got) == 300
    assert clock.sleeps == [pytest.approx(waited)]


@pytest.mark.parametrize("retry_after", ["inf", "-inf", "nan", "1e999", "soon", "", "Mon, 99 Foo 2025"])
def test_an_unreadable_retry_after_falls_back_to_backoff(retry_after):
    clock = FakeClock()
    offers = make_offers(300, seed=9, departements=("49",))
    with FakeFranceTravail(offers, Scenario(retry_after={2: retry_after})) as fake:
        client = FranceTravailClient(
            config_for(fake, backoff_base_seconds=1.0, max_retry_after_seconds=7.0),
            clock=clock,
            sleep=clock.sleep,
            now=lambda: NOW,
        )
        got = list(client.search_offers(departement="49", min_creation=DAY, max_creation=NEXT_DAY))
    assert len(got) == 300
    assert len(clock.sleeps) == 1 and 0.5 <= clock.sleeps[0] < 1.5  # attempt 1 of the backoff


@pytest.mark.parametrize("empty_call", [1, 2, 3])
def test_an_empty_page_while_more_are_announced_is_an_error(empty_call):
    offers = make_offers(400, seed=21, departements=("44",))
    with FakeFranceTravail(offers, Scenario(empty_page_calls={empty_call})) as fake:
        client = FranceTravailClient(config_for(fake))
        with pytest.raises(FranceTravailError, match=r"empty page .* announces 400 offers"):
            list(client.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))


def test_short_pages_are_followed_from_where_they_stop():
    offers = make_offers(400, seed=22, departements=("44",))
    with FakeFranceTravail(offers, Scenario(short_page_calls={1: 100, 2: 7, 3: 150})) as fake:
        client = FranceTravailClient(config_for(fake))
        got = list(client.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))
    assert sorted(ids(got)) == sorted(ids(offers))
    assert [c["params"]["range"] for c in fake.calls] == ["0-149", "100-249", "107-256", "257-399"]


def test_offers_without_id_are_returned_apart_and_never_merged(caplog):
    offers = make_offers(5, seed=23, departements=("44",))
    for offer in offers[:3]:
        del offer["id"]
    log = logging.getLogger("test.francetravail")
    with caplog.at_level(logging.WARNING, logger="test.francetravail"), FakeFranceTravail(offers) as fake:
        client = FranceTravailClient(config_for(fake), log=log)
        got = list(client.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))
    assert len(got) == 5 and sum("id" not in o for o in got) == 3  # for the loader to quarantine
    assert (client.stats["read"], client.stats["without_id"], client.stats["duplicates"]) == (5, 3, 0)
    assert any(
        "3 offers without id" in r.getMessage() for r in caplog.records if r.name == "test.francetravail"
    )


def test_503_bursts_are_retried():
    offers = make_offers(400, seed=10, departements=("72",))
    with FakeFranceTravail(offers, Scenario(unavailable_calls={1, 2, 3, 5, 6})) as fake:
        client = FranceTravailClient(config_for(fake))
        got = list(client.search_offers(departement="72", min_creation=DAY, max_creation=NEXT_DAY))
    assert sorted(ids(got)) == sorted(ids(offers))
    assert client.stats["retries"] == 5


def test_expired_token_is_renewed_once():
    offers = make_offers(400, seed=11, departements=("85",))
    with FakeFranceTravail(offers, Scenario(expired_token_calls={2})) as fake:
        client = FranceTravailClient(config_for(fake))
        got = list(client.search_offers(departement="85", min_creation=DAY, max_creation=NEXT_DAY))
    assert len(got) == 400
    assert len(fake.token_requests) == 2
    assert fake.calls[1]["status"] == 401 and fake.calls[2]["token"] != fake.calls[1]["token"]
    assert fake.token_requests[0]["scope"] == "api_offresdemploiv2 o2dsoffre"


def test_token_refused_twice_is_an_error():
    with FakeFranceTravail(make_offers(10, seed=21), Scenario(expired_token_calls={1, 2})) as fake:
        client = FranceTravailClient(config_for(fake))
        with pytest.raises(FranceTravailError, match=r"HTTP 401 for GET .*region=52"):
            list(client.search_offers(region="52", min_creation=DAY, max_creation=NEXT_DAY))
    assert len(fake.token_requests) == 2  # renewed once, not in a loop


def test_unreachable_server_is_an_error_after_retries():
    fake = FakeFranceTravail([])
    config = config_for(fake, max_retries=2)  # once stopped, nothing listens on its port
    fake.start()
    fake.stop()
    client = FranceTravailClient(config)
    with pytest.raises(
        FranceTravailError, match=r"token request .* failed after 3 attempts: ConnectionError"
    ):
        list(client.search_offers(region="52", min_creation=DAY, max_creation=NEXT_DAY))
    assert client.stats["retries"] == 2


def test_token_renewed_before_it_expires():
    clock = FakeClock()
    offers = make_offers(100, seed=12, departements=("53",))
    with FakeFranceTravail(offers) as fake:
        client = FranceTravailClient(config_for(fake), clock=clock, sleep=clock.sleep)
        list(client.search_offers(departement="53", min_creation=DAY, max_creation=NEXT_DAY))
        clock.now += 1499 - 59  # inside the renewal margin of 60 s
        list(client.search_offers(departement="53", min_creation=DAY, max_creation=NEXT_DAY))
    assert len(fake.token_requests) == 2
    assert all(c["status"] == 200 for c in fake.calls)  # renewed ahead, never refused


def test_slow_response_times_out_and_is_retried():
    offers = make_offers(200, seed=13, departements=("44",))
    with FakeFranceTravail(offers, Scenario(slow_calls={1: 1.5})) as fake:
        client = FranceTravailClient(config_for(fake, timeout_seconds=0.3))
        began = time.monotonic()
        got = list(client.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))
        elapsed = time.monotonic() - began
    assert len(got) == 200
    assert client.stats["retries"] == 1
    assert elapsed < 1.4  # did not wait for the slow answer


def test_retries_run_out_with_an_error_naming_the_query(caplog):
    offers = make_offers(10, seed=14)
    caplog.set_level(logging.DEBUG)
    with FakeFranceTravail(offers, Scenario(always_unavailable=True)) as fake:
        client = FranceTravailClient(config_for(fake, max_retries=2))
        with pytest.raises(FranceTravailError) as failure:
            list(client.search_offers(region="52", min_creation=DAY, max_creation=NEXT_DAY))
        tokens = fake.issued_tokens
    message = str(failure.value)
    assert "/offres/search" in message and "region=52" in message
    assert "minCreationDate=2025-03-04T00%3A00%3A00Z" in message
    assert "after 3 attempts: HTTP 503" in message
    assert fake.client_secret not in message
    assert tokens and all(token not in message and token not in caplog.text for token in tokens)
    assert len(fake.calls) == 3


def test_400_message_is_reported_as_is():
    offers = make_offers(10, seed=15)
    api_message = "Le paramètre departement contient une valeur inconnue : 99."
    with FakeFranceTravail(offers, Scenario(bad_request_calls={1: api_message})) as fake:
        client = FranceTravailClient(config_for(fake))
        with pytest.raises(FranceTravailError) as failure:
            list(client.search_offers(departement="99", min_creation=DAY, max_creation=NEXT_DAY))
    assert str(failure.value).startswith(api_message)
    assert "departement=99" in str(failure.value)
    assert client.stats["retries"] == 0


def test_fake_refuses_illegal_ranges_and_dates():
    with FakeFranceTravail(make_offers(10, seed=16)) as fake:
        headers = {"Authorization": f"Bearer {fake.fetch_token()}"}
        url = fake.api_url + "/offres/search"
        dates = {"minCreationDate": "2025-03-04T00:00:00Z", "maxCreationDate": "2025-03-05T00:00:00Z"}
        for bad in ({"range": "3001-3100"}, {"range": "3000-3150"}, {"range": "0-150"}):
            answer = requests.get(url, params={**dates, **bad}, headers=headers, timeout=5)
            assert answer.status_code == 400 and answer.json()["message"]
        answer = requests.get(
            url, params={**dates, "minCreationDate": "04/03/2025"}, headers=headers, timeout=5
        )
        assert answer.status_code == 400
        assert requests.get(url, params=dates, timeout=5).status_code == 401
        answer = requests.get(url, params=dates, headers=headers, timeout=5)
        assert answer.status_code == 200 and answer.headers["Content-Range"] == "offres 0-9/10"


def test_rate_limit_real_time():
    offers = make_offers(3000, seed=17, departements=("44",))  # 20 pages
    with FakeFranceTravail(offers) as fake:
        client = FranceTravailClient(config_for(fake, max_calls_per_second=10))
        began = time.monotonic()
        got = list(client.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))
        elapsed = time.monotonic() - began
    assert len(got) == 3000 and len(fake.calls) == 20
    assert elapsed >= 1.85


def test_rate_limit_injected_clock():
    clock = FakeClock()
    offers = make_offers(3000, seed=17, departements=("44",))
    with FakeFranceTravail(offers) as fake:
        client = FranceTravailClient(config_for(fake, max_calls_per_second=4), clock=clock, sleep=clock.sleep)
        list(client.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))
    assert len(fake.calls) == 20
    assert clock.now - 1000.0 == pytest.approx(19 * 0.25)


def test_secrets_never_in_logs_reprs_or_errors(caplog):
    caplog.set_level(logging.DEBUG)
    offers = make_offers(400, seed=18, departements=("44",))
    scenario = Scenario(retry_after={1: 0}, unavailable_calls={2}, expired_token_calls={3})
    with FakeFranceTravail(offers, scenario) as fake:
        config = config_for(fake)
        client = FranceTravailClient(config)
        list(client.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))
        wrong = FranceTravailClient(ApiConfig(fake.api_url, fake.token_url, "x", "wr0ng-s3cret"))
        with pytest.raises(FranceTravailError) as refused:
            list(wrong.search_offers(departement="44", min_creation=DAY, max_creation=NEXT_DAY))
        tokens = fake.issued_tokens
    assert len(tokens) == 2
    texts = [
        caplog.text,
        repr(config),
        repr(client),
        str(refused.value),
        repr(refused.value),
        str(client.stats),
    ]
    for text in texts:
        for secret in [fake.client_secret, "wr0ng-s3cret", *tokens]:
            assert secret not in text
    assert "refused (HTTP 401)" in str(refused.value)


def test_write_ndjson_is_readable_by_duckdb(tmp_path):
    offers = make_offers(300, seed=19, partner_share=0.3)
    with FakeFranceTravail(offers) as fake:
        client = FranceTravailClient(config_for(fake))
        target = tmp_path / "offres" / "2025-03-04.ndjson"
        count = write_ndjson(
            client.search_offers(region="52", min_creation=DAY, max_creation=NEXT_DAY), target
        )
    assert count == 300
    lines = target.read_text(encoding="utf-8").splitlines()
    assert sorted(str(json.loads(line)["id"]) for line in lines) == sorted(ids(offers))
    assert not list(target.parent.glob("*.partial"))
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        # mixed string/number ids are inferred as JSON: read them as text (id::varchar would keep quotes)
        loaded = con.execute(
            "select id from read_json(?, format='newline_delimited', columns={'id': 'varchar'})",
            [str(target)],
        ).fetchall()
    assert sorted(row[0] for row in loaded) == sorted(ids(offers))


def test_throughput_20000_offers():
    offers = make_offers(20_000, seed=20)
    with FakeFranceTravail(offers) as fake:
        client = FranceTravailClient(config_for(fake))
        began = time.perf_counter()
        count = sum(1 for _ in client.search_offers(region="52", min_creation=DAY, max_creation=NEXT_DAY))
        seconds = time.perf_counter() - began
    rate = count / seconds
    calls = client.stats["calls"]
    print(f"\nthroughput: {count} offers in {seconds:.2f} s = {rate:,.0f} offers/s, {calls} calls")
    assert count == 20_000
    assert rate >= 2000
