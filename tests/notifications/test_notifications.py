from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from ejamkesda.core.roles import Role
from ejamkesda.notifications.gateways import MemoryGateway
from ejamkesda.notifications.models import DeliveryStatus, Notification
from ejamkesda.notifications.selectors import unread_count
from ejamkesda.notifications.services import notification_send
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_send_to_user_lands_in_inbox_and_email_after_commit(django_capture_on_commit_callbacks):
    user = user_with_role(Role.UPT_VERIFIER, email="verif@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(recipient_user=user, subject="Pengajuan baru", body="Ada 1", link="/app/")
    assert notification.recipient == user
    assert unread_count(user) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["verif@example.org"]
    assert "/app/" in mail.outbox[0].body
    notification.refresh_from_db()
    assert notification.email_status == DeliveryStatus.SENT


def test_email_only_recipient_and_nik_redacted(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(email="warga@example.org", subject="Status", body="NIK 6409010703850001 diproses")
    assert len(mail.outbox) == 1
    assert "6409010703850001" not in mail.outbox[0].body
    assert Notification.objects.get().recipient is None


def test_rolled_back_transaction_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                notification_send(email="warga@example.org", subject="x", body="y")
                raise RuntimeError
        except RuntimeError:
            pass
    assert mail.outbox == []
    assert not Notification.objects.exists()


def test_requires_some_recipient():
    with pytest.raises(ValueError):
        notification_send(subject="x", body="y")


def test_mail_failure_is_recorded_not_raised(settings, django_capture_on_commit_callbacks, monkeypatch):
    def boom(**kwargs):
        raise OSError("smtp down")

    monkeypatch.setattr("ejamkesda.notifications.services.send_mail", boom)
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(email="warga@example.org", subject="x", body="y")
    notification.refresh_from_db()
    assert notification.email_status == DeliveryStatus.FAILED
    assert "OSError" in notification.delivery_error


def test_gateway_plugged_in(monkeypatch, django_capture_on_commit_callbacks, settings):
    settings.NOTIFICATION_GATEWAY = "ejamkesda.notifications.gateways.MemoryGateway"
    MemoryGateway.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notification = notification_send(phone="081234567890", subject="Status", body="Disetujui")
    notification.refresh_from_db()
    assert notification.gateway_status == DeliveryStatus.SENT
    assert MemoryGateway.outbox and MemoryGateway.outbox[0][0] == "081234567890"


def test_no_gateway_no_sms(django_capture_on_commit_callbacks):
    notification = notification_send(phone="081234567890", subject="Status", body="x")
    assert notification.gateway_status == DeliveryStatus.NONE


def test_inbox_shows_only_own_and_marks_read(client, login):
    user = login(Role.PPK_OPERATOR)
    other = user_with_role(Role.PPK_OPERATOR)
    mine = notification_send(recipient_user=user, subject="Punya saya", body="a", link="/app/")
    theirs = notification_send(recipient_user=other, subject="Punya orang lain", body="b")
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    assert "Punya saya" in response.content.decode()
    assert "Punya orang lain" not in response.content.decode()
    # someone else's notification → 404
    assert client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    response = client.post(reverse("notifications:mark_read", args=[mine.pk]), {"buka": "1"})
    assert response.status_code == 302 and response["Location"] == "/app/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert unread_count(user) == 0


def test_open_refuses_external_link(client, login):
    user = login(Role.UPT_ADMIN)
    notification = notification_send(recipient_user=user, subject="x", body="y", link="https://evil.example/")
    response = client.post(reverse("notifications:mark_read", args=[notification.pk]), {"buka": "1"})
    assert response["Location"] == reverse("notifications:inbox")


def test_mark_all_read_and_badge(client, login):
    user = login(Role.VIEWER)
    for i in range(3):
        notification_send(recipient_user=user, subject=f"n{i}", body="b")
    assert "3 belum dibaca" in client.get(reverse("notifications:unread_badge")).content.decode()
    assert client.get(reverse("notifications:mark_all_read")).status_code == 405
    client.post(reverse("notifications:mark_all_read"))
    assert unread_count(user) == 0


def test_inbox_requires_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302


def test_inbox_query_count_is_constant(client, login, django_assert_max_num_queries):
    user = login(Role.UPT_VERIFIER)
    for i in range(30):
        notification_send(recipient_user=user, subject=f"n{i}", body="b")
    with django_assert_max_num_queries(8):
        assert client.get(reverse("notifications:inbox")).status_code == 200


def test_email_links_are_absolute_with_site_url(settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://jamkesda.contoh.go.id"
    settings.NOTIFICATION_BASE_URL = ""
    with django_capture_on_commit_callbacks(execute=True):
        notification_send(email="warga@example.org", subject="Status", body="Diproses", link="/kepesertaan-jamkesda/")
    assert "https://jamkesda.contoh.go.id/kepesertaan-jamkesda/" in mail.outbox[0].body
    # The in-app inbox keeps the path: it is followed inside the site.
    assert Notification.objects.get().link == "/kepesertaan-jamkesda/"


def test_every_email_of_a_public_application_has_absolute_links(settings, django_capture_on_commit_callbacks):
    """The applicant's and the verifiers' e-mails, through the real sending path."""
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from ejamkesda.enrolment.services import application_submit

    settings.SITE_URL = "https://jamkesda.contoh.go.id"
    settings.NOTIFICATION_BASE_URL = ""
    user_with_role(Role.UPT_VERIFIER, email="verif@example.org")
    pdf = b"%PDF-1.4\n%%EOF\n"
    with django_capture_on_commit_callbacks(execute=True):
        application_submit(
            nik="6409014101900001",
            kk_number="6409010101900001",
            name="Siti Aminah",
            birth_date=dt.date(1990, 1, 1),
            address="Jl. Propinsi",
            reason="tidak mampu",
            email="warga@example.org",
            documents=[
                ("ktp", SimpleUploadedFile("ktp.pdf", pdf)),
                ("kk", SimpleUploadedFile("kk.pdf", pdf)),
            ],
        )
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        links = [word for word in message.body.split() if "/" in word]
        assert links and all(link.startswith("https://jamkesda.contoh.go.id/") for link in links), message.body
