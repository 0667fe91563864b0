"""Writes for service guarantee letters (SJP), docs/layanan-ppk-dan-verifikasi.md.

A PPK operator requests an SJP for a patient; the UPT verifier approves or rejects it
(Perbup PPU 29/2016 Pasal 7 ayat 3: the special application is the UPT's). An approved SJP gets a
number unique per year from a counter row locked with select_for_update, and a token
for the public verification page that shows validity only.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.participants.models import Person, Programme
from ejamkesda.participants.selectors import coverage_for
from ejamkesda.providers.models import Provider
from ejamkesda.rules.claims import ServiceKind, sjp_number, within_emergency_window
from ejamkesda.rules.coverage import REASON_DECEASED
from ejamkesda.services import conf, icd
from ejamkesda.services.auditing import audit_event
from ejamkesda.services.models import Sjp, SjpCounter
from ejamkesda.services.notify import notify_provider


class SjpError(ValueError):
    """The request or decision cannot go ahead; the message is for the user (translated)."""


class SjpConflict(SjpError):
    """Someone else decided this SJP first."""


def sjp_request(
    *,
    actor: Any,
    person: Person,
    service_kind: str,
    diagnosis_code: str,
    service_from: dt.date,
    service_to: dt.date | None = None,
    referring_provider: Provider | None = None,
    emergency_at: dt.datetime | None = None,
    notes: str = "",
    now: dt.datetime | None = None,
) -> Sjp:
    """A PPK operator asks for an SJP for a patient of their provider."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if actor.provider_id is None:
        raise SjpError(_("Pengguna tidak terikat pada PPK."))
    kind = ServiceKind(service_kind)
    code = icd.normalise(diagnosis_code)
    if not icd.is_valid(code):
        raise SjpError(_("Kode diagnosis %(code)s bukan kode ICD-10 yang sah.") % {"code": diagnosis_code})
    if service_to is not None and service_to < service_from:
        raise SjpError(_("Tanggal selesai pelayanan tidak boleh sebelum tanggal mulai."))
    after_the_fact = service_from < today
    if kind == ServiceKind.EMERGENCY:
        if emergency_at is None:
            raise SjpError(_("Untuk gawat darurat, isi waktu mulai pelayanan gawat darurat."))
        if timezone.localdate(emergency_at) != service_from:
            raise SjpError(_("Waktu gawat darurat harus pada tanggal mulai pelayanan."))
        if not within_emergency_window(emergency_at, now, conf.SJP_EMERGENCY_WINDOW_HOURS):
            raise SjpError(
                _("SJP gawat darurat hanya dapat diajukan paling lambat %(hours)s jam sesudah pelayanan dimulai.")
                % {"hours": conf.SJP_EMERGENCY_WINDOW_HOURS}
            )
    elif after_the_fact:
        raise SjpError(_("SJP selain gawat darurat harus diajukan sebelum atau pada hari pelayanan."))
    coverage = coverage_for(person, service_from)  # ejamkesda/rules/coverage.py
    if coverage.reason == REASON_DECEASED:
        raise SjpError(_("Penduduk tercatat meninggal sebelum tanggal pelayanan."))
    # Active JKN on the service date: the patient must use JKN, not Jamkesda.
    if coverage.by_programme(Programme.JKN) is not None:
        raise SjpError(_("Pasien peserta JKN aktif pada tanggal pelayanan: gunakan JKN (BPJS Kesehatan), bukan SJP."))
    membership = coverage.by_programme(Programme.JAMKESDA)
    if membership is None:
        raise SjpError(_("Pasien bukan peserta Jamkesda aktif pada tanggal pelayanan."))
    with transaction.atomic():
        sjp = Sjp.objects.create(
            provider_id=actor.provider_id,
            person=person,
            service_kind=kind.value,
            diagnosis_code=code,
            referring_provider=referring_provider,
            service_from=service_from,
            service_to=service_to,
            emergency_at=emergency_at if kind == ServiceKind.EMERGENCY else None,
            after_the_fact=after_the_fact,
            membership=membership,
            notes=notes,
            requested_by=actor,
        )
        audit_event(
            event="sjp.request",
            obj=sjp,
            actor=actor,
            summary=f"SJP diajukan ({kind.value}, {code})",
            changes={"status": sjp.status, "person_id": person.pk},
        )
    return sjp


