"""Payment batches, referrals and tariff imports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from ejamkesda.core.roles import Role
from ejamkesda.notifications.models import Notification
from ejamkesda.providers.models import Provider
from ejamkesda.rules.claims import ClaimState
from ejamkesda.services.claim_decisions import claim_approve
from ejamkesda.services.models import Referral, TariffItem, TariffTable
from ejamkesda.services.payments import (
    PaymentError,
    payment_batch_approve,
    payment_batch_create,
    payment_batch_mark_paid,
)
from ejamkesda.services.referrals import ReferralError, referral_accept, referral_create, referral_return
from tests.factories import ProviderFactory, user_with_role
from tests.services.factories import approved_sjp, jamkesda_member, ppk_operator, submitted_claim, tariff_table

pytestmark = pytest.mark.django_db


def _approved_claim(operator=None):
    claim = submitted_claim(operator=operator, sjp=approved_sjp(operator=operator) if operator else None)
    return claim_approve(claim=claim, actor=user_with_role(Role.UPT_VERIFIER))


def test_batch_per_provider_and_month_then_paid():
    tariff_table()
    operator = ppk_operator()
    treasurer = user_with_role(Role.TREASURER, provider=operator.provider)
    claims = [_approved_claim(operator) for _ in range(2)]
    other_provider_claim = _approved_claim()
    pending = submitted_claim(sjp=approved_sjp(operator=operator))
    admin = user_with_role(Role.UPT_ADMIN)
    day = claims[0].discharge_date
    batch = payment_batch_create(actor=admin, provider=operator.provider, year=day.year, month=day.month)
    assert batch.claim_count == 2 and batch.total == sum(c.approved_total for c in claims)
    assert set(batch.claims.values_list("status", flat=True)) == {ClaimState.IN_PAYMENT}
    other_provider_claim.refresh_from_db()
    pending.refresh_from_db()
    assert other_provider_claim.payment_batch is None and pending.status == ClaimState.SUBMITTED
    assert Notification.objects.filter(recipient=treasurer, subject__contains="Batch pembayaran").exists()
    with pytest.raises(PaymentError, match="Tidak ada klaim"):
        payment_batch_create(actor=admin, provider=operator.provider, year=day.year, month=day.month)
    with pytest.raises(PaymentError, match="Nomor"):
        payment_batch_mark_paid(batch=batch, actor=admin, order_number="", order_date=day)
    payment_batch_approve(batch=batch, actor=user_with_role(Role.UPT_ADMIN))
    with pytest.raises(PaymentError, match="Pemisahan tugas"):  # the creator does not pay
        payment_batch_mark_paid(batch=batch, actor=admin, order_number="SPM-001/2026", order_date=day)
    payer = user_with_role(Role.UPT_ADMIN)
    batch = payment_batch_mark_paid(batch=batch, actor=payer, order_number="SPM-001/2026", order_date=day)
    assert batch.status == batch.Status.PAID and batch.order_number == "SPM-001/2026"
    assert batch.paid_by == payer and batch.duty_relaxations == {}
    assert set(batch.claims.values_list("status", flat=True)) == {ClaimState.PAID}
    with pytest.raises(PaymentError, match="sudah"):
        payment_batch_mark_paid(batch=batch, actor=payer, order_number="X", order_date=day)


def test_referral_fktp_to_fkrtl_accept_and_return():
    fktp = ppk_operator()
    hospital = ProviderFactory(level=Provider.Level.FKRTL, kind=Provider.Kind.HOSPITAL)
    receiver = ppk_operator(provider=hospital)
    person = jamkesda_member()
    sjp = approved_sjp(operator=fktp, person=person)
    referral = referral_create(
        actor=fktp, person=person, to_provider=hospital, diagnosis_code="I10", reason="perlu spesialis", sjp=sjp
    )
    assert referral.status == Referral.Status.SENT and referral.sjp == sjp
    assert Notification.objects.filter(recipient=receiver, subject__contains="Rujukan masuk").exists()
    with pytest.raises(ReferralError, match="PPK tujuan"):
        referral_accept(referral=referral, actor=fktp)
    referral = referral_accept(referral=referral, actor=receiver, note="jadwal poli besok")
    assert referral.status == Referral.Status.ACCEPTED
    assert Notification.objects.filter(recipient=fktp, subject__contains="diterima").exists()
    with pytest.raises(ReferralError, match="sudah dijawab"):
        referral_return(referral=referral, actor=receiver, note="x")
    second = referral_create(actor=fktp, person=person, to_provider=hospital, diagnosis_code="I10", reason="kontrol")
    with pytest.raises(ReferralError):
        referral_return(referral=second, actor=receiver, note="")
    assert referral_return(referral=second, actor=receiver, note="bukan kasus rujukan").status == "dikembalikan"


def test_referral_rules():
    fktp = ppk_operator()
    person = jamkesda_member()
    fktp_target = ProviderFactory()
    with pytest.raises(ReferralError, match="FKRTL"):
        referral_create(actor=fktp, person=person, to_provider=fktp_target, diagnosis_code="I10", reason="x")
    hospital = ProviderFactory(level=Provider.Level.FKRTL)
    hospital_operator = ppk_operator(provider=hospital)
    with pytest.raises(ReferralError, match="FKTP"):
        referral_create(actor=hospital_operator, person=person, to_provider=hospital, diagnosis_code="I10", reason="x")
    someone_elses_sjp = approved_sjp()
    with pytest.raises(ReferralError, match="SJP"):
        referral_create(
            actor=fktp, person=person, to_provider=hospital, diagnosis_code="I10", reason="x", sjp=someone_elses_sjp
        )


def test_tariff_import_csv_via_browser_versions_and_errors(client, login):
    login(Role.UPT_ADMIN)
    csv_bytes = b"kode;uraian;tarif\nRJ01;Rawat jalan;50.000\nRI01;Rawat inap;Rp 250.000\n"
    data = {"name": "Perbup Tarif 2026", "effective_from": "2026-01-01"}
    response = client.post(
        reverse("services:tariff_import"), {**data, "file": SimpleUploadedFile("tarif.csv", csv_bytes)}
    )
    assert response.status_code == 302
    table = TariffTable.objects.get()
    assert dict(table.items.values_list("code", "price")) == {"RJ01": 50_000, "RI01": 250_000}
    response = client.post(
        reverse("services:tariff_import"), {**data, "file": SimpleUploadedFile("tarif.csv", csv_bytes)}
    )
    assert TariffTable.objects.filter(effective_from=dt.date(2026, 1, 1)).count() == 2
    assert TariffTable.objects.order_by("-version").first().version == 2
    bad = b"kode,uraian,tarif\nRJ01,Rawat jalan,lima\n"
    response = client.post(reverse("services:tariff_import"), {**data, "file": SimpleUploadedFile("t.csv", bad)})
    assert response.status_code == 400
    assert "baris 2, kolom tarif" in response.content.decode()
    assert TariffTable.objects.count() == 2  # nothing half-written


def test_tariff_import_xlsx(client, login):
    login(Role.UPT_ADMIN)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Kode", "Nama layanan", "Harga"])
    sheet.append(["LAB01", "Darah lengkap", 75000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("tarif.xlsx", buffer.getvalue())
    response = client.post(
        reverse("services:tariff_import"), {"name": "T", "effective_from": "2026-01-01", "file": upload}
    )
    assert response.status_code == 302
    assert TariffItem.objects.get(code="LAB01").price == 75_000


def test_only_admin_imports_tariffs(client, login):
    login(Role.PPK_OPERATOR)
    response = client.post(reverse("services:tariff_import"), {})
    assert response.status_code == 403


def test_batch_notification_writes_the_total_with_thousands_separators():
    from ejamkesda.core.numbers import angka

    tariff_table()
    operator = ppk_operator()
    treasurer = user_with_role(Role.TREASURER, provider=operator.provider)
    claim = _approved_claim(operator)
    day = claim.discharge_date
    batch = payment_batch_create(
        actor=user_with_role(Role.UPT_ADMIN), provider=operator.provider, year=day.year, month=day.month
    )
    body = Notification.objects.get(recipient=treasurer, subject__contains="Batch pembayaran").body
    assert batch.total >= 1000  # a total that needs a separator
    assert f"Rp {angka(batch.total)}" in body and f"Rp {batch.total})" not in body
