"""Background jobs (imports first): who started what, when, how far it got, what failed.

The uploaded file and the error report live in the private import directory
(``jobs.conf.import_dir()``), never under a public URL; they are served only by
permission-checked views.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

STALE_AFTER = dt.timedelta(minutes=15)


class Job(models.Model):
    class Status(models.TextChoices):
        PENDING = "antre", _("Menunggu")
        RUNNING = "berjalan", _("Berjalan")
        SUCCEEDED = "selesai", _("Selesai")
        FAILED = "gagal", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=40, db_index=True)  # key in jobs.registry
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    dry_run = models.BooleanField(_("uji coba (tanpa menyimpan)"), default=False)
    source = models.CharField(_("sumber data"), max_length=100, blank=True)
    original_name = models.CharField(_("nama berkas"), max_length=255, blank=True)
    file_path = models.CharField(max_length=500, blank=True)  # absolute path of the stored upload
    file_size = models.BigIntegerField(_("ukuran berkas"), default=0)
    options = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dimulai oleh"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Scope: a job started by an OPD operator / PPK operator belongs to their agency / provider.
    agency = models.ForeignKey("accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey(
        "providers.Provider", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("mulai"), null=True, blank=True)
    finished_at = models.DateTimeField(_("selesai"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    progress = models.FloatField(default=0.0)  # 0..1, for the progress bar only
    rows_read = models.PositiveIntegerField(_("baris dibaca"), default=0)
    rows_valid = models.PositiveIntegerField(_("baris valid"), default=0)
    rows_rejected = models.PositiveIntegerField(_("baris ditolak"), default=0)
    rows_created = models.PositiveIntegerField(_("baru"), default=0)
    rows_updated = models.PositiveIntegerField(_("diperbarui"), default=0)
    rows_unchanged = models.PositiveIntegerField(_("tidak berubah"), default=0)
    error_count = models.PositiveIntegerField(_("jumlah kesalahan"), default=0)
    error_report_path = models.CharField(max_length=500, blank=True)
    message = models.TextField(_("pesan"), blank=True)  # why the whole job failed, for the user
    details = models.JSONField(default=dict, blank=True)  # encoding, delimiter, ignored headers, seconds

    class Meta:
        verbose_name = _("pekerjaan impor")
        verbose_name_plural = _("pekerjaan impor")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.original_name}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PENDING, self.Status.RUNNING)

    @property
    def is_stale(self) -> bool:
        """Running, but no progress for ``STALE_AFTER``: the worker was probably killed. Nothing
        is half-written (batches are atomic); the job can be run again."""
        if self.status != self.Status.RUNNING or self.heartbeat_at is None:
            return False
        return timezone.now() - self.heartbeat_at > STALE_AFTER

    @property
    def percent(self) -> int:
        if self.status == self.Status.SUCCEEDED:
            return 100
        return max(0, min(100, int(self.progress * 100)))

    @property
    def has_error_report(self) -> bool:
        return bool(self.error_report_path) and self.error_count > 0


class SuspendedSchemaObject(models.Model):
    """A secondary index or foreign key set aside by an import's initial-load mode, with the SQL
    that builds it again (``jobs.importing.bulkload``). A row here means the object is missing
    from the database right now; the end of the load, the next import, ``manage.py migrate`` or
    ``manage.py import_restore_indexes`` builds it again and deletes the row."""

    class Kind(models.TextChoices):
        INDEX = "index", _("indeks")
        FOREIGN_KEY = "foreign_key", _("kunci asing")

    table = models.CharField(_("tabel"), max_length=63)
    name = models.CharField(_("nama"), max_length=63)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    definition = models.TextField(_("definisi SQL"))
    created_at = models.DateTimeField(_("dilepas pada"), auto_now_add=True)

    class Meta:
        verbose_name = _("indeks/kunci asing yang dilepas sementara")
        verbose_name_plural = _("indeks/kunci asing yang dilepas sementara")
        ordering = ["kind", "table", "name"]
        # A constraint's name is unique only within its table (an index's within the schema).
        constraints = [
            models.UniqueConstraint(fields=["table", "kind", "name"], name="jobs_suspended_object_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.table}.{self.name}"
