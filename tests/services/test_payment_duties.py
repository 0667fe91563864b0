"""Claim payment batches: created → approved → paid, each by a different person."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.services.claim_decisions import claim_approve
from ejamkesda.services.models import PaymentBatch
from ejamkesda.services.payments import (
    PaymentError,
    payment_batch_approve,
    payment_batch_create,
    payment_batch_mark_paid,
    payment_batch_transfer_csv,
)
from tests.factories import user_with_role
from tests.services.factories import approved_sjp, ppk_operator, submitted_claim, tariff_table

pytestmark = pytest.mark.django_db


def _batch(verifier=None):
    tariff_table()
    operator = ppk_operator()
    claim = submitted_claim(operator=operator, sjp=approved_sjp(operator=operator))
    claim = claim_approve(claim=claim, actor=verifier or user_with_role(Role.UPT_VERIFIER))
    creator = user_with_role(Role.UPT_ADMIN)
    day = claim.discharge_date
    return payment_batch_create(actor=creator, provider=operator.provider, year=day.year, month=day.month), day


def _pay(batch, actor, day):
    return payment_batch_mark_paid(batch=batch, actor=actor, order_number="SPM-7/2026", order_date=day)


def test_three_steps_by_three_people_each_audited():
    batch, day = _batch()
    creator, approver, payer = batch.created_by, user_with_role(Role.UPT_ADMIN), user_with_role(Role.UPT_ADMIN)
    with pytest.raises(PaymentError, match="disetujui dulu"):
        _pay(batch, payer, day)
    with pytest.raises(PaymentError, match="Pemisahan tugas: Anda sudah membuat batch ini"):
        payment_batch_approve(batch=batch, actor=creator)
    batch = payment_batch_approve(batch=batch, actor=approver)
    assert batch.status == PaymentBatch.Status.APPROVED and batch.approved_by == approver and batch.approved_at
    with pytest.raises(PaymentError, match="sudah disetujui"):
        payment_batch_approve(batch=batch, actor=payer)
    for clash in (creator, approver):
        with pytest.raises(PaymentError, match="Pemisahan tugas"):
            _pay(batch, clash, day)
    batch = _pay(batch, payer, day)
    assert (batch.created_by, batch.approved_by, batch.paid_by) == (creator, approver, payer)
    assert batch.duty_relaxations == {}
    entries = AuditLog.objects.filter(object_type="services.PaymentBatch", object_id=str(batch.pk)).order_by("id")
    assert [(entry.changes["event"], entry.actor_id) for entry in entries] == [
        ("payment_batch.create", creator.pk),
        ("payment_batch.approve", approver.pk),
        ("payment_batch.paid", payer.pk),
    ]


def test_a_verifier_of_a_claim_in_the_batch_cannot_approve_it():
    verifier = user_with_role(Role.UPT_ADMIN)  # an admin who also decided a claim
    batch, _day = _batch(verifier=verifier)
    with pytest.raises(PaymentError, match="memverifikasi klaim di batch ini"):
        payment_batch_approve(batch=batch, actor=verifier)


def test_only_upt_admins_take_the_steps():
    batch, _day = _batch()
    for role in (Role.UPT_VERIFIER, Role.TREASURER, Role.VIEWER):
        with pytest.raises(PermissionDenied):
            payment_batch_approve(batch=batch, actor=user_with_role(role))


def test_transfer_file_only_after_approval(client):
    batch, _day = _batch()
    admin = user_with_role(Role.UPT_ADMIN)
    with pytest.raises(PaymentError, match="sudah disetujui"):
        payment_batch_transfer_csv(batch=batch, actor=admin)
    client.force_login(admin)
    url = reverse("services:payment_transfer_csv", args=[batch.pk])
    refused = client.get(url, follow=True)
    assert refused.redirect_chain and "hanya untuk batch yang sudah disetujui" in refused.content.decode()
    page = client.get(reverse("services:payment_detail", args=[batch.pk])).content.decode()
    assert url not in page and reverse("services:payment_approve", args=[batch.pk]) in page
    client.post(reverse("services:payment_approve", args=[batch.pk]))
    page = client.get(reverse("services:payment_detail", args=[batch.pk])).content.decode()
    assert url in page and str(admin) in page  # the approver is shown
    response = client.get(url)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "no" and int(rows[1][5]) == batch.total
    assert AuditLog.objects.filter(action=AuditLog.Action.EXPORT, object_id=str(batch.pk)).exists()
