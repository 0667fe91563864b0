"""Writes of the enrolment app: submit an application, approve it, reject it.

The state machine lives in one place, :func:`_lock_open`: only an application in status
``diajukan`` can be decided, the row is locked (``select_for_update``) for the decision,
so two verifiers deciding at the same moment → exactly one wins, the other gets
:class:`ApplicationStateError` saying who decided first.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.core.roles import Role
from ejamkesda.enrolment import conf
from ejamkesda.enrolment.models import (
    Application,
    ApplicationDocument,
    ApplicationOutcome,
    ApplicationStatus,
    DocumentKind,
)
from ejamkesda.enrolment.selectors import active_memberships
from ejamkesda.enrolment.tracking import tracking_code_display, tracking_code_new
from ejamkesda.enrolment.uploads import check_upload, display_name, private_name
from ejamkesda.notifications.services import notification_send
from ejamkesda.participants.models import (
    Membership,
    MembershipStatus,
    ParticipantHistory,
    Person,
    Programme,
)
from ejamkesda.rules.nik import InvalidNik, parse_nik


class AlreadyCovered(Exception):
    """The person already has an active JKN or Jamkesda membership."""

    def __init__(self, memberships: list[Membership]) -> None:
        super().__init__("sudah menjadi peserta aktif")
        self.memberships = memberships


class DuplicateApplication(Exception):
    """An application for this NIK is still waiting for verification."""


class ApplicationStateError(Exception):
    """The application is no longer in a state that allows this action (message for the user)."""


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def default_validity(start: dt.date) -> tuple[dt.date, dt.date]:
    """``ENROLMENT_VALIDITY_MONTHS`` months from ``start``, the last day included."""
    return start, add_months(start, conf.validity_months()) - dt.timedelta(days=1)


def _notify_applicant(application: Application, subject: str, body: str) -> None:
    if application.email or application.phone:
        notification_send(
            email=application.email or None,
            phone=application.phone or None,
            subject=subject,
            body=body,
            link=reverse("enrolment:track"),
        )


def _notify_verifiers(application: Application) -> None:
    from ejamkesda.accounts.models import User

    link = reverse("enrolment:detail", args=[application.pk])
    for user in User.objects.filter(role=Role.UPT_VERIFIER, is_active=True).only("id", "email"):
        notification_send(
            recipient_user=user,
            subject=_("Pengajuan kepesertaan baru %(code)s") % {"code": application.code_display},
            body=_("Pengajuan kepesertaan Jamkesda baru menunggu verifikasi."),
            link=link,
        )


def application_submit(
    *,
    nik: str,
    kk_number: str,
    name: str,
    birth_date: dt.date,
    address: str,
    reason: str,
    phone: str = "",
    email: str = "",
    documents: Iterable[tuple[str, UploadedFile]],
) -> Application:
    """File a public application (Perbup PPU 29/2016 Pasal 7 ayat (2): aplikasi umum for everyone).

    Raises ``ValidationError`` (bad NIK / birth date, bad documents), :class:`AlreadyCovered`
    (already an active JKN or Jamkesda member: nothing is stored) or
    :class:`DuplicateApplication`.
    """
    try:
        parsed = parse_nik(nik)
    except InvalidNik as error:
        raise ValidationError({"nik": str(error)}) from None
    mismatches = parsed.mismatches(birth_date=birth_date)
    if mismatches:
        raise ValidationError({"birth_date": "; ".join(mismatches)})
    covered = active_memberships(nik=parsed.nik)
    if covered:
        raise AlreadyCovered(covered)
    documents = list(documents)
    kinds = {kind for kind, _upload in documents}
    missing = [label for kind, label in ((DocumentKind.KTP, "KTP"), (DocumentKind.KK, "KK")) if kind not in kinds]
    if missing:
        raise ValidationError(_("Dokumen wajib belum diunggah: %(docs)s") % {"docs": ", ".join(missing)})
    checked = [(kind, upload, check_upload(upload)) for kind, upload in documents]

    with transaction.atomic():
        if Application.objects.filter(nik=parsed.nik, status=ApplicationStatus.SUBMITTED).exists():
            raise DuplicateApplication
        application = Application(
            nik=parsed.nik,
            kk_number=kk_number.strip(),
            name=" ".join(name.split()),
            sex=parsed.sex,
            birth_date=birth_date,
            address=address.strip(),
            phone=phone.strip(),
            email=email.strip(),
            reason=reason.strip(),
        )
        for _attempt in range(5):
            application.tracking_code = tracking_code_new()
            try:
                with transaction.atomic():
                    application.save()
                break
            except IntegrityError:
                if Application.objects.filter(nik=parsed.nik, status=ApplicationStatus.SUBMITTED).exists():
                    raise DuplicateApplication from None
                application.pk = None
        else:  # pragma: no cover - 31**10 codes
            raise RuntimeError("kode pelacakan tidak dapat dibuat")
        for kind, upload, file_type in checked:
            document = ApplicationDocument(
                application=application,
                kind=kind,
                original_name=display_name(upload),
                content_type=file_type.content_type,
                size=upload.size or 0,
            )
            document.file.save(private_name(upload, file_type), upload, save=False)
            document.save()
        audit_record(
            action="create",
            obj=application,
            summary="pengajuan kepesertaan Jamkesda dari aplikasi umum",
            changes={"documents": sorted(kinds)},
        )
        _notify_applicant(
            application,
            _("Pengajuan Jamkesda diterima"),
            _(
                "Pengajuan kepesertaan Jamkesda Anda sudah kami terima. Kode pelacakan: %(code)s. "
                "Simpan kode ini untuk melihat status pengajuan."
            )
            % {"code": application.code_display},
        )
        _notify_verifiers(application)
    return application


def _lock_open(application: Application) -> Application:
    """Lock the row and check it may still be decided (the one place of the state machine)."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.SUBMITTED:
        who = locked.decided_by.get_username() if locked.decided_by else "-"
        raise ApplicationStateError(
            _("Pengajuan ini sudah diputuskan (%(status)s) oleh %(who)s.")
            % {"status": locked.get_status_display(), "who": who}
        )
    return locked


