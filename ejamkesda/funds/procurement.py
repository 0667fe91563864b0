"""Procurement of drugs, devices and consumables where the provider's profile requires it
(Perbup Kapuas Hulu 9/2015 Pasal 7-18):

1. the Pejabat Pengadaan of Dinas Kesehatan orders (Pasal 9-11);
2. the PPHP inspects, accepts and signs the handover record (Pasal 12-14);
3. only then the treasurer pays and keeps the proof of payment (Pasal 15-18).

Three different people: who orders neither accepts nor pays, who accepts does not pay —
decided by the one separation-of-duties rule (``ejamkesda/core/duties.py``), never relaxed
here since the regulation names three officials. Profiles without procurement (Perbup Tanah
Datar 29/2017 Pasal 5) record expenses directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from ejamkesda.audit.models import AuditLog
from ejamkesda.audit.services import audit_record
from ejamkesda.core.duties import check_separation
from ejamkesda.core.permissions import user_has_role
from ejamkesda.core.roles import Role
from ejamkesda.funds.models import BudgetLine, OrderStatus, PurchaseOrder
from ejamkesda.funds.spending import check_amount, check_proof, check_spend, lock_pool, provider_profile

ORDER_ROLES = (Role.PROCUREMENT_OFFICER,)
# The committee's result is recorded by Dinas Kesehatan staff (the head of Dinas appoints the
# PPHP, Pasal 12), never by the treasurer who pays.
INSPECTION_ROLES = (Role.UPT_ADMIN, Role.UPT_VERIFIER)
PAYMENT_ROLES = (Role.TREASURER, Role.UPT_ADMIN)


def _may_order(actor: Any) -> bool:
    """A superuser, or the Pejabat Pengadaan of Dinas Kesehatan (not of any other OPD)."""
    return user_has_role(actor, ORDER_ROLES) and (actor.is_superuser or actor.is_health_office_procurement)


@transaction.atomic
def order_create(
    *, line: BudgetLine, number: str, supplier: str, description: str, amount: int, ordered_on: dt.date, actor: Any
) -> PurchaseOrder:
    """The procurement official orders; the amount is reserved on the line and its pool."""
    if not _may_order(actor):
        raise PermissionDenied
    check_amount(amount)
    line = lock_pool(line)
    _profile, rules = provider_profile(provider=line.provider, year=line.year)
    if not rules.needs_procurement(line.category):
        raise ValidationError(
            _(
                "Profil regulasi PPK ini tidak mengatur pengadaan dengan PPHP untuk kategori ini; "
                "catat belanja langsung."
            )
        )
    check_spend(line, amount, rules)
    order = PurchaseOrder.objects.create(
        line=line, number=number, supplier=supplier, description=description, amount=amount,
        ordered_on=ordered_on, created_by=actor,
    )  # fmt: skip
    audit_record(action=AuditLog.Action.CREATE, obj=order, actor=actor, summary=f"Pesanan {number} Rp {amount}")
    return order


@transaction.atomic
def order_inspect(
    *,
    order: PurchaseOrder,
    accepted: bool,
    committee_decree: str,
    committee_members: str,
    handover_number: str,
    note: str,
    inspected_on: dt.date,
    actor: Any,
) -> PurchaseOrder:
    """Record the PPHP's inspection; an accepted order needs the handover record number."""
    if not user_has_role(actor, INSPECTION_ROLES):
        raise PermissionDenied
    order = PurchaseOrder.objects.select_for_update(of=("self",)).select_related("created_by").get(pk=order.pk)
    check_separation(
        actor=actor,
        step=_("memeriksa dan menerima hasil pekerjaan"),
        earlier={_("memesan barang ini"): order.created_by},
        basis="Perbup Kapuas Hulu 9/2015 Pasal 9 dan 13",
    )
    if order.status != OrderStatus.ORDERED:
        raise ValidationError(_("Pesanan ini sudah diperiksa."))
    if not committee_decree.strip() or not committee_members.strip():
        raise ValidationError(_("Nomor SK dan anggota PPHP wajib diisi (Perbup Kapuas Hulu 9/2015 Pasal 12)."))
    if accepted and not handover_number.strip():
        raise ValidationError(
            _("Nomor berita acara serah terima wajib diisi bila diterima (Perbup Kapuas Hulu 9/2015 Pasal 13-14).")
        )
    order.status = OrderStatus.ACCEPTED if accepted else OrderStatus.REJECTED
    order.committee_decree, order.committee_members = committee_decree.strip(), committee_members.strip()
    order.handover_number, order.inspection_note = handover_number.strip(), note
    order.inspected_on, order.inspected_by = inspected_on, actor
    order.save()
    audit_record(
        action=AuditLog.Action.TRANSITION, obj=order, actor=actor, summary=f"PPHP {order.get_status_display()}: {order}"
    )
    return order


@transaction.atomic
def order_pay(*, order: PurchaseOrder, paid_on: dt.date, proof: UploadedFile | None, actor: Any) -> PurchaseOrder:
    """The treasurer pays only an order the PPHP accepted, and keeps the proof (Pasal 15-18)."""
    if not user_has_role(actor, PAYMENT_ROLES):
        raise PermissionDenied
    check_proof(proof)
    order = (
        PurchaseOrder.objects.select_for_update(of=("self",))
        .select_related("created_by", "inspected_by")
        .get(pk=order.pk)
    )
    check_separation(
        actor=actor,
        step=_("membayarnya"),
        earlier={_("memesan barang ini"): order.created_by, _("menerima hasil pekerjaan"): order.inspected_by},
        basis="Perbup Kapuas Hulu 9/2015 Pasal 9, 13 dan 15",
    )
    if order.status != OrderStatus.ACCEPTED:
        raise ValidationError(_("Pembayaran hanya setelah PPHP menerima barang dan menandatangani berita acara."))
    order.status, order.paid_on, order.paid_by = OrderStatus.PAID, paid_on, actor
    order.payment_proof = proof  # type: ignore[assignment]
    order.save()
    audit_record(action=AuditLog.Action.TRANSITION, obj=order, actor=actor, summary=f"Dibayar: {order}")
    return order
