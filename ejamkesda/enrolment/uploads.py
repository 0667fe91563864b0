"""Uploaded documents: type checked by content (magic bytes), size-limited, private.

Only PDF, JPEG and PNG are accepted, decided by the first bytes of the file, never by
its name or the browser's Content-Type: a ``.pdf`` that is really an ``.exe`` or HTML is
refused. Files go to ``MEDIA_ROOT`` under a random name with the extension of the
detected type; ``MEDIA_URL`` is not served, so a file is reachable only through a view
that checks the user's role (and writes the audit log).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from ejamkesda.enrolment import conf


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str
    label: str


PDF = FileType("pdf", "application/pdf", "PDF")
JPEG = FileType("jpg", "image/jpeg", "JPEG")
PNG = FileType("png", "image/png", "PNG")

_SIGNATURES: tuple[tuple[bytes, FileType], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)


def detect_type(head: bytes) -> FileType | None:
    """The accepted type whose signature starts ``head``, else ``None``."""
    for signature, file_type in _SIGNATURES:
        if head.startswith(signature):
            return file_type
    return None


def check_upload(upload: UploadedFile, *, max_bytes: int | None = None) -> FileType:
    """Raise ``forms.ValidationError`` (Bahasa Indonesia) unless size and content are acceptable."""
    limit = max_bytes if max_bytes is not None else conf.max_upload_bytes()
    size = upload.size or 0
    if size == 0:
        raise forms.ValidationError(_("Berkas kosong."), code="empty")
    if size > limit:
        raise forms.ValidationError(
            _("Berkas terlalu besar (%(size).1f MB); paling besar %(limit).0f MB."),
            code="too_large",
            params={"size": size / 1024 / 1024, "limit": limit / 1024 / 1024},
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    file_type = detect_type(head)
    if file_type is None:
        raise forms.ValidationError(
            _("Jenis berkas tidak diterima: isi berkas harus PDF, JPEG, atau PNG."), code="bad_type"
        )
    return file_type


def private_name(upload: UploadedFile, file_type: FileType) -> str:
    """A random file name with the detected extension (the uploaded name is never used on disk)."""
    return f"{secrets.token_hex(16)}.{file_type.extension}"


def display_name(upload: UploadedFile) -> str:
    return get_valid_filename((upload.name or "berkas").rsplit("/", 1)[-1])[:150] or "berkas"


def upload_dir(prefix: str) -> str:
    return f"{prefix}/{timezone.now():%Y/%m}"


class DocumentField(forms.FileField):
    """A file field that checks size and content; ``cleaned_data`` holds the upload with
    ``.detected_type`` set."""

    def __init__(self, *args: object, max_bytes: int | None = None, **kwargs: object) -> None:
        self.max_bytes = max_bytes
        kwargs.setdefault(
            "help_text",
            _("PDF, JPEG, atau PNG; paling besar %(mb)s MB.") % {"mb": conf.max_upload_bytes() // (1024 * 1024)},
        )
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.widget.attrs.setdefault("accept", ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png")

    def clean(self, data: object, initial: object = None) -> object:
        upload = super().clean(data, initial)
        if upload:
            upload.detected_type = check_upload(upload, max_bytes=self.max_bytes)  # type: ignore[union-attr]
        return upload
