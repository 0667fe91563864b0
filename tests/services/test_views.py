"""Browser flows, provider scoping of every object URL (404), and pinned query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.providers.models import Provider
from ejamkesda.rules.claims import ClaimState
from ejamkesda.services.claim_decisions import claim_approve, claim_return
from ejamkesda.services.models import Claim, PaymentBatch
from ejamkesda.services.payments import payment_batch_create
from ejamkesda.services.referrals import referral_create
from ejamkesda.services.sjp import sjp_request
from tests.factories import ProviderFactory, user_with_role
from tests.services.factories import (
    approved_sjp,
    jamkesda_member,
    pdf_upload,
    ppk_operator,
    submitted_claim,
    tariff_table,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """One provider's SJP, claim (with attachment), referral and payment batch."""
    tariff_table()
    operator = ppk_operator()
    hospital = ProviderFactory(level=Provider.Level.FKRTL)
    person = jamkesda_member()
    sjp = approved_sjp(operator=operator, person=person)
    claim = submitted_claim(sjp=sjp)
    returned = claim_return(
        claim=submitted_claim(sjp=approved_sjp(operator=operator)), actor=user_with_role(Role.UPT_VERIFIER), note="x"
    )
    paid_claim = claim_approve(
        claim=submitted_claim(sjp=approved_sjp(operator=operator)), actor=user_with_role(Role.UPT_VERIFIER)
    )
    day = paid_claim.discharge_date
    batch = payment_batch_create(
        actor=user_with_role(Role.UPT_ADMIN), provider=operator.provider, year=day.year, month=day.month
    )
    referral = referral_create(
        actor=operator, person=person, to_provider=hospital, diagnosis_code="I10", reason="spesialis", sjp=sjp
    )
    return {
        "operator": operator,
        "sjp": sjp,
        "free_sjp": approved_sjp(operator=operator),  # no claim yet: the claim form opens
        "claim": claim,
        "returned": returned,
        "attachment": claim.attachments.first(),
        "batch": batch,
        "referral": referral,
    }


def _object_urls(w):
    return [
        ("get", reverse("services:sjp_detail", args=[w["sjp"].pk])),
        ("get", reverse("services:sjp_pdf", args=[w["sjp"].pk])),
        ("get", reverse("services:claim_new", args=[w["free_sjp"].pk])),
        ("post", reverse("services:claim_new", args=[w["free_sjp"].pk])),
        ("get", reverse("services:claim_detail", args=[w["claim"].pk])),
        ("get", reverse("services:claim_attachment", args=[w["claim"].pk, w["attachment"].pk])),
        ("post", reverse("services:claim_resubmit", args=[w["returned"].pk])),
        ("get", reverse("services:referral_detail", args=[w["referral"].pk])),
        ("post", reverse("services:referral_respond", args=[w["referral"].pk])),
        ("get", reverse("services:payment_detail", args=[w["batch"].pk])),
    ]


def test_owner_can_open_every_object_url(client, world):
    client.force_login(world["operator"])
    for method, url in _object_urls(world):
        if method == "get":
            assert client.get(url).status_code == 200, url


def test_operator_of_another_provider_gets_404_everywhere(client, world):
    client.force_login(ppk_operator())
    for method, url in _object_urls(world):
        response = getattr(client, method)(url, {"action": "accept", "version": 1})
        assert response.status_code == 404, (method, url, response.status_code)


def test_treasurer_of_another_provider_gets_404(client, world):
    client.force_login(user_with_role(Role.TREASURER))
    for url in (
        reverse("services:claim_detail", args=[world["claim"].pk]),
        reverse("services:claim_attachment", args=[world["claim"].pk, world["attachment"].pk]),
        reverse("services:payment_detail", args=[world["batch"].pk]),
    ):
        assert client.get(url).status_code == 404, url


def test_lists_show_only_own_provider(client, world):
    client.force_login(ppk_operator())
    for name in ("sjp_list", "claim_list", "referral_list", "payment_list"):
        body = client.get(reverse(f"services:{name}")).content.decode()
        assert world["sjp"].person.name not in body, name
        assert f"#{world['batch'].pk}" not in body or name != "payment_list"


def test_receiving_hospital_sees_and_answers_the_referral(client, world):
    receiver = ppk_operator(provider=world["referral"].to_provider)
    client.force_login(receiver)
    assert client.get(reverse("services:referral_detail", args=[world["referral"].pk])).status_code == 200
    # ...but not the referring provider's claims.
    assert client.get(reverse("services:claim_detail", args=[world["claim"].pk])).status_code == 404
    response = client.post(
        reverse("services:referral_respond", args=[world["referral"].pk]), {"action": "accept", "note": "ok"}
    )
    assert response.status_code == 302
    world["referral"].refresh_from_db()
    assert world["referral"].status == "diterima"


