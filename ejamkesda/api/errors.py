"""API errors: a stable machine code plus a message in Bahasa Indonesia.

Body shape (REST): ``{"code": "...", "message": "...", "details": [...]}``. The FHIR layer
turns the same errors into an OperationOutcome.
"""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    status = 400
    code = "permintaan_tidak_valid"
    message = "Permintaan tidak valid."

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str | None = None,
        status: int | None = None,
        details: list[Any] | None = None,
    ) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details or []
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class Unauthenticated(ApiError):
    status = 401
    code = "tidak_terautentikasi"
    message = "Token API tidak ada, tidak dikenal, atau sudah dicabut. Kirim header Authorization: Bearer TOKEN."


class Forbidden(ApiError):
    status = 403
    code = "tidak_berwenang"
    message = "Peran pengguna token ini tidak berwenang memakai layanan ini."


class NotFound(ApiError):
    status = 404
    code = "tidak_ditemukan"
    message = "Data tidak ditemukan atau bukan wewenang Anda."


class InvalidInput(ApiError):
    status = 422
    code = "validasi_gagal"
    message = "Isian tidak valid."


class Conflict(ApiError):
    status = 409
    code = "konflik"
    message = "Permintaan bertentangan dengan keadaan data saat ini."


class UpstreamUnavailable(ApiError):
    status = 503
    code = "layanan_luar_tidak_tersedia"
    message = "Layanan luar (BPJS) sedang tidak tersedia."
