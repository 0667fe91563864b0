"""A public application with a bad document keeps the good ones for the retry."""

from __future__ import annotations

import os
import re
import stat
import time

import pytest
from django.test import Client
from django.urls import reverse

from ejamkesda.enrolment import held
from ejamkesda.enrolment.models import Application, DocumentKind
from tests.enrolment.factories import pdf
from tests.enrolment.test_views import apply, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_limit(settings):
    settings.ENROLMENT_MAX_UPLOAD_MB = 1
    return pdf("ktp-besar.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))


def _held_files(settings):
    folder = settings.MEDIA_ROOT / held.FOLDER
    return sorted(folder.iterdir()) if folder.exists() else []


def test_too_large_ktp_keeps_the_good_kk_and_says_so(client, settings, small_limit):
    response = apply(client, doc_ktp=small_limit)
    assert response.status_code == 200
    html = response.content.decode()
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "autofocus" in summary and 'href="#id_doc_ktp"' in summary and "terlalu besar" in summary
    status = re.search(r'<div class="note" id="dokumen-status">.*?</div>', html, re.S).group(0)
    assert "Kartu Keluarga (kk.png)" in status  # kept, by name
    assert "Pilih lagi berkas: KTP" in status  # to choose again, by name
    kk_input = re.search(r'<input[^>]*name="doc_kk"[^>]*>', html).group(0)
    assert "required" not in kk_input
    files = _held_files(settings)
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert not Application.objects.exists()

    # The retry sends only the KTP: the held KK is filed with it, and the hold is gone.
    data = form_data(doc_ktp=pdf("ktp.pdf"))
    del data["doc_kk"]
    response = client.post(reverse("enrolment:apply"), data)
    assert response.status_code == 302
    application = Application.objects.get()
    kinds = {doc.kind: doc.original_name for doc in application.documents.all()}
    assert kinds == {DocumentKind.KTP: "ktp.pdf", DocumentKind.KK: "kk.png"}
    assert _held_files(settings) == []
    assert held.SESSION_KEY not in client.session


def test_a_hold_belongs_to_its_session(client, settings, small_limit):
    apply(client, doc_ktp=small_limit)
    other = Client()
    data = form_data()
    del data["doc_kk"]
    response = other.post(reverse("enrolment:apply"), data)
    assert response.status_code == 200 and not Application.objects.exists()
    assert "Pilih lagi berkas: Kartu Keluarga" in response.content.decode()
    # Both holds exist: the first applicant's KK and the second one's KTP.
    assert sorted(path.suffix for path in _held_files(settings)) == [".pdf", ".png"]


def test_expired_hold_is_deleted_and_asked_again(client, settings, small_limit, monkeypatch):
    apply(client, doc_ktp=small_limit)
    later = time.time() + 61 * 60
    monkeypatch.setattr(held.time, "time", lambda: later)
    data = form_data(doc_ktp=pdf("ktp.pdf"))
    del data["doc_kk"]
    response = client.post(reverse("enrolment:apply"), data)
    assert response.status_code == 200 and not Application.objects.exists()
    html = response.content.decode()
    assert 'href="#id_doc_kk"' in html and "Pilih lagi berkas: Kartu Keluarga" in html
    # The good KTP of this try is now the one held.
    assert [path.suffix for path in _held_files(settings)] == [".pdf"]


def test_sweep_removes_holds_past_their_time(client, settings, small_limit):
    apply(client, doc_ktp=small_limit)
    (path,) = _held_files(settings)
    old = time.time() - 2 * 60 * 60
    os.utime(path, (old, old))
    assert held.holds_purge_expired() == 1
    assert _held_files(settings) == []
