"""The BPJS client against the fake BPJS server (started here, on loopback, random port)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time

import httpx
import pytest
from django.conf import settings as django_settings
from django.test import override_settings

from ejamkesda.bpjs import conf
from ejamkesda.bpjs.client import (
    BpjsAuthError,
    BpjsClient,
    BpjsNotConfigured,
    BpjsNotFound,
    BpjsUnavailable,
    CircuitBreaker,
)
from ejamkesda.bpjs.crypto import signature
from ejamkesda.bpjs.fake_server import FakeBpjsServer, FakeBpjsState, FakeParticipant

NIK = "6409014507900003"
CARD = "0001234567890"


@pytest.fixture
def server():
    state = FakeBpjsState(
        participants=[
            FakeParticipant(
                card_number=CARD,
                nik=NIK,
                name="SITI AMINAH",
                sex="P",
                segment_text="PBPU (Pemda)",
                care_class=3,
                provider_code="17040101",
            ),
            FakeParticipant(card_number="0009999999999", nik="6409010101800001", name="BUDI", active=False),
        ]
    )
    with FakeBpjsServer(state) as running:
        yield running


def settings_for(server, **overrides):
    base = conf.BpjsSettings(
        cons_id=server.state.cons_id,
        secret=server.state.secret,
        user_key_vclaim=server.state.user_key,
        user_key_pcare=server.state.user_key,
        vclaim_url=server.vclaim_url,
        pcare_url=server.pcare_url,
        pcare_username="u",
        pcare_password="p",
        pcare_app_code="095",
        timeout=2,
        retries=1,
        backoff=0.01,
        breaker_threshold=2,
        breaker_cooldown=60,
        cache_seconds=0,
    )
    return dataclasses.replace(base, **overrides)


def test_vclaim_by_nik_and_card(server):
    client = BpjsClient(settings_for(server))
    by_nik = client.vclaim_by_nik(NIK, dt.date(2025, 6, 1))
    assert by_nik.active and by_nik.card_number == CARD and by_nik.care_class == 3
    assert by_nik.provider_code == "17040101"
    by_card = client.vclaim_by_card(CARD, dt.date(2025, 6, 1))
    assert by_card.nik == NIK and by_card.name == "SITI AMINAH"
    assert client.vclaim_by_card("0009999999999", dt.date(2025, 6, 1)).active is False


def test_pcare_by_nik_and_card(server):
    client = BpjsClient(settings_for(server))
    p = client.pcare_by_nik(NIK)
    assert p.active and p.card_number == CARD and p.valid_to == dt.date(2099, 12, 31)
    assert client.pcare_by_card(CARD).nik == NIK


def test_not_found_codes(server):
    client = BpjsClient(settings_for(server))
    with pytest.raises(BpjsNotFound) as vclaim:
        client.vclaim_by_nik("6409010101010009", dt.date(2025, 1, 1))
    assert vclaim.value.code == "201"
    with pytest.raises(BpjsNotFound) as pcare:
        client.pcare_by_card("0000000000001")
    assert pcare.value.code == "204"


def test_wrong_secret_is_refused_by_signature_check(server):
    client = BpjsClient(settings_for(server, secret="salah"))
    with pytest.raises(BpjsAuthError) as err:
        client.vclaim_by_nik(NIK, dt.date(2025, 1, 1))
    assert "ditolak" in str(err.value)


def test_wrong_user_key_is_refused(server):
    with pytest.raises(BpjsAuthError):
        BpjsClient(settings_for(server, user_key_vclaim="x")).vclaim_by_nik(NIK, dt.date(2025, 1, 1))


def test_fake_server_checks_timestamp_window(server):
    old = str(int(time.time()) - 3600)
    headers = {
        "X-cons-id": server.state.cons_id,
        "X-timestamp": old,
        "user_key": server.state.user_key,
        "X-signature": signature(server.state.cons_id, server.state.secret, old),
    }
    body = httpx.get(f"{server.vclaim_url}/Peserta/nik/{NIK}/tglSEP/2025-01-01", headers=headers).json()
    assert body["metaData"]["code"] == "401"
    assert body["response"] is None


def test_headers_are_sent(server):
    client = BpjsClient(settings_for(server))
    headers = client.headers("pcare", "1700000000")
    assert set(headers) >= {"X-cons-id", "X-timestamp", "X-signature", "user_key", "X-authorization"}
    assert headers["X-signature"] == signature(server.state.cons_id, server.state.secret, "1700000000")


def test_retries_then_circuit_breaker_opens_and_fails_fast(server):
    server.state.fail_with_status = 503
    client = BpjsClient(settings_for(server, retries=1, breaker_threshold=2))
    for _ in range(2):
        with pytest.raises(BpjsUnavailable):
            client.vclaim_by_nik(NIK, dt.date(2025, 1, 1))
    assert server.state.requests == 4  # 2 calls × (1 try + 1 retry)
    started = time.monotonic()
    with pytest.raises(BpjsUnavailable) as err:
        client.vclaim_by_nik(NIK, dt.date(2025, 1, 1))
    assert "pemutus" in str(err.value)
    assert server.state.requests == 4  # no request while open
    assert time.monotonic() - started < 0.1


def test_breaker_half_opens_after_cooldown():
    breaker = CircuitBreaker(threshold=1, cooldown=0.05)
    breaker.failure()
    assert not breaker.allow()
    time.sleep(0.06)
    assert breaker.allow()
    breaker.success()
    assert breaker.failures == 0 and breaker.allow()


def test_timeout_counts_as_unavailable(server):
    server.state.delay_seconds = 0.5
    with pytest.raises(BpjsUnavailable):
        BpjsClient(settings_for(server, timeout=0.1, retries=0)).vclaim_by_nik(NIK, dt.date(2025, 1, 1))


def test_answers_are_cached_briefly(server, settings):
    client = BpjsClient(settings_for(server, cache_seconds=60))
    client.pcare_by_card(CARD)
    client.pcare_by_card(CARD)
    assert server.state.requests == 1


def test_not_configured():
    empty = conf.BpjsSettings("", "", "", "", "", "", "", "", "", 1, 0, 0, 1, 1, 0)
    assert not empty.configured
    with pytest.raises(BpjsNotConfigured):
        BpjsClient(empty).vclaim_by_nik(NIK, dt.date(2025, 1, 1))


def test_nik_never_logged(server, caplog):
    with caplog.at_level(logging.DEBUG):
        BpjsClient(settings_for(server)).vclaim_by_nik(NIK, dt.date(2025, 1, 1))
    assert NIK not in caplog.text


def test_settings_follow_django_settings():
    bridge = {**django_settings.BPJS, "cons_id": "1", "secret": "2", "vclaim_url": "http://127.0.0.1:1/vclaim"}
    with override_settings(BPJS={**bridge, "retries": 4}):
        loaded = conf.load()
    assert loaded.configured and loaded.retries == 4 and loaded.vclaim_url.endswith("/vclaim")
    assert not conf.load().configured
