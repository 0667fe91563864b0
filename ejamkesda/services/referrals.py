"""Referrals (rujukan), docs/layanan-ppk-dan-verifikasi.md: an FKTP refers a patient to an FKRTL; the receiving
provider accepts or returns it; both see the status. A referral may carry the SJP."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.participants.models import Person
from ejamkesda.providers.models import Provider
from ejamkesda.services import icd
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.models import Referral, Sjp
from ejamkesda.services.notify import notify_provider


class ReferralError(ValueError):
    pass


def referral_create(
    *, actor: Any, person: Person, to_provider: Provider, diagnosis_code: str, reason: str, sjp: Sjp | None = None
) -> Referral:
    from_provider = actor.provider
    if from_provider is None:
        raise ReferralError(_("Pengguna tidak terikat pada PPK."))
    if from_provider.level != Provider.Level.FKTP:
        raise ReferralError(_("Rujukan hanya dibuat oleh FKTP."))
    if to_provider.level != Provider.Level.FKRTL or not to_provider.active:
        raise ReferralError(_("PPK tujuan harus FKRTL yang aktif."))
    code = icd.normalise(diagnosis_code)
    if not icd.is_valid(code):
        raise ReferralError(_("Kode diagnosis %(code)s bukan kode ICD-10 yang sah.") % {"code": diagnosis_code})
    if not (reason or "").strip():
        raise ReferralError(_("Alasan rujukan wajib diisi."))
    if sjp is not None and (
        sjp.provider_id != from_provider.pk or sjp.person_id != person.pk or sjp.status != Sjp.Status.APPROVED
    ):
        raise ReferralError(_("SJP yang dilampirkan harus SJP disetujui milik PPK ini untuk pasien yang sama."))
    with transaction.atomic():
        referral = Referral.objects.create(
            from_provider=from_provider,
            to_provider=to_provider,
            person=person,
            diagnosis_code=code,
            reason=reason.strip(),
            sjp=sjp,
            created_by=actor,
        )
        audit_event(
            event="referral.create",
            obj=referral,
            actor=actor,
            summary=f"Rujukan ke {to_provider.code} ({code})",
            changes={"to_provider": to_provider.pk, "person_id": person.pk, "sjp": sjp.pk if sjp else None},
        )
        notify_provider(
            provider_id=to_provider.pk,
            subject=_("Rujukan masuk dari %(provider)s") % {"provider": from_provider.name},
            body=_("Rujukan #%(id)s (%(code)s) menunggu diterima.") % {"id": referral.pk, "code": code},
            link=reverse("services:referral_detail", args=[referral.pk]),
        )
    return referral


def _respond(*, referral: Referral, actor: Any, status: str, note: str) -> Referral:
    with transaction.atomic():
        locked = Referral.objects.select_for_update().get(pk=referral.pk)
        if locked.to_provider_id != actor.provider_id:
            raise ReferralError(_("Hanya PPK tujuan yang dapat menjawab rujukan."))
        if locked.status != Referral.Status.SENT:
            raise ReferralError(_("Rujukan ini sudah dijawab (%(status)s).") % {"status": locked.get_status_display()})
        previous = locked.status
        locked.status = status
        locked.responded_by = actor
        locked.responded_at = timezone.now()
        locked.response_note = note
        locked.save()
        audit_event(
            event=f"referral.{status}",
            obj=locked,
            actor=actor,
            summary=f"Rujukan #{locked.pk}: {previous} → {status}",
            changes={"status": [previous, status], "note": note},
        )
        notify_provider(
            provider_id=locked.from_provider_id,
            subject=_("Rujukan #%(id)s %(status)s") % {"id": locked.pk, "status": locked.get_status_display().lower()},
            body=f"{locked.to_provider.name}: {locked.get_status_display()}. {note}".strip(),
            link=reverse("services:referral_detail", args=[locked.pk]),
        )
    return locked


def referral_accept(*, referral: Referral, actor: Any, note: str = "") -> Referral:
    return _respond(referral=referral, actor=actor, status=Referral.Status.ACCEPTED, note=note)


def referral_return(*, referral: Referral, actor: Any, note: str) -> Referral:
    if not (note or "").strip():
        raise ReferralError(_("Tuliskan alasan rujukan dikembalikan."))
    return _respond(referral=referral, actor=actor, status=Referral.Status.RETURNED, note=note.strip())