def test_detail_views_are_audited(client, world):
    client.force_login(world["operator"])
    client.get(reverse("services:claim_detail", args=[world["claim"].pk]))
    client.get(reverse("services:sjp_detail", args=[world["sjp"].pk]))
    assert AuditLog.objects.filter(changes__event="claim.view", object_id=str(world["claim"].pk)).exists()
    assert AuditLog.objects.filter(changes__event="sjp.view", object_id=str(world["sjp"].pk)).exists()


def test_end_to_end_sjp_claim_verification_payment(client):
    tariff_table()
    operator = ppk_operator()
    person = jamkesda_member()
    today = timezone.localdate()
    client.force_login(operator)
    client.post(
        reverse("services:sjp_new"),
        {"nik": person.nik, "service_kind": "rawat_jalan", "diagnosis_code": "A09", "service_from": today.isoformat()},
    )
    sjp = person.sjps.get()
    verifier = user_with_role(Role.UPT_VERIFIER)
    client.force_login(verifier)
    queue = client.get(reverse("services:sjp_list"), {"status": "diajukan"}).content.decode()
    assert person.name in queue
    client.post(reverse("services:sjp_decide", args=[sjp.pk]), {"action": "approve"})
    client.force_login(operator)
    form_page = client.get(reverse("services:claim_new", args=[sjp.pk]))
    key = form_page.context["form"].initial["idempotency_key"]
    payload = {
        "idempotency_key": key,
        "admission_date": today.isoformat(),
        "discharge_date": today.isoformat(),
        "primary_diagnosis": "A09",
        "secondary_diagnoses": "I10, E11.9",
        "lines-TOTAL_FORMS": "2",
        "lines-INITIAL_FORMS": "0",
        "lines-0-code": "RJ01",
        "lines-0-quantity": "1",
        "lines-1-code": "LAB01",
        "lines-1-quantity": "2",
    }
    first = client.post(
        reverse("services:claim_new", args=[sjp.pk]), {**payload, "attachment_rincian_biaya": pdf_upload()}
    )
    second = client.post(
        reverse("services:claim_new", args=[sjp.pk]), {**payload, "attachment_rincian_biaya": pdf_upload()}
    )
    claim = Claim.objects.get()  # the double click made one claim
    assert first["Location"] == second["Location"] == reverse("services:claim_detail", args=[claim.pk])
    assert claim.claimed_total == 50_000 + 2 * 75_000 and claim.secondary_diagnoses == ["I10", "E11.9"]
    client.force_login(verifier)
    page = client.get(reverse("services:claim_detail", args=[claim.pk])).content.decode()
    assert "Pemeriksaan klaim" in page and "gagal" not in page
    line = claim.lines.get(code="LAB01")
    client.post(
        reverse("services:claim_decide", args=[claim.pk]),
        {"action": "adjust", "version": claim.version, f"approved_{line.pk}": "75000", f"reason_{line.pk}": "1x saja"},
    )
    claim.refresh_from_db()
    assert claim.status == ClaimState.ADJUSTED and claim.approved_total == 125_000
    # A second verifier with the stale page is told, nothing changes.
    response = client.post(
        reverse("services:claim_decide", args=[claim.pk]),
        {"action": "reject", "reason_code": "duplikat", "version": 1},
        follow=True,
    )
    assert "sudah diubah" in response.content.decode()
    admin = user_with_role(Role.UPT_ADMIN)
    client.force_login(admin)
    client.post(
        reverse("services:payment_create"), {"provider": operator.provider_id, "year": today.year, "month": today.month}
    )
    batch = PaymentBatch.objects.get()
    paid = {"order_number": "SPM-9", "order_date": today.isoformat()}
    refused = client.post(reverse("services:payment_approve", args=[batch.pk]), follow=True)
    assert "Pemisahan tugas" in refused.content.decode()  # the batch's creator does not approve it
    client.force_login(user_with_role(Role.UPT_ADMIN))
    client.post(reverse("services:payment_approve", args=[batch.pk]))
    client.force_login(user_with_role(Role.UPT_ADMIN))  # a third person pays
    client.post(reverse("services:payment_mark_paid", args=[batch.pk]), paid)
    client.force_login(operator)
    page = client.get(reverse("services:claim_detail", args=[claim.pk])).content.decode()
    assert "Dibayar" in page and "1x saja" in page


