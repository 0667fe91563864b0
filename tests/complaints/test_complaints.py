from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.complaints.models import Complaint, ComplaintStatus
from ejamkesda.complaints.services import (
    ComplaintStateError,
    complaint_assign,
    complaint_close,
    complaint_file,
    complaint_respond,
)
from ejamkesda.core.roles import Role
from ejamkesda.notifications.models import Notification
from tests.enrolment.factories import EXE_BYTES, HTML_BYTES, ComplaintFactory, pdf, png
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db
NON_UPT = [Role.PPK_OPERATOR, Role.TREASURER, Role.OPD_OPERATOR, Role.VIEWER]


def test_full_flow_in_browser(client, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("complaints:file"),
            {
                "category": "pelayanan",
                "description": "Saya diminta membayar obat di puskesmas.",
                "contact_email": "pelapor@example.org",
                "attachment": png("kuitansi.png"),
            },
        )
    assert response.status_code == 302 and response["Location"] == reverse("complaints:filed")
    complaint = Complaint.objects.get()
    assert complaint.attachment_type == "image/png" and complaint.attachment_name == "kuitansi.png"
    assert complaint.code_display in client.get(response["Location"]).content.decode()
    assert any(complaint.code_display in m.body for m in mail.outbox)

    page = client.post(reverse("complaints:track"), {"code": complaint.tracking_code}).content.decode()
    assert "Baru" in page and "pelapor@example.org" not in page

    verifier = login(Role.UPT_VERIFIER)
    desk = client.get(reverse("complaints:desk")).content.decode()
    assert complaint.code_display in desk
    detail = client.get(reverse("complaints:detail", args=[complaint.pk]))
    assert "membayar obat" in detail.content.decode()
    assert AuditLog.objects.filter(action="view", object_type="complaints.Complaint").exists()
    client.post(reverse("complaints:assign", args=[complaint.pk]), {"assignee": verifier.pk})
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.ASSIGNED and complaint.assigned_to == verifier
    assert Notification.objects.filter(recipient=verifier).exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("complaints:respond", args=[complaint.pk]), {"response": "Biaya akan dikembalikan."})
    assert any("dijawab" in m.subject for m in mail.outbox)
    client.post(reverse("complaints:close", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.CLOSED and complaint.closed_by == verifier
    actions = list(
        AuditLog.objects.filter(object_type="complaints.Complaint", action="transition").values_list(
            "summary", flat=True
        )
    )
    assert len(actions) == 3

    client.logout()
    page = client.post(reverse("complaints:track"), {"code": complaint.code_display}).content.decode()
    assert "Biaya akan dikembalikan." in page and "Selesai" in page


def test_anonymous_without_contact_or_attachment(client):
    admin = user_with_role(Role.UPT_ADMIN)
    response = client.post(reverse("complaints:file"), {"category": "lain", "description": "Aplikasi lambat"})
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert not complaint.attachment and complaint.contact_email == ""
    assert Notification.objects.filter(recipient=admin, link=reverse("complaints:detail", args=[complaint.pk])).exists()


@pytest.mark.parametrize("content", [EXE_BYTES, HTML_BYTES], ids=["exe", "html"])
def test_attachment_checked_by_content(client, content):
    response = client.post(
        reverse("complaints:file"),
        {"category": "lain", "description": "x", "attachment": pdf("bukti.pdf", content)},
    )
    assert response.status_code == 200 and "PDF, JPEG, atau PNG" in response.content.decode()
    assert not Complaint.objects.exists()


def test_attachment_size_limit(client, monkeypatch, settings):
    settings.ENROLMENT_MAX_UPLOAD_MB = 1
    big = pdf("besar.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    response = client.post(reverse("complaints:file"), {"category": "lain", "description": "x", "attachment": big})
    assert "terlalu besar" in response.content.decode()
    assert not Complaint.objects.exists()


def test_state_machine():
    officer = user_with_role(Role.UPT_VERIFIER)
    complaint = complaint_file(category="biaya", description="pungutan")
    with pytest.raises(ComplaintStateError):
        complaint_close(complaint=complaint, actor=officer)  # not answered yet
    with pytest.raises(ValidationError):
        complaint_respond(complaint=complaint, actor=officer, response=" ")
    with pytest.raises(ValidationError):
        complaint_assign(complaint=complaint, actor=officer, assignee=user_with_role(Role.PPK_OPERATOR))
    answered = complaint_respond(complaint=complaint, actor=officer, response="Sudah ditindaklanjuti")
    assert answered.assigned_to == officer  # answering unassigned work takes it
    closed = complaint_close(complaint=complaint, actor=officer)
    assert closed.status == ComplaintStatus.CLOSED
    for action in (
        lambda: complaint_close(complaint=complaint, actor=officer),
        lambda: complaint_respond(complaint=complaint, actor=officer, response="lagi"),
        lambda: complaint_assign(complaint=complaint, actor=officer, assignee=officer),
    ):
        with pytest.raises(ComplaintStateError):
            action()


def test_two_officers_closing_one_wins():
    first, second = user_with_role(Role.UPT_VERIFIER), user_with_role(Role.UPT_ADMIN)
    complaint = ComplaintFactory(status=ComplaintStatus.ANSWERED, response="ok")
    stale = Complaint.objects.get(pk=complaint.pk)
    complaint_close(complaint=complaint, actor=first)
    with pytest.raises(ComplaintStateError):
        complaint_close(complaint=stale, actor=second)
    stale.refresh_from_db()
    assert stale.closed_by == first


@pytest.mark.parametrize("role", NON_UPT)
def test_non_upt_roles_get_403(client, login, role):
    complaint = ComplaintFactory()
    complaint.attachment.save("bukti.pdf", pdf(), save=True)
    login(role)
    for url in (
        reverse("complaints:desk"),
        reverse("complaints:detail", args=[complaint.pk]),
        reverse("complaints:attachment", args=[complaint.pk]),
    ):
        assert client.get(url).status_code == 403
    for name, data in (("assign", {"assignee": 1}), ("respond", {"response": "x"}), ("close", {})):
        assert client.post(reverse(f"complaints:{name}", args=[complaint.pk]), data).status_code == 403
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.NEW


def test_attachment_private(client, login, settings):
    complaint = ComplaintFactory(attachment_name="bukti.pdf", attachment_type="application/pdf")
    complaint.attachment.save("bukti.pdf", pdf(), save=True)
    url = reverse("complaints:attachment", args=[complaint.pk])
    assert client.get(url).status_code == 302
    assert client.get(settings.MEDIA_URL + complaint.attachment.name).status_code == 404
    login(Role.UPT_ADMIN)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF-")
    image = ComplaintFactory(attachment_name="foto.png", attachment_type="image/png")
    image.attachment.save("foto.png", png(), save=True)
    response = client.get(reverse("complaints:attachment", args=[image.pk]))
    assert response["Content-Type"] == "image/png" and response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    no_file = ComplaintFactory()
    assert client.get(reverse("complaints:attachment", args=[no_file.pk])).status_code == 404


def test_desk_queue(client, login, django_assert_max_num_queries):
    officer = login(Role.UPT_VERIFIER)
    for _ in range(27):
        ComplaintFactory()
    ComplaintFactory(status=ComplaintStatus.ASSIGNED, assigned_to=officer)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("complaints:desk"))
    assert response.context["tabs"][0][2] == 27 and response.context["tabs"][1][2] == 1
    assert len(response.context["page"]) == 25
    mine = client.get(reverse("complaints:desk"), {"status": "ditangani", "saya": "1"})
    assert len(mine.context["page"]) == 1


def test_unknown_code(client):
    assert "tidak ditemukan" in client.post(reverse("complaints:track"), {"code": "AAAAA-AAAAA"}).content.decode()


def test_detail_query_count(client, login, django_assert_max_num_queries):
    officer = login(Role.UPT_VERIFIER)
    complaint = ComplaintFactory(status=ComplaintStatus.ANSWERED, assigned_to=officer, responded_by=officer)
    for _ in range(5):
        user_with_role(Role.UPT_VERIFIER)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("complaints:detail", args=[complaint.pk])).status_code == 200