def _person_for(application: Application, actor: Any) -> Person:
    """The registered person with this NIK; created from the application if missing.

    An existing person's data is left alone (the register's sources win over a form).
    """
    from ejamkesda.participants.services import person_register

    person = Person.objects.filter(nik=application.nik).first()
    if person is not None:
        return person
    person, _created = person_register(
        nik=application.nik,
        actor=actor,
        source=f"pengajuan {application.code_display}",
        kk_number=application.kk_number,
        name=application.name,
        sex=application.sex,
        birth_date=application.birth_date,
        address=application.address,
        phone=application.phone,
    )
    return person


def application_approve(
    *,
    application: Application,
    actor: Any,
    outcome: str = ApplicationOutcome.JAMKESDA,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    note: str = "",
) -> Application:
    """Approve: a Jamkesda membership for the validity period, or a proposal to register the
    person in JKN as PBPU/BP Pemda (premium paid by the regency)."""
    if outcome not in ApplicationOutcome.values:
        raise ValueError(f"hasil tidak dikenal: {outcome}")
    with transaction.atomic():
        locked = _lock_open(application)
        covered = active_memberships(nik=locked.nik)
        if covered:
            names = ", ".join(sorted({m.get_programme_display() for m in covered}))
            raise ApplicationStateError(
                _("Penduduk ini sudah peserta aktif (%(programmes)s); tolak pengajuan dengan alasan tersebut.")
                % {"programmes": names}
            )
        person = _person_for(locked, actor)
        source = f"pengajuan {locked.code_display}"
        today = timezone.localdate()
        if outcome == ApplicationOutcome.JAMKESDA:
            from ejamkesda.participants.services import membership_record

            start, end = default_validity(valid_from or today)
            end = valid_to or end
            if end < start:
                raise ValidationError({"valid_to": _("Tanggal akhir berlaku harus setelah tanggal mulai.")})
            membership, _created = membership_record(
                person=person,
                programme=Programme.JAMKESDA,
                card_number=f"JKD{locked.pk:09d}",
                actor=actor,
                status=MembershipStatus.ACTIVE,
                valid_from=start,
                valid_to=end,
                source=source,
                source_date=today,
            )
            locked.membership = membership
            locked.valid_from, locked.valid_to = start, end
        else:
            ParticipantHistory.objects.create(
                person=person,
                actor=actor if getattr(actor, "is_authenticated", False) else None,
                source=source,
                changes={"usulan_jkn": [None, "pbpu_bp_pemda"]},
            )
        locked.person = person
        locked.status = ApplicationStatus.APPROVED
        locked.outcome = outcome
        locked.decision_note = note.strip()
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save()
        audit_record(
            action="transition",
            obj=locked,
            actor=actor,
            summary=f"pengajuan {locked.code_display} disetujui",
            changes={
                "status": [ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED],
                "outcome": outcome,
                "valid_from": locked.valid_from.isoformat() if locked.valid_from else None,
                "valid_to": locked.valid_to.isoformat() if locked.valid_to else None,
                "note": locked.decision_note,
            },
        )
        _notify_applicant(
            locked,
            _("Pengajuan Jamkesda disetujui"),
            _("Pengajuan %(code)s disetujui: %(outcome)s.")
            % {"code": locked.code_display, "outcome": locked.get_outcome_display()},
        )
    return locked


def application_reject(*, application: Application, actor: Any, reason: str) -> Application:
    """Reject with a reason the applicant sees on the tracking page."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Alasan penolakan wajib diisi.")})
    with transaction.atomic():
        locked = _lock_open(application)
        locked.status = ApplicationStatus.REJECTED
        locked.rejection_reason = reason
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save()
        audit_record(
            action="transition",
            obj=locked,
            actor=actor,
            summary=f"pengajuan {locked.code_display} ditolak",
            changes={"status": [ApplicationStatus.SUBMITTED, ApplicationStatus.REJECTED], "reason": reason},
        )
        _notify_applicant(
            locked,
            _("Pengajuan Jamkesda ditolak"),
            _("Pengajuan %(code)s ditolak. Alasan: %(reason)s")
            % {"code": tracking_code_display(locked.tracking_code), "reason": reason},
        )
    return locked