@pytest.mark.parametrize(
    ("name", "role", "limit"),
    [
        ("sjp_list", Role.UPT_VERIFIER, 8),
        ("claim_list", Role.UPT_VERIFIER, 12),
        ("referral_list", Role.UPT_VERIFIER, 8),
        ("payment_list", Role.UPT_ADMIN, 8),
        ("tariff_list", Role.UPT_ADMIN, 8),
        ("reports", Role.UPT_ADMIN, 12),
    ],
)
def test_list_query_counts_do_not_grow(client, django_assert_max_num_queries, name, role, limit):
    tariff_table()
    user = user_with_role(role)
    client.force_login(user)

    def grow(n):
        for _ in range(n):
            operator = ppk_operator()
            hospital = ProviderFactory(level=Provider.Level.FKRTL)
            sjp = approved_sjp(operator=operator)
            claim = claim_approve(claim=submitted_claim(sjp=sjp), actor=user_with_role(Role.UPT_VERIFIER))
            referral_create(actor=operator, person=sjp.person, to_provider=hospital, diagnosis_code="A09", reason="x")
            payment_batch_create(
                actor=user_with_role(Role.UPT_ADMIN),
                provider=operator.provider,
                year=claim.discharge_date.year,
                month=claim.discharge_date.month,
            )
            sjp_request(
                actor=operator,
                person=jamkesda_member(),
                service_kind="rawat_jalan",
                diagnosis_code="A09",
                service_from=timezone.localdate(),
            )

    grow(2)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(f"services:{name}")).status_code == 200
    grow(6)
    with django_assert_max_num_queries(limit):
        assert client.get(reverse(f"services:{name}")).status_code == 200


def test_claim_list_marks_claims_past_their_service_level_targets(client):
    import datetime as dt

    tariff_table()
    late = submitted_claim()
    Claim.objects.filter(pk=late.pk).update(submitted_at=timezone.now() - dt.timedelta(days=20))
    client.force_login(user_with_role(Role.UPT_VERIFIER))
    body = client.get(reverse("services:claim_list"), {"status": "diajukan"}).content.decode()
    assert "15–30 hari" in body and "lewat target" in body and "tertua 20 hari" in body
    approved = claim_approve(claim=submitted_claim(), actor=user_with_role(Role.UPT_VERIFIER))
    Claim.objects.filter(pk=late.pk).delete()
    Claim.objects.filter(pk=approved.pk).update(decided_at=timezone.now() - dt.timedelta(days=31))
    body = client.get(reverse("services:claim_list"), {"status": "disetujui"}).content.decode()
    assert "31 hari menunggu bayar" in body and "lewat target" in body


def test_capped_paginator_counts_at_most_the_cap():
    from ejamkesda.services.paging import CappedPaginator

    tariff_table()
    for _ in range(3):
        submitted_claim()
    paginator = CappedPaginator(Claim.objects.order_by("id"), 1, cap=2)
    assert paginator.count == 3 and paginator.capped
    assert not CappedPaginator(Claim.objects.order_by("id"), 1, cap=5).capped


@pytest.mark.parametrize(
    ("role", "expected", "absent"),
    [
        (Role.PPK_OPERATOR, {"SJP", "Rujukan", "Klaim", "Tarif", "Pembayaran", "Laporan klaim"}, set()),
        (Role.UPT_VERIFIER, {"SJP", "Rujukan", "Klaim", "Tarif", "Pembayaran", "Laporan klaim"}, set()),
        (Role.TREASURER, {"Klaim", "Pembayaran", "Laporan klaim"}, {"SJP", "Rujukan"}),
        (Role.VIEWER, {"Tarif", "Laporan klaim"}, {"SJP", "Klaim", "Pembayaran"}),
        (Role.OPD_OPERATOR, set(), {"SJP", "Klaim", "Tarif", "Laporan klaim"}),
    ],
)
def test_menus_per_role(role, expected, absent):
    from ejamkesda.core.navigation import menu_for

    labels = {item["label"] for item in menu_for(user_with_role(role))}
    assert expected <= labels and not (absent & labels)


def test_returned_claim_corrected_in_browser(client):
    tariff_table()
    claim = submitted_claim()
    claim = claim_return(claim=claim, actor=user_with_role(Role.UPT_VERIFIER), note="jumlah lab salah")
    client.force_login(claim.created_by)
    page = client.get(reverse("services:claim_detail", args=[claim.pk]))
    assert "Ajukan ulang" in page.content.decode() and "jumlah lab salah" in page.content.decode()
    response = client.post(
        reverse("services:claim_resubmit", args=[claim.pk]),
        {
            "version": claim.version,
            "note": "diperbaiki",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-code": "RJ01",
            "lines-0-quantity": "1",
            "attachment_resume_medis": pdf_upload("resume.pdf"),
        },
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimState.SUBMITTED and claim.claimed_total == 50_000
    assert claim.attachments.filter(kind="resume_medis").exists()
