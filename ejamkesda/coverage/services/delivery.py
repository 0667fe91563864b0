"""Delivery of the monthly village lists (Instruksi Bupati Tegal 379/2022 KEDUA 6d: PBI JK
data "tersampaikan kepada Pemerintah Desa setiap bulan"): the UPT publishes a month (each
village's list is then delivered); a village officer's first opening or acknowledgement
marks it received."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from ejamkesda.audit.services import audit_record
from ejamkesda.core.roles import Role
from ejamkesda.coverage.models import CoveragePeriod, VillageListDelivery


def village_lists_publish(*, period: CoveragePeriod, actor: Any) -> int:
    """Deliver the month's lists to every village that has figures; returns how many new."""
    codes = list(period.stats.filter(level=4).values_list("region_code", flat=True))
    now = timezone.now()
    with transaction.atomic():
        existing = set(VillageListDelivery.objects.filter(period=period).values_list("village_code", flat=True))
        new = [
            VillageListDelivery(period=period, village_code=code, published_at=now, published_by=actor)
            for code in codes
            if code not in existing
        ]
        VillageListDelivery.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        audit_record(
            action="create",
            object_type="coverage.VillageListDelivery",
            object_id=str(period.pk),
            summary=f"Kirim daftar PBI desa {period.month:%m-%Y}: {len(new)} desa",
            actor=actor,
        )
    return len(new)


def village_list_receive(
    *, period: CoveragePeriod, village_code: str, user: Any, acknowledge: bool = False
) -> VillageListDelivery | None:
    """Record that the village received its list: the first opening by a village officer,
    or their explicit acknowledgement. Others (UPT, district) opening it change nothing."""
    if getattr(user, "role", "") != Role.VILLAGE_OFFICER or user.region_id != village_code:
        return VillageListDelivery.objects.filter(period=period, village_code=village_code).first()
    with transaction.atomic():
        delivery = (
            VillageListDelivery.objects.select_for_update().filter(period=period, village_code=village_code).first()
        )
        if delivery is None:  # not published yet: nothing to receive
            return None
        now = timezone.now()
        fields = []
        if delivery.opened_at is None:
            delivery.opened_at = now
            fields.append("opened_at")
        if acknowledge and delivery.acknowledged_at is None:
            delivery.acknowledged_at = now
            fields.append("acknowledged_at")
        if fields:
            delivery.received_by = user
            delivery.save(update_fields=[*fields, "received_by"])
            audit_record(
                action="transition",
                obj=delivery,
                summary=f"Daftar PBI {village_code} {period.month:%m-%Y} diterima ({', '.join(fields)})",
                actor=user,
            )
    return delivery
