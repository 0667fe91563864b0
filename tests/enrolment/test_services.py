from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.enrolment.models import Application, ApplicationOutcome, ApplicationStatus
from ejamkesda.enrolment.services import (
    AlreadyCovered,
    ApplicationStateError,
    DuplicateApplication,
    application_approve,
    application_reject,
    application_submit,
)
from ejamkesda.notifications.models import Notification
from ejamkesda.participants.models import Membership, MembershipStatus, ParticipantHistory, Person, Programme
from tests.enrolment.factories import EXE_BYTES, ApplicationFactory, pdf, png
from tests.factories import MembershipFactory, PersonFactory, make_nik, user_with_role

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1990, 5, 17)


def submit(nik=None, **overrides):
    data = dict(
        nik=nik or make_nik(birth_date=BIRTH, serial=77),
        kk_number="6409010101000009",
        name="Siti  Aminah",
        birth_date=BIRTH,
        address="Jl. Propinsi KM 9",
        reason="Tidak mampu",
        phone="081200000001",
        email="siti@example.org",
        documents=[("ktp", pdf()), ("kk", png())],
    )
    data.update(overrides)
    return application_submit(**data)


def test_submit_stores_application_documents_and_notifies(django_capture_on_commit_callbacks):
    verifier = user_with_role(Role.UPT_VERIFIER, email="v@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        application = submit()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.name == "Siti Aminah"
    assert len(application.tracking_code) == 10
    documents = list(application.documents.order_by("kind"))
    assert [d.kind for d in documents] == ["kk", "ktp"]
    assert documents[1].content_type == "application/pdf"
    # stored under a random name, never the uploaded one
    assert "ktp.pdf" not in documents[1].file.name and documents[1].file.name.endswith(".pdf")
    assert AuditLog.objects.filter(action="create", object_type="enrolment.Application").count() == 1
    # applicant gets the code by e-mail; verifiers get an inbox entry
    assert any(application.code_display in m.body and m.to == ["siti@example.org"] for m in mail.outbox)
    assert Notification.objects.filter(recipient=verifier).count() == 1


def test_already_active_jkn_member_is_told_at_once():
    person = PersonFactory(nik=make_nik(birth_date=BIRTH, serial=78), birth_date=BIRTH)
    MembershipFactory(person=person, programme=Programme.JKN, status=MembershipStatus.ACTIVE)
    with pytest.raises(AlreadyCovered) as caught:
        submit(nik=person.nik)
    assert caught.value.memberships[0].programme == Programme.JKN
    assert not Application.objects.exists()


def test_expired_or_inactive_membership_does_not_block():
    person = PersonFactory(nik=make_nik(birth_date=BIRTH, serial=79), birth_date=BIRTH)
    MembershipFactory(person=person, programme=Programme.JKN, status=MembershipStatus.INACTIVE)
    MembershipFactory(
        person=person,
        programme=Programme.JAMKESDA,
        status=MembershipStatus.ACTIVE,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2020, 12, 31),
    )
    assert submit(nik=person.nik).pk


def test_birth_date_must_match_nik():
    with pytest.raises(ValidationError):
        submit(birth_date=dt.date(1991, 5, 17))


def test_required_documents_and_content_check():
    with pytest.raises(ValidationError):
        submit(documents=[("ktp", pdf())])
    with pytest.raises(ValidationError):
        submit(documents=[("ktp", pdf()), ("kk", pdf("kk.pdf", EXE_BYTES))])
    assert not Application.objects.exists()


def test_one_open_application_per_nik():
    submit()
    with pytest.raises(DuplicateApplication):
        submit()


