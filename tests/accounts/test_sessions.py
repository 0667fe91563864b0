"""Sessions and what staff pages leave behind: password change, idle timeout, other
sessions, Cache-Control, log redaction, upload permissions."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import stat
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from ejamkesda.accounts import services
from ejamkesda.accounts.middleware import LAST_SEEN_KEY
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.logging import RedactingFormatter
from ejamkesda.core.roles import Role
from tests.auth import login_verified, totp_code, totp_device
from tests.factories import PersonFactory, make_nik, user_with_role

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Pilihan-sendiri-2026"


def test_admin_set_password_must_be_changed_at_first_sign_in(client):
    admin = user_with_role(Role.UPT_ADMIN)
    user = services.user_create(
        username="baru", password="Dari-admin-2026", role=Role.UPT_VERIFIER, actor=admin, full_name="Petugas Baru"
    )
    assert user.password_change_required
    device = totp_device(user)
    client.post(reverse("accounts:login"), {"username": "baru", "password": "Dari-admin-2026"})
    client.post(reverse("accounts:otp_verify"), {"token": totp_code(device)})
    response = client.get(reverse("participants:search"))
    assert response["Location"].startswith(reverse("accounts:password_change"))
    page = client.get(reverse("accounts:password_change")).content.decode()
    assert 'autocomplete="new-password"' in page and 'autocomplete="current-password"' in page
    done = client.post(
        reverse("accounts:password_change"),
        {"old_password": "Dari-admin-2026", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    user.refresh_from_db()
    assert not user.password_change_required and user.check_password(NEW_PASSWORD)
    assert client.get(reverse("participants:search")).status_code == 200  # still signed in
    assert AuditLog.objects.filter(actor=user, summary="kata sandi diganti sendiri").exists()


def test_admin_resetting_a_password_requires_a_change_again(client):
    user = user_with_role(Role.PPK_OPERATOR)
    services.user_password_set(user=user, password="Sementara-2026", actor=None)
    user.refresh_from_db()
    assert user.password_change_required


def test_self_service_password_change_signs_out_other_sessions(client):
    user = user_with_role(Role.OPD_OPERATOR)
    other = Client()
    other.force_login(user)
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "rahasia-uji-123", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    assert other.get(reverse("core:dashboard"))["Location"].startswith(reverse("accounts:login"))


def test_idle_session_is_signed_out(client, settings):
    login_verified(client, user_with_role(Role.UPT_VERIFIER))
    assert client.get(reverse("core:dashboard")).status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT + 120
    session.save()
    assert client.get(reverse("core:dashboard")).status_code == 200  # not idle long enough
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - settings.SESSION_IDLE_TIMEOUT - 1
    session.save()
    response = client.get(reverse("core:dashboard"))
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("core:dashboard"))["Location"].startswith(reverse("accounts:login"))


def test_idle_timeout_is_a_setting_of_thirty_minutes_by_default(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 30 * 60
    assert settings.SESSION_COOKIE_AGE > settings.SESSION_IDLE_TIMEOUT  # besides the absolute one


def test_sign_out_my_other_sessions(client):
    user = user_with_role(Role.TREASURER)
    phone, laptop = Client(), Client()
    phone.force_login(user)
    laptop.force_login(user)
    client.force_login(user)
    assert client.post(reverse("accounts:sessions_end_others")).status_code == 302
    assert client.get(reverse("core:dashboard")).status_code == 200
    for other in (phone, laptop):
        assert other.get(reverse("core:dashboard"))["Location"].startswith(reverse("accounts:login"))
    assert AuditLog.objects.filter(actor=user, summary__contains="sesi lain").exists()


def test_account_security_page_renders_for_every_role(client):
    for role in Role:
        client.force_login(user_with_role(role))
        page = client.get(reverse("accounts:factors"))
        assert page.status_code == 200
        assert reverse("accounts:sessions_end_others") in page.content.decode()


# --- Cache-Control ----------------------------------------------------------------


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_staff_pages_and_person_pages_are_not_stored(client, login):
    login(Role.UPT_ADMIN)
    person = PersonFactory()
    for url in (reverse("core:dashboard"), reverse("participants:detail", args=[person.pk]), reverse("accounts:users")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url
    assert _no_store(client.get(reverse("accounts:login")))
    assert not _no_store(Client().get(reverse("portal:home")))  # public pages may be cached


def test_claim_attachment_download_is_not_stored(client):
    from tests.services.factories import approved_sjp, ppk_operator, submitted_claim, tariff_table

    tariff_table()
    operator = ppk_operator()
    claim = submitted_claim(sjp=approved_sjp(operator=operator))
    client.force_login(operator)
    response = client.get(reverse("services:claim_attachment", args=[claim.pk, claim.attachments.first().pk]))
    assert response.status_code == 200
    assert _no_store(response)


def test_bank_transfer_csv_is_not_stored(client):
    from ejamkesda.funds import run_services
    from ejamkesda.funds import services as fund_services
    from tests.factories import ProviderFactory
    from tests.funds.factories import AttendanceFactory, StaffMemberFactory, stored_profile

    jan = dt.date(2025, 1, 1)
    provider = ProviderFactory()
    profile = stored_profile("tanah-datar-29-2017")
    AttendanceFactory(staff=StaffMemberFactory(provider=provider), period=jan)
    fund_services.receipt_record(
        provider=provider, period=jan, source="kapitasi", amount=1_000_000, profile=profile, received_on=jan, actor=None
    )
    run = run_services.run_create(provider=provider, period_from=jan, period_to=jan, profile=profile, actor=None)
    run_services.run_verify(run=run, actor=user_with_role(Role.TREASURER, provider=provider))
    run_services.run_approve(run=run, actor=user_with_role(Role.UPT_ADMIN))
    client.force_login(user_with_role(Role.TREASURER, provider=provider))
    response = client.get(reverse("funds:run_bank_csv", args=[run.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert _no_store(response)


# --- Logs -------------------------------------------------------------------------


def _formatted(record_factory) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(RedactingFormatter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        record_factory(logger)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_nik_inside_an_exception_never_reaches_the_log():
    nik = make_nik(serial=4321)

    def log(logger):
        try:
            raise ValueError(f"penduduk {nik} tidak ditemukan")
        except ValueError:
            logger.exception("impor gagal")

    text = _formatted(log)
    assert "Traceback" in text and "ValueError" in text
    assert nik not in text
    assert "****************" in text


def test_a_database_integrity_error_with_a_nik_never_reaches_the_log():
    nik = make_nik(serial=8765)
    PersonFactory(nik=nik)

    def log(logger):
        try:
            with transaction.atomic():
                PersonFactory(nik=nik)  # the same NIK again: unique constraint
        except IntegrityError as error:
            try:  # PostgreSQL's message carries the row's key; SQLite's only the column
                raise RuntimeError(f"gagal menyimpan {nik}") from error
            except RuntimeError:
                logger.exception("penyimpanan gagal untuk %s", nik)

    text = _formatted(log)
    assert "IntegrityError" in text
    assert nik not in text


def test_the_configured_console_handler_redacts_tracebacks(settings):
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "redacting"
    assert settings.LOGGING["formatters"]["redacting"]["()"] == "ejamkesda.core.logging.RedactingFormatter"


# --- Uploads ----------------------------------------------------------------------


def test_uploaded_files_are_readable_by_the_service_account_only(tmp_path, settings):
    assert settings.FILE_UPLOAD_PERMISSIONS == 0o600
    storage = FileSystemStorage(location=tmp_path)
    small = storage.save("lampiran/kecil.pdf", ContentFile(b"%PDF-1.4 kecil"))
    big = TemporaryUploadedFile("besar.pdf", "application/pdf", 10, None)
    big.write(b"%PDF-1.4 besar")
    big.seek(0)
    large = storage.save("lampiran/besar.pdf", big)  # moved from the temporary file
    with contextlib.suppress(FileNotFoundError):
        big.close()
    for name in (small, large):
        assert stat.S_IMODE(os.stat(storage.path(name)).st_mode) == 0o600, name
    assert stat.S_IMODE(os.stat(tmp_path / "lampiran").st_mode) == 0o700
