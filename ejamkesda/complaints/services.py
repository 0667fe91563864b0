"""Writes of complaints: file, assign, respond, close.

The state machine is the table ``_ALLOWED`` and the one function :func:`_transition`,
which locks the row (``select_for_update``): two officers acting at once → one wins, the
other gets :class:`ComplaintStateError`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ejamkesda.audit.services import audit_record
from ejamkesda.complaints.models import Complaint, ComplaintStatus
from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import UPT_ROLES, Role
from ejamkesda.enrolment.tracking import tracking_code_new
from ejamkesda.enrolment.uploads import check_upload, display_name, private_name
from ejamkesda.notifications.services import notification_send


class ComplaintStateError(Exception):
    """The complaint is not in a state that allows this action (message for the user)."""


_ALLOWED: dict[str, tuple[frozenset[str], str]] = {
    "assign": (frozenset({ComplaintStatus.NEW, ComplaintStatus.ASSIGNED}), ComplaintStatus.ASSIGNED),
    "respond": (
        frozenset({ComplaintStatus.NEW, ComplaintStatus.ASSIGNED, ComplaintStatus.ANSWERED}),
        ComplaintStatus.ANSWERED,
    ),
    "close": (frozenset({ComplaintStatus.ANSWERED}), ComplaintStatus.CLOSED),
}


def _transition(complaint: Complaint, action: str) -> tuple[Complaint, str, str]:
    allowed, target = _ALLOWED[action]
    locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
    if locked.status not in allowed:
        raise ComplaintStateError(
            _("Pengaduan ini berstatus %(status)s; tindakan tidak dapat dilakukan.")
            % {"status": locked.get_status_display()}
        )
    return locked, locked.status, target


def _notify_complainant(complaint: Complaint, subject: str, body: str) -> None:
    if complaint.contact_email or complaint.contact_phone:
        notification_send(
            email=complaint.contact_email or None,
            phone=complaint.contact_phone or None,
            subject=subject,
            body=body,
            link=reverse("complaints:track"),
        )


def _notify_upt_admins(complaint: Complaint) -> None:
    """UPT admins distribute new complaints: each gets an inbox entry."""
    from ejamkesda.accounts.models import User

    link = reverse("complaints:detail", args=[complaint.pk])
    for user in User.objects.filter(role=Role.UPT_ADMIN, is_active=True).only("id", "email"):
        notification_send(
            recipient_user=user,
            subject=_("Pengaduan baru %(code)s") % {"code": complaint.code_display},
            body=_("Kategori: %(category)s. Mohon ditugaskan kepada petugas.")
            % {"category": complaint.get_category_display()},
            link=link,
        )


def complaint_file(
    *,
    category: str,
    description: str,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    attachment: UploadedFile | None = None,
) -> Complaint:
    """Anyone files a complaint (no login); returns it with its tracking code."""
    description = description.strip()
    if not description:
        raise ValidationError({"description": _("Uraian pengaduan wajib diisi.")})
    file_type = check_upload(attachment) if attachment else None
    with transaction.atomic():
        complaint = Complaint(
            category=category,
            description=description,
            contact_name=contact_name.strip(),
            contact_email=contact_email.strip(),
            contact_phone=contact_phone.strip(),
        )
        for _attempt in range(5):
            complaint.tracking_code = tracking_code_new()
            try:
                with transaction.atomic():
                    complaint.save()
                break
            except IntegrityError:
                complaint.pk = None
        else:  # pragma: no cover
            raise RuntimeError("kode pelacakan tidak dapat dibuat")
        if attachment is not None and file_type is not None:
            complaint.attachment_name = display_name(attachment)
            complaint.attachment_type = file_type.content_type
            complaint.attachment.save(private_name(attachment, file_type), attachment, save=False)
            complaint.save(update_fields=["attachment", "attachment_name", "attachment_type"])
        audit_record(
            action="create",
            obj=complaint,
            summary=f"pengaduan {complaint.code_display} ({complaint.category})",
            changes={"category": category, "attachment": bool(attachment)},
        )
        _notify_upt_admins(complaint)
        _notify_complainant(
            complaint,
            _("Pengaduan diterima"),
            _("Pengaduan Anda sudah kami terima. Kode pelacakan: %(code)s.") % {"code": complaint.code_display},
        )
    return complaint


def complaint_assign(*, complaint: Complaint, actor: Any, assignee: Any) -> Complaint:
    """Assign (or reassign) the complaint to a UPT officer."""
    if not user_has_role(assignee, UPT_ROLES):
        raise ValidationError({"assignee": _("Pengaduan hanya dapat ditugaskan kepada petugas UPT.")})
    with transaction.atomic():
        locked, before, target = _transition(complaint, "assign")
        previous = locked.assigned_to.get_username() if locked.assigned_to else None
        locked.assigned_to = assignee
        locked.assigned_at = timezone.now()
        locked.status = target
        locked.save(update_fields=["assigned_to", "assigned_at", "status"])
        audit_record(
            action="transition",
            obj=locked,
            actor=actor,
            summary=f"pengaduan {locked.code_display} ditugaskan ke {assignee.get_username()}",
            changes={"status": [before, target], "assigned_to": [previous, assignee.get_username()]},
        )
        notification_send(
            recipient_user=assignee,
            subject=_("Pengaduan %(code)s ditugaskan kepada Anda") % {"code": locked.code_display},
            body=_("Kategori: %(category)s.") % {"category": locked.get_category_display()},
            link=reverse("complaints:detail", args=[locked.pk]),
        )
    return locked


def complaint_respond(*, complaint: Complaint, actor: Any, response: str) -> Complaint:
    """Write (or revise) the answer the complainant sees with the tracking code."""
    response = response.strip()
    if not response:
        raise ValidationError({"response": _("Jawaban wajib diisi.")})
    with transaction.atomic():
        locked, before, target = _transition(complaint, "respond")
        locked.response = response
        locked.responded_at = timezone.now()
        locked.responded_by = actor
        if locked.assigned_to_id is None:
            locked.assigned_to, locked.assigned_at = actor, locked.responded_at
        locked.status = target
        locked.save()
        audit_record(
            action="transition",
            obj=locked,
            actor=actor,
            summary=f"pengaduan {locked.code_display} dijawab",
            changes={"status": [before, target], "response": response},
        )
        _notify_complainant(
            locked,
            _("Pengaduan Anda sudah dijawab"),
            _("Pengaduan %(code)s sudah dijawab. Lihat jawabannya dengan kode pelacakan Anda.")
            % {"code": locked.code_display},
        )
    return locked


def complaint_close(*, complaint: Complaint, actor: Any) -> Complaint:
    """Close an answered complaint."""
    with transaction.atomic():
        locked, before, target = _transition(complaint, "close")
        locked.status = target
        locked.closed_at = timezone.now()
        locked.closed_by = actor
        locked.save(update_fields=["status", "closed_at", "closed_by"])
        audit_record(
            action="transition",
            obj=locked,
            actor=actor,
            summary=f"pengaduan {locked.code_display} ditutup",
            changes={"status": [before, target]},
        )
        _notify_complainant(
            locked,
            _("Pengaduan selesai"),
            _("Pengaduan %(code)s telah ditutup.") % {"code": locked.code_display},
        )
    return locked
