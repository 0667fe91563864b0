"""``manage.py api_cleanup``: forget Idempotency-Keys older than API_IDEMPOTENCY_DAYS (run daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from ejamkesda.api import conf
from ejamkesda.api.models import IdempotencyRecord


class Command(BaseCommand):
    help = "Menghapus kunci idempotensi API yang lebih tua dari API_IDEMPOTENCY_DAYS hari."

    def handle(self, *args: Any, **options: Any) -> None:
        cutoff = timezone.now() - dt.timedelta(days=conf.IDEMPOTENCY_DAYS)
        deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
        self.stdout.write(f"{deleted} kunci idempotensi dihapus.")