def _next_number(year: int) -> str:
    """Next SJP number of ``year``; must run inside a transaction (the counter row stays locked)."""
    if not SjpCounter.objects.filter(year=year).exists():
        try:
            with transaction.atomic():
                SjpCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # another transaction created it first
    counter = SjpCounter.objects.select_for_update().get(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return sjp_number(year, counter.last)


def _lock(sjp_id: int) -> Sjp:
    return Sjp.objects.select_for_update().get(pk=sjp_id)


def _decided_message(sjp: Sjp) -> str:
    who = getattr(sjp.decided_by, "username", "")
    return _("SJP ini sudah diputuskan (%(status)s) oleh %(user)s.") % {"status": sjp.get_status_display(), "user": who}


def sjp_approve(*, sjp: Sjp, actor: Any, valid_until: dt.date | None = None, note: str = "") -> Sjp:
    with transaction.atomic():
        locked = _lock(sjp.pk)
        if locked.status != Sjp.Status.REQUESTED:
            raise SjpConflict(_decided_message(locked))
        now = timezone.now()
        locked.number = _next_number(timezone.localdate(now).year)
        locked.status = Sjp.Status.APPROVED
        locked.decided_by = actor
        locked.decided_at = now
        locked.decision_reason = note
        locked.valid_until = valid_until or locked.service_to or locked.service_from + dt.timedelta(days=30)
        locked.save()
        audit_event(
            event="sjp.approve",
            obj=locked,
            actor=actor,
            summary=f"SJP disetujui, nomor {locked.number}",
            changes={"status": [Sjp.Status.REQUESTED, Sjp.Status.APPROVED], "number": locked.number, "note": note},
        )
        notify_provider(
            provider_id=locked.provider_id,
            subject=_("SJP %(number)s disetujui") % {"number": locked.number},
            body=_("SJP #%(id)s disetujui UPT Jamkesda dengan nomor %(number)s.")
            % {"id": locked.pk, "number": locked.number},
            link=reverse("services:sjp_detail", args=[locked.pk]),
        )
    return locked


def sjp_reject(*, sjp: Sjp, actor: Any, reason: str) -> Sjp:
    reason = (reason or "").strip()
    if not reason:
        raise SjpError(_("Alasan penolakan wajib diisi."))
    with transaction.atomic():
        locked = _lock(sjp.pk)
        if locked.status != Sjp.Status.REQUESTED:
            raise SjpConflict(_decided_message(locked))
        locked.status = Sjp.Status.REJECTED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.decision_reason = reason
        locked.save()
        audit_event(
            event="sjp.reject",
            obj=locked,
            actor=actor,
            summary="SJP ditolak",
            changes={"status": [Sjp.Status.REQUESTED, Sjp.Status.REJECTED], "reason": reason},
        )
        notify_provider(
            provider_id=locked.provider_id,
            subject=_("SJP #%(id)s ditolak") % {"id": locked.pk},
            body=_("SJP #%(id)s ditolak UPT Jamkesda. Alasan: %(reason)s") % {"id": locked.pk, "reason": reason},
            link=reverse("services:sjp_detail", args=[locked.pk]),
        )
    return locked


def sjp_is_valid_on(sjp: Sjp, on: dt.date) -> bool:
    """An approved letter covers dates from the service start up to its validity end."""
    if sjp.status != Sjp.Status.APPROVED or sjp.valid_until is None:
        return False
    return sjp.service_from <= on <= sjp.valid_until
