"""SJP: request checks, numbering, decisions, letter PDF, public verification."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from ejamkesda.audit.models import AuditLog
from ejamkesda.core.roles import Role
from ejamkesda.notifications.models import Notification
from ejamkesda.participants.models import Programme
from ejamkesda.services.models import Sjp, SjpCounter
from ejamkesda.services.sjp import SjpConflict, SjpError, sjp_approve, sjp_reject, sjp_request
from tests.factories import MembershipFactory, PersonFactory, user_with_role
from tests.services.factories import approved_sjp, jamkesda_member, ppk_operator

pytestmark = pytest.mark.django_db


def _request(operator, person, **kwargs):
    today = timezone.localdate()
    params = {"service_kind": "rawat_jalan", "diagnosis_code": "J18.9", "service_from": today}
    params.update(kwargs)
    return sjp_request(actor=operator, person=person, **params)


def test_member_gets_a_requested_sjp_with_membership_and_audit():
    operator = ppk_operator()
    person = jamkesda_member()
    sjp = _request(operator, person)
    assert sjp.status == Sjp.Status.REQUESTED
    assert sjp.provider_id == operator.provider_id
    assert sjp.membership.programme == Programme.JAMKESDA
    assert AuditLog.objects.filter(changes__event="sjp.request", object_id=str(sjp.pk)).exists()


def test_active_jkn_member_is_told_to_use_jkn():
    person = jamkesda_member()
    MembershipFactory(person=person, programme=Programme.JKN)
    with pytest.raises(SjpError, match="JKN"):
        _request(ppk_operator(), person)


def test_membership_checked_on_the_service_date():
    person = PersonFactory()
    MembershipFactory(
        person=person, programme=Programme.JAMKESDA, valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 12, 31)
    )
    with pytest.raises(SjpError, match="bukan peserta Jamkesda"):
        _request(ppk_operator(), person)


def test_invalid_icd_code_is_refused():
    with pytest.raises(SjpError, match="ICD-10"):
        _request(ppk_operator(), jamkesda_member(), diagnosis_code="ZZ9")


def test_non_emergency_cannot_be_requested_after_the_fact():
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    with pytest.raises(SjpError, match="sebelum atau pada hari"):
        _request(ppk_operator(), jamkesda_member(), service_from=yesterday)


def test_emergency_after_the_fact_within_window(settings):
    now = timezone.now()
    started = now - dt.timedelta(hours=70)
    sjp = _request(
        ppk_operator(),
        jamkesda_member(),
        service_kind="gawat_darurat",
        service_from=timezone.localdate(started),
        emergency_at=started,
        now=now,
    )
    assert sjp.status == Sjp.Status.REQUESTED and sjp.emergency_at == started


def test_emergency_after_the_window_is_refused():
    now = timezone.now()
    started = now - dt.timedelta(hours=73)
    with pytest.raises(SjpError, match="72 jam"):
        _request(
            ppk_operator(),
            jamkesda_member(),
            service_kind="gawat_darurat",
            service_from=timezone.localdate(started),
            emergency_at=started,
            now=now,
        )


def test_emergency_window_is_configurable(settings):
    settings.SJP_EMERGENCY_WINDOW_HOURS = 24
    now = timezone.now()
    started = now - dt.timedelta(hours=30)
    with pytest.raises(SjpError, match="24 jam"):
        _request(
            ppk_operator(),
            jamkesda_member(),
            service_kind="gawat_darurat",
            service_from=timezone.localdate(started),
            emergency_at=started,
            now=now,
        )


def test_approval_numbers_are_sequential_and_unique_per_year():
    verifier = user_with_role(Role.UPT_VERIFIER)
    operator = ppk_operator()
    numbers = [sjp_approve(sjp=_request(operator, jamkesda_member()), actor=verifier).number for _ in range(3)]
    year = timezone.localdate().year
    assert numbers == [f"SJP/{year}/000001", f"SJP/{year}/000002", f"SJP/{year}/000003"]
    assert SjpCounter.objects.get(year=year).last == 3


def test_second_decision_is_told_who_won():
    operator = ppk_operator()
    sjp = _request(operator, jamkesda_member())
    first, second = user_with_role(Role.UPT_VERIFIER), user_with_role(Role.UPT_VERIFIER)
    sjp_approve(sjp=sjp, actor=first)
    with pytest.raises(SjpConflict, match=first.username):
        sjp_reject(sjp=sjp, actor=second, reason="telat")
    sjp.refresh_from_db()
    assert sjp.status == Sjp.Status.APPROVED and sjp.decided_by == first


def test_rejection_needs_reason_and_notifies_provider():
    operator = ppk_operator()
    sjp = _request(operator, jamkesda_member())
    with pytest.raises(SjpError):
        sjp_reject(sjp=sjp, actor=user_with_role(Role.UPT_VERIFIER), reason=" ")
    sjp_reject(sjp=sjp, actor=user_with_role(Role.UPT_VERIFIER), reason="bukan indikasi medis")
    note = Notification.objects.get(recipient=operator)
    assert "ditolak" in note.subject and "bukan indikasi medis" in note.body
    assert sjp.person.nik not in note.body


def test_request_via_browser_posts_nik_and_never_puts_it_in_the_url(client, login):
    operator = login(Role.PPK_OPERATOR)
    person = jamkesda_member()
    response = client.post(
        reverse("services:sjp_new"),
        {
            "nik": person.nik,
            "service_kind": "rawat_jalan",
            "diagnosis_code": "a09",
            "service_from": timezone.localdate().isoformat(),
        },
    )
    sjp = Sjp.objects.get(provider=operator.provider)
    assert response.status_code == 302 and response["Location"] == reverse("services:sjp_detail", args=[sjp.pk])
    assert person.nik not in response["Location"]
    assert sjp.diagnosis_code == "A09"


def test_request_with_unknown_nik_shows_error(client, login):
    login(Role.PPK_OPERATOR)
    response = client.post(
        reverse("services:sjp_new"),
        {
            "nik": "6409010703850999",
            "service_kind": "rawat_jalan",
            "diagnosis_code": "A09",
            "service_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 200
    assert "NIK tidak terdaftar" in response.content.decode()


def test_verifier_approves_in_browser(client, login):
    sjp = _request(ppk_operator(), jamkesda_member())
    login(Role.UPT_VERIFIER)
    response = client.post(reverse("services:sjp_decide", args=[sjp.pk]), {"action": "approve"})
    assert response.status_code == 302
    sjp.refresh_from_db()
    assert sjp.status == Sjp.Status.APPROVED and sjp.number
    # The PPK operator may not decide.
    other = _request(ppk_operator(), jamkesda_member())
    login(Role.PPK_OPERATOR, provider=other.provider)
    assert client.post(reverse("services:sjp_decide", args=[other.pk]), {"action": "approve"}).status_code == 403


def test_letter_pdf_has_qr_to_public_page(client):
    sjp = approved_sjp()
    client.force_login(sjp.requested_by)
    response = client.get(reverse("services:sjp_pdf", args=[sjp.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert sjp.number.encode() in response.content or b"SJP" in response.content


def test_public_verification_shows_validity_not_personal_data(client):
    sjp = approved_sjp()
    response = client.get(reverse("services:sjp_verify", args=[sjp.token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert sjp.number in body and "SAH" in body
    assert sjp.person.name not in body and sjp.person.nik not in body
    assert sjp.provider.name not in body


def test_public_verification_unknown_or_unapproved_token(client):
    assert client.get(reverse("services:sjp_verify", args=["tidak-ada"])).status_code == 404
    pending = _request(ppk_operator(), jamkesda_member())
    response = client.get(reverse("services:sjp_verify", args=[pending.token]))
    assert response.status_code == 404 and "TIDAK DITEMUKAN" in response.content.decode()


def test_tokens_are_unguessable():
    sjp = approved_sjp()
    assert len(sjp.token) >= 30 and str(sjp.pk) != sjp.token


def test_icd_autocomplete(client, login):
    login(Role.PPK_OPERATOR)
    response = client.get(reverse("services:icd_search"), {"diagnosis_code": "J18"})
    body = response.content.decode()
    assert response.status_code == 200 and '<option value="J18.9">' in body


def test_public_verification_is_rate_limited(client):
    url = reverse("services:sjp_verify", args=["tidak-ada"])
    codes = [client.get(url).status_code for _ in range(31)]
    assert set(codes[:30]) == {404}
    assert codes[30] in {403, 429}
