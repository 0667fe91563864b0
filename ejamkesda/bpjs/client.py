"""Client for BPJS Kesehatan VClaim and PCare participant look-ups.

* Headers X-cons-id, X-timestamp, X-signature, user_key (and X-authorization for PCare).
* Timeouts, retries with exponential backoff on network errors and 5xx answers.
* A circuit breaker per process: after ``BPJS_BREAKER_FAILURES`` failures in a row the
  bridge answers "unavailable" at once for ``BPJS_BREAKER_COOLDOWN_SECONDS``, so a BPJS
  outage never blocks local work (eligibility then answers from local data).
* Answers cached briefly (``BPJS_CACHE_SECONDS``); the cache key is a hash, never the NIK.
* The NIK is part of BPJS's own URL scheme; httpx's request log is silenced below WARNING
  so that URL never reaches a log line (docs/arsitektur.md).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.core.cache import cache

from ejamkesda.bpjs import conf
from ejamkesda.bpjs.crypto import decrypt_response, signature

logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)


class BpjsError(Exception):
    """A BPJS answer that is not a participant: ``code`` is BPJS's metaData code."""

    def __init__(self, message: str, *, code: str = "") -> None:
        self.code = code
        super().__init__(message)


class BpjsNotConfigured(BpjsError):
    pass


class BpjsNotFound(BpjsError):
    pass


class BpjsAuthError(BpjsError):
    pass


class BpjsUnavailable(BpjsError):
    pass


# metaData codes → a clear message (VClaim and PCare use the same small set for look-ups).
META_MESSAGES = {
    "201": "Peserta tidak ditemukan di BPJS Kesehatan.",
    "204": "Peserta tidak ditemukan di BPJS Kesehatan.",
    "400": "Permintaan ke BPJS tidak valid.",
    "401": "Kredensial BPJS ditolak (cons-id, secret, atau user_key salah, atau jam server tidak sinkron).",
    "403": "Akses ke layanan BPJS ini tidak diizinkan untuk cons-id ini.",
    "412": "Parameter tidak lengkap atau salah menurut BPJS.",
    "500": "Layanan BPJS sedang bermasalah.",
}


@dataclass
class BpjsParticipant:
    """The few fields e-Jamkesda needs from a BPJS participant record."""

    card_number: str
    nik: str
    name: str
    active: bool
    status_text: str
    segment_text: str
    care_class: int | None
    provider_code: str = ""
    provider_name: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    raw: dict[str, Any] = field(default_factory=dict, repr=False)


@dataclass
class CircuitBreaker:
    threshold: int
    cooldown: float
    failures: int = 0
    opened_at: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self) -> bool:
        with self.lock:
            # Closed, or half-open after the cool-down: a call may probe.
            return self.opened_at is None or time.monotonic() - self.opened_at >= self.cooldown

    def success(self) -> None:
        with self.lock:
            self.failures, self.opened_at = 0, None

    def failure(self) -> None:
        with self.lock:
            self.failures += 1
            if self.failures >= self.threshold:
                self.opened_at = time.monotonic()

    @property
    def open(self) -> bool:
        return not self.allow()


_breakers: dict[str, CircuitBreaker] = {}
_breakers_lock = threading.Lock()


def breaker_for(service: str, settings: conf.BpjsSettings) -> CircuitBreaker:
    with _breakers_lock:
        breaker = _breakers.get(service)
        if breaker is None:
            breaker = _breakers[service] = CircuitBreaker(settings.breaker_threshold, settings.breaker_cooldown)
        return breaker


def breakers_reset() -> None:
    with _breakers_lock:
        _breakers.clear()


def _parse_date(value: Any) -> dt.date | None:
    if not value:
        return None
    text = str(value)
    for fmt in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _class(value: Any) -> int | None:
    digits = "".join(ch for ch in str(value or "") if ch.isdigit())
    return int(digits) if digits and 1 <= int(digits) <= 3 else None


def participant_from_vclaim(data: dict[str, Any]) -> BpjsParticipant:
    p = data.get("peserta") or {}
    status = p.get("statusPeserta") or {}
    return BpjsParticipant(
        card_number=str(p.get("noKartu", "")),
        nik=str(p.get("nik", "")),
        name=str(p.get("nama", "")),
        active=str(status.get("kode", "")) == "0",
        status_text=str(status.get("keterangan", "")),
        segment_text=str((p.get("jenisPeserta") or {}).get("keterangan", "")),
        care_class=_class((p.get("hakKelas") or {}).get("kode")),
        provider_code=str((p.get("provUmum") or {}).get("kdProvider", "")),
        provider_name=str((p.get("provUmum") or {}).get("nmProvider", "")),
        valid_from=_parse_date(p.get("tglTMT")),
        valid_to=_parse_date(p.get("tglTAT")),
        raw=p,
    )


def participant_from_pcare(data: dict[str, Any]) -> BpjsParticipant:
    return BpjsParticipant(
        card_number=str(data.get("noKartu", "")),
        nik=str(data.get("noKTP", "")),
        name=str(data.get("nama", "")),
        active=bool(data.get("aktif")),
        status_text=str(data.get("ketAktif", "")),
        segment_text=str((data.get("jnsPeserta") or {}).get("nama", "")),
        care_class=_class((data.get("jnsKelas") or {}).get("kode")),
        provider_code=str((data.get("kdProviderPst") or {}).get("kdProvider", "")),
        provider_name=str((data.get("kdProviderPst") or {}).get("nmProvider", "")),
        valid_from=_parse_date(data.get("tglMulaiAktif")),
        valid_to=_parse_date(data.get("tglAkhirBerlaku")),
        raw=data,
    )


