"""Claims: submission checks, idempotency, prices per table, verification state machine."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.notifications.models import Notification
from ejamkesda.participants.models import Membership, MembershipStatus, Programme
from ejamkesda.rules.claims import ClaimState
from ejamkesda.services.claim_checks import ClaimConflict, ClaimError, claim_checks_for
from ejamkesda.services.claim_decisions import (
    LineAdjustment,
    claim_approve,
    claim_approve_adjusted,
    claim_reject,
    claim_resubmit,
    claim_return,
)
from ejamkesda.services.claims import AttachmentInput, LineInput, claim_submit
from ejamkesda.services.models import Claim, ClaimEvent
from tests.factories import MembershipFactory, user_with_role
from tests.services.factories import approved_sjp, pdf_upload, submitted_claim, tariff_table

pytestmark = pytest.mark.django_db


def _submit(sjp, **kwargs):
    params = {
        "actor": sjp.requested_by,
        "sjp": sjp,
        "admission_date": sjp.service_from,
        "discharge_date": sjp.service_from,
        "primary_diagnosis": "A09",
        "lines": [LineInput("RJ01", 1)],
        "attachments": [AttachmentInput("rincian_biaya", pdf_upload())],
        "idempotency_key": uuid.uuid4().hex,
    }
    params.update(kwargs)
    return claim_submit(**params)


def _failed_codes(excinfo):
    return {check.code: check.message for check in excinfo.value.checks}


@pytest.fixture
def table():
    return tariff_table()


def test_prices_come_from_the_table_not_the_client(table):
    claim, created = _submit(approved_sjp(), lines=[LineInput("rj01", 3), LineInput("LAB01", 1)])
    assert created
    assert [(line.code, line.unit_price, line.amount) for line in claim.lines.all()] == [
        ("RJ01", 50_000, 150_000),
        ("LAB01", 75_000, 75_000),
    ]
    assert claim.claimed_total == 225_000 and claim.tariff_table == table
    assert ClaimEvent.objects.filter(claim=claim, to_status=ClaimState.SUBMITTED).exists()
    assert AuditLog.objects.filter(changes__event="claim.submit", object_id=str(claim.pk)).exists()


def test_table_in_force_on_the_admission_date_and_latest_version(table):
    today = timezone.localdate()
    tariff_table(effective_from=today + dt.timedelta(days=30), prices={"RJ01": 99_000})
    newer = tariff_table(effective_from=dt.date(2024, 1, 1), prices={"RJ01": 60_000})  # version 2, same date
    assert newer.version == 2
    claim, _ = _submit(approved_sjp())
    assert claim.tariff_table == newer and claim.claimed_total == 60_000


def test_double_click_creates_one_claim(table):
    sjp = approved_sjp()
    key = uuid.uuid4().hex
    first, created_first = _submit(sjp, idempotency_key=key)
    second, created_second = _submit(sjp, idempotency_key=key)
    assert created_first and not created_second and first.pk == second.pk
    assert Claim.objects.count() == 1


def test_duplicate_claim_same_patient_and_dates_is_refused(table):
    sjp = approved_sjp()
    _submit(sjp)
    with pytest.raises(ClaimError) as excinfo:
        _submit(sjp)
    assert "pada tanggal yang sama" in _failed_codes(excinfo)["duplicate"]


def test_unknown_tariff_code_is_named(table):
    with pytest.raises(ClaimError) as excinfo:
        _submit(approved_sjp(), lines=[LineInput("XX99", 1)])
    assert "XX99" in _failed_codes(excinfo)["prices"]


def test_no_table_in_force():
    tariff_table(effective_from=timezone.localdate() + dt.timedelta(days=10))
    with pytest.raises(ClaimError) as excinfo:
        _submit(approved_sjp())
    assert "tidak ada tabel tarif" in _failed_codes(excinfo)["prices"]


def test_required_attachments(table):
    sjp = approved_sjp(service_kind="rawat_inap")
    with pytest.raises(ClaimError) as excinfo:
        _submit(sjp)
    assert "Resume medis" in _failed_codes(excinfo)["attachments"]


def test_attachment_checked_by_content():
    fake = SimpleUploadedFile("kuitansi.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ClaimError, match="diperiksa dari isinya"):
        _submit(approved_sjp(), attachments=[AttachmentInput("rincian_biaya", fake)])


def test_membership_must_cover_the_service_dates(table):
    sjp = approved_sjp()
    Membership.objects.filter(person=sjp.person).update(status=MembershipStatus.ENDED)
    with pytest.raises(ClaimError) as excinfo:
        _submit(sjp)
    assert "bukan peserta Jamkesda" in _failed_codes(excinfo)["membership"]


def test_active_jkn_fails_membership_check(table):
    sjp = approved_sjp()
    MembershipFactory(person=sjp.person, programme=Programme.JKN)
    with pytest.raises(ClaimError) as excinfo:
        _submit(sjp)
    assert "JKN" in _failed_codes(excinfo)["membership"]


def test_sjp_must_match_and_be_valid(table):
    sjp = approved_sjp()
    with pytest.raises(ClaimError) as excinfo:
        _submit(
            sjp,
            admission_date=sjp.valid_until + dt.timedelta(days=1),
            discharge_date=sjp.valid_until + dt.timedelta(days=2),
        )
    assert "di luar masa berlaku SJP" in _failed_codes(excinfo)["sjp"]
    other_operator = user_with_role(Role.PPK_OPERATOR)
    with pytest.raises(ClaimError) as excinfo:
        _submit(sjp, actor=other_operator)
    assert "PPK lain" in _failed_codes(excinfo)["sjp"]


def test_invalid_diagnosis(table):
    with pytest.raises(ClaimError, match="ICD-10"):
        _submit(approved_sjp(), primary_diagnosis="Q99.99")


def test_approve_records_who_and_notifies(table):
    claim = submitted_claim()
    verifier = user_with_role(Role.UPT_VERIFIER)
    claim = claim_approve(claim=claim, actor=verifier, expected_version=claim.version, note="lengkap")
    assert claim.status == ClaimState.APPROVED and claim.approved_total == claim.claimed_total
    assert claim.decided_by == verifier and claim.decided_at is not None
    assert all(line.approved_amount == line.amount for line in claim.lines.all())
    assert AuditLog.objects.filter(changes__event="claim.approve", object_id=str(claim.pk), actor=verifier).exists()
    assert Notification.objects.filter(recipient=claim.created_by, subject__contains="disetujui").exists()


def test_adjusted_approval_needs_reason_per_changed_line(table):
    claim = submitted_claim()
    verifier = user_with_role(Role.UPT_VERIFIER)
    first, second = list(claim.lines.all())
    with pytest.raises(ClaimError, match="alasan penyesuaian"):
        claim_approve_adjusted(claim=claim, actor=verifier, adjustments=[LineAdjustment(first.pk, 50_000)])
    with pytest.raises(ClaimError, match="antara 0"):
        claim_approve_adjusted(
            claim=claim, actor=verifier, adjustments=[LineAdjustment(first.pk, first.amount + 1, "x")]
        )
    claim = claim_approve_adjusted(
        claim=claim, actor=verifier, adjustments=[LineAdjustment(first.pk, 50_000, "hanya 1 kunjungan")]
    )
    assert claim.status == ClaimState.ADJUSTED
    assert claim.approved_total == 50_000 + second.amount
    first.refresh_from_db()
    assert first.adjustment_reason == "hanya 1 kunjungan"


def test_return_and_resubmit(table):
    claim = submitted_claim()
    verifier = user_with_role(Role.UPT_VERIFIER)
    with pytest.raises(ClaimError):
        claim_return(claim=claim, actor=verifier, note="")
    claim = claim_return(claim=claim, actor=verifier, note="kuitansi buram")
    assert claim.status == ClaimState.RETURNED
    operator = claim.created_by
    claim = claim_resubmit(
        claim=claim,
        actor=operator,
        note="kuitansi baru",
        attachments=[AttachmentInput("rincian_biaya", pdf_upload("baru.pdf"))],
        lines=[LineInput("RJ01", 1)],
    )
    assert claim.status == ClaimState.SUBMITTED and claim.claimed_total == 50_000
    assert claim.attachments.count() == 2
    assert list(claim.events.values_list("to_status", flat=True)) == ["diajukan", "dikembalikan", "diajukan"]


def test_reject_with_reason_code(table):
    claim = submitted_claim()
    verifier = user_with_role(Role.UPT_VERIFIER)
    with pytest.raises(ClaimError):
        claim_reject(claim=claim, actor=verifier, reason_code="tidak-ada")
    with pytest.raises(ClaimError):
        claim_reject(claim=claim, actor=verifier, reason_code="lainnya", note="")
    claim = claim_reject(claim=claim, actor=verifier, reason_code="di_luar_paket")
    assert claim.status == ClaimState.REJECTED and claim.reject_reason == "di_luar_paket"
    # A rejected claim no longer blocks a corrected claim for the same dates.
    _new_claim, created = _submit(claim.sjp)
    assert created


def test_two_verifiers_exactly_one_wins(table):
    claim = submitted_claim()
    seen_version = claim.version
    first, second = user_with_role(Role.UPT_VERIFIER), user_with_role(Role.UPT_VERIFIER)
    claim_approve(claim=claim, actor=first, expected_version=seen_version)
    with pytest.raises(ClaimConflict, match="sudah diubah"):
        claim_reject(claim=claim, actor=second, reason_code="duplikat", expected_version=seen_version)
    # Even without the version, the state machine refuses a second decision.
    with pytest.raises(ClaimConflict, match="tidak dapat diubah"):
        claim_return(claim=claim, actor=second, note="x")
    claim.refresh_from_db()
    assert claim.status == ClaimState.APPROVED and claim.decided_by == first
    assert ClaimEvent.objects.filter(claim=claim).count() == 2


def test_checks_for_the_verifier_show_each_reason(table):
    claim = submitted_claim()
    Membership.objects.filter(person=claim.person).update(status=MembershipStatus.ENDED)
    checks = {check.code: check for check in claim_checks_for(claim)}
    assert set(checks) == {"membership", "sjp", "duplicate", "prices", "attachments"}
    assert not checks["membership"].ok and checks["sjp"].ok and checks["duplicate"].ok
    assert checks["prices"].ok and checks["attachments"].ok
