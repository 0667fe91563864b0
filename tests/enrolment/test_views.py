from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.enrolment.models import Application, ApplicationDocument, ApplicationStatus
from ejamkesda.participants.models import Membership, MembershipStatus, Programme
from tests.enrolment.factories import EXE_BYTES, HTML_BYTES, ApplicationFactory, pdf, png
from tests.factories import MembershipFactory, PersonFactory, make_nik

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1979, 11, 2)
NIK = make_nik(birth_date=BIRTH, sex="P", serial=321)
NON_UPT = [Role.PPK_OPERATOR, Role.TREASURER, Role.OPD_OPERATOR, Role.VIEWER]


def form_data(**overrides):
    data = {
        "nik": NIK,
        "birth_date": BIRTH.isoformat(),
        "kk_number": "6409010101000321",
        "name": "Rahmawati",
        "address": "Jl. Uji 3",
        "phone": "0812 3456 7890",
        "email": "rahma@example.org",
        "reason": "Tidak punya jaminan kesehatan",
        "doc_ktp": pdf(),
        "doc_kk": png(),
        "consent": "on",
    }
    data.update(overrides)
    return data


def apply(client, **overrides):
    return client.post(reverse("enrolment:apply"), form_data(**overrides))


def test_public_form_renders_without_login(client):
    response = client.get(reverse("enrolment:apply"))
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_full_flow_apply_track_verify_approve(client, login, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = apply(client)
    assert response.status_code == 302 and response["Location"] == reverse("enrolment:submitted")
    application = Application.objects.get()
    assert NIK not in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert application.code_display in page
    # the code is shown once only
    assert client.get(reverse("enrolment:submitted")).status_code == 302
    assert any(application.code_display in m.body for m in mail.outbox)

    # tracking by POST with the code (case and dash tolerant): status, no NIK, masked name
    page = client.post(reverse("enrolment:track"), {"code": application.code_display.lower()}).content.decode()
    assert "Diajukan" in page and NIK not in page and "Rahmawati" not in page and "RAH******" in page

    # UPT verifier: queue → detail → approve
    login(Role.UPT_VERIFIER)
    desk = client.get(reverse("enrolment:desk")).content.decode()
    assert application.code_display in desk
    detail = client.get(reverse("enrolment:detail", args=[application.pk]))
    assert detail.status_code == 200 and NIK in detail.content.decode()
    assert AuditLog.objects.filter(action="view", object_id=str(application.pk)).exists()
    response = client.post(
        reverse("enrolment:approve", args=[application.pk]),
        {"outcome": "jamkesda", "valid_from": "2026-02-01", "valid_to": "2027-01-31"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.APPROVED
    membership = Membership.objects.get(programme=Programme.JAMKESDA)
    assert membership.valid_to == dt.date(2027, 1, 31)
    # The approved application shows the membership it created as its result, not as a
    # reason to reject it.
    page = client.get(reverse("enrolment:detail", args=[application.pk])).content.decode()
    assert "Hasil: kepesertaan yang dibuat" in page and "31-01-2027" in page
    assert "sebaiknya ditolak" not in page

    client.logout()
    page = client.post(reverse("enrolment:track"), {"code": application.tracking_code}).content.decode()
    assert "Disetujui" in page and "31-01-2027" in page


def test_reject_flow_shows_reason_to_applicant(client, login):
    application = ApplicationFactory()
    login(Role.UPT_ADMIN)
    client.post(reverse("enrolment:reject", args=[application.pk]), {"reason": "KK tidak terbaca"})
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    client.logout()
    page = client.post(reverse("enrolment:track"), {"code": application.tracking_code}).content.decode()
    assert "KK tidak terbaca" in page


def test_second_verifier_is_told(client, login):
    application = ApplicationFactory()
    login(Role.UPT_VERIFIER)
    client.post(reverse("enrolment:reject", args=[application.pk]), {"reason": "tidak lengkap"})
    login(Role.UPT_VERIFIER)
    response = client.post(reverse("enrolment:approve", args=[application.pk]), {"outcome": "jamkesda"}, follow=True)
    assert "sudah diputuskan" in response.content.decode()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED


def test_active_member_is_told_at_once(client):
    person = PersonFactory(nik=NIK, birth_date=BIRTH, sex="P")
    MembershipFactory(person=person, programme=Programme.JKN, status=MembershipStatus.ACTIVE)
    response = apply(client)
    assert response.status_code == 200
    assert "sudah menjadi peserta aktif" in response.content.decode()
    assert not Application.objects.exists()
    # the pre-check (htmx, POST) says the same before the documents are uploaded
    fragment = client.post(reverse("enrolment:precheck"), {"nik": NIK, "birth_date": BIRTH.isoformat()})
    assert "sudah memiliki jaminan kesehatan yang aktif" in fragment.content.decode()
    assert "PBPU" not in fragment.content.decode()  # never the segment
    assert client.get(reverse("enrolment:precheck")).status_code == 405


def test_precheck_not_member(client):
    fragment = client.post(reverse("enrolment:precheck"), {"nik": NIK, "birth_date": BIRTH.isoformat()})
    assert "Anda dapat mengajukan" in fragment.content.decode()


@pytest.mark.parametrize(
    "upload",
    [
        pytest.param(lambda: pdf("ktp.pdf", EXE_BYTES), id="exe-named-pdf"),
        pytest.param(lambda: pdf("ktp.pdf", HTML_BYTES, "application/pdf"), id="html-named-pdf"),
        pytest.param(lambda: pdf("ktp.pdf", b""), id="empty"),
    ],
)
def test_file_type_checked_by_content(client, upload):
    response = apply(client, doc_ktp=upload())
    assert response.status_code == 200
    assert not Application.objects.exists()
    assert not ApplicationDocument.objects.exists()
    assert "PDF, JPEG, atau PNG" in response.content.decode() or "kosong" in response.content.decode()


def test_size_limit(client, monkeypatch, settings):
    settings.ENROLMENT_MAX_UPLOAD_MB = 1
    big = pdf("besar.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    response = apply(client, doc_ktp=big)
    assert response.status_code == 200
    assert "terlalu besar" in response.content.decode()
    assert not Application.objects.exists()


def test_missing_required_document(client):
    data = form_data()
    del data["doc_kk"]
    response = client.post(reverse("enrolment:apply"), data)
    assert response.status_code == 200 and not Application.objects.exists()


def test_nik_never_in_get(client):
    # the tracking and apply forms take no query-string input
    response = client.get(reverse("enrolment:track"), {"code": "ABCDEFGHJK"})
    assert "Status pengajuan" not in response.content.decode()


def test_unknown_code(client):
    page = client.post(reverse("enrolment:track"), {"code": "ZZZZZ-ZZZZZ"}).content.decode()
    assert "tidak ditemukan" in page


@pytest.mark.parametrize("role", NON_UPT)
def test_non_upt_roles_get_403(client, login, role):
    application = ApplicationFactory()
    document = _document(application)
    login(role)
    for url in (
        reverse("enrolment:desk"),
        reverse("enrolment:detail", args=[application.pk]),
        reverse("enrolment:document", args=[document.pk]),
    ):
        assert client.get(url).status_code == 403
    assert client.post(reverse("enrolment:approve", args=[application.pk]), {"outcome": "jamkesda"}).status_code == 403
    assert client.post(reverse("enrolment:reject", args=[application.pk]), {"reason": "x"}).status_code == 403
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def _document(application):
    document = ApplicationDocument(
        application=application, kind="ktp", original_name="ktp.pdf", content_type="application/pdf", size=10
    )
    document.file.save("rahasia.pdf", pdf(), save=False)
    document.save()
    return document


def test_documents_private(client, login, settings):
    application = ApplicationFactory()
    document = _document(application)
    url = reverse("enrolment:document", args=[document.pk])
    # anonymous: sent to login, no content
    response = client.get(url)
    assert response.status_code == 302 and "akun" in response["Location"]
    # the media URL is not served
    assert client.get(settings.MEDIA_URL + document.file.name).status_code == 404
    login(Role.UPT_VERIFIER)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Content-Type"] == "application/pdf"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Content-Disposition"].startswith("attachment")  # PDFs are downloaded
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditLog.objects.filter(action="view", object_type="enrolment.ApplicationDocument").exists()
    assert client.get(reverse("enrolment:document", args=[document.pk + 999])).status_code == 404


def test_desk_counts_oldest_first_paginated(client, login, django_assert_max_num_queries):
    apps = [ApplicationFactory() for _ in range(30)]
    Application.objects.filter(pk=apps[-1].pk).update(submitted_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    ApplicationFactory(status=ApplicationStatus.REJECTED)
    login(Role.UPT_VERIFIER)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("enrolment:desk"))
    page = response.content.decode()
    assert response.context["tabs"][0][2] == 30 and response.context["tabs"][2][2] == 1
    assert response.context["page"].object_list[0].pk == apps[-1].pk  # oldest first
    assert len(response.context["page"]) == 25
    assert "Halaman 1 dari 2" in page
    assert len(client.get(reverse("enrolment:desk"), {"page": 2}).context["page"]) == 5


def test_menus_registered(client, login):
    from ejamkesda.core.navigation import menu_for, public_menu

    labels = [item["label"] for item in public_menu()]
    assert "Ajukan Jamkesda" in labels and "Lacak pengajuan" in labels and "Pengaduan" in labels
    verifier = login(Role.UPT_VERIFIER)
    internal = [item["label"] for item in menu_for(verifier)]
    assert {"Pengajuan", "Pengaduan", "Kotak masuk"} <= set(internal)
    assert "Pengajuan" not in [item["label"] for item in menu_for(login(Role.PPK_OPERATOR))]


def test_export_pbpu_proposals(client, login):
    import io

    from openpyxl import load_workbook

    from ejamkesda.enrolment.models import ApplicationOutcome

    proposed = ApplicationFactory(
        status=ApplicationStatus.APPROVED, outcome=ApplicationOutcome.PBPU_BP_PEMDA, address="=HYPERLINK(1)"
    )
    ApplicationFactory(status=ApplicationStatus.APPROVED, outcome=ApplicationOutcome.JAMKESDA)
    ApplicationFactory()
    login(Role.PPK_OPERATOR)
    assert client.get(reverse("enrolment:export_pbpu")).status_code == 403
    login(Role.UPT_ADMIN)
    response = client.get(reverse("enrolment:export_pbpu"))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "NIK" and len(rows) == 2 and rows[1][1] == proposed.nik
    assert "'=HYPERLINK(1)" in rows[1]  # a public form's text never becomes a formula
    assert AuditLog.objects.filter(action="export", object_type="enrolment.Application").exists()


def test_approve_form_prefills_iso_dates(client, login):
    application = ApplicationFactory()
    login(Role.UPT_VERIFIER)
    page = client.get(reverse("enrolment:detail", args=[application.pk])).content.decode()
    from django.utils import timezone

    assert f'value="{timezone.localdate():%Y-%m-%d}"' in page


def test_desk_counts_are_capped(client, login, monkeypatch):
    monkeypatch.setattr("ejamkesda.enrolment.selectors.COUNT_CAP", 3)
    for _ in range(5):
        ApplicationFactory()
    login(Role.UPT_VERIFIER)
    response = client.get(reverse("enrolment:desk"))
    assert response.context["tabs"][0][2] == "3+"
    assert len(response.context["page"]) == 5  # the list itself is complete


def test_detail_query_count_does_not_grow_with_documents(client, login, django_assert_max_num_queries):
    application = ApplicationFactory()
    for _ in range(6):
        _document(application)
    login(Role.UPT_VERIFIER)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("enrolment:detail", args=[application.pk])).status_code == 200


def test_open_application_of_an_active_member_advises_rejection(client, login):
    application = ApplicationFactory()
    person = PersonFactory(nik=application.nik)
    MembershipFactory(person=person, programme=Programme.JKN, status=MembershipStatus.ACTIVE)
    login(Role.UPT_VERIFIER)
    page = client.get(reverse("enrolment:detail", args=[application.pk])).content.decode()
    assert "sebaiknya ditolak" in page and "Hasil: kepesertaan" not in page


def test_decision_form_with_errors_comes_back_with_its_summary(client, login):
    application = ApplicationFactory()
    login(Role.UPT_VERIFIER)
    response = client.post(reverse("enrolment:reject", args=[application.pk]), {"reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error-summary"' in html and 'href="#id_reason"' in html
    response = client.post(
        reverse("enrolment:approve", args=[application.pk]),
        {"outcome": "jamkesda", "valid_from": "2026-03-01", "valid_to": "2026-02-01"},
    )
    assert response.status_code == 200 and 'href="#id_valid_to"' in response.content.decode()
    application.refresh_from_db()
    assert application.is_open