class BpjsClient:
    def __init__(self, settings: conf.BpjsSettings | None = None, *, transport: httpx.BaseTransport | None = None):
        self.settings = settings or conf.load()
        self._transport = transport

    # --- public look-ups ---------------------------------------------------------------
    def vclaim_by_nik(self, nik: str, on: dt.date) -> BpjsParticipant:
        return self._lookup("vclaim", f"/Peserta/nik/{nik}/tglSEP/{on:%Y-%m-%d}", participant_from_vclaim)

    def vclaim_by_card(self, card_number: str, on: dt.date) -> BpjsParticipant:
        return self._lookup("vclaim", f"/Peserta/nokartu/{card_number}/tglSEP/{on:%Y-%m-%d}", participant_from_vclaim)

    def pcare_by_nik(self, nik: str) -> BpjsParticipant:
        return self._lookup("pcare", f"/peserta/nik/{nik}", participant_from_pcare)

    def pcare_by_card(self, card_number: str) -> BpjsParticipant:
        return self._lookup("pcare", f"/peserta/{card_number}", participant_from_pcare)

    # --- machinery ---------------------------------------------------------------------
    def headers(self, service: str, timestamp: str) -> dict[str, str]:
        s = self.settings
        headers = {
            "X-cons-id": s.cons_id,
            "X-timestamp": timestamp,
            "X-signature": signature(s.cons_id, s.secret, timestamp),
            "user_key": s.user_key_pcare if service == "pcare" else s.user_key_vclaim,
            "Accept": "application/json",
        }
        if service == "pcare" and s.pcare_username:
            credentials = f"{s.pcare_username}:{s.pcare_password}:{s.pcare_app_code}"
            headers["X-authorization"] = "Basic " + base64.b64encode(credentials.encode()).decode()
        return headers

    def _base(self, service: str) -> str:
        return self.settings.pcare_url if service == "pcare" else self.settings.vclaim_url

    def _lookup(self, service: str, path: str, parse: Any) -> BpjsParticipant:
        s = self.settings
        if not s.configured or not self._base(service):
            raise BpjsNotConfigured("Jembatan BPJS belum dikonfigurasi.")
        cache_key = "bpjs:" + hashlib.sha256(f"{service}{path}{s.cons_id}".encode()).hexdigest()
        cached = cache.get(cache_key)
        if cached is not None:
            return parse(cached)
        breaker = breaker_for(service, s)
        if not breaker.allow():
            raise BpjsUnavailable("BPJS tidak dapat dihubungi (pemutus sirkuit terbuka); coba lagi nanti.", code="503")
        try:
            data = self._request(service, path)
        except BpjsUnavailable:
            breaker.failure()
            raise
        breaker.success()
        cache.set(cache_key, data, s.cache_seconds)
        return parse(data)

    def _request(self, service: str, path: str) -> dict[str, Any]:
        s = self.settings
        url = self._base(service) + path
        last_error = ""
        for attempt in range(s.retries + 1):
            if attempt:
                time.sleep(s.backoff * (2 ** (attempt - 1)))
            timestamp = str(int(time.time()))
            try:
                with httpx.Client(timeout=s.timeout, transport=self._transport) as http:
                    response = http.get(url, headers=self.headers(service, timestamp))
            except httpx.HTTPError as exc:
                last_error = type(exc).__name__
                continue
            if response.status_code >= 500:
                last_error = f"HTTP {response.status_code}"
                continue
            return self._unwrap(response, timestamp)
        raise BpjsUnavailable(f"BPJS tidak dapat dihubungi ({last_error}).", code="503")

    def _unwrap(self, response: httpx.Response, timestamp: str) -> dict[str, Any]:
        try:
            body = response.json()
        except ValueError:
            raise BpjsUnavailable(f"Jawaban BPJS bukan JSON (HTTP {response.status_code}).") from None
        meta = body.get("metaData") or body.get("metadata") or {}
        code = str(meta.get("code", response.status_code))
        if code != "200":
            message = META_MESSAGES.get(code, "BPJS menolak permintaan")
            detail = str(meta.get("message", ""))[:200]
            full = f"{message} ({detail})" if detail else message
            if code in {"201", "204"}:
                raise BpjsNotFound(full, code=code)
            if code in {"401", "403"}:
                raise BpjsAuthError(full, code=code)
            if code.startswith("5"):
                raise BpjsUnavailable(full, code=code)
            raise BpjsError(full, code=code)
        payload = body.get("response")
        if isinstance(payload, str):
            try:
                text = decrypt_response(
                    payload, cons_id=self.settings.cons_id, secret=self.settings.secret, timestamp=timestamp
                )
                payload = json.loads(text)
            except ValueError as exc:
                raise BpjsError(str(exc), code="decrypt") from None
        if not isinstance(payload, dict):
            raise BpjsError("Jawaban BPJS tidak berisi data peserta.", code="empty")
        return payload
