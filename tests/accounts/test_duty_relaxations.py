"""Relaxing separation of duties for a one-person puskesmas: recorded, bounded, shown, audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ejamkesda.accounts.models import DutyRelaxation
from ejamkesda.audit.models import AuditLog
from ejamkesda.core.duties import SeparationOfDutiesError, check_separation, duties_relax
from ejamkesda.core.roles import Role
from ejamkesda.services.claim_decisions import claim_approve
from ejamkesda.services.payments import payment_batch_approve, payment_batch_create, payment_batch_mark_paid
from tests.factories import ProviderFactory, user_with_role
from tests.services.factories import approved_sjp, ppk_operator, submitted_claim, tariff_table

pytestmark = pytest.mark.django_db
URL = reverse("accounts:duty_relaxations")


def test_admin_records_a_relaxation_on_the_web_page(client):
    admin = user_with_role(Role.UPT_ADMIN)
    provider = ProviderFactory()
    client.force_login(admin)
    until = timezone.localdate() + dt.timedelta(days=90)
    past = {"provider": provider.pk, "reason": "Pustu satu pegawai", "until": "2000-01-01"}
    assert client.post(URL, past).status_code == 400
    response = client.post(URL, {**past, "until": until.isoformat()})
    assert response.status_code == 302
    relaxation = DutyRelaxation.objects.get()
    assert (relaxation.provider, relaxation.reason, relaxation.valid_until, relaxation.granted_by) == (
        provider, "Pustu satu pegawai", until, admin
    )  # fmt: skip
    page = client.get(URL).content.decode()
    assert "Pustu satu pegawai" in page and until.strftime("%d-%m-%Y") in page
    assert AuditLog.objects.filter(object_type="providers.Provider", summary__contains="dilonggarkan").exists()
    client.post(URL, {"end": relaxation.pk})
    relaxation.refresh_from_db()
    assert relaxation.ended_by == admin and relaxation.ended_at is not None
    assert AuditLog.objects.filter(summary__contains="berlaku lagi").exists()


@pytest.mark.parametrize("role", [Role.UPT_VERIFIER, Role.TREASURER, Role.PPK_OPERATOR])
def test_only_upt_admins_open_the_page(client, role):
    client.force_login(user_with_role(role))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"provider": ProviderFactory().pk, "reason": "x", "until": "2099-01-01"}).status_code == 403
    assert not DutyRelaxation.objects.exists()


def test_a_relaxation_applies_only_while_in_force():
    admin, provider = user_with_role(Role.UPT_ADMIN), ProviderFactory()
    earlier = {"membuat": admin}
    with pytest.raises(SeparationOfDutiesError):
        check_separation(actor=admin, step="menyetujui", earlier=earlier, provider=provider)
    today = timezone.localdate()
    duties_relax(provider=provider, reason="Satu pegawai", until=today, actor=admin)
    label = check_separation(actor=admin, step="menyetujui", earlier=earlier, provider=provider)
    assert "Satu pegawai" in label and str(admin) in label and today.strftime("%d-%m-%Y") in label
    DutyRelaxation.objects.update(valid_until=today - dt.timedelta(days=1))  # expired
    with pytest.raises(SeparationOfDutiesError):
        check_separation(actor=admin, step="menyetujui", earlier=earlier, provider=provider)


def test_a_relaxed_payment_batch_shows_the_relaxation_on_each_step(client):
    tariff_table()
    operator = ppk_operator()
    admin = user_with_role(Role.UPT_ADMIN)
    claim = claim_approve(
        claim=submitted_claim(operator=operator, sjp=approved_sjp(operator=operator)),
        actor=user_with_role(Role.UPT_VERIFIER),
    )
    day = claim.discharge_date
    batch = payment_batch_create(actor=admin, provider=operator.provider, year=day.year, month=day.month)
    duties_relax(provider=operator.provider, reason="Puskesmas satu orang", actor=admin)
    payment_batch_approve(batch=batch, actor=admin)
    batch = payment_batch_mark_paid(batch=batch, actor=admin, order_number="SPM-1", order_date=day)
    assert set(batch.duty_relaxations) == {"approved", "paid"}
    client.force_login(admin)
    page = client.get(reverse("services:payment_detail", args=[batch.pk])).content.decode()
    assert page.count("Puskesmas satu orang") == 2
