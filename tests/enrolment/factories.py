"""Factories and upload helpers for enrolment and complaints tests."""

from __future__ import annotations

import datetime as dt

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from factory.django import DjangoModelFactory

from ejamkesda.complaints.models import Complaint, ComplaintCategory
from ejamkesda.enrolment.models import Application
from ejamkesda.enrolment.tracking import tracking_code_new
from tests.factories import make_nik

PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
HTML_BYTES = b"<!doctype html><script>alert(1)</script>"


def pdf(name: str = "ktp.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def png(name: str = "kk.png"):
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


class ApplicationFactory(DjangoModelFactory):
    class Meta:
        model = Application

    tracking_code = factory.LazyFunction(tracking_code_new)
    nik = factory.Sequence(lambda n: make_nik(serial=5000 + n))
    kk_number = "6409010101000001"
    name = factory.Sequence(lambda n: f"Pemohon Uji {n}")
    sex = "L"
    birth_date = dt.date(1985, 3, 7)
    address = "Jl. Uji No. 2"
    phone = "081234567890"
    email = factory.Sequence(lambda n: f"pemohon{n}@example.org")
    reason = "Tidak mampu membayar iuran"


class ComplaintFactory(DjangoModelFactory):
    class Meta:
        model = Complaint

    tracking_code = factory.LazyFunction(tracking_code_new)
    category = ComplaintCategory.SERVICE
    description = "Antrean terlalu lama"
    contact_email = "pelapor@example.org"
