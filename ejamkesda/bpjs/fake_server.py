"""A faithful fake of the BPJS Kesehatan VClaim and PCare participant services.

Same headers (X-cons-id, X-timestamp, X-signature, user_key), the same signature check and
timestamp window, responses encrypted exactly as BPJS does (AES-256-CBC + LZ-string) and
the same error shapes (HTTP 200 with ``metaData.code`` ≠ 200; PCare uses ``metadata``).
Runs in a thread on loopback: tests start it themselves; ``manage.py bpjs_fake_server``
runs it for the demo. No Django import: it must work without a database.
"""

from __future__ import annotations

import hmac
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ejamkesda.bpjs.crypto import encrypt_response, signature

TIMESTAMP_WINDOW_SECONDS = 300


@dataclass
class FakeParticipant:
    card_number: str
    nik: str
    name: str
    sex: str = "L"
    birth_date: str = "1985-03-07"
    active: bool = True
    segment_code: str = "1"
    segment_text: str = "PBI (APBN)"
    care_class: int = 3
    provider_code: str = "0001R001"
    provider_name: str = "PUSKESMAS UJI"
    valid_from: str = "2020-01-01"
    valid_to: str = "2099-12-31"

    def vclaim(self) -> dict[str, Any]:
        return {
            "peserta": {
                "noKartu": self.card_number,
                "nik": self.nik,
                "nama": self.name,
                "pisa": "1",
                "sex": self.sex,
                "tglLahir": self.birth_date,
                "tglTMT": self.valid_from,
                "tglTAT": self.valid_to,
                "statusPeserta": {
                    "kode": "0" if self.active else "1",
                    "keterangan": "AKTIF" if self.active else "TIDAK AKTIF",
                },
                "jenisPeserta": {"kode": self.segment_code, "keterangan": self.segment_text},
                "hakKelas": {"kode": str(self.care_class), "keterangan": f"KELAS {'I' * self.care_class}"},
                "provUmum": {"kdProvider": self.provider_code, "nmProvider": self.provider_name},
            }
        }

    def pcare(self) -> dict[str, Any]:
        return {
            "noKartu": self.card_number,
            "noKTP": self.nik,
            "nama": self.name,
            "sex": self.sex,
            "tglLahir": "-".join(reversed(self.birth_date.split("-"))),
            "tglMulaiAktif": "-".join(reversed(self.valid_from.split("-"))),
            "tglAkhirBerlaku": "-".join(reversed(self.valid_to.split("-"))),
            "aktif": self.active,
            "ketAktif": "AKTIF" if self.active else "TIDAK AKTIF",
            "jnsPeserta": {"kode": self.segment_code, "nama": self.segment_text},
            "jnsKelas": {"kode": str(self.care_class), "nama": f"Kelas {'I' * self.care_class}"},
            "kdProviderPst": {"kdProvider": self.provider_code, "nmProvider": self.provider_name},
        }


@dataclass
class FakeBpjsState:
    cons_id: str = "12345"
    secret: str = "rahasia-fake"  # noqa: S105 - fake server only
    user_key: str = "kunci-fake"
    participants: list[FakeParticipant] = field(default_factory=list)
    fail_with_status: int | None = None  # e.g. 503 to simulate an outage
    delay_seconds: float = 0.0
    requests: int = 0

    def by_nik(self, nik: str) -> FakeParticipant | None:
        return next((p for p in self.participants if p.nik == nik), None)

    def by_card(self, card: str) -> FakeParticipant | None:
        return next((p for p in self.participants if p.card_number == card), None)


ROUTES = [
    ("vclaim", re.compile(r"^/vclaim/Peserta/nik/(?P<nik>\d+)/tglSEP/\d{4}-\d{2}-\d{2}$")),
    ("vclaim", re.compile(r"^/vclaim/Peserta/nokartu/(?P<card>\d+)/tglSEP/\d{4}-\d{2}-\d{2}$")),
    ("pcare", re.compile(r"^/pcare/peserta/nik/(?P<nik>\d+)$")),
    ("pcare", re.compile(r"^/pcare/peserta/(?P<card>\d+)$")),
]


def _handler(state: FakeBpjsState) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return

        def _send(self, status: int, body: dict[str, Any]) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _meta(self, service: str, code: int, message: str) -> None:
            key = "metadata" if service == "pcare" else "metaData"
            self._send(
                200, {key: {"code": code if service == "pcare" else str(code), "message": message}, "response": None}
            )

        def do_GET(self) -> None:
            state.requests += 1
            if state.delay_seconds:
                time.sleep(state.delay_seconds)
            if state.fail_with_status:
                self._send(state.fail_with_status, {"message": "Service Unavailable"})
                return
            found = next(((svc, m) for svc, pattern in ROUTES if (m := pattern.match(self.path))), None)
            if found is None:
                self._send(404, {"metaData": {"code": "404", "message": "Not Found"}, "response": None})
                return
            service, match = found
            cons_id = self.headers.get("X-cons-id", "")
            timestamp = self.headers.get("X-timestamp", "")
            sig = self.headers.get("X-signature", "")
            if not cons_id or not timestamp or not sig or not self.headers.get("user_key"):
                self._meta(service, 401, "Authentication failed: header tidak lengkap")
                return
            if cons_id != state.cons_id or self.headers.get("user_key") != state.user_key:
                self._meta(service, 401, "Authentication failed")
                return
            if not timestamp.isdigit() or abs(int(timestamp) - time.time()) > TIMESTAMP_WINDOW_SECONDS:
                self._meta(service, 401, "Timestamp tidak valid")
                return
            if not hmac.compare_digest(sig, signature(state.cons_id, state.secret, timestamp)):
                self._meta(service, 401, "Signature tidak valid")
                return
            groups = match.groupdict()
            person = state.by_nik(groups["nik"]) if "nik" in groups else state.by_card(groups["card"])
            if person is None:
                self._meta(service, 201 if service == "vclaim" else 204, "Peserta tidak ditemukan")
                return
            data = person.vclaim() if service == "vclaim" else person.pcare()
            encrypted = encrypt_response(
                json.dumps(data), cons_id=state.cons_id, secret=state.secret, timestamp=timestamp
            )
            key = "metadata" if service == "pcare" else "metaData"
            self._send(
                200, {key: {"code": 200 if service == "pcare" else "200", "message": "OK"}, "response": encrypted}
            )

    return Handler


class FakeBpjsServer:
    """``with FakeBpjsServer(state) as server: server.vclaim_url ...`` (random loopback port)."""

    def __init__(self, state: FakeBpjsState | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.state = state or FakeBpjsState()
        self.httpd = ThreadingHTTPServer((host, port), _handler(self.state))
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        host_text = host.decode() if isinstance(host, bytes) else str(host)
        return f"http://{host_text}:{port}"

    @property
    def vclaim_url(self) -> str:
        return self.base_url + "/vclaim"

    @property
    def pcare_url(self) -> str:
        return self.base_url + "/pcare"

    def start(self) -> FakeBpjsServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FakeBpjsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