def test_approve_creates_person_membership_and_history(django_capture_on_commit_callbacks):
    verifier = user_with_role(Role.UPT_VERIFIER)
    application = submit()
    with django_capture_on_commit_callbacks(execute=True):
        approved = application_approve(application=application, actor=verifier, valid_from=dt.date(2026, 1, 1))
    assert approved.status == ApplicationStatus.APPROVED
    person = Person.objects.get(nik=application.nik)
    assert person.name == "Siti Aminah" and person.sex == "L"
    membership = Membership.objects.get(person=person, programme=Programme.JAMKESDA)
    assert membership.status == MembershipStatus.ACTIVE
    assert (membership.valid_from, membership.valid_to) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert approved.membership == membership
    assert ParticipantHistory.objects.filter(person=person, membership=membership).exists()
    entry = AuditLog.objects.get(action="transition", object_id=str(application.pk))
    assert entry.actor == verifier and entry.changes["status"] == ["diajukan", "disetujui"]
    assert any("disetujui" in m.subject for m in mail.outbox)


def test_approve_keeps_existing_person_data():
    verifier = user_with_role(Role.UPT_VERIFIER)
    person = PersonFactory(nik=make_nik(birth_date=BIRTH, serial=80), birth_date=BIRTH, name="NAMA DI REGISTER")
    application = submit(nik=person.nik, name="Nama Di Formulir")
    application_approve(application=application, actor=verifier)
    person.refresh_from_db()
    assert person.name == "NAMA DI REGISTER"
    assert Membership.objects.filter(person=person, programme=Programme.JAMKESDA).count() == 1


def test_approve_as_pbpu_bp_pemda_marks_person_without_jamkesda_membership():
    verifier = user_with_role(Role.UPT_VERIFIER)
    application = submit()
    approved = application_approve(application=application, actor=verifier, outcome=ApplicationOutcome.PBPU_BP_PEMDA)
    assert approved.outcome == ApplicationOutcome.PBPU_BP_PEMDA
    assert approved.membership is None
    person = Person.objects.get(nik=application.nik)
    assert not Membership.objects.filter(person=person).exists()
    assert ParticipantHistory.objects.filter(person=person, changes__usulan_jkn=[None, "pbpu_bp_pemda"]).exists()


def test_reject_requires_reason_and_notifies(django_capture_on_commit_callbacks):
    verifier = user_with_role(Role.UPT_VERIFIER)
    application = submit()
    with pytest.raises(ValidationError):
        application_reject(application=application, actor=verifier, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        rejected = application_reject(application=application, actor=verifier, reason="SKTM belum ada")
    assert rejected.status == ApplicationStatus.REJECTED and rejected.rejection_reason == "SKTM belum ada"
    assert any("SKTM belum ada" in m.body for m in mail.outbox)
    # after a rejection the resident may apply again
    assert submit().pk != application.pk


def test_second_decision_loses():
    first, second = user_with_role(Role.UPT_VERIFIER), user_with_role(Role.UPT_VERIFIER)
    application = submit()
    stale_copy = Application.objects.get(pk=application.pk)
    application_approve(application=application, actor=first)
    with pytest.raises(ApplicationStateError, match=first.username):
        application_reject(application=stale_copy, actor=second, reason="terlambat")
    with pytest.raises(ApplicationStateError):
        application_approve(application=stale_copy, actor=second)
    stale_copy.refresh_from_db()
    assert stale_copy.status == ApplicationStatus.APPROVED and stale_copy.decided_by == first
    assert Membership.objects.filter(programme=Programme.JAMKESDA).count() == 1
    assert AuditLog.objects.filter(action="transition", object_id=str(application.pk)).count() == 1


def test_approve_refused_when_person_became_member_meanwhile():
    verifier = user_with_role(Role.UPT_VERIFIER)
    application = submit()
    person = PersonFactory(nik=application.nik, birth_date=BIRTH)
    MembershipFactory(person=person, programme=Programme.JKN, status=MembershipStatus.ACTIVE)
    with pytest.raises(ApplicationStateError):
        application_approve(application=application, actor=verifier)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_factory_application_can_be_rejected():
    application = ApplicationFactory()
    rejected = application_reject(application=application, actor=user_with_role(Role.UPT_ADMIN), reason="x")
    assert rejected.decided_at <= timezone.now()
